package ethora_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora"
)

func TestChatAccessIsIdempotent(t *testing.T) {
	for _, path := range []string{"/v2/chats/users-access", "/v2/apps/" + appID + "/chats/users-access"} {
		t.Run(path, func(t *testing.T) {
			h := newHarness(t, ethora.Options{})
			c := h.app()
			c.createUsers("u1", "u2", "u3")
			c.createChat("room", "u1")

			type step struct {
				method   string
				members  []string
				statuses []string
				ok       bool
				byStatus map[string]int
				after    []string
			}
			for i, s := range []step{
				{"POST", []string{"u1", "u2", "ghost"}, []string{"already-member", "granted", "not-found"}, false,
					map[string]int{"already-member": 1, "granted": 1, "not-found": 1}, []string{"u1", "u2"}},
				{"POST", []string{"u2", "u3"}, []string{"already-member", "granted"}, true,
					map[string]int{"already-member": 1, "granted": 1}, []string{"u1", "u2", "u3"}},
				{"POST", []string{"u1", "u2", "u3"}, []string{"already-member", "already-member", "already-member"}, true,
					map[string]int{"already-member": 3}, []string{"u1", "u2", "u3"}},
				{"DELETE", []string{"u2", "ghost"}, []string{"removed", "not-found"}, false,
					map[string]int{"removed": 1, "not-found": 1}, []string{"u1", "u3"}},
				{"DELETE", []string{"u2", "u1"}, []string{"not-member", "removed"}, true,
					map[string]int{"not-member": 1, "removed": 1}, []string{"u3"}},
				{"DELETE", []string{"u1", "u2"}, []string{"not-member", "not-member"}, true,
					map[string]int{"not-member": 2}, []string{"u3"}},
			} {
				r := c.ok(s.method, path, map[string]any{"chatName": xmpp("room"), "members": s.members})
				if got := r.Strs("details", "status"); !slices.Equal(got, s.statuses) {
					t.Errorf("step %d: statuses: want %v, got %v", i, s.statuses, got)
				}
				if r.Get("ok") != s.ok || r.Num("summary.requested") != len(s.members) {
					t.Errorf("step %d: ok/requested: %s", i, r.Raw)
				}
				by, _ := r.Get("summary.byStatus").(map[string]any)
				if len(by) != len(s.byStatus) {
					t.Errorf("step %d: byStatus: want %v, got %v", i, s.byStatus, by)
				}
				for k, n := range s.byStatus {
					if v, _ := by[k].(float64); int(v) != n {
						t.Errorf("step %d: byStatus[%s]: want %d, got %v", i, k, n, by[k])
					}
				}
				want := make([]string, len(s.after))
				for j, u := range s.after {
					want[j] = xmpp(u)
				}
				if got := c.members("room"); !slices.Equal(got, want) {
					t.Errorf("step %d: members: want %v, got %v", i, want, got)
				}
			}
			// An unknown chat is a 404 and changes nothing, even for no
			// members; an empty list of members is no error (see
			// TestEmptyListsAnswerAsTheSDKExpects).
			for _, m := range []string{"POST", "DELETE"} {
				c.refused(http.StatusNotFound, "NOT_FOUND", m, path, map[string]any{"chatName": xmpp("nope"), "members": []string{"u1"}})
				c.refused(http.StatusNotFound, "NOT_FOUND", m, path, map[string]any{"chatName": xmpp("nope"), "members": []string{}})
				c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", m, path, map[string]any{"chatName": "", "members": []string{"u1"}})
			}
		})
	}
}

func TestUserChats(t *testing.T) {
	h := newHarnessWith(t, mockserver.Setup{DataSet: "empty"}, ethora.Options{})
	c := h.app()
	c.createUsers("u1", "u2", "u3")
	for _, room := range []string{"a", "b", "c"} {
		h.clock.Advance(time.Second)
		members := []string{"u1", "u2"}
		if room == "b" {
			members = []string{"u2"}
		}
		c.createChat(room, members...)
	}
	base := "/v2/apps/" + appID + "/users/"
	for _, tc := range []struct {
		name, query string
		members     bool
	}{
		{"default", "", false},
		{"includeMembers=false", "?includeMembers=false", false},
		{"includeMembers=true", "?includeMembers=true", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.ok("GET", base+"u1/chats"+tc.query, nil)
			if got := r.Strs("chats", "name"); !slices.Equal(got, []string{xmpp("a"), xmpp("c")}) || r.Num("total") != 2 {
				t.Errorf("u1's chats: %s", r.Raw)
			}
			for i, ch := range r.List("chats") {
				m := ch.(map[string]any)
				if _, has := m["members"]; has != tc.members {
					t.Errorf("chat %d: members present %v, want %v (%s)", i, has, tc.members, r.Raw)
				}
				if m["membersCount"] != float64(2) {
					t.Errorf("chat %d: membersCount: %s", i, r.Raw)
				}
			}
			if tc.members {
				if got := r.Strs("chats.0.members", "xmppUsername"); !slices.Equal(got, []string{xmpp("u1"), xmpp("u2")}) {
					t.Errorf("members of a: %v", got)
				}
				if r.Str("chats.0.members.0.uuid") != "u1" || r.Str("chats.0.members.0.firstName") != "First" {
					t.Errorf("member records: %s", r.Raw)
				}
			}
		})
	}
	if r := c.ok("GET", base+"u2/chats?limit=1&offset=1", nil); r.Num("total") != 3 || !slices.Equal(r.Strs("chats", "name"), []string{xmpp("b")}) || r.Num("limit") != 1 || r.Num("offset") != 1 {
		t.Errorf("page: %s", r.Raw)
	}
	if r := c.ok("GET", base+"u3/chats", nil); r.Num("total") != 0 || r.List("chats") == nil {
		t.Errorf("no chats is an empty array: %s", r.Raw)
	}
	c.refused(http.StatusNotFound, "NOT_FOUND", "GET", base+"ghost/chats", nil)
	c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "GET", base+"u1/chats?includeMembers=yes", nil)
	// listChatsInApp shares the shape.
	l := c.ok("GET", "/v2/apps/"+appID+"/chats?includeMembers=true", nil)
	if got := l.Strs("chats", "name"); !slices.Equal(got, []string{xmpp("a"), xmpp("b"), xmpp("c")}) || l.Num("total") != 3 || l.Num("limit") != 100 {
		t.Errorf("listChatsInApp: %s", l.Raw)
	}
	if got := l.Strs("chats.1.members", "xmppUsername"); !slices.Equal(got, []string{xmpp("u2")}) {
		t.Errorf("members of b: %v", got)
	}
}

func TestUpdateChatInApp(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	c.createChat("room")
	path := "/v2/apps/" + appID + "/chats/" + xmpp("room")
	h.clock.Advance(time.Minute)
	r := c.ok("PATCH", path, map[string]any{"title": "Room 1 (renamed)", "description": "Now with a description"})
	if r.Str("result.title") != "Room 1 (renamed)" || r.Str("result.description") != "Now with a description" || r.Str("result.name") != xmpp("room") {
		t.Errorf("update: %s", r.Raw)
	}
	if r.Str("result.updatedAt") == r.Str("result.createdAt") {
		t.Errorf("updatedAt must move: %s", r.Raw)
	}
	// Partial: the description stays.
	c.ok("PATCH", path, map[string]any{"title": "Third"})
	l := c.ok("GET", "/v2/apps/"+appID+"/chats", nil)
	i := slices.Index(l.Strs("chats", "name"), xmpp("room"))
	if i < 0 || l.Strs("chats", "title")[i] != "Third" || l.Strs("chats", "description")[i] != "Now with a description" {
		t.Errorf("later list: %s", l.Raw)
	}
	// By plain uuid, too.
	c.ok("PATCH", "/v2/apps/"+appID+"/chats/room", map[string]any{"picture": "https://img.example/r.png"})

	c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "PATCH", path, map[string]any{})
	c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "PATCH", path, map[string]any{"title": "   "})
	c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "PATCH", path, map[string]any{"other": 1})
	c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "PATCH", path, map[string]any{"title": 5})
	c.refused(http.StatusNotFound, "NOT_FOUND", "PATCH", "/v2/apps/"+appID+"/chats/"+xmpp("nope"), map[string]any{"title": "X"})
}

func TestV1DeletesAnswerPlainTextNotFound(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	for _, tc := range []struct {
		name, path string
		body       any
	}{
		{"unknown chat", "/v1/chats", map[string]any{"name": xmpp("nope")}},
		{"unknown user", "/v1/users/batch", map[string]any{"usersIdList": []string{"ghost"}}},
		{"an unknown user after a known one", "/v1/users/batch", map[string]any{"usersIdList": []string{"admin", "ghost"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := h.snapshot()
			r := c.do("DELETE", tc.path, tc.body)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("want 422, got %d %s", r.Status, r.Raw)
			}
			if !strings.HasPrefix(r.ContentType, "text/plain") {
				t.Errorf("content type: want text/plain, got %q", r.ContentType)
			}
			if !strings.Contains(strings.ToLower(r.Raw), "not found") {
				t.Errorf("body must contain 'not found': %q", r.Raw)
			}
			if _, isObject := r.Body.(map[string]any); isObject {
				t.Errorf("the SDK throws on a JSON object here: %q", r.Raw)
			}
			if h.snapshot() != before {
				t.Errorf("a not-found delete changed the state")
			}
		})
	}
	// Validation failures keep the JSON envelope. (An empty usersIdList
	// is no failure: see TestEmptyListsAnswerAsTheSDKExpects.)
	c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "DELETE", "/v1/users/batch", map[string]any{})
	c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "DELETE", "/v1/users/batch", map[string]any{"usersIdList": []any{5}})
	c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "DELETE", "/v1/chats", map[string]any{})
	c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "DELETE", "/v1/chats", map[string]any{"name": ""})
}

func TestInAppDeletesAnswerJSONNotFound(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	c.refused(http.StatusNotFound, "NOT_FOUND", "DELETE", "/v2/apps/"+appID+"/chats", map[string]any{"name": xmpp("nope")})
	c.refused(http.StatusNotFound, "NOT_FOUND", "DELETE", "/v2/apps/"+appID+"/users/batch", map[string]any{"usersIdList": []string{"admin", "ghost"}})
}

func TestDeletes(t *testing.T) {
	for _, tc := range []struct{ name, chats, users string }{
		{"v1", "/v1/chats", "/v1/users/batch"},
		{"in app", "/v2/apps/" + appID + "/chats", "/v2/apps/" + appID + "/users/batch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, ethora.Options{})
			c := h.app()
			c.createUsers("u1", "u2", "u3")
			c.createChat("a", "u1", "u2", "u3")
			c.createChat("b", "u2", "u3")

			r := c.ok("DELETE", tc.users, map[string]any{"usersIdList": []string{"u2", "u3", "u3"}})
			if r.Get("ok") != true || r.Num("deleted") != 2 {
				t.Errorf("delete users: %s", r.Raw)
			}
			if got := c.members("a"); !slices.Equal(got, []string{xmpp("u1")}) {
				t.Errorf("a deleted user stays a member: %v", got)
			}
			if got := c.members("b"); len(got) != 0 {
				t.Errorf("a deleted user stays a member: %v", got)
			}
			if n := c.ok("GET", "/v2/apps/"+appID+"/chats", nil).List("chats"); len(n) < 2 {
				t.Errorf("chats went with their members")
			}
			c.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v1/apps/users/"+xmpp("u2"), nil)
			// The uuid is free again.
			c.createUsers("u2")

			if r := c.ok("DELETE", tc.chats, map[string]any{"name": xmpp("a")}); r.Get("ok") != true {
				t.Errorf("delete chat: %s", r.Raw)
			}
			c.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v2/chats/users?chatName=a", nil)
			if got := c.ok("GET", "/v2/apps/"+appID+"/users/u1/chats", nil).Num("total"); got != 0 {
				t.Errorf("u1 still in %d chats", got)
			}
			// The chat uuid is free again.
			c.createChat("a")
		})
	}
}

// TestRecreatedNamesInheritNoMemberships deletes a member and a chat and
// creates them again under the same names: the new user is in no chat,
// and the new chat has no members. (Memberships are rows of their own,
// which a delete must take with it.)
func TestRecreatedNamesInheritNoMemberships(t *testing.T) {
	h := newHarnessWith(t, mockserver.Setup{DataSet: "empty"}, ethora.Options{})
	c := h.app()
	c.createUsers("u1", "u2")
	c.createChat("a", "u1", "u2")
	c.createChat("b", "u2")

	c.ok("DELETE", "/v1/users/batch", map[string]any{"usersIdList": []string{"u2"}})
	c.createUsers("u2")
	if r := c.ok("GET", "/v2/apps/"+appID+"/users/u2/chats", nil); r.Num("total") != 0 || len(r.List("chats")) != 0 {
		t.Errorf("the new u2's chats: %s", r.Raw)
	}
	if got := c.members("a"); !slices.Equal(got, []string{xmpp("u1")}) {
		t.Errorf("a's members: %v", got)
	}
	if got := c.members("b"); len(got) != 0 {
		t.Errorf("b's members: %v", got)
	}

	c.ok("DELETE", "/v1/chats", map[string]any{"name": xmpp("a")})
	c.createChat("a")
	r := c.ok("GET", "/v2/apps/"+appID+"/chats?includeMembers=true", nil)
	i := slices.Index(r.Strs("chats", "name"), xmpp("a"))
	if i < 0 {
		t.Fatalf("the new a is not listed: %s", r.Raw)
	}
	if n, m := r.Num("chats."+strconv.Itoa(i)+".membersCount"), r.List("chats."+strconv.Itoa(i)+".members"); n != 0 || m == nil || len(m) != 0 {
		t.Errorf("the new a has %d members %v: %s", n, m, r.Raw)
	}
	if r := c.ok("GET", "/v2/apps/"+appID+"/users/u1/chats", nil); r.Num("total") != 0 {
		t.Errorf("u1's chats: %s", r.Raw)
	}
	// Granting access again works, and lists the member once.
	c.ok("POST", "/v2/chats/users-access", map[string]any{"chatName": "a", "members": []string{"u1"}})
	if got := c.members("a"); !slices.Equal(got, []string{xmpp("u1")}) {
		t.Errorf("a's members after a grant: %v", got)
	}
}

func TestBroadcast(t *testing.T) {
	path := "/v2/apps/" + appID + "/chats/broadcast"
	t.Run("exactly one selector", func(t *testing.T) {
		h := newHarness(t, ethora.Options{})
		c := h.app()
		for _, body := range []map[string]any{
			{"text": "hi"},
			{"text": "hi", "allRooms": false},
			{"text": "hi", "chatNames": []string{}},
			{"text": "hi", "chatIds": []string{}},
			{"text": "hi", "allRooms": true, "chatNames": []string{"general"}},
			{"text": "hi", "chatNames": []string{"general"}, "chatIds": []string{"random"}},
			{"text": "hi", "allRooms": true, "chatIds": []string{"random"}},
		} {
			c.refused(http.StatusBadRequest, "BAD_REQUEST", "POST", path, body)
		}
		c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "POST", path, map[string]any{"text": "", "allRooms": true})
		c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "POST", path, map[string]any{"allRooms": true})
	})
	for _, tc := range []struct {
		name     string
		body     map[string]any
		names    []string
		statuses []string
		sent     int
	}{
		{"allRooms", map[string]any{"allRooms": true}, nil, nil, -1}, // every chat of the app, each sent
		{"chatNames", map[string]any{"chatNames": []string{xmpp("general"), xmpp("random") + jidDomain, xmpp("nope")}},
			[]string{xmpp("general"), xmpp("random"), xmpp("nope")}, []string{"sent", "sent", "not-found"}, 2},
		{"chatIds", map[string]any{"chatIds": []string{"general", "nope"}},
			[]string{xmpp("general"), xmpp("nope")}, []string{"sent", "not-found"}, 1},
		{"dryRun", map[string]any{"chatNames": []string{xmpp("general"), xmpp("random")}, "dryRun": true},
			[]string{xmpp("general"), xmpp("random")}, []string{"skipped", "skipped"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, ethora.Options{JobDelay: 3 * time.Second})
			c := h.app()
			body := map[string]any{"text": "Maintenance tonight", "metadata": map[string]any{"k": "v"}}
			for k, v := range tc.body {
				body[k] = v
			}
			before := h.state()
			if tc.names == nil {
				for name := range before.Chats.All() {
					tc.names = append(tc.names, name)
					tc.statuses = append(tc.statuses, "sent")
				}
				tc.sent = len(tc.names)
				if tc.sent < 2 {
					t.Fatalf("the seeded app has %d chats", tc.sent)
				}
			}
			r := c.must(http.StatusAccepted, "POST", path, body)
			job := r.Str("jobId")
			if job == "" || r.Str("statusUrl") != path+"/"+job {
				t.Fatalf("202: %s", r.Raw)
			}
			if j := c.ok("GET", path+"/"+job, nil); j.Str("state") != "pending" || j.Get("result") != nil {
				t.Errorf("before the delay: %s", j.Raw)
			}
			h.clock.Advance(3 * time.Second)
			j := c.ok("GET", path+"/"+job, nil)
			if j.Str("state") != "completed" || j.Str("text") != "Maintenance tonight" || j.Str("appId") != appID {
				t.Fatalf("after the delay: %s", j.Raw)
			}
			if j.Get("dryRun") != (tc.body["dryRun"] == true) {
				t.Errorf("dryRun: %s", j.Raw)
			}
			if got := j.Strs("result.results", "chatName"); !sameSet(got, tc.names) {
				t.Errorf("targets: want %v, got %v", tc.names, got)
			}
			if got := j.Strs("result.results", "status"); !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(tc.statuses))) {
				t.Errorf("statuses: want %v, got %v", tc.statuses, got)
			}
			if j.Num("result.targets") != len(tc.names) || j.Num("result.sent") != tc.sent {
				t.Errorf("counts: %s", j.Raw)
			}
			// A broadcast touches no chat.
			after := h.state()
			for name := range before.Chats.All() {
				if !slices.Equal(after.ChatMembers(name), before.ChatMembers(name)) {
					t.Errorf("broadcast changed %s", name)
				}
			}
		})
	}
	t.Run("job scope", func(t *testing.T) {
		h := newHarness(t, ethora.Options{})
		c := h.app()
		child, secret := c.childApp("Child")
		job := c.must(http.StatusAccepted, "POST", path, map[string]any{"text": "hi", "allRooms": true}).Str("jobId")
		c.refused(http.StatusNotFound, "NOT_FOUND", "GET", path+"/no-such-job", nil)
		c.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v2/apps/"+child+"/chats/broadcast/"+job, nil)
		h.as(serverToken(child, secret)).refused(http.StatusForbidden, "FORBIDDEN", "GET", path+"/"+job, nil)
		// A child without chats: an empty, completed broadcast.
		cj := c.must(http.StatusAccepted, "POST", "/v2/apps/"+child+"/chats/broadcast", map[string]any{"text": "hi", "allRooms": true}).Str("jobId")
		r := c.ok("GET", "/v2/apps/"+child+"/chats/broadcast/"+cj, nil)
		if r.Num("result.targets") != 0 || r.List("result.results") == nil {
			t.Errorf("empty broadcast: %s", r.Raw)
		}
	})
}

func TestBot(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	path := "/v2/apps/" + appID + "/bot"
	if r := c.ok("GET", path, nil); r.Str("bot.status") != "off" || r.Str("bot.greetingMessage") != "" {
		t.Errorf("a new bot: %s", r.Raw)
	}
	r := c.ok("PUT", path, map[string]any{"status": "on", "greetingMessage": "Hi! How can I help?", "isRAG": true})
	if r.Str("bot.status") != "on" || r.Str("bot.greetingMessage") != "Hi! How can I help?" || r.Get("bot.isRAG") != true || r.Str("bot.updatedAt") == "" {
		t.Errorf("first update: %s", r.Raw)
	}
	r = c.ok("PUT", path, map[string]any{"trigger": "/bot", "botFirstName": "Acme"})
	if r.Str("bot.status") != "on" || r.Str("bot.greetingMessage") != "Hi! How can I help?" || r.Get("bot.isRAG") != true ||
		r.Str("bot.trigger") != "/bot" || r.Str("bot.botFirstName") != "Acme" {
		t.Errorf("a partial update keeps the rest: %s", r.Raw)
	}
	c.ok("PUT", path, map[string]any{"status": "off", "isRAG": false})
	g := c.ok("GET", path, nil)
	if g.Str("bot.status") != "off" || g.Get("bot.isRAG") != false || g.Str("bot.trigger") != "/bot" || g.Str("bot.greetingMessage") != "Hi! How can I help?" {
		t.Errorf("later read: %s", g.Raw)
	}
	// Any status string is kept (see TestChatTypeAndBotStatusTakeAnyString);
	// a status or isRAG of the wrong JSON type is refused.
	c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "PUT", path, map[string]any{"status": 1})
	c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "PUT", path, map[string]any{"isRAG": "yes"})
	// Each app has its own bot.
	child, _ := c.childApp("Child")
	if r := c.ok("GET", "/v2/apps/"+child+"/bot", nil); r.Str("bot.status") != "off" || r.Get("bot.trigger") != nil {
		t.Errorf("the child's bot: %s", r.Raw)
	}
}

func TestProvisionApp(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	child, _ := c.childApp("Child")
	path := "/v2/apps/" + child + "/provision"
	r := c.ok("POST", path, map[string]any{"rooms": []any{map[string]any{"title": "General", "pinned": true}, map[string]any{}}})
	if r.Get("ok") != true || len(r.List("rooms")) != 2 {
		t.Fatalf("provision: %s", r.Raw)
	}
	for i, room := range r.List("rooms") {
		m := room.(map[string]any)
		name, _ := m["name"].(string)
		if m["type"] != "public" || m["isAppChat"] != true || m["appId"] != child || !strings.HasPrefix(name, child+"_") {
			t.Errorf("room %d: %v", i, m)
		}
		if title, _ := m["title"].(string); title == "" {
			t.Errorf("room %d has no title", i)
		}
	}
	if r.Str("rooms.0.title") != "General" {
		t.Errorf("title kept: %s", r.Raw)
	}
	l := c.ok("GET", "/v2/apps/"+child+"/chats", nil)
	if l.Num("total") != 2 || !sameSet(l.Strs("chats", "name"), r.Strs("rooms", "name")) {
		t.Errorf("provisioned rooms are the app's chats: %s", l.Raw)
	}
	// Without rooms nothing is created.
	for _, body := range []any{nil, map[string]any{}, map[string]any{"rooms": []any{}}} {
		if e := c.ok("POST", path, body); e.Get("ok") != true || e.List("rooms") == nil || len(e.List("rooms")) != 0 {
			t.Errorf("no rooms: %s", e.Raw)
		}
	}
	if got := c.ok("GET", "/v2/apps/"+child+"/chats", nil).Num("total"); got != 2 {
		t.Errorf("chats after empty provisions: %d", got)
	}
}

func TestProvisionKeepsPinned(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	r := c.ok("POST", "/v2/apps/"+appID+"/provision", map[string]any{"rooms": []any{map[string]any{"title": "General", "pinned": true}}})
	if r.Get("rooms.0.pinned") != true {
		t.Errorf("pinned: %s", r.Raw)
	}
}
