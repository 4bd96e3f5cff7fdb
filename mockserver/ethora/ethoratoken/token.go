package ethoratoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Token purposes, the data.type of a token.
const (
	PurposeServer = "server"
	PurposeClient = "client"
)

// Why a token is refused; match with errors.Is.
var (
	ErrNoToken      = errors.New("no token: send x-custom-token or Authorization: Bearer")
	ErrMalformed    = errors.New("token is not a JWT")
	ErrAlgorithm    = errors.New("token is not signed with HS256")
	ErrClaims       = errors.New("token has no data.appId or data.type")
	ErrUnknownApp   = errors.New("token names an unknown app")
	ErrSignature    = errors.New("token signature does not verify with the app's secret")
	ErrWrongPurpose = errors.New("token is for another purpose")
	ErrRevoked      = errors.New("app token is revoked or unknown")
)

// TokenError says why a token was refused, and for which app.
type TokenError struct {
	AppID string
	Err   error
}

func (e *TokenError) Error() string {
	if e.AppID != "" {
		return fmt.Sprintf("%v (app %q)", e.Err, e.AppID)
	}
	return e.Err.Error()
}

func (e *TokenError) Unwrap() error { return e.Err }

// Claims is what standin reads from an Ethora token.
type Claims struct {
	Data struct {
		AppID  string `json:"appId"`
		Type   string `json:"type"`
		UserID string `json:"userId,omitempty"`
	} `json:"data"`
	IssuedAt json.Number `json:"iat,omitempty"`
}

// DerivedKey is the signing key the SDK (26.3.1 and later) derives from an
// app secret for a purpose: the lower-case hex string of
// HMAC-SHA256(secret, "ethora:<purpose>:v1"), used as text, not as the 32
// bytes it encodes.
func DerivedKey(secret, purpose string) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("ethora:" + purpose + ":v1"))
	return []byte(hex.EncodeToString(mac.Sum(nil)))
}

// TokenFrom returns the token of a request: x-custom-token, else the
// Authorization header without its "Bearer " (or "JWT ") prefix.
func TokenFrom(r *http.Request) string {
	if t := strings.TrimSpace(r.Header.Get("x-custom-token")); t != "" {
		return t
	}
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	for _, p := range []string{"Bearer ", "bearer ", "JWT ", "jwt "} {
		if rest, ok := strings.CutPrefix(auth, p); ok {
			return strings.TrimSpace(rest)
		}
	}
	return auth
}

// jwt is a parsed, not yet verified, token.
type jwt struct {
	signed []byte // header.payload, what the signature covers
	sig    []byte
	claims Claims
}

// parseJWT splits and decodes a compact HS256 JWT without verifying it.
func parseJWT(raw string) (*jwt, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, ErrMalformed
	}
	dec := base64.RawURLEncoding
	header, err1 := dec.DecodeString(parts[0])
	payload, err2 := dec.DecodeString(parts[1])
	sig, err3 := dec.DecodeString(parts[2])
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, ErrMalformed
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(header, &h) != nil {
		return nil, ErrMalformed
	}
	if h.Alg != "HS256" {
		return nil, ErrAlgorithm
	}
	t := &jwt{signed: []byte(parts[0] + "." + parts[1]), sig: sig}
	if json.Unmarshal(payload, &t.claims) != nil {
		return nil, ErrMalformed
	}
	if t.claims.Data.AppID == "" || t.claims.Data.Type == "" {
		return nil, ErrClaims
	}
	return t, nil
}

func (t *jwt) verifies(key []byte) bool {
	mac := hmac.New(sha256.New, key)
	mac.Write(t.signed)
	return hmac.Equal(mac.Sum(nil), t.sig)
}

// Keys finds what a token may be checked against: an app's secret by app
// id, and the app an opaque app token (issued by the tokens API) belongs to.
type Keys interface {
	AppSecret(appID string) (string, bool)
	AppToken(value string) (appID string, ok bool)
}

// Verify checks raw as a token for purpose, the way the Ethora backend and
// SDK do: the purpose must match data.type; the signature must verify with
// the key derived from the app's secret for that purpose or, failing that,
// with the raw secret (tokens of SDK 26.2.x). No exp is needed. A value
// that is not a JWT may be an app token, which acts as a server token of
// its app until it is rotated or revoked.
func Verify(raw, purpose string, keys Keys) (*Claims, error) {
	if raw == "" {
		return nil, &TokenError{Err: ErrNoToken}
	}
	t, err := parseJWT(raw)
	if errors.Is(err, ErrMalformed) && strings.HasPrefix(raw, AppTokenPrefix) {
		app, ok := keys.AppToken(raw)
		if !ok {
			return nil, &TokenError{Err: ErrRevoked}
		}
		if purpose != PurposeServer {
			return nil, &TokenError{AppID: app, Err: fmt.Errorf("%w: an app token is a server token", ErrWrongPurpose)}
		}
		c := &Claims{}
		c.Data.AppID, c.Data.Type = app, PurposeServer
		return c, nil
	}
	if err != nil {
		return nil, &TokenError{Err: err}
	}
	c := &t.claims
	app := c.Data.AppID
	if c.Data.Type != purpose {
		return nil, &TokenError{AppID: app, Err: fmt.Errorf("%w: data.type is %q, want %q", ErrWrongPurpose, c.Data.Type, purpose)}
	}
	secret, ok := keys.AppSecret(app)
	if !ok {
		return nil, &TokenError{AppID: app, Err: ErrUnknownApp}
	}
	if !t.verifies(DerivedKey(secret, purpose)) && !t.verifies([]byte(secret)) {
		return nil, &TokenError{AppID: app, Err: ErrSignature}
	}
	return c, nil
}

// AppTokenPrefix starts every app token (the opaque server tokens the
// tokens API issues, POST /v2/apps/{appId}/tokens); Verify looks a value
// that has it and is not a JWT up with Keys.AppToken.
const AppTokenPrefix = "eat_"

// Sign makes an HS256 JWT of claims with key. Tests use it to act as the
// SDK.
func Sign(claims Claims, key []byte) string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload, _ := json.Marshal(claims)
	body := header + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(body))
	return body + "." + enc.EncodeToString(mac.Sum(nil))
}
