package ethoratoken

import (
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"testing"
)

// keyring is a Keys for tests.
type keyring map[string]string

func (k keyring) AppSecret(app string) (string, bool) { s, ok := k[app]; return s, ok }
func (k keyring) AppToken(value string) (string, bool) {
	s, ok := k["token:"+value]
	return s, ok
}

// The reference's test vectors (ethora.md §2.3): appId app123, secret
// secret123, iat 1700000000, made with jsonwebtoken.
const (
	vectorServer = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJkYXRhIjp7ImFwcElkIjoiYXBwMTIzIiwidHlwZSI6InNlcnZlciJ9LCJpYXQiOjE3MDAwMDAwMDB9.Aton2zgbIC6C8vViqQFEXNICDPVOPX4zCCapvCZxYuo"
	vectorClient = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJkYXRhIjp7InR5cGUiOiJjbGllbnQiLCJ1c2VySWQiOiJ1MSIsImFwcElkIjoiYXBwMTIzIn0sImlhdCI6MTcwMDAwMDAwMH0.t2V7WCdhWCPZ8ABJUiykBQEUEGBBky7fekSwPTQsWE8"
	vectorLegacy = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJkYXRhIjp7ImFwcElkIjoiYXBwMTIzIiwidHlwZSI6InNlcnZlciJ9LCJpYXQiOjE3MDAwMDAwMDB9.k96MCclOrFKDDWEpI-gnCVqBlQcfLx68rBcPBISBlnI"
)

func TestDerivedKeyVectors(t *testing.T) {
	for purpose, want := range map[string]string{
		PurposeServer: "6fada8e7fbec51c006285f32991e91b55ba6da10e2ec415837be26a239c70016",
		PurposeClient: "4392dc228155c84c30d3beb4d4724e2f802b2f2520bc083ae488a15a0087f704",
	} {
		if got := string(DerivedKey("secret123", purpose)); got != want {
			t.Errorf("%s key: got %s, want %s", purpose, got, want)
		}
	}
}

func TestVerify(t *testing.T) {
	keys := keyring{"app123": "secret123", "other": "other-secret", "token:eat_live": "app123"}
	for _, tc := range []struct {
		name, token, purpose string
		err                  error
		userID               string
	}{
		{"server token, derived key", vectorServer, PurposeServer, nil, ""},
		{"server token, raw key (26.2.x)", vectorLegacy, PurposeServer, nil, ""},
		{"client token", vectorClient, PurposeClient, nil, "u1"},
		{"client token on a server route", vectorClient, PurposeServer, ErrWrongPurpose, ""},
		{"server token on the client route", vectorServer, PurposeClient, ErrWrongPurpose, ""},
		{"no token", "", PurposeServer, ErrNoToken, ""},
		{"not a JWT", "abc.def", PurposeServer, ErrMalformed, ""},
		{"garbage segments", "a.b.c", PurposeServer, ErrMalformed, ""},
		{"alg none", "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJkYXRhIjp7ImFwcElkIjoiYXBwMTIzIiwidHlwZSI6InNlcnZlciJ9fQ.", PurposeServer, ErrAlgorithm, ""},
		{"wrong secret", Sign(claims("app123", PurposeServer), DerivedKey("wrong", PurposeServer)), PurposeServer, ErrSignature, ""},
		{"key derived for another purpose", Sign(claims("app123", PurposeServer), DerivedKey("secret123", PurposeClient)), PurposeServer, ErrSignature, ""},
		{"the 32 key bytes instead of the hex text", Sign(claims("app123", PurposeServer), mustHex(string(DerivedKey("secret123", PurposeServer)))), PurposeServer, ErrSignature, ""},
		{"unknown app", Sign(claims("nope", PurposeServer), DerivedKey("secret123", PurposeServer)), PurposeServer, ErrUnknownApp, ""},
		{"another app's secret", Sign(claims("app123", PurposeServer), DerivedKey("other-secret", PurposeServer)), PurposeServer, ErrSignature, ""},
		{"no claims", Sign(Claims{}, []byte("secret123")), PurposeServer, ErrClaims, ""},
		{"app token", "eat_live", PurposeServer, nil, ""},
		{"revoked or unknown app token", "eat_gone", PurposeServer, ErrRevoked, ""},
		{"app token on the client route", "eat_live", PurposeClient, ErrWrongPurpose, ""},
		{"opaque garbage", "not-a-token", PurposeServer, ErrMalformed, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Verify(tc.token, tc.purpose, keys)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if tc.err == nil && (c.Data.AppID != "app123" || c.Data.UserID != tc.userID) {
				t.Errorf("claims = %+v", c.Data)
			}
		})
	}
}

func TestTokenFrom(t *testing.T) {
	for _, tc := range []struct{ custom, auth, want string }{
		{"tok", "", "tok"},
		{"", "Bearer tok", "tok"},
		{"", "JWT tok", "tok"},
		{"tok", "Bearer other", "tok"},
		{"", "", ""},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if tc.custom != "" {
			r.Header.Set("x-custom-token", tc.custom)
		}
		if tc.auth != "" {
			r.Header.Set("Authorization", tc.auth)
		}
		if got := TokenFrom(r); got != tc.want {
			t.Errorf("custom %q auth %q: got %q, want %q", tc.custom, tc.auth, got, tc.want)
		}
	}
}

// FuzzVerify feeds arbitrary tokens: never a panic, and nothing verifies
// without the right key.
func FuzzVerify(f *testing.F) {
	for _, s := range []string{vectorServer, vectorClient, vectorLegacy, "", "a.b.c", "..", "eyJ.eyJ.x"} {
		f.Add(s)
	}
	keys := keyring{"app123": "secret123"}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := Verify(raw, PurposeServer, keys)
		if err == nil && raw != vectorServer && raw != vectorLegacy {
			// Another token can verify only if it is signed with the key.
			tok, perr := parseJWT(raw)
			if perr != nil || (!tok.verifies(DerivedKey("secret123", PurposeServer)) && !tok.verifies([]byte("secret123"))) {
				t.Fatalf("%q verified without the key: %+v", raw, c)
			}
		}
	})
}

func claims(app, purpose string) Claims {
	var c Claims
	c.Data.AppID, c.Data.Type = app, purpose
	return c
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
