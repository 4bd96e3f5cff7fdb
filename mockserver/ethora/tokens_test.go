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
	id, value := created.Str("tokenId"), created.Str("token")
	if id == "" || !strings.HasPrefix(value, "eat_") || created.Str("label") != "ci-server" || created.Str("createdAt") == "" {
		t.Fatalf("create: %s", created.Raw)
	}
	// The value is a server token of its app, in either header.
	for _, tc := range []client{h.as(value), h.as(value).bearer(), h.as(value).both()} {
		if r := tc.ok("GET", "/v2/chats/users", nil); r.Num("total") != 7 {
			t.Errorf("the app token lists the app's users: %s", r.Raw)
		}
	}
	h.as(value).ok("POST", "/v2/chats", map[string]any{"uuid": "by-token"})

	list := c.ok("GET", base, nil)
	if got := list.Strs("tokens", "tokenId"); !slices.Equal(got, []string{id}) {
		t.Fatalf("list: %s", list.Raw)
	}
	if list.Str("tokens.0.status") != "active" || list.Str("tokens.0.label") != "ci-server" || list.Get("tokens.0.token") != nil {
		t.Errorf("list shows metadata only: %s", list.Raw)
	}
	if strings.Contains(list.Raw, value) || strings.Contains(list.Raw, value[len("eat_"):]) {
		t.Errorf("list leaks the value: %s", list.Raw)
	}

	// Rotate: same id, new value, the old one dead at once.
	h.clock.Advance(time.Hour)
	rot := c.ok("POST", base+"/"+id+"/rotate", map[string]any{"label": "ci-server-2026"})
	next := rot.Str("token")
	if rot.Str("tokenId") != id || !strings.HasPrefix(next, "eat_") || next == value || rot.Str("label") != "ci-server-2026" {
		t.Fatalf("rotate: %s", rot.Raw)
	}
	if rot.Str("createdAt") != created.Str("createdAt") {
		t.Errorf("rotation keeps createdAt: %s vs %s", rot.Str("createdAt"), created.Str("createdAt"))
	}
	h.as(next).ok("GET", "/v2/chats/users", nil)
	h.as(next).bearer().ok("GET", "/v2/chats/users", nil)
	h.as(value).refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
	h.as(value).bearer().refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
	list = c.ok("GET", base, nil)
	if list.Str("tokens.0.rotatedAt") == "" || list.Str("tokens.0.label") != "ci-server-2026" || list.Str("tokens.0.status") != "active" {
		t.Errorf("list after rotation: %s", list.Raw)
	}
	// A rotation without body keeps the label.
	next2 := c.ok("POST", base+"/"+id+"/rotate", nil)
	if next2.Str("label") != "ci-server-2026" {
		t.Errorf("rotation without label: %s", next2.Raw)
	}
	h.as(next).refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
	next = next2.Str("token")

	// Revoke: the value is dead, the record stays listed.
	if r := c.ok("DELETE", base+"/"+id, nil); r.Get("ok") != true {
		t.Errorf("revoke: %s", r.Raw)
	}
	h.as(next).refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
	h.as(next).bearer().refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
	list = c.ok("GET", base, nil)
	if list.Str("tokens.0.status") != "revoked" || list.Str("tokens.0.revokedAt") == "" || len(list.List("tokens")) != 1 {
		t.Errorf("list after revocation: %s", list.Raw)
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
		ids = append(ids, c.ok("POST", base, nil).Str("tokenId"))
		h.clock.Advance(time.Second)
		ids = append(ids, c.ok("POST", base, map[string]any{}).Str("tokenId"))
	}
	if got := c.ok("GET", base, nil).Strs("tokens", "tokenId"); !slices.Equal(got, ids) {
		t.Errorf("want %v, got %v", ids, got)
	}
}

func TestAppTokenOfAChild(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	parent := h.app()
	child, _ := parent.childApp("Child")
	value := parent.ok("POST", "/v2/apps/"+child+"/tokens", map[string]any{"label": "child"}).Str("token")
	c := h.as(value)
	// It acts as the child: the child's users, the child's path.
	c.createUsers("kid")
	if r := c.ok("GET", "/v2/chats/users", nil); r.Num("total") != 1 || r.Str("results.0.xmppUsername") != child+"_kid" {
		t.Errorf("child token's users: %s", r.Raw)
	}
	c.ok("GET", "/v2/apps/"+child+"/chats", nil)
	c.refused(http.StatusForbidden, "FORBIDDEN", "GET", "/v2/apps/"+appID+"/chats", nil)
	c.refused(http.StatusForbidden, "FORBIDDEN", "GET", "/v2/apps/"+appID+"/tokens", nil)
	// The parent's list does not show the child's tokens.
	if got := parent.ok("GET", "/v2/apps/"+appID+"/tokens", nil).List("tokens"); len(got) != 0 {
		t.Errorf("the parent's tokens: %v", got)
	}
	if got := parent.ok("GET", "/v2/apps/"+child+"/tokens", nil).List("tokens"); len(got) != 1 {
		t.Errorf("the child's tokens: %v", got)
	}
}
