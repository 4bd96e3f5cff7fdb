package rocketchat

import (
	"context"
	"net/http"
	"strings"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
	json "github.com/standin/standin/openapi/wirejson"
)

// failure is Rocket.Chat's error envelope.
type failure struct {
	Success   bool           `json:"success"`
	Error     string         `json:"error"`
	ErrorType string         `json:"errorType,omitempty"`
	Details   map[string]any `json:"details,omitempty"`
}

// envelope answers refusals as Rocket.Chat does. The core's refusals get
// the closest real shape: spec violations use "invalid-params", the code
// of the server's own schema checks, and name the field and the rule in
// details; 405 and 413 have codes of standin's own (the server has none).
var envelope = mockserver.Envelope{
	Codes: map[mockserver.Kind]mockserver.Code{
		mockserver.KindInvalid:          {Code: "invalid-params"},
		mockserver.KindBadNamespace:     {Code: "invalid-params"},
		mockserver.KindTooLarge:         {Code: "error-request-too-large"},
		mockserver.KindMethodNotAllowed: {Code: "error-method-not-allowed"},

		mockserver.KindTooManyNamespaces: {Code: "error-too-many-namespaces"},
	},
	Render: render,
}

func render(w http.ResponseWriter, _ *http.Request, e *mockserver.Error) {
	text := e.Error()
	switch e.Kind {
	case mockserver.KindUnauthorized:
		text = errUnauthorized.Message
	case mockserver.KindNotFound:
		text = "Resource not found: " + e.Message
	case mockserver.KindInternal:
		text = "Internal server error"
	}
	if e.Code != "" && e.Form != formPlain {
		text += " [" + e.Code + "]"
	}
	writeJSON(w, e.Status, failure{Error: text, ErrorType: e.Code, Details: e.AllDetails()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// caller is who a request authenticated as: the user id it sent, and the
// digest of its token.
type caller struct {
	userID string
	token  mockserver.SecretDigest // of the token sent; zero when none came
}

// authenticator checks X-User-Id and X-Auth-Token against the tokens of
// the request's namespace.
func authenticator(state *mockserver.State[State]) func(*http.Request, openapi.Operation) (context.Context, error) {
	return func(r *http.Request, _ openapi.Operation) (context.Context, error) {
		// The token is hashed once here; the handler finds the caller
		// again by its digest.
		c := caller{userID: strings.TrimSpace(r.Header.Get("X-User-Id"))}
		if token := strings.TrimSpace(r.Header.Get("X-Auth-Token")); token != "" {
			c.token = mockserver.DigestSecret(token)
		}
		ctx := r.Context()
		err := state.View(ctx, func(s *State) error {
			if !s.authenticated(c.userID, c.token) {
				return errUnauthorized
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return mockserver.WithCaller(ctx, c), nil
	}
}

// me resolves the request's caller to the active user it authenticated
// as, inside a transaction.
func me(ctx context.Context, st *State) (*User, error) {
	c, _ := mockserver.CallerFrom[caller](ctx)
	u, ok := st.authenticate(c.userID, c.token)
	if !ok {
		return nil, errUnauthorized
	}
	return u, nil
}
