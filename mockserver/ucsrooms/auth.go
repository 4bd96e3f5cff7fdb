package ucsrooms

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
)

// Caller is who a request authenticated as: the token's sub, and its
// preferred_username, the default username in rooms.
type Caller struct {
	ID       string
	Username string
}

// Claims are the claims of a UCS access token the fake reads.
type Claims struct {
	PreferredUsername string `json:"preferred_username,omitempty"`
	jwt.RegisteredClaims
}

// Sign returns an HS256 access token for user id sub, with username as
// its preferred_username (left out when empty), expiring at exp (none
// when zero), signed with secret: what the fake accepts as configured with
// that jwtSecret.
func Sign(secret, sub, username string, exp time.Time) string {
	c := Claims{PreferredUsername: username, RegisteredClaims: jwt.RegisteredClaims{Subject: sub}}
	if !exp.IsZero() {
		c.ExpiresAt = jwt.NewNumericDate(exp)
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(secret))
	if err != nil {
		panic(err) // HS256 with a []byte key does not fail
	}
	return tok
}

// verifier checks bearer tokens against the fake's options and clock.
type verifier struct {
	secret  []byte
	trust   bool // accept unverifiable signatures (trustUnsignedTokens)
	now     func() time.Time
	strict  *jwt.Parser
	relaxed *jwt.Parser
}

func newVerifier(opts Options, now func() time.Time) *verifier {
	return &verifier{
		secret: []byte(opts.JWTSecret), trust: opts.TrustUnsignedTokens, now: now,
		strict:  jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(now)),
		relaxed: jwt.NewParser(jwt.WithTimeFunc(now)),
	}
}

// verify returns the caller a token names, or why it is refused.
func (v *verifier) verify(raw string) (Caller, error) {
	var c Claims
	var err error
	if v.trust {
		_, _, err = v.relaxed.ParseUnverified(raw, &c)
		if err == nil {
			err = jwt.NewValidator(jwt.WithTimeFunc(v.now)).Validate(c)
		}
	} else {
		_, err = v.strict.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return v.secret, nil })
	}
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return Caller{}, ErrUnauthorized.With("the access token has expired")
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return Caller{}, ErrUnauthorized.With("the access token is not valid yet (nbf)")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return Caller{}, ErrUnauthorized.With("the access token's signature does not verify with the server's secret (HS256)")
	case err != nil:
		return Caller{}, ErrUnauthorized.With("the access token is malformed: " + err.Error()).Wrap(err)
	case c.Subject == "":
		return Caller{}, ErrUnauthorized.With("the access token has no sub: it names no user")
	}
	return Caller{ID: c.Subject, Username: c.PreferredUsername}, nil
}

// authenticate reads the bearer token of r.
func (v *verifier) authenticate(r *http.Request, _ openapi.Operation) (context.Context, error) {
	h := r.Header.Get("Authorization")
	scheme, raw, ok := strings.Cut(h, " ")
	switch {
	case h == "":
		return nil, ErrUnauthorized.With("the Authorization header is missing: send Authorization: Bearer <access token>")
	case !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(raw) == "":
		return nil, ErrUnauthorized.With("the Authorization header must be Bearer <access token>")
	}
	c, err := v.verify(strings.TrimSpace(raw))
	if err != nil {
		return nil, err
	}
	return mockserver.WithCaller(r.Context(), c), nil
}

func callerFrom(ctx context.Context) Caller {
	c, _ := mockserver.CallerFrom[Caller](ctx)
	return c
}
