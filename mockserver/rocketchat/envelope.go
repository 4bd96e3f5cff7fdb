package rocketchat

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/routers"

	"github.com/standin/standin/mockserver"
)

// failure is Rocket.Chat's error envelope.
type failure struct {
	Success   bool           `json:"success"`
	Error     string         `json:"error"`
	ErrorType string         `json:"errorType,omitempty"`
	Details   map[string]any `json:"details,omitempty"`
}

// loginFailure is the body of a refused login, which has no success key.
type loginFailure struct {
	Status  string `json:"status"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

// writeError renders err as Rocket.Chat does. Problems found by the core
// (routing, size, validation, credentials) get the closest real shape;
// validation errors use the "invalid-params" code of the server's own
// schema checks and name the field and the rule in details.
func writeError(w http.ResponseWriter, _ *http.Request, err error) {
	var e *Error
	if errors.As(err, &e) {
		if e == errLoginFailed {
			writeJSON(w, e.Status, loginFailure{Status: "error", Error: "Unauthorized", Message: "Unauthorized"})
			return
		}
		writeJSON(w, e.Status, failure{Error: e.Error(), ErrorType: e.Type, Details: e.Details})
		return
	}
	p := mockserver.AsProblem(err)
	body := failure{Error: p.Error()}
	switch p.Kind {
	case mockserver.KindUnauthorized:
		body.Error = errUnauthorized.Error()
	case mockserver.KindNotFound:
		body.Error = "Resource not found: " + p.Detail
	case mockserver.KindInternal:
		body.Error = "Internal server error"
	default:
		code := "invalid-params"
		switch p.Kind {
		case mockserver.KindTooLarge:
			code = "error-request-too-large"
		case mockserver.KindMethodNotAllowed:
			code = "error-method-not-allowed"
		}
		body.Error += " [" + code + "]"
		body.ErrorType = code
		if p.Field != "" || p.Rule != "" {
			body.Details = map[string]any{}
			if p.Field != "" {
				body.Details["field"] = p.Field
			}
			if p.Rule != "" {
				body.Details["rule"] = p.Rule
			}
		}
	}
	writeJSON(w, p.Status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

type callerKey struct{}

// credentials are the headers a request authenticated with.
type credentials struct{ userID, token string }

// callerID returns the authenticated user id that the authenticator put in
// ctx.
func callerID(ctx context.Context) string {
	c, _ := ctx.Value(callerKey{}).(credentials)
	return c.userID
}

// tokenFrom returns the auth token the request authenticated with.
func tokenFrom(ctx context.Context) string {
	c, _ := ctx.Value(callerKey{}).(credentials)
	return c.token
}

// authenticator checks X-User-Id and X-Auth-Token against the tokens of
// the request's namespace.
func authenticator(store mockserver.Store) func(*http.Request, *routers.Route) (context.Context, error) {
	return func(r *http.Request, _ *routers.Route) (context.Context, error) {
		userID := strings.TrimSpace(r.Header.Get("X-User-Id"))
		token := strings.TrimSpace(r.Header.Get("X-Auth-Token"))
		ctx := r.Context()
		err := mockserver.View(ctx, store, Name, func(s *State) error {
			if _, ok := s.authenticate(userID, token); !ok {
				return errUnauthorized
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return context.WithValue(ctx, callerKey{}, credentials{userID, token}), nil
	}
}
