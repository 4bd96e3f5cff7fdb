package ethora_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver/ethora"
)

func TestCreateAppMakesAChild(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	parent := h.app()
	r := parent.ok("POST", "/v2/apps", map[string]any{"displayName": "  Acme Support ", "domainName": "acme", "primaryColor": "#003E9C", "customSetting": 7})
	id, secret := r.Str("app._id"), r.Str("appSecret")
	if id == "" || secret == "" {
		t.Fatalf("createApp must answer app._id and appSecret: %s", r.Raw)
	}
	if r.Str("app.parentAppId") != appID || r.Str("app.creatorId") != appID || r.Get("app.isBaseApp") != false {
		t.Errorf("the child must name its parent: %s", r.Raw)
	}
	if r.Str("app.displayName") != "Acme Support" || r.Str("app.domainName") != "acme" || r.Num("app.customSetting") != 7 {
		t.Errorf("fields not kept: %s", r.Raw)
	}
	got := parent.ok("GET", "/v2/apps/"+id, nil)
	if got.Str("app._id") != id || got.Str("app.parentAppId") != appID {
		t.Errorf("getApp of the child: %s", got.Raw)
	}
	if strings.Contains(got.Raw, secret) {
		t.Errorf("getApp must not show the secret: %s", got.Raw)
	}
	own := parent.ok("GET", "/v2/apps/"+appID, nil)
	if own.Get("app.isBaseApp") != true || own.Get("app.parentAppId") != nil {
		t.Errorf("the configured app is a base app: %s", own.Raw)
	}
	if own.Num("app.stats.users") != 7 || own.Num("app.stats.chats") != 4 {
		t.Errorf("stats of the seeded app: %s", own.Raw)
	}
	parent.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "POST", "/v2/apps", map[string]any{"displayName": "   "})
	parent.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "POST", "/v2/apps", map[string]any{"domainName": "x"})
}

func TestChildAppSecretWorks(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	parent := h.app()
	child, secret := parent.childApp("Child")
	c := h.as(serverToken(child, secret))

	// Its own app under /v2/apps/{child}/... and the implicit routes.
	name := c.ok("POST", "/v2/apps/"+child+"/chats", map[string]any{"uuid": "lobby"}).Str("result.name")
	if name != child+"_lobby" {
		t.Errorf("chat of the child: want %s_lobby, got %q", child, name)
	}
	c.ok("POST", "/v1/users/batch", batch(user("kid", "kid@example.test")))
	if r := c.ok("GET", "/v2/chats/users", nil); r.Num("total") != 1 || r.Str("results.0.xmppUsername") != child+"_kid" {
		t.Errorf("users of the child: %s", r.Raw)
	}
	c.ok("GET", "/v2/apps/"+child+"/tokens", nil)
	c.ok("GET", "/v2/apps/"+child, nil)

	// The parent's token acts on the child.
	parent.ok("POST", "/v2/apps/"+child+"/chats/users-access", map[string]any{"chatName": "lobby", "members": []string{"kid"}})
	if r := parent.ok("GET", "/v2/apps/"+child+"/chats?includeMembers=true", nil); r.Num("total") != 1 || r.Str("chats.0.members.0.xmppUsername") != child+"_kid" {
		t.Errorf("the parent's view of the child's chats: %s", r.Raw)
	}
	parent.must(http.StatusAccepted, "POST", "/v2/apps/"+child+"/users/batch", batch(user("kid2", "kid2@example.test")))
	// The parent's own implicit routes still act on the parent.
	if r := parent.ok("GET", "/v2/chats/users?xmppUsername="+child+"_kid", nil); r.Num("total") != 0 {
		t.Errorf("the child's user leaked into the parent's list: %s", r.Raw)
	}
}

func TestTenancyIsolation(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	parent := h.app()
	a, aSecret := parent.childApp("A")
	b, _ := parent.childApp("B")
	parent.ok("POST", "/v2/apps/"+b+"/chats", map[string]any{"uuid": "room"})
	tok := parent.ok("POST", "/v2/apps/"+b+"/tokens", map[string]any{}).Str("tokenId")
	childA := h.as(serverToken(a, aSecret))

	calls := []op{
		{"", "GET", "/v2/apps/%s", nil},
		{"", "DELETE", "/v2/apps/%s", nil},
		{"", "GET", "/v2/apps/%s/chats", nil},
		{"", "POST", "/v2/apps/%s/chats", map[string]any{"uuid": "intruder"}},
		{"", "DELETE", "/v2/apps/%s/chats", map[string]any{"name": "room"}},
		{"", "PATCH", "/v2/apps/%s/chats/room", map[string]any{"title": "Mine"}},
		{"", "POST", "/v2/apps/%s/chats/users-access", map[string]any{"chatName": "room", "members": []string{"x"}}},
		{"", "POST", "/v2/apps/%s/users/batch", batch(user("x", "x@example.test"))},
		{"", "DELETE", "/v2/apps/%s/users/batch", map[string]any{"usersIdList": []string{"x"}}},
		{"", "PATCH", "/v2/apps/%s/chats/users", map[string]any{"users": []any{map[string]any{"uuid": "x", "firstName": "X"}}}},
		{"", "GET", "/v2/apps/%s/tokens", nil},
		{"", "POST", "/v2/apps/%s/tokens", map[string]any{}},
		{"", "POST", "/v2/apps/%s/tokens/" + tok + "/rotate", nil},
		{"", "DELETE", "/v2/apps/%s/tokens/" + tok, nil},
		{"", "GET", "/v2/apps/%s/bot", nil},
		{"", "PUT", "/v2/apps/%s/bot", map[string]any{"status": "on"}},
		{"", "POST", "/v2/apps/%s/provision", nil},
		{"", "POST", "/v2/apps/%s/chats/broadcast", map[string]any{"text": "hi", "allRooms": true}},
	}
	for _, tc := range []struct {
		name   string
		as     client
		target string
		status int
		code   string
	}{
		{"sibling's token on B", childA, b, http.StatusForbidden, "FORBIDDEN"},
		{"child's token on its parent", childA, appID, http.StatusForbidden, "FORBIDDEN"},
		{"unknown app, parent's token", parent, "no-such-app", http.StatusNotFound, "NOT_FOUND"},
		{"unknown app, child's token", childA, "no-such-app", http.StatusNotFound, "NOT_FOUND"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range calls {
				path := strings.Replace(c.path, "%s", tc.target, 1)
				tc.as.refused(tc.status, tc.code, c.method, path, c.body)
			}
		})
	}
}

func TestGrandchildrenAreOutOfReach(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	parent := h.app()
	child, secret := parent.childApp("Child")
	c := h.as(serverToken(child, secret))
	grandchild, gSecret := c.childApp("Grandchild")
	if r := c.ok("GET", "/v2/apps/"+grandchild, nil); r.Str("app.parentAppId") != child {
		t.Errorf("grandchild's parent: %s", r.Raw)
	}
	parent.refused(http.StatusForbidden, "FORBIDDEN", "GET", "/v2/apps/"+grandchild, nil)
	parent.refused(http.StatusForbidden, "FORBIDDEN", "GET", "/v2/apps/"+grandchild+"/chats", nil)

	// Deleting the child takes the grandchild with it.
	parent.ok("DELETE", "/v2/apps/"+child, nil)
	h.as(serverToken(grandchild, gSecret)).refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
	if _, ok := h.state().Apps.Get(grandchild); ok {
		t.Errorf("the grandchild survived its parent's deletion")
	}
}

func TestListAppsShowsOnlyChildren(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	parent := h.app()
	if r := parent.ok("GET", "/v2/apps", nil); r.Num("total") != 0 || len(r.List("apps")) != 0 || r.Num("limit") != 100 || r.Num("offset") != 0 {
		t.Errorf("no children yet: %s", r.Raw)
	}
	var ids []string
	for _, name := range []string{"Charlie", "alpha", "Bravo"} {
		h.clock.Advance(1e9)
		id, _ := parent.childApp(name)
		ids = append(ids, id)
	}
	first, _ := h.state().Apps.Get(ids[0])
	c := h.as(serverToken(ids[0], first.Secret))
	c.childApp("Grandchild")

	r := parent.ok("GET", "/v2/apps", nil)
	if got := r.Strs("apps", "_id"); !slices.Equal(got, ids) || r.Num("total") != 3 {
		t.Errorf("children by creation: want %v, got %v (%s)", ids, got, r.Raw)
	}
	if got := r.Strs("apps", "displayName"); slices.Contains(got, "standin") || slices.Contains(got, "Grandchild") {
		t.Errorf("listApps must show the children only: %v", got)
	}
	if got := parent.ok("GET", "/v2/apps?orderBy=displayName", nil).Strs("apps", "displayName"); !slices.Equal(got, []string{"alpha", "Bravo", "Charlie"}) {
		t.Errorf("by displayName: %v", got)
	}
	if got := parent.ok("GET", "/v2/apps?order=desc", nil).Strs("apps", "_id"); !slices.Equal(got, []string{ids[2], ids[1], ids[0]}) {
		t.Errorf("desc: %v", got)
	}
	p := parent.ok("GET", "/v2/apps?limit=1&offset=1", nil)
	if got := p.Strs("apps", "_id"); !slices.Equal(got, []string{ids[1]}) || p.Num("total") != 3 || p.Num("limit") != 1 || p.Num("offset") != 1 {
		t.Errorf("page: %s", p.Raw)
	}
	if got := c.ok("GET", "/v2/apps", nil).Strs("apps", "displayName"); !slices.Equal(got, []string{"Grandchild"}) {
		t.Errorf("the child lists its own children: %v", got)
	}
}

func TestDeleteApp(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	parent := h.app()
	child, secret := parent.childApp("Child")
	c := h.as(serverToken(child, secret))
	c.createUsers("u1", "u2")
	c.createChat("room", "u1", "u2")
	c.must(http.StatusAccepted, "POST", "/v2/apps/"+child+"/chats/broadcast", map[string]any{"text": "hi", "allRooms": true})
	c.ok("POST", "/v2/apps/"+child+"/tokens", nil)

	t.Run("an app cannot delete itself", func(t *testing.T) {
		c.refused(http.StatusForbidden, "FORBIDDEN", "DELETE", "/v2/apps/"+child, nil)
		parent.refused(http.StatusForbidden, "FORBIDDEN", "DELETE", "/v2/apps/"+appID, nil)
	})

	if r := parent.ok("DELETE", "/v2/apps/"+child, nil); r.Get("ok") != true {
		t.Errorf("deleteApp answers {ok:true}: %s", r.Raw)
	}
	parent.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v2/apps/"+child, nil)
	parent.refused(http.StatusNotFound, "NOT_FOUND", "DELETE", "/v2/apps/"+child, nil)
	c.refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/chats/users", nil)
	st := h.state()
	for _, u := range st.Users.All() {
		if u.AppID == child {
			t.Errorf("user %s of the deleted app survived", u.UUID)
		}
	}
	for _, ch := range st.Chats.All() {
		if ch.AppID == child {
			t.Errorf("chat %s of the deleted app survived", ch.Name)
		}
	}
	for _, b := range st.Broadcasts.All() {
		if b.AppID == child {
			t.Errorf("a broadcast of the deleted app survived")
		}
	}
	if got := parent.ok("GET", "/v2/apps", nil).Num("total"); got != 0 {
		t.Errorf("listApps after the delete: %d children", got)
	}
	// The parent's own data is untouched.
	if got := parent.ok("GET", "/v2/chats/users", nil).Num("total"); got != 7 {
		t.Errorf("the parent lost users: %d", got)
	}
}
