package ethora

import (
	"fmt"
	"net/http"
)

// Error is a refusal in Ethora's terms: a status, an UPPER_SNAKE code and
// a message, rendered as {"success":false,"error":...,"code":...}, or as
// plain text when PlainText is set (the not-found answer of the v1
// deletes, which the SDK only recognises in that form).
type Error struct {
	Status    int
	Code      string
	Message   string
	Details   map[string]any
	PlainText bool
}

func (e *Error) Error() string { return e.Message }

// Is matches Errors by code, so callers can compare with the sentinels.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// withf returns a copy of e, keeping its status and code, with a message.
func (e *Error) withf(format string, args ...any) *Error {
	c := *e
	c.Message = fmt.Sprintf(format, args...)
	return &c
}

// Sentinels, for errors.Is.
var (
	ErrUnauthorized  = &Error{Status: http.StatusUnauthorized, Code: "UNAUTHORIZED"}
	ErrForbidden     = &Error{Status: http.StatusForbidden, Code: "FORBIDDEN"}
	ErrNotFound      = &Error{Status: http.StatusNotFound, Code: "NOT_FOUND"}
	ErrInvalid       = &Error{Status: http.StatusUnprocessableEntity, Code: "VALIDATION_ERROR"}
	ErrAlreadyExists = &Error{Status: http.StatusUnprocessableEntity, Code: "ALREADY_EXISTS"}
	ErrUserNotFound  = &Error{Status: http.StatusUnauthorized, Code: "USER_NOT_FOUND"}
	ErrBadTarget     = &Error{Status: http.StatusBadRequest, Code: "BAD_REQUEST"}
)

func notFound(format string, args ...any) *Error { return ErrNotFound.withf(format, args...) }
func invalid(format string, args ...any) *Error  { return ErrInvalid.withf(format, args...) }
func exists(format string, args ...any) *Error   { return ErrAlreadyExists.withf(format, args...) }

// plainNotFound is the 422 text answer of DELETE /v1/chats and
// DELETE /v1/users/batch for names that do not exist.
func plainNotFound(format string, args ...any) *Error {
	e := ErrNotFound.withf(format, args...)
	e.Status, e.PlainText = http.StatusUnprocessableEntity, true
	return e
}
