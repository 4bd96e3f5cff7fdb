package rocketchat

import (
	"net/http"

	"github.com/standin/standin/mockserver"
)

// Rocket.Chat answers refusals in two body forms: Meteor errors, whose
// "error" text ends in the error type in brackets,
//
//	{"success": false, "error": "<Message> [<Code>]", "errorType": "<Code>", "details": {...}}
//
// and plain API failures, whose "error" is the message alone (the
// errorType, if any, beside it). Business rules answer 400 almost always,
// as the real server does.

// Meteor method errors name the method in details: .WithDetail("method", m).

// fail declares a Meteor error of the rules: 400, code and message.
func fail(code, message string) *mockserver.Error {
	return mockserver.Refusal(http.StatusBadRequest, code, message)
}

// plain declares a plain API failure: the error text as sent, and an
// optional errorType.
func plain(status int, code, text string) *mockserver.Error {
	return mockserver.Refusal(status, code, text).InForm(formPlain)
}

// formPlain is the body form other than the Meteor error: "error" is the
// message as is.
const formPlain = "plain"

// Sentinels for the rules the fake enforces; match them with errors.Is.
var (
	ErrNotAllowed       = fail("error-not-allowed", "Not allowed")
	ErrRoomNotFound     = fail("error-room-not-found", "The required \"roomId\" or \"roomName\" param provided does not match any channel")
	ErrUserNotFound     = fail("error-user-not-found", "User not found")
	ErrUserNotInRoom    = fail("error-user-not-in-room", "User is not in this room")
	ErrLastOwner        = fail("error-remove-last-owner", "This is the last owner. Please set a new owner before removing this one.")
	ErrYouAreLastOwner  = fail("error-you-are-last-owner", "You are the last owner. Please set new owner before leaving the room.")
	ErrAlreadyOwner     = fail("error-user-already-owner", "User is already an owner")
	ErrNotOwner         = fail("error-user-not-owner", "User is not an owner")
	ErrAlreadyModerator = fail("error-user-already-moderator", "User is already a moderator")
	ErrNotModerator     = fail("error-user-not-moderator", "User is not a moderator")
	ErrDuplicateName    = fail("error-duplicate-channel-name", "A channel with that name exists")
	ErrFieldUnavailable = fail("error-field-unavailable", "is already in use :(")

	// errUnauthorized is the 8.x answer to a missing or wrong token.
	errUnauthorized = plain(http.StatusUnauthorized, "", "You must be logged in to do this.")
	// errForbidden is the 8.x answer of routes guarded by a permission.
	errForbidden = &mockserver.Error{Status: http.StatusForbidden, Kind: mockserver.KindForbidden, Code: "error-forbidden",
		Message: "User does not have the permissions required for this action"}
	// errUnauthorizedHelper is what the server's unauthorized() helper
	// answers in 8.x: 401 {"success": false, "error": "unauthorized"}
	// (apps/meteor/app/api/server/ApiClass.ts), used by routes that check a
	// permission in their body and return API.v1.unauthorized() (users.list,
	// users.delete in apps/meteor/app/api/server/v1/users.ts).
	errUnauthorizedHelper = plain(http.StatusUnauthorized, "", "unauthorized")
	// errForbiddenHelper is what the server's generic forbidden() helper
	// answers in 8.x, used by routes that check a permission in their body.
	errForbiddenHelper = plain(http.StatusForbidden, "", "forbidden")
	// errLoginFailed is a refused login in 8.x: the unauthorized() helper's
	// body, {"success": false, "error": "unauthorized"}
	// (apps/meteor/app/api/server/ApiClass.ts, the login route's catch; the
	// status/error/message body of older servers is added only when the 8.0
	// breaking changes are off).
	errLoginFailed = plain(http.StatusUnauthorized, "", "unauthorized")
)

// The refusals of users.info.
var (
	// errUsersInfoParams is the ajv refusal of none or several lookup keys:
	// the body ApiClass.ts gives a validateParams failure (Meteor error
	// "invalid-params" with ajv's messages joined by "\n "), as the
	// Open-API file's users.info example shows.
	errUsersInfoParams = fail("invalid-params", "must have required property 'userId'\n must have required property 'username'\n must have required property 'importId'\n must have required property 'email'\n must have required property 'freeSwitchExtension'\n must match a schema in anyOf")
	// errUserInfoNotFound is API.v1.failure('User not found.'): a plain
	// error, no errorType (apps/meteor/app/api/server/v1/users.ts).
	errUserInfoNotFound = plain(http.StatusBadRequest, "", "User not found.")
	// errUserInfoEmptyKey is users.info's answer when the one key given is
	// empty: the route looks up only a non-empty key
	// (apps/meteor/app/api/server/v1/users.ts, users.info, searchTerms).
	errUserInfoEmptyKey = plain(http.StatusBadRequest, "", "Invalid search query.")
)
