package ethora_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver/ethora"
)

// memberForms are the ways a caller may name the user "u1".
var memberForms = []struct{ name, ref string }{
	{"plain uuid", "u1"},
	{"{appId}_{uuid}", xmpp("u1")},
	{"double prefix", appID + "_" + xmpp("u1")},
	{"full JID", xmpp("u1") + jidDomain},
	{"JID with double prefix", appID + "_" + xmpp("u1") + jidDomain},
}

func TestChatIsNamedAfterItsUUID(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	for _, tc := range []struct{ uuid, name string }{
		{"room1", xmpp("room1")},
		{xmpp("room2"), xmpp("room2")},
		{xmpp("room3") + jidDomain, xmpp("room3")},
	} {
		r := c.ok("POST", "/v2/chats", map[string]any{"uuid": tc.uuid})
		if r.Str("result.name") != tc.name {
			t.Errorf("uuid %q: want name %q, got %q", tc.uuid, tc.name, r.Str("result.name"))
		}
		if r.Str("result.appId") != appID || r.Str("result.type") != "group" || !strings.HasPrefix(r.Str("result.title"), "Chat Room ") {
			t.Errorf("uuid %q: defaults: %s", tc.uuid, r.Raw)
		}
	}
	// In a path app, named after that app.
	child, _ := c.childApp("Child")
	if got := c.ok("POST", "/v2/apps/"+child+"/chats", map[string]any{"uuid": "room1"}).Str("result.name"); got != child+"_room1" {
		t.Errorf("chat in a child app: %q", got)
	}
	// Without uuid: {appId}_{24-hex}.
	gen := c.ok("POST", "/v2/chats", map[string]any{"title": "No uuid"}).Str("result.name")
	if rest, ok := strings.CutPrefix(gen, appID+"_"); !ok || len(rest) != 24 || strings.Trim(rest, "0123456789abcdef") != "" {
		t.Errorf("generated chat name: %q", gen)
	}
	// The same uuid again, in any form, is a duplicate.
	for _, dup := range []string{"room1", xmpp("room1"), xmpp("room1") + jidDomain} {
		r := c.refused(http.StatusUnprocessableEntity, "ALREADY_EXISTS", "POST", "/v2/chats", map[string]any{"uuid": dup})
		if !strings.HasSuffix(r.Str("error"), "already exists") {
			t.Errorf("a duplicate's error ends in 'already exists': %q", r.Str("error"))
		}
	}
}

func TestMemberFormsResolveToOneUser(t *testing.T) {
	for _, f := range memberForms {
		t.Run(f.name, func(t *testing.T) {
			h := newHarness(t, ethora.Options{})
			c := h.app()
			c.createUsers("u1")

			// On creation.
			r := c.ok("POST", "/v2/chats", map[string]any{"uuid": "a", "members": []string{f.ref}})
			if r.Num("result.membersCount") != 1 || r.Str("result.members.0.xmppUsername") != xmpp("u1") {
				t.Errorf("create with member %q: %s", f.ref, r.Raw)
			}
			// On grant and removal, in both route families.
			c.createChat("b")
			for _, path := range []string{"/v2/chats/users-access", "/v2/apps/" + appID + "/chats/users-access"} {
				g := c.ok("POST", path, map[string]any{"chatName": xmpp("b"), "members": []string{f.ref}})
				if g.Str("details.0.xmppUsername") != xmpp("u1") || g.Str("details.0.status") != "granted" {
					t.Errorf("grant %q at %s: %s", f.ref, path, g.Raw)
				}
				if got := c.members(xmpp("b")); !slices.Equal(got, []string{xmpp("u1")}) {
					t.Errorf("members after grant: %v", got)
				}
				d := c.ok("DELETE", path, map[string]any{"chatName": xmpp("b"), "members": []string{f.ref}})
				if d.Str("details.0.xmppUsername") != xmpp("u1") || d.Str("details.0.status") != "removed" {
					t.Errorf("remove %q at %s: %s", f.ref, path, d.Raw)
				}
			}
			// As a filter and in updates.
			if got := c.ok("GET", "/v2/chats/users?xmppUsername="+url.QueryEscape(f.ref), nil).Strs("results", "xmppUsername"); !slices.Equal(got, []string{xmpp("u1")}) {
				t.Errorf("getChatUsers?xmppUsername=%s: %v", f.ref, got)
			}
			u := c.ok("PATCH", "/v2/chats/users", map[string]any{"users": []any{map[string]any{"xmppUsername": f.ref, "firstName": "Renamed"}}})
			if u.Str("results.0.status") != "updated" || u.Str("results.0.xmppUsername") != xmpp("u1") || u.Str("results.0.user.xmppUsername") != xmpp("u1") {
				t.Errorf("update by %q: %s", f.ref, u.Raw)
			}
		})
	}
}

func TestAllFormsInOneRequest(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	c.createUsers("u1")
	refs := make([]string, len(memberForms))
	for i, f := range memberForms {
		refs[i] = f.ref
	}
	r := c.ok("POST", "/v2/chats", map[string]any{"uuid": "a", "members": refs})
	if r.Num("result.membersCount") != 1 {
		t.Errorf("the forms of one user must add one member: %s", r.Raw)
	}
	c.createChat("b")
	g := c.ok("POST", "/v2/chats/users-access", map[string]any{"chatName": "b", "members": refs})
	want := []string{"granted", "already-member", "already-member", "already-member", "already-member"}
	if got := g.Strs("details", "status"); !slices.Equal(got, want) {
		t.Errorf("statuses: want %v, got %v", want, got)
	}
	for _, x := range g.Strs("details", "xmppUsername") {
		if x != xmpp("u1") {
			t.Errorf("output xmppUsername %q, want %q", x, xmpp("u1"))
		}
	}
	if got := c.members(xmpp("b")); !slices.Equal(got, []string{xmpp("u1")}) {
		t.Errorf("members: %v", got)
	}
}

// TestOutputsAreNeverDoublePrefixed walks the outputs that carry user
// names after they were given double-prefixed.
func TestOutputsAreNeverDoublePrefixed(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	double := appID + "_" + xmpp("dp")
	job := c.must(http.StatusAccepted, "POST", "/v2/users/batch", batch(user(double, "dp@example.test"))).Str("jobId")
	j := c.ok("GET", "/v2/users/batch/"+job, nil)
	if j.Str("result.results.0.xmppUsername") != xmpp("dp") || j.Str("result.results.0.uuid") != "dp" || j.Str("result.results.0.user.xmppUsername") != xmpp("dp") {
		t.Errorf("job results: %s", j.Raw)
	}
	v1 := c.ok("POST", "/v1/users/batch", batch(user(appID+"_"+xmpp("dq"), "dq@example.test")))
	if v1.Str("results.0.xmppUsername") != xmpp("dq") || v1.Str("results.0.uuid") != "dq" {
		t.Errorf("v1 results: %s", v1.Raw)
	}
	c.createChat("room", double)
	for _, path := range []string{
		"/v2/chats/users?chatName=room",
		"/v2/apps/" + appID + "/chats?includeMembers=true",
		"/v2/apps/" + appID + "/users/dp/chats?includeMembers=true",
		"/v1/apps/users/" + xmpp("dp"),
	} {
		r := c.ok("GET", path, nil)
		if strings.Contains(r.Raw, appID+"_"+appID+"_") {
			t.Errorf("%s: double prefix in %s", path, r.Raw)
		}
		if !strings.Contains(r.Raw, `"`+xmpp("dp")+`"`) {
			t.Errorf("%s: %s missing from %s", path, xmpp("dp"), r.Raw)
		}
	}
}

func TestChatNameAsFullJID(t *testing.T) {
	jid := xmpp("room1") + jidDomain
	for _, tc := range []struct {
		name  string
		check func(t *testing.T, c client)
	}{
		{"PATCH path", func(t *testing.T, c client) {
			r := c.ok("PATCH", "/v2/apps/"+appID+"/chats/"+jid, map[string]any{"title": "Via JID"})
			if r.Str("result.name") != xmpp("room1") || r.Str("result.title") != "Via JID" {
				t.Errorf("%s", r.Raw)
			}
		}},
		{"PATCH path, percent-encoded", func(t *testing.T, c client) {
			r := c.ok("PATCH", "/v2/apps/"+appID+"/chats/"+url.PathEscape(jid), map[string]any{"title": "Encoded"})
			if r.Str("result.title") != "Encoded" {
				t.Errorf("%s", r.Raw)
			}
		}},
		{"grant and remove", func(t *testing.T, c client) {
			for _, path := range []string{"/v2/chats/users-access", "/v2/apps/" + appID + "/chats/users-access"} {
				if r := c.ok("POST", path, map[string]any{"chatName": jid, "members": []string{"admin"}}); r.Str("details.0.status") != "granted" {
					t.Errorf("grant at %s: %s", path, r.Raw)
				}
				if r := c.ok("DELETE", path, map[string]any{"chatName": jid, "members": []string{"admin"}}); r.Str("details.0.status") != "removed" {
					t.Errorf("remove at %s: %s", path, r.Raw)
				}
			}
		}},
		{"getChatUsers filter", func(t *testing.T, c client) {
			c.ok("POST", "/v2/chats/users-access", map[string]any{"chatName": "room1", "members": []string{"admin"}})
			if got := c.members(url.QueryEscape(jid)); !slices.Equal(got, []string{xmpp("admin")}) {
				t.Errorf("members: %v", got)
			}
		}},
		{"DELETE /v1/chats", func(t *testing.T, c client) {
			c.ok("DELETE", "/v1/chats", map[string]any{"name": jid})
			c.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v2/chats/users?chatName=room1", nil)
		}},
		{"DELETE /v2/apps/{appId}/chats", func(t *testing.T, c client) {
			c.ok("DELETE", "/v2/apps/"+appID+"/chats", map[string]any{"name": jid})
			c.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v2/chats/users?chatName=room1", nil)
		}},
		{"broadcast chatNames", func(t *testing.T, c client) {
			job := c.must(http.StatusAccepted, "POST", "/v2/apps/"+appID+"/chats/broadcast", map[string]any{"text": "hi", "chatNames": []string{jid}}).Str("jobId")
			r := c.ok("GET", "/v2/apps/"+appID+"/chats/broadcast/"+job, nil)
			if r.Str("result.results.0.chatName") != xmpp("room1") || r.Str("result.results.0.status") != "sent" {
				t.Errorf("%s", r.Raw)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, ethora.Options{})
			c := h.app()
			c.createChat("room1")
			tc.check(t, c)
		})
	}
}

func TestGetAppUserByXmppUsername(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	r := c.ok("GET", "/v1/apps/users/"+xmpp("admin"), nil)
	if r.Str("user.uuid") != "admin" || r.Str("user.xmppUsername") != xmpp("admin") || r.Get("user.xmppPassword") != nil {
		t.Errorf("lookup: %s", r.Raw)
	}
	c.ok("GET", "/v1/apps/users/"+url.PathEscape(xmpp("admin")), nil)
	c.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v1/apps/users/"+xmpp("ghost"), nil)

	// A user of another app stays out of reach, even for its parent.
	child, secret := c.childApp("Child")
	h.as(serverToken(child, secret)).createUsers("kid")
	c.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v1/apps/users/"+child+"_kid", nil)
}

func TestGetAppUserByFullJID(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	r := h.app().ok("GET", "/v1/apps/users/"+xmpp("admin")+jidDomain, nil)
	if r.Str("user.xmppUsername") != xmpp("admin") {
		t.Errorf("lookup by JID: %s", r.Raw)
	}
}

func TestUserUUIDIsKeptAsGiven(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	r := h.app().ok("POST", "/v1/users/batch", batch(user("alice@a.test", "alice1@example.test"), user("alice@b.test", "alice2@example.test")))
	if got := r.Strs("results", "uuid"); !slices.Equal(got, []string{"alice@a.test", "alice@b.test"}) {
		t.Errorf("uuids: %v (%s)", got, r.Raw)
	}
}
