package mockserver

import (
	"context"
	"errors"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// API is one mocked API as the core sees it.
type API struct {
	// Name is the API's spec name and default mount prefix, e.g. "rocketchat".
	Name string
	// Spec is the API's parsed OpenAPI document, with servers cleared.
	Spec *openapi3.T
	// Handler serves the API's operations. Requests reach it routed,
	// authenticated and validated against Spec, with paths relative to the
	// API's root and the namespace in their context.
	Handler http.Handler
	// Authenticate checks the credentials of a request to an operation
	// that the spec secures (route.Operation says which, and how). It
	// returns the context the handler will see (typically carrying the
	// caller) or an error, which is written with WriteError; a *Problem
	// keeps its status, any other error becomes 401. Nil means the API has
	// no authentication.
	Authenticate func(r *http.Request, route *routers.Route) (context.Context, error)
	// WriteError writes err in the API's own error envelope. It receives
	// *Problem values from the core and whatever errors the API's handlers
	// report; it must never panic.
	WriteError func(w http.ResponseWriter, r *http.Request, err error)
	// State describes the API's state to the Store, if it keeps any.
	State *StateKind
}

// AsProblem returns err as a *Problem, wrapping errors that are not one as an
// internal error.
func AsProblem(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	return &Problem{Status: http.StatusInternalServerError, Kind: KindInternal, Detail: "internal error", Err: err}
}

// InvalidRequest adapts an API's WriteError for the error hooks of
// oapi-codegen's generated handlers (parameter binding, body decoding):
// their errors are refusals of the request, written as KindInvalid
// problems in the API's envelope. The core's validation catches such
// requests first; this keeps the envelope if one slips through.
func InvalidRequest(write func(http.ResponseWriter, *http.Request, error)) func(http.ResponseWriter, *http.Request, error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		write(w, r, &Problem{Status: http.StatusBadRequest, Kind: KindInvalid, Detail: err.Error(), Err: err})
	}
}
