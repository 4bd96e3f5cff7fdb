package rocketchat

import (
	"fmt"
	"net/http"
)

// Error is a refusal in Rocket.Chat's terms. The server renders it as
//
//	{"success": false, "error": "<Reason> [<Type>]", "errorType": "<Type>", "details": {...}}
//
// with Status (400 for almost every business rule, as the real server does).
type Error struct {
	Status  int
	Reason  string         // human-readable sentence
	Type    string         // Rocket.Chat's error code, e.g. "error-not-allowed"; empty for plain failures
	Details map[string]any // optional, e.g. {"method": "addUsersToRoom"}
	// Raw, when set, is the "error" text as sent, for the few places where
	// the server does not use the "<reason> [<type>]" form.
	Raw string
}

func (e *Error) Error() string {
	if e.Raw != "" {
		return e.Raw
	}
	if e.Type == "" {
		return e.Reason
	}
	return fmt.Sprintf("%s [%s]", e.Reason, e.Type)
}

// Is lets errors.Is match two Errors by Type, so tests and callers can
// compare against the sentinels below.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Type != "" && t.Type == e.Type
}

func fail(typ, reason string) *Error {
	return &Error{Status: http.StatusBadRequest, Reason: reason, Type: typ}
}

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
	errUnauthorized = &Error{Status: http.StatusUnauthorized, Raw: "You must be logged in to do this."}
	// errForbidden is the 8.x answer of routes guarded by a permission.
	errForbidden = &Error{Status: http.StatusForbidden, Reason: "User does not have the permissions required for this action", Type: "error-forbidden"}
	// errForbiddenHelper is what the server's generic forbidden() helper
	// answers in 8.x, used by routes that check a permission in their body.
	errForbiddenHelper = &Error{Status: http.StatusForbidden, Raw: "forbidden"}
)

// with returns a copy of e with a different reason, keeping its type, so
// messages can name the thing they are about.
func (e *Error) with(reason string) *Error {
	c := *e
	c.Reason = reason
	return &c
}

// withMethod returns a copy of e that names the server method in details,
// as Rocket.Chat does for Meteor method errors.
func (e *Error) withMethod(method string) *Error {
	c := *e
	c.Details = map[string]any{"method": method}
	return &c
}
