package ethora

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/getkin/kin-openapi/routers"

	"github.com/standin/standin/mockserver"
)

// errorBody is Ethora's error envelope (the backend's ErrorResponse).
type errorBody struct {
	Success bool           `json:"success"`
	Error   string         `json:"error"`
	Code    string         `json:"code,omitempty"`
	Details map[string]any `json:"details,omitempty"`
}

// writeError renders err as the Ethora backend does. Spec violations are
// 422 VALIDATION_ERROR naming the field and the rule; the two v1 deletes'
// "not found" is plain text.
func writeError(w http.ResponseWriter, _ *http.Request, err error) {
	var e *Error
	if errors.As(err, &e) {
		if e.PlainText {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(e.Status)
			_, _ = w.Write([]byte(e.Message))
			return
		}
		writeJSON(w, e.Status, errorBody{Error: e.Message, Code: e.Code, Details: e.Details})
		return
	}
	var te *TokenError
	if errors.As(err, &te) {
		writeJSON(w, http.StatusUnauthorized, errorBody{Error: "Unauthorized: " + te.Error(), Code: "UNAUTHORIZED"})
		return
	}
	p := mockserver.AsProblem(err)
	body := errorBody{Error: p.Error()}
	status := p.Status
	switch p.Kind {
	case mockserver.KindUnauthorized:
		body.Code = "UNAUTHORIZED"
	case mockserver.KindForbidden:
		body.Code = "FORBIDDEN"
	case mockserver.KindNotFound:
		body.Code = "NOT_FOUND"
	case mockserver.KindMethodNotAllowed:
		body.Code = "METHOD_NOT_ALLOWED"
	case mockserver.KindTooLarge:
		body.Code = "PAYLOAD_TOO_LARGE"
	case mockserver.KindInternal:
		body.Code, body.Error = "INTERNAL_ERROR", "internal error"
	default:
		status, body.Code = http.StatusUnprocessableEntity, "VALIDATION_ERROR"
		if p.Field != "" || p.Rule != "" {
			body.Details = map[string]any{"field": p.Field, "rule": p.Rule}
		}
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

type callerKey struct{}

// caller is who a request authenticated as.
type caller struct {
	AppID  string // the token's app
	UserID string // client tokens only
}

func callerFrom(ctx context.Context) caller {
	c, _ := ctx.Value(callerKey{}).(caller)
	return c
}

// clientTokenOperation is the one operation that takes a client token.
const clientTokenOperation = "exchangeClientToken"

// keys looks secrets up in a namespace's state.
type keys struct{ s *State }

func (k keys) AppSecret(appID string) (string, bool) {
	a := k.s.Apps[appID]
	if a == nil {
		return "", false
	}
	return a.Secret, true
}

func (k keys) AppToken(value string) (string, bool) {
	hash := hashSecret(value)
	for _, a := range k.s.Apps {
		for _, t := range a.Tokens {
			if !t.Revoked && t.Hash == hash {
				return a.ID, true
			}
		}
	}
	return "", false
}

// authenticator verifies the request's token against the apps of its
// namespace: a server token everywhere but the client-token exchange.
func authenticator(store mockserver.Store) func(*http.Request, *routers.Route) (context.Context, error) {
	return func(r *http.Request, route *routers.Route) (context.Context, error) {
		purpose := PurposeServer
		if route.Operation != nil && route.Operation.OperationID == clientTokenOperation {
			purpose = PurposeClient
		}
		raw := TokenFrom(r)
		if purpose == PurposeClient {
			raw = r.Header.Get("x-custom-token")
		}
		var claims *Claims
		err := mockserver.View(r.Context(), store, Name, func(s *State) error {
			var err error
			claims, err = Verify(raw, purpose, keys{s: s})
			return err
		})
		if err != nil {
			return nil, err
		}
		return context.WithValue(r.Context(), callerKey{}, caller{AppID: claims.Data.AppID, UserID: claims.Data.UserID}), nil
	}
}
