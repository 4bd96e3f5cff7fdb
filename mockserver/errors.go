package mockserver

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
)

// Kind classifies a refusal, so that an API can map the core's refusals to
// its own status codes and error codes.
type Kind string

// The kinds of refusal. The core makes all but KindRule; an API's own
// business rules are KindRule.
const (
	KindNotFound         Kind = "not-found"          // no operation at that path
	KindMethodNotAllowed Kind = "method-not-allowed" // the path exists, the method does not
	KindTooLarge         Kind = "body-too-large"     // the body exceeds the configured limit
	KindInvalid          Kind = "invalid-request"    // the request does not satisfy the spec
	KindUnauthorized     Kind = "unauthorized"       // missing or wrong credentials
	KindForbidden        Kind = "forbidden"          // valid credentials, not allowed
	KindBadNamespace     Kind = "bad-namespace"      // the namespace header is malformed
	KindInternal         Kind = "internal"           // a bug in standin; never expected
	KindRule             Kind = "rule"               // one of the API's own rules refused the request

	// A request would create a namespace beyond the store's limit (429).
	KindTooManyNamespaces Kind = "too-many-namespaces"
)

// Error is a refused request: the one error type of every fake. The core
// makes them for routing, size, validation and credential failures; fakes
// declare their own as sentinels with [Refusal] and specialise them with
// [Error.With]. An API's [Envelope] renders them in its own body shape.
type Error struct {
	Status  int            // HTTP status to answer with
	Kind    Kind           // what went wrong, in the core's terms
	Code    string         // the API's own error code, e.g. "error-not-allowed"; may be empty
	Message string         // human-readable explanation
	Field   string         // where, e.g. "body.name" or "query.count"; empty if not about one field
	Rule    string         // which rule, e.g. "required", "pattern"; empty if none
	Details map[string]any // further API-specific details, rendered as the API does
	Err     error          // underlying cause, if any
	// Form names which of the API's error body forms renders e, for an
	// API that has more than one (Rocket.Chat's login failure, Ethora's
	// plain-text answers); empty for the usual one.
	Form string
}

// Refusal declares one of an API's own refusals, for use as a sentinel:
//
//	var ErrNotAllowed = mockserver.Refusal(http.StatusBadRequest, "error-not-allowed", "Not allowed")
func Refusal(status int, code, message string) *Error {
	return &Error{Status: status, Kind: KindRule, Code: code, Message: message}
}

// Error implements error: the message, prefixed by the field it is about.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	if e.Field != "" {
		msg = fmt.Sprintf("%s: %s", e.Field, msg)
	}
	return msg
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// StatusCode reports the HTTP status.
func (e *Error) StatusCode() int { return e.Status }

// Is reports whether e is a copy of target: the same status and code when
// target has a code, else the same kind and status. It lets callers match
// a specialised refusal against the sentinel it came from.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok || t.Status != e.Status {
		return false
	}
	if t.Code != "" {
		return t.Code == e.Code
	}
	return t.Kind == e.Kind && e.Code == ""
}

// With returns a copy of e with another message, keeping status, kind and
// code.
func (e *Error) With(message string) *Error {
	c := e.clone()
	c.Message = message
	return c
}

// Withf is With with a format.
func (e *Error) Withf(format string, args ...any) *Error { return e.With(fmt.Sprintf(format, args...)) }

// WithDetail returns a copy of e with one more detail.
func (e *Error) WithDetail(key string, value any) *Error {
	c := e.clone()
	c.Details = maps.Clone(e.Details)
	if c.Details == nil {
		c.Details = map[string]any{}
	}
	c.Details[key] = value
	return c
}

// InForm returns a copy of e rendered in the API's body form called form.
func (e *Error) InForm(form string) *Error {
	c := e.clone()
	c.Form = form
	return c
}

// Wrap returns a copy of e whose cause is err.
func (e *Error) Wrap(err error) *Error {
	c := e.clone()
	c.Err = err
	return c
}

// AllDetails returns e's details with its field and rule added, when set,
// under "field" and "rule": what the fakes' envelopes send as details.
func (e *Error) AllDetails() map[string]any {
	if e.Field == "" && e.Rule == "" {
		return e.Details
	}
	d := maps.Clone(e.Details)
	if d == nil {
		d = map[string]any{}
	}
	if e.Field != "" {
		d["field"] = e.Field
	}
	if e.Rule != "" {
		d["rule"] = e.Rule
	}
	return d
}

func (e *Error) clone() *Error {
	c := *e
	return &c
}

// AsError returns err as an *Error; an error that is not one becomes an
// internal error whose cause it is.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Status: http.StatusInternalServerError, Kind: KindInternal, Message: "internal error", Err: err}
}

// Code is what an API answers for one of the core's refusal kinds.
type Code struct {
	Status int    // 0 keeps the core's status
	Code   string // the API's error code
}

// Envelope is how an API answers refusals: the codes it gives the core's
// refusal kinds, and how it renders an *Error in its own body shape.
type Envelope struct {
	// Codes maps the core's kinds to the API's status and code. An error
	// that has no code of its own takes its kind's entry here.
	Codes map[Kind]Code
	// Render writes e, already completed from Codes, in the API's body
	// shape. It must not panic.
	Render func(w http.ResponseWriter, r *http.Request, e *Error)
}

// Write renders err in the envelope: as is for an *Error, as an internal
// error for anything else.
func (env Envelope) Write(w http.ResponseWriter, r *http.Request, err error) {
	env.Render(w, r, env.Complete(AsError(err)))
}

// Complete returns e with the status and code its kind maps to, if it has
// no code of its own.
func (env Envelope) Complete(e *Error) *Error {
	c, ok := env.Codes[e.Kind]
	if e.Code != "" || !ok {
		return e
	}
	e = e.clone()
	e.Code = c.Code
	if c.Status != 0 {
		e.Status = c.Status
	}
	return e
}

// InvalidRequest adapts the envelope for the error hooks of oapi-codegen's
// generated handlers (parameter binding, body decoding): their errors are
// refusals of the request, written as KindInvalid. The core's validation
// catches such requests first; this keeps the envelope if one slips
// through.
func (env Envelope) InvalidRequest(w http.ResponseWriter, r *http.Request, err error) {
	env.Write(w, r, &Error{Status: http.StatusBadRequest, Kind: KindInvalid, Message: err.Error(), Err: err})
}

// UpperSnakeCodes returns a code for each of the core's refusal kinds in
// UPPER_SNAKE_CASE ("NOT_FOUND", "INVALID_REQUEST", …), for an API whose
// own codes are spelled that way; it may change entries of the map it
// gets, which is its own.
func UpperSnakeCodes() map[Kind]Code {
	return map[Kind]Code{
		KindUnauthorized:      {Code: "UNAUTHORIZED"},
		KindForbidden:         {Code: "FORBIDDEN"},
		KindNotFound:          {Code: "NOT_FOUND"},
		KindMethodNotAllowed:  {Code: "METHOD_NOT_ALLOWED"},
		KindTooLarge:          {Code: "PAYLOAD_TOO_LARGE"},
		KindInvalid:           {Code: "INVALID_REQUEST"},
		KindBadNamespace:      {Code: "INVALID_REQUEST"},
		KindInternal:          {Code: "INTERNAL_ERROR"},
		KindTooManyNamespaces: {Code: "TOO_MANY_NAMESPACES"},
	}
}
