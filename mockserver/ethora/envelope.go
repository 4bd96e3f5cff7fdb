package ethora

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora/ethoratoken"
	"github.com/standin/standin/openapi"
	json "github.com/standin/standin/openapi/wirejson"
)

// errorBody is Ethora's error envelope (the backend's ErrorResponse).
type errorBody struct {
	Success bool           `json:"success"`
	Error   string         `json:"error"`
	Code    string         `json:"code,omitempty"`
	Details map[string]any `json:"details,omitempty"`
}

// envelope answers refusals as the Ethora backend does. Spec violations
// are 422 VALIDATION_ERROR naming the field and the rule; the two v1
// deletes' "not found" is plain text.
var envelope = mockserver.Envelope{
	Codes: map[mockserver.Kind]mockserver.Code{
		mockserver.KindUnauthorized:     {Code: "UNAUTHORIZED"},
		mockserver.KindForbidden:        {Code: "FORBIDDEN"},
		mockserver.KindNotFound:         {Code: "NOT_FOUND"},
		mockserver.KindMethodNotAllowed: {Code: "METHOD_NOT_ALLOWED"},
		mockserver.KindTooLarge:         {Code: "PAYLOAD_TOO_LARGE"},
		mockserver.KindInternal:         {Code: "INTERNAL_ERROR"},
		mockserver.KindInvalid:          {Status: http.StatusUnprocessableEntity, Code: "VALIDATION_ERROR"},
		mockserver.KindBadNamespace:     {Status: http.StatusUnprocessableEntity, Code: "VALIDATION_ERROR"},

		mockserver.KindTooManyNamespaces: {Code: "TOO_MANY_NAMESPACES"},
	},
	Render: render,
}

func render(w http.ResponseWriter, _ *http.Request, e *mockserver.Error) {
	if e.Form == formText {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(e.Status)
		_, _ = w.Write([]byte(e.Message))
		return
	}
	writeJSON(w, e.Status, errorBody{Error: e.Error(), Code: e.Code, Details: e.AllDetails()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// caller is who a request authenticated as.
type caller struct {
	AppID  string // the token's app
	UserID string // client tokens only
}

func callerFrom(ctx context.Context) caller {
	c, _ := mockserver.CallerFrom[caller](ctx)
	return c
}

// clientTokenOperation is the one operation that takes a client token.
const clientTokenOperation = "exchangeClientToken"

// keys looks secrets up in a namespace's state, and remembers the app
// token a value named.
type keys struct {
	s    *State
	used tokenRef // the app token found by AppToken, if any
}

func (k *keys) AppSecret(appID string) (string, bool) {
	a, ok := k.s.Apps.Get(appID)
	if !ok {
		return "", false
	}
	return a.Secret, true
}

func (k *keys) AppToken(value string) (string, bool) {
	ref, ok := k.s.tokenApp(mockserver.DigestSecret(value))
	k.used = ref
	return ref.App, ok
}

// authenticator verifies the request's token against the apps of its
// namespace: a server token everywhere but the client-token exchange. An
// app token's use is stamped on it (AppToken.LastUsedAt) at most once a
// minute, in a write of its own after the check (see stampTokenUse), so
// that the reads made with it stay reads.
func authenticator(state *mockserver.State[State], now func() time.Time) func(*http.Request, openapi.Operation) (context.Context, error) {
	return func(r *http.Request, op openapi.Operation) (context.Context, error) {
		purpose := ethoratoken.PurposeServer
		if op.Op != nil && op.Op.OperationID == clientTokenOperation {
			purpose = ethoratoken.PurposeClient
		}
		raw := ethoratoken.TokenFrom(r)
		if purpose == ethoratoken.PurposeClient {
			raw = r.Header.Get("x-custom-token")
		}
		var claims *ethoratoken.Claims
		var used tokenRef
		due := false
		at := now().UTC()
		err := state.View(r.Context(), func(s *State) error {
			k := &keys{s: s}
			var err error
			claims, err = ethoratoken.Verify(raw, purpose, k)
			used, due = k.used, err == nil && k.used.Token != "" && s.tokenUseDue(k.used, at)
			return err
		})
		var te *ethoratoken.TokenError
		if errors.As(err, &te) {
			return nil, ErrUnauthorized.With("Unauthorized: " + te.Error()).Wrap(te)
		}
		if err != nil {
			return nil, err
		}
		if due {
			// Its own transaction, not the request's: the stamp stays
			// whatever the request's outcome, as the use happened. One
			// not due any more (another request made it, or the token
			// was revoked since) changes nothing and creates nothing.
			err := state.Update(r.Context(), func(s *State) error { return s.stampTokenUse(used, at) })
			if err != nil && !errors.Is(err, errNoStamp) {
				return nil, err
			}
		}
		return mockserver.WithCaller(r.Context(), caller{AppID: claims.Data.AppID, UserID: claims.Data.UserID}), nil
	}
}
