package mockserver

import (
	"context"
	"fmt"
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
	// Nil means LoadSpec gives it.
	Spec *openapi3.T
	// LoadSpec returns the API's document when Spec is nil: the server
	// calls it once, on the first request to the API or from
	// Server.LoadSpecs, whichever comes first, so that a server with
	// several APIs answers before their specs are parsed. NewAPI sets it
	// to load the embedded spec of the API's name. A document from
	// LoadSpec is routed as it is (openapi.Router), not checked: it is
	// meant for specs checked whole elsewhere (the embedded ones are, by
	// the openapi package's tests). Its servers must be cleared.
	LoadSpec func() (*openapi3.T, error)
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
// name, in its lean rendering (openapi.LoadLean: no descriptions or
// examples, which requests are not checked against), parsed when first
// needed (see LoadSpec). Its served documents are the whole spec.
func NewAPI(name string, handler http.Handler, authenticate func(*http.Request, openapi.Operation) (context.Context, error), env Envelope) (API, error) {
	if _, err := openapi.Raw(name); err != nil {
		return API{}, err
	}
	return API{Name: name, Handler: handler, Authenticate: authenticate, Envelope: env,
		LoadSpec: func() (*openapi3.T, error) { return openapi.LoadLean(name) }}, nil
}

// Document returns the API's document: Spec, or what LoadSpec gives.
func (a API) Document() (*openapi3.T, error) {
	if a.Spec != nil {
		return a.Spec, nil
	}
	if a.LoadSpec == nil {
		return nil, fmt.Errorf("mockserver: API %q has neither Spec nor LoadSpec", a.Name)
	}
	doc, err := a.LoadSpec()
	if err == nil && doc == nil {
		err = fmt.Errorf("mockserver: API %q: LoadSpec gave no document", a.Name)
	}
	return doc, err
}
