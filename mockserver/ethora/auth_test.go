package ethora_test

import (
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/ethora/ethoratoken"
)

// op is one request; a sample of operations from every tag.
type op struct {
	tag, method, path string
	body              any
}

var serverOps = []op{
	{"Users", "POST", "/v2/users/batch", batch(user("authu", "authu@example.test"))},
	{"Users", "GET", "/v2/chats/users", nil},
	{"Users", "PATCH", "/v2/chats/users", map[string]any{"users": []any{map[string]any{"xmppUsername": xmpp("admin"), "firstName": "Ann"}}}},
	{"Users", "DELETE", "/v1/users/batch", map[string]any{"usersIdList": []string{"admin"}}},
	{"Users", "GET", "/v1/apps/users/" + xmpp("admin"), nil},
	{"Users", "POST", "/v1/users/batch", batch(user("authv1", "authv1@example.test"))},
	{"Chats", "POST", "/v2/chats", map[string]any{"uuid": "authroom"}},
	{"Chats", "DELETE", "/v1/chats", map[string]any{"name": xmpp("general")}},
	{"Chats", "GET", "/v2/apps/" + appID + "/chats", nil},
	{"Chats", "PATCH", "/v2/apps/" + appID + "/chats/" + xmpp("general"), map[string]any{"title": "Renamed"}},
	{"Chats", "GET", "/v2/apps/" + appID + "/users/admin/chats", nil},
	{"Access", "POST", "/v2/chats/users-access", map[string]any{"chatName": xmpp("general"), "members": []string{"admin"}}},
	{"Access", "DELETE", "/v2/apps/" + appID + "/chats/users-access", map[string]any{"chatName": xmpp("general"), "members": []string{"admin"}}},
	{"Apps", "GET", "/v2/apps", nil},
	{"Apps", "POST", "/v2/apps", map[string]any{"displayName": "Child"}},
	{"Apps", "GET", "/v2/apps/" + appID, nil},
	{"Apps", "POST", "/v2/apps/" + appID + "/provision", map[string]any{"rooms": []any{map[string]any{"title": "Lobby"}}}},
	{"Tokens", "GET", "/v2/apps/" + appID + "/tokens", nil},
	{"Tokens", "POST", "/v2/apps/" + appID + "/tokens", map[string]any{"label": "ci"}},
	{"Bot", "GET", "/v2/apps/" + appID + "/bot", nil},
	{"Bot", "PUT", "/v2/apps/" + appID + "/bot", map[string]any{"status": "on"}},
	{"Broadcast", "POST", "/v2/apps/" + appID + "/chats/broadcast", map[string]any{"text": "hi", "allRooms": true}},
}

var exchangeOp = op{"Client", "POST", "/v1/users/client", nil}

func TestValidTokensAreAccepted(t *testing.T) {
	derived := serverToken(appID, appSecret)
	var legacyClaims ethoratoken.Claims
	legacyClaims.Data.AppID, legacyClaims.Data.Type = appID, ethoratoken.PurposeServer
	legacy := ethoratoken.Sign(legacyClaims, []byte(appSecret)) // SDK 26.2.x: the raw secret
	for _, tc := range []struct {
		name string
		c    func(h *harness) client
	}{
		{"x-custom-token (SDK 26.3)", func(h *harness) client { return h.as(derived) }},
		{"Authorization: Bearer", func(h *harness) client { return h.as(derived).bearer() }},
		{"both headers (SDK 26.8)", func(h *harness) client { return h.as(derived).both() }},
		{"26.2.x raw-secret token in x-custom-token", func(h *harness) client { return h.as(legacy) }},
		{"26.2.x raw-secret token as Bearer", func(h *harness) client { return h.as(legacy).bearer() }},
		{"x-custom-token is read before a bad Authorization", func(h *harness) client {
			c := h.as(derived)
			c.extra = map[string]string{"Authorization": "Bearer not-a-token"}
			return c
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, o := range serverOps {
				h := newHarness(t, ethora.Options{})
				r := tc.c(h).do(o.method, o.path, o.body)
				if r.Status >= 400 {
					t.Errorf("%s %s %s: want success, got %d %s", o.tag, o.method, o.path, r.Status, r.Raw)
				}
			}
		})
	}
}

func TestBadTokensAreRefused(t *testing.T) {
	var noneClaims ethoratoken.Claims
	noneClaims.Data.AppID, noneClaims.Data.Type = appID, ethoratoken.PurposeServer
	enc := base64.RawURLEncoding
	algNone := enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
		enc.EncodeToString([]byte(`{"data":{"appId":"`+appID+`","type":"server"}}`)) + "."
	var crossed ethoratoken.Claims
	crossed.Data.AppID, crossed.Data.Type = appID, ethoratoken.PurposeServer
	wrongPurposeKey := ethoratoken.Sign(crossed, ethoratoken.DerivedKey(appSecret, ethoratoken.PurposeClient))
	good := serverToken(appID, appSecret)

	for _, tc := range []struct {
		name       string
		c          func(h *harness) client
		serverOnly bool // the token is good for the client-token exchange
	}{
		{"no token", func(h *harness) client { return client{h: h, header: "none"} }, false},
		{"not a JWT", func(h *harness) client { return h.as("not-a-token") }, false},
		{"three garbage segments", func(h *harness) client { return h.as("a.b.c") }, false},
		{"alg none", func(h *harness) client { return h.as(algNone) }, false},
		{"wrong secret", func(h *harness) client { return h.as(serverToken(appID, "wrong-secret")) }, false},
		{"wrong secret as Bearer", func(h *harness) client { return h.as(serverToken(appID, "wrong-secret")).bearer() }, false},
		{"client token on a server route", func(h *harness) client { return h.as(clientToken(appID, appSecret, "admin")) }, true},
		{"key derived for the client purpose", func(h *harness) client { return h.as(wrongPurposeKey) }, false},
		{"unknown app", func(h *harness) client { return h.as(serverToken("no-such-app", appSecret)) }, false},
		{"unknown app token", func(h *harness) client { return h.as(ethoratoken.AppTokenPrefix + "0123456789abcdef") }, false},
		{"bad x-custom-token beats a good Bearer", func(h *harness) client {
			c := h.as(serverToken(appID, "wrong-secret"))
			c.extra = map[string]string{"Authorization": "Bearer " + good}
			return c
		}, false},
		{"Bearer with a bad token", func(h *harness) client { return h.as("garbage").bearer() }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, ethora.Options{})
			ops := serverOps
			if !tc.serverOnly {
				ops = append(ops[:len(ops):len(ops)], exchangeOp)
			}
			for _, o := range ops {
				before := h.snapshot()
				r := tc.c(h).do(o.method, o.path, o.body)
				if r.Status != http.StatusUnauthorized || r.Str("code") != "UNAUTHORIZED" {
					t.Errorf("%s %s %s: want 401 UNAUTHORIZED, got %d %s", o.tag, o.method, o.path, r.Status, r.Raw)
					continue
				}
				wantError(t, r, http.StatusUnauthorized, "UNAUTHORIZED")
				if h.snapshot() != before {
					t.Errorf("%s %s: a refused request changed the state", o.method, o.path)
				}
			}
		})
	}
}

func TestTokenOfDeletedAppIsRefused(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	parent := h.app()
	child, secret := parent.childApp("Doomed")
	c := h.as(serverToken(child, secret))
	c.ok("GET", "/v2/chats/users", nil)
	issued := parent.ok("POST", "/v2/apps/"+child+"/tokens", map[string]any{"label": "x"}).Str("token")
	h.as(issued).ok("GET", "/v2/chats/users", nil)

	parent.ok("DELETE", "/v2/apps/"+child, nil)
	for _, o := range serverOps {
		c.refused(http.StatusUnauthorized, "UNAUTHORIZED", o.method, o.path, o.body)
	}
	h.as(issued).refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
	h.as(clientToken(child, secret, "anyone")).refused(http.StatusUnauthorized, "UNAUTHORIZED", "POST", "/v1/users/client", nil)
}
