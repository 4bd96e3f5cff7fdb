package ethora

import (
	"net/http"

	"github.com/standin/standin/mockserver"
)

// Ethora's refusals are {"success":false,"error":...,"code":...} with an
// UPPER_SNAKE code, or plain text (formText) for the not-found answer of
// the v1 deletes, which the SDK only recognises in that form.

// formText renders a refusal as text/plain: its message alone.
const formText = "text"

// Sentinels, for errors.Is.
var (
	ErrUnauthorized  = mockserver.Refusal(http.StatusUnauthorized, "UNAUTHORIZED", "Unauthorized")
	ErrForbidden     = mockserver.Refusal(http.StatusForbidden, "FORBIDDEN", "Forbidden")
	ErrNotFound      = mockserver.Refusal(http.StatusNotFound, "NOT_FOUND", "Not found")
	ErrInvalid       = mockserver.Refusal(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "Validation error")
	ErrAlreadyExists = mockserver.Refusal(http.StatusUnprocessableEntity, "ALREADY_EXISTS", "Already exists")
	ErrUserNotFound  = mockserver.Refusal(http.StatusUnauthorized, "USER_NOT_FOUND", "User not found")
	ErrBadTarget     = mockserver.Refusal(http.StatusBadRequest, "BAD_REQUEST", "Bad request")
	// errPlainNotFound is the 422 text answer of DELETE /v1/chats and
	// DELETE /v1/users/batch for names that do not exist.
	errPlainNotFound = mockserver.Refusal(http.StatusUnprocessableEntity, "NOT_FOUND", "not found").InForm(formText)
)

func notFound(format string, args ...any) *mockserver.Error {
	return ErrNotFound.Withf(format, args...)
}
func invalid(format string, args ...any) *mockserver.Error { return ErrInvalid.Withf(format, args...) }
func exists(format string, args ...any) *mockserver.Error {
	return ErrAlreadyExists.Withf(format, args...)
}

func plainNotFound(format string, args ...any) *mockserver.Error {
	return errPlainNotFound.Withf(format, args...)
}
