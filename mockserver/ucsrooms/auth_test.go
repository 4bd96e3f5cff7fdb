package ucsrooms_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/standin/standin/mockserver/ucsrooms"
)

// unsigned returns a token with alg none and the given claims.
func unsigned(t *testing.T, claims jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Every kind of bad token gets 401 UNAUTHORIZED in the envelope.
func TestBadTokensAreRefused(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	hs := func(claims jwt.MapClaims, key string) string {
		tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(key))
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	good := ucsrooms.Sign(secret, "alice-id", "alice", time.Time{})
	parts := strings.Split(good, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), "alice-id", "mallory", 1))) + "." + parts[2]
	for name, tok := range map[string]string{
		"a malformed token":           "not.a.jwt",
		"a wrong secret":              hs(jwt.MapClaims{"sub": "alice-id"}, secret+"-wrong"),
		"a changed payload":           forged,
		"alg none":                    unsigned(t, jwt.MapClaims{"sub": "alice-id"}),
		"an expired token":            ucsrooms.Sign(secret, "alice-id", "alice", epoch.Add(-time.Second)),
		"a token not valid yet (nbf)": hs(jwt.MapClaims{"sub": "alice-id", "nbf": epoch.Add(time.Hour).Unix()}, secret),
		"a token without sub":         hs(jwt.MapClaims{"preferred_username": "x"}, secret),
	} {
		t.Run(name, func(t *testing.T) {
			r := user{h: h, token: tok}.do("GET", "/participant/room", nil)
			want(t, r, http.StatusUnauthorized, "UNAUTHORIZED")
		})
	}
	for _, header := range []string{"", "Basic abc", "Bearer ", "Bearer"} {
		req := h.raw("GET", "/ucs/participant/room", "application/json", "", "Authorization", header)
		want(t, req, http.StatusUnauthorized, "UNAUTHORIZED")
	}
	want(t, user{h: h, token: good}.do("GET", "/participant/room", nil), http.StatusOK, "")
}

// A token is refused once the mock's clock passes its exp.
func TestTokensExpireOnTheClock(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	u := user{h: h, token: ucsrooms.Sign(secret, "alice-id", "alice", epoch.Add(time.Minute))}
	want(t, u.do("GET", "/participant/room", nil), http.StatusOK, "")
	h.clock.Advance(2 * time.Minute)
	want(t, u.do("GET", "/participant/room", nil), http.StatusUnauthorized, "UNAUTHORIZED")
}

// trustUnsignedTokens takes the claims of any well-formed token, alg none
// and wrong signatures included, and still refuses expired ones.
func TestTrustUnsignedTokens(t *testing.T) {
	opts := defaultOptions(t)
	opts.TrustUnsignedTokens = true
	h := newHarness(t, opts)
	for name, tok := range map[string]string{
		"alg none":       unsigned(t, jwt.MapClaims{"sub": "frontend-dev", "preferred_username": "dev"}),
		"another secret": ucsrooms.Sign("someone-elses-secret", "frontend-dev", "dev", time.Time{}),
	} {
		r := user{h: h, token: tok}.do("POST", "/room", map[string]any{"name": name, "start_time": epoch, "end_time": epoch.Add(time.Hour)})
		want(t, r, http.StatusOK, "")
		if r.Str("data.created_by") != "frontend-dev" {
			t.Errorf("%s: the caller is the token's sub: %s", name, r.Raw)
		}
	}
	expired := unsigned(t, jwt.MapClaims{"sub": "frontend-dev", "exp": epoch.Add(-time.Minute).Unix()})
	want(t, user{h: h, token: expired}.do("GET", "/participant/room", nil), http.StatusUnauthorized, "UNAUTHORIZED")
	want(t, user{h: h, token: "garbage"}.do("GET", "/participant/room", nil), http.StatusUnauthorized, "UNAUTHORIZED")
}

// The demo users' ready-made tokens work and see the seeded rooms: alice
// and bob both demo rooms, carol none.
func TestDemoUsers(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	mine := h.demo("alice").do("GET", "/participant/room?size=100", nil)
	for _, id := range []string{ucsrooms.BookedRoomID, ucsrooms.StartedRoomID} {
		if !strings.Contains(ids(mine, "data", "id"), id) {
			t.Errorf("alice's rooms lack demo room %s: %s", id, mine.Raw)
		}
	}
	if r := h.demo("carol").do("GET", "/participant/room", nil); r.Num("page.total_records") != 0 {
		t.Errorf("carol is in no room: %s", r.Raw)
	}
	bob := h.demo("bob")
	for id, status := range map[string]string{ucsrooms.BookedRoomID: "booked", ucsrooms.StartedRoomID: "started"} {
		r := bob.do("GET", "/participant/room/"+id, nil)
		if r.Str("data.status") != status || r.Get("data.is_admin") != false {
			t.Errorf("bob's view of %s: %s", id, r.Raw)
		}
	}
	if r := bob.do("GET", "/participant/room/"+ucsrooms.StartedRoomID+"/chat", nil); r.Num("page.total_records") != 2 {
		t.Errorf("the started room has its seeded history: %s", r.Raw)
	}
}
