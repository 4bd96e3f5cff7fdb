package ethora_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora"
)

func TestOptions(t *testing.T) {
	t.Run("negative job delay", func(t *testing.T) {
		if _, err := ethora.New(mockserver.Setup{Store: mockserver.NewMemoryStore()}, ethora.Options{JobDelay: -time.Second}); err == nil {
			t.Errorf("a negative job delay must be refused")
		}
	})
	t.Run("unknown data set", func(t *testing.T) {
		if _, err := ethora.New(mockserver.Setup{Store: mockserver.NewMemoryStore(), DataSet: "no-such-set"}, ethora.Options{}); err == nil {
			t.Errorf("an unknown data set must be refused")
		}
	})
	t.Run("configured app", func(t *testing.T) {
		const id, secret = "646cc8dc96d4a4dc8f7b2f2d", "9c1e4b7a2f6d8e0c"
		h := newHarness(t, ethora.Options{App: ethora.AppConfig{ID: id, Secret: secret, DisplayName: "Acme"}})
		c := h.as(serverToken(id, secret))
		r := c.ok("GET", "/v2/chats/users?xmppUsername=admin", nil)
		if r.Str("results.0.xmppUsername") != id+"_admin" {
			t.Errorf("seeded users live in the configured app: %s", r.Raw)
		}
		if got := c.ok("GET", "/v2/apps/"+id, nil).Str("app.displayName"); got != "Acme" {
			t.Errorf("displayName: %q", got)
		}
		c.ok("GET", "/v2/chats/users?chatName="+id+"_general", nil)
		h.app().refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
		h.as(serverToken(id, appSecret)).refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
	})
	t.Run("empty data set", func(t *testing.T) {
		h := newHarnessWith(t, mockserver.Setup{DataSet: "empty"}, ethora.Options{})
		c := h.app()
		if r := c.ok("GET", "/v2/chats/users", nil); r.Num("total") != 1 || r.Str("results.0.uuid") != "admin" {
			t.Errorf("users: %s", r.Raw)
		}
		if r := c.ok("GET", "/v2/apps/"+appID+"/chats", nil); r.Num("total") != 0 {
			t.Errorf("chats: %s", r.Raw)
		}
	})
	t.Run("seeded chats", func(t *testing.T) {
		h := newHarness(t, ethora.Options{})
		c := h.app()
		r := c.ok("GET", "/v2/apps/"+appID+"/users/admin/chats?includeMembers=true", nil)
		if r.Str("chats.0.name") != xmpp("general") || r.Str("chats.0.type") != "public" {
			t.Errorf("the admin is in general: %s", r.Raw)
		}
		for _, m := range r.Strs("chats.0.members", "xmppUsername") {
			if !c.visible(m) {
				t.Errorf("seeded member %s is not a user", m)
			}
		}
	})
}

func TestNamespacesAreSeparate(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	child, secret := c.childApp("Only in default")
	c.createChat("only-here")

	h.ns = "other"
	h.touch()
	h.as(serverToken(child, secret)).refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
	c.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v2/apps/"+child, nil)
	c.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v2/chats/users?chatName=only-here", nil)
	c.createChat("only-here") // free in this namespace
}
