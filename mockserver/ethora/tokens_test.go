package ethora_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver/ethora"
)

func TestAppTokenLifecycle(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	base := "/v2/apps/" + appID + "/tokens"

	created := c.ok("POST", base, map[string]any{"label": "ci-server"})
	id, value := created.str("tokenId"), created.str("token")
	if id == "" || !strings.HasPrefix(value, "eat_") || created.str("label") != "ci-server" || created.str("createdAt") == "" {
		t.Fatalf("create: %s", created.raw)
	}
	// The value is a server token of its app, in either header.
	for _, tc := range []client{h.as(value), h.as(value).bearer(), h.as(value).both()} {
		if r := tc.ok("GET", "/v2/chats/users", nil); r.num("total") != 7 {
			t.Errorf("the app token lists the app's users: %s", r.raw)
		}
	}
	h.as(value).ok("POST", "/v2/chats", map[string]any{"uuid": "by-token"})

	list := c.ok("GET", base, nil)
	if got := list.strs("tokens", "tokenId"); !slices.Equal(got, []string{id}) {
		t.Fatalf("list: %s", list.raw)
	}
	if list.str("tokens.0.status") != "active" || list.str("tokens.0.label") != "ci-server" || list.get("tokens.0.token") != nil {
		t.Errorf("list shows metadata only: %s", list.raw)
	}
	if strings.Contains(list.raw, value) || strings.Contains(list.raw, value[len("eat_"):]) {
		t.Errorf("list leaks the value: %s", list.raw)
	}

	// Rotate: same id, new value, the old one dead at once.
	h.clock.Advance(time.Hour)
	rot := c.ok("POST", base+"/"+id+"/rotate", map[string]any{"label": "ci-server-2026"})
	next := rot.str("token")
	if rot.str("tokenId") != id || !strings.HasPrefix(next, "eat_") || next == value || rot.str("label") != "ci-server-2026" {
		t.Fatalf("rotate: %s", rot.raw)
	}
	if rot.str("createdAt") != created.str("createdAt") {
		t.Errorf("rotation keeps createdAt: %s vs %s", rot.str("createdAt"), created.str("createdAt"))
	}
	h.as(next).ok("GET", "/v2/chats/users", nil)
	h.as(next).bearer().ok("GET", "/v2/chats/users", nil)
	h.as(value).refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
	h.as(value).bearer().refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
	list = c.ok("GET", base, nil)
	if list.str("tokens.0.rotatedAt") == "" || list.str("tokens.0.label") != "ci-server-2026" || list.str("tokens.0.status") != "active" {
		t.Errorf("list after rotation: %s", list.raw)
	}
	// A rotation without body keeps the label.
	next2 := c.ok("POST", base+"/"+id+"/rotate", nil)
	if next2.str("label") != "ci-server-2026" {
		t.Errorf("rotation without label: %s", next2.raw)
	}
	h.as(next).refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
	next = next2.str("token")

	// Revoke: the value is dead, the record stays listed.
	if r := c.ok("DELETE", base+"/"+id, nil); r.get("ok") != true {
		t.Errorf("revoke: %s", r.raw)
	}
	h.as(next).refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
	h.as(next).bearer().refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
	list = c.ok("GET", base, nil)
	if list.str("tokens.0.status") != "revoked" || list.str("tokens.0.revokedAt") == "" || len(list.list("tokens")) != 1 {
		t.Errorf("list after revocation: %s", list.raw)
	}
	// Revoking twice is harmless; a revoked token cannot be rotated.
	c.ok("DELETE", base+"/"+id, nil)
	c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "POST", base+"/"+id+"/rotate", nil)
	h.as(next).refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)

	// Unknown ids.
	c.refused(http.StatusNotFound, "NOT_FOUND", "POST", base+"/no-such-token/rotate", nil)
	c.refused(http.StatusNotFound, "NOT_FOUND", "DELETE", base+"/no-such-token", nil)
}

func TestAppTokensAreListedOldestFirst(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	base := "/v2/apps/" + appID + "/tokens"
	var ids []string
	for range 3 {
		h.clock.Advance(time.Second)
		// No body and an empty body, as the SDK sends it.
		ids = append(ids, c.ok("POST", base, nil).str("tokenId"))
		h.clock.Advance(time.Second)
		ids = append(ids, c.ok("POST", base, map[string]any{}).str("tokenId"))
	}
	if got := c.ok("GET", base, nil).strs("tokens", "tokenId"); !slices.Equal(got, ids) {
		t.Errorf("want %v, got %v", ids, got)
	}
}

func TestAppTokenOfAChild(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	parent := h.app()
	child, _ := parent.childApp("Child")
	value := parent.ok("POST", "/v2/apps/"+child+"/tokens", map[string]any{"label": "child"}).str("token")
	c := h.as(value)
	// It acts as the child: the child's users, the child's path.
	c.createUsers("kid")
	if r := c.ok("GET", "/v2/chats/users", nil); r.num("total") != 1 || r.str("results.0.xmppUsername") != child+"_kid" {
		t.Errorf("child token's users: %s", r.raw)
	}
	c.ok("GET", "/v2/apps/"+child+"/chats", nil)
	c.refused(http.StatusForbidden, "FORBIDDEN", "GET", "/v2/apps/"+appID+"/chats", nil)
	c.refused(http.StatusForbidden, "FORBIDDEN", "GET", "/v2/apps/"+appID+"/tokens", nil)
	// The parent's list does not show the child's tokens.
	if got := parent.ok("GET", "/v2/apps/"+appID+"/tokens", nil).list("tokens"); len(got) != 0 {
		t.Errorf("the parent's tokens: %v", got)
	}
	if got := parent.ok("GET", "/v2/apps/"+child+"/tokens", nil).list("tokens"); len(got) != 1 {
		t.Errorf("the child's tokens: %v", got)
	}
}
