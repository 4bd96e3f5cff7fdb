package mockserver

import (
	"context"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/openapi"
)

// API is one mocked API as the server sees it once built.
type API struct {
	// Name is the API's spec name and default mount prefix, e.g. "rocketchat".
	Name string
	// Prefix is the path the API is mounted under on the shared port,
	// e.g. "/ucs"; empty means "/" + Name.
	Prefix string
	// Spec is the API's parsed OpenAPI document, with servers cleared.
	Spec *openapi3.T
	// Handler serves the API's operations. Requests reach it routed,
	// authenticated and validated against Spec, with paths relative to the
	// API's root and the namespace in their context.
	Handler http.Handler
	// Authenticate checks the credentials of a request to an operation
	// that the spec secures (op says which, and how). It returns the
	// context the handler will see, typically carrying the caller (see
	// WithCaller), or an error, which the Envelope writes; an error that
	// is not an *Error becomes a KindUnauthorized refusal. Nil means the
	// API has no authentication.
	Authenticate func(r *http.Request, op openapi.Operation) (context.Context, error)
	// Envelope renders refusals in the API's own error shape.
	Envelope Envelope
	// Title is the API's name for people, e.g. "Rocket.Chat"; empty means
	// Name. Mock.Build fills it from the definition.
	Title string
	// Credentials are what a client needs to call the API as built (see
	// Definition.Credentials), which the admin API lists for the
	// inspector. Mock.Build fills them from the definition.
	Credentials []Credential
}

// NewAPI assembles an API from its parts and the embedded spec of the same
// name (openapi.Load).
func NewAPI(name string, handler http.Handler, authenticate func(*http.Request, openapi.Operation) (context.Context, error), env Envelope) (API, error) {
	doc, err := openapi.Load(name)
	if err != nil {
		return API{}, err
	}
	return API{Name: name, Spec: doc, Handler: handler, Authenticate: authenticate, Envelope: env}, nil
}
