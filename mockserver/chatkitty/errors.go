package chatkitty

import (
	"net/http"

	"github.com/standin/standin/mockserver"
)

// The forms of ChatKitty's two error bodies: ApiError for the API's own
// refusals, AuthenticationError (OAuth's {error, error_description}) for
// credentials.
const formAuth = "auth"

// Refusals. The error names are this mock's (ChatKitty documents the
// ApiError shape but not its values); see the spec's decisions.
var (
	// ErrUnauthorized: no token, an unknown one or an expired one.
	ErrUnauthorized = authRefusal(http.StatusUnauthorized, "invalid_token", "Full authentication is required to access this resource")
	// ErrInvalidClient: the token endpoint's client id or secret is wrong or missing.
	ErrInvalidClient = authRefusal(http.StatusUnauthorized, "invalid_client", "Bad client credentials")
	// ErrUnsupportedGrant: a grant_type other than client_credentials.
	ErrUnsupportedGrant = authRefusal(http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type")

	ErrNotFound             = mockserver.Refusal(http.StatusNotFound, "RESOURCE_NOT_FOUND", "Resource not found")
	ErrUserNameTaken        = mockserver.Refusal(http.StatusBadRequest, "USER_NAME_TAKEN", "A user with this name already exists")
	ErrChannelNameTaken     = mockserver.Refusal(http.StatusBadRequest, "CHANNEL_NAME_TAKEN", "A channel with this name already exists")
	ErrInvalid              = mockserver.Refusal(http.StatusBadRequest, "INVALID_REQUEST", "Invalid request")
	ErrGuestsDisabled       = mockserver.Refusal(http.StatusBadRequest, "GUEST_USERS_DISABLED", "Guest users are disabled for this application")
	ErrUserChannelsDisabled = mockserver.Refusal(http.StatusBadRequest, "USER_CREATED_CHANNELS_DISABLED", "User-created channels are disabled for this application")
	ErrDirectChannelFull    = mockserver.Refusal(http.StatusBadRequest, "DIRECT_CHANNEL_FULL", "A direct channel holds at most 10 users")
	ErrDirectChannelFixed   = mockserver.Refusal(http.StatusBadRequest, "DIRECT_CHANNEL_MEMBERS_FIXED", "The members of a direct channel cannot change")
	ErrNotMember            = mockserver.Refusal(http.StatusBadRequest, "NOT_A_CHANNEL_MEMBER", "The user is not a member of the channel")
	ErrAlreadyMember        = mockserver.Refusal(http.StatusBadRequest, "ALREADY_A_CHANNEL_MEMBER", "The user is already a member of the channel")
	ErrNoInvites            = mockserver.Refusal(http.StatusBadRequest, "DIRECT_CHANNEL_INVITE", "Direct channels take no invites")
	ErrNoSuchMember         = mockserver.Refusal(http.StatusNotFound, "MEMBER_NOT_FOUND", "The user is not a member of the channel")
	ErrNoSuchModerator      = mockserver.Refusal(http.StatusNotFound, "MODERATOR_NOT_FOUND", "The user is not a moderator of the channel")
	ErrBadSort              = mockserver.Refusal(http.StatusBadRequest, "INVALID_SORT", "Unsupported sort")
)

func authRefusal(status int, code, description string) *mockserver.Error {
	return mockserver.Refusal(status, code, description).InForm(formAuth)
}

// notFound is ErrNotFound naming what was not found.
func notFound(what string, id any) *mockserver.Error {
	return ErrNotFound.Withf("%s %v not found", what, id)
}
