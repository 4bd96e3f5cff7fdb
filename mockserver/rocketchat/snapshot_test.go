package rocketchat_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// These tests restore snapshots through the admin API of a server built as
// `standin serve` builds it, and hold every poisoned snapshot to the same
// promise: refused with a 400 that names the namespace, the API and where
// the problem is, nothing changed, and the server keeps answering ordinary
// requests without a 5xx.

// state is one namespace's Rocket.Chat state as plain JSON, to poison.
type state map[string]any

// export returns the Rocket.Chat state of h's namespace, touching it first.
func (h *harness) export() state {
	h.t.Helper()
	h.touch()
	r := h.adminAPI("GET", "/snapshot?namespace="+h.ns, nil)
	if r.Status != http.StatusOK {
		h.t.Fatalf("export: %d %s", r.Status, r.Raw)
	}
	var snap map[string]map[string]state
	if err := json.Unmarshal([]byte(r.Raw), &snap); err != nil {
		h.t.Fatal(err)
	}
	st := snap[h.ns]["rocketchat"]
	if st == nil {
		h.t.Fatalf("export has no rocketchat state for %q: %s", h.ns, r.Raw)
	}
	return st
}

// exportAll returns the admin API's export of every namespace, as sent.
func (h *harness) exportAll() string {
	h.t.Helper()
	r := h.adminAPI("GET", "/snapshot", nil)
	if r.Status != http.StatusOK {
		h.t.Fatalf("export: %d %s", r.Status, r.Raw)
	}
	return r.Raw
}

// put imports body into h's namespace (?namespace=) or, with all, as the
// whole store.
func (h *harness) put(all bool, body any) reply {
	h.t.Helper()
	path := "/snapshot?namespace=" + h.ns
	if all {
		path = "/snapshot"
	}
	return h.adminAPI("PUT", path, body)
}

// wrap makes the snapshot document that holds st as h's namespace's state.
func (h *harness) wrap(st any) map[string]map[string]any {
	return map[string]map[string]any{h.ns: {"rocketchat": st}}
}

// obj returns the object at key of m, failing if there is none.
func obj(t testing.TB, m map[string]any, keys ...string) map[string]any {
	t.Helper()
	cur := m
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			t.Fatalf("no object at %v in %v", keys, m)
		}
		cur = next
	}
	return cur
}

// firstKey returns the smallest key of m whose value keep accepts.
func firstKey(t testing.TB, m map[string]any, keep func(map[string]any) bool) string {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if v, ok := m[k].(map[string]any); ok && keep(v) {
			return k
		}
	}
	t.Fatalf("no entry fits among %v", slices.Sorted(maps.Keys(m)))
	return ""
}

func anyEntry(map[string]any) bool { return true }

// channelWithMembers picks a public channel with at least two members.
func channelWithMembers(t testing.TB, st state) string {
	return firstKey(t, obj(t, st, "rooms"), func(r map[string]any) bool {
		subs, _ := r["subscriptions"].(map[string]any)
		return r["t"] == "c" && len(subs) >= 2
	})
}

// stillServes logs in and lists channels, a channel's members and users
// repeatedly in h's namespace: none of them may answer a 5xx, and the
// counts they give must agree.
func (h *harness) stillServes(t *testing.T) {
	t.Helper()
	for range 20 {
		r := h.anon().do("POST", "/api/v1/login", map[string]any{"user": "admin", "password": "admin"})
		if r.Status >= 500 {
			t.Fatalf("login answered %d: %s", r.Status, r.Raw)
		}
	}
	admin := h.admin()
	list := admin.do("GET", "/api/v1/channels.list?count=0", nil)
	if list.Status != http.StatusOK {
		t.Fatalf("channels.list: %d %s", list.Status, list.Raw)
	}
	for i, id := range list.Strs("channels", "_id") {
		m := admin.do("GET", "/api/v1/channels.members?count=0&roomId="+id, nil)
		if m.Status >= 500 {
			t.Fatalf("channels.members: %d %s", m.Status, m.Raw)
		}
		if m.Status == http.StatusOK && m.Num("total") != list.Num("channels."+strconv.Itoa(i)+".usersCount") {
			t.Errorf("channel %s: usersCount %d but members total %d", id, list.Num("channels."+strconv.Itoa(i)+".usersCount"), m.Num("total"))
		}
	}
	if r := admin.do("GET", "/api/v1/users.list", nil); r.Status != http.StatusOK {
		t.Fatalf("users.list: %d %s", r.Status, r.Raw)
	}
}

// TestPoisonedSnapshotsAreRefused imports snapshots that each break one of
// the state's invariants, with and without ?namespace=.
func TestPoisonedSnapshotsAreRefused(t *testing.T) {
	type poison struct {
		name string
		// poison breaks st and returns what to import instead and the
		// JSON pointer of the problem ("" when it is the whole state).
		poison func(t *testing.T, st state) (any, string)
		reason string // a part of the error text
	}
	cases := []poison{
		{"a null permission", func(t *testing.T, st state) (any, string) {
			obj(t, st, "permissions")["view-c-room"] = nil
			return st, "/permissions/view-c-room"
		}, "not null"},
		{"a permission filed under another id", func(t *testing.T, st state) (any, string) {
			obj(t, st, "permissions", "create-c")["_id"] = "create-p"
			return st, "/permissions/create-c/_id"
		}, `"create-p"`},
		{"a null user", func(t *testing.T, st state) (any, string) {
			id := firstKey(t, obj(t, st, "users"), anyEntry)
			obj(t, st, "users")[id] = nil
			return st, "/users/" + id
		}, "not null"},
		{"a user whose _id differs from its key", func(t *testing.T, st state) (any, string) {
			id := firstKey(t, obj(t, st, "users"), anyEntry)
			obj(t, st, "users", id)["_id"] = "someoneElse12345x"
			return st, "/users/" + id + "/_id"
		}, "someoneElse12345x"},
		{"a user without a username", func(t *testing.T, st state) (any, string) {
			id := firstKey(t, obj(t, st, "users"), anyEntry)
			obj(t, st, "users", id)["username"] = " "
			return st, "/users/" + id + "/username"
		}, "username"},
		{"usernames that differ only in case", func(t *testing.T, st state) (any, string) {
			users := obj(t, st, "users")
			ids := slices.Sorted(maps.Keys(users))
			first := obj(t, users, ids[0])["username"].(string)
			obj(t, users, ids[1])["username"] = strings.ToUpper(first)
			return st, "/users/" + ids[1] + "/username"
		}, "also the username"},
		{"e-mail addresses that differ only in case", func(t *testing.T, st state) (any, string) {
			users := obj(t, st, "users")
			ids := slices.Sorted(maps.Keys(users))
			first := obj(t, users, ids[0])["email"].(string)
			obj(t, users, ids[1])["email"] = strings.ToUpper(first)
			return st, "/users/" + ids[1] + "/email"
		}, "also the e-mail"},
		{"a user of an unknown type", func(t *testing.T, st state) (any, string) {
			id := firstKey(t, obj(t, st, "users"), anyEntry)
			obj(t, st, "users", id)["type"] = "robot"
			return st, "/users/" + id + "/type"
		}, `"robot"`},
		{"a room role that is a global role", func(t *testing.T, st state) (any, string) {
			id := channelWithMembers(t, st)
			subs := obj(t, st, "rooms", id, "subscriptions")
			uid := firstKey(t, subs, anyEntry)
			obj(t, subs, uid)["roles"] = []string{"owner", "admin"}
			return st, "/rooms/" + id + "/subscriptions/" + uid + "/roles/1"
		}, `"admin"`},
		{"a null room", func(t *testing.T, st state) (any, string) {
			id := firstKey(t, obj(t, st, "rooms"), anyEntry)
			obj(t, st, "rooms")[id] = nil
			return st, "/rooms/" + id
		}, "not null"},
		{"a room whose _id differs from its key", func(t *testing.T, st state) (any, string) {
			id := firstKey(t, obj(t, st, "rooms"), anyEntry)
			obj(t, st, "rooms", id)["_id"] = "otherRoom12345678"
			return st, "/rooms/" + id + "/_id"
		}, "otherRoom12345678"},
		{"a room of type x", func(t *testing.T, st state) (any, string) {
			id := firstKey(t, obj(t, st, "rooms"), anyEntry)
			obj(t, st, "rooms", id)["t"] = "x"
			return st, "/rooms/" + id + "/t"
		}, `"x"`},
		{"two rooms with one name", func(t *testing.T, st state) (any, string) {
			rooms := obj(t, st, "rooms")
			ids := slices.Sorted(maps.Keys(rooms))
			obj(t, rooms, ids[1])["name"] = obj(t, rooms, ids[0])["name"]
			return st, "/rooms/" + ids[1] + "/name"
		}, "also the name"},
		{"a subscription of an unknown user", func(t *testing.T, st state) (any, string) {
			id := channelWithMembers(t, st)
			obj(t, st, "rooms", id, "subscriptions")["ghostGhostGhost12"] = map[string]any{
				"userId": "ghostGhostGhost12", "roles": []string{}, "ts": "2026-01-01T00:00:00Z"}
			return st, "/rooms/" + id + "/subscriptions/ghostGhostGhost12"
		}, "does not exist"},
		{"a null subscription", func(t *testing.T, st state) (any, string) {
			id := channelWithMembers(t, st)
			subs := obj(t, st, "rooms", id, "subscriptions")
			uid := firstKey(t, subs, anyEntry)
			subs[uid] = nil
			return st, "/rooms/" + id + "/subscriptions/" + uid
		}, "not null"},
		{"a subscription filed under another user", func(t *testing.T, st state) (any, string) {
			id := channelWithMembers(t, st)
			subs := obj(t, st, "rooms", id, "subscriptions")
			uids := slices.Sorted(maps.Keys(subs))
			obj(t, subs, uids[0])["userId"] = uids[1]
			return st, "/rooms/" + id + "/subscriptions/" + uids[0] + "/userId"
		}, "filed under"},
		{"a token of an unknown user", func(t *testing.T, st state) (any, string) {
			obj(t, st, "tokens")["deadbeef"] = "nobodyNobody12345"
			return st, "/tokens/deadbeef"
		}, "does not exist"},
		{"users as a list", func(t *testing.T, st state) (any, string) {
			st["users"] = []any{}
			return st, ""
		}, "/users: must be an object, not array"},
		{"the whole state null", func(*testing.T, state) (any, string) { return nil, "" }, "not null"},
	}
	for _, all := range []bool{false, true} {
		mode := "?namespace="
		if all {
			mode = "whole store"
		}
		t.Run(mode, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					srv := newServed(t)
					h := srv.in("poisoned")
					other := srv.in("bystander")
					other.admin().must("POST", "/api/v1/channels.create", map[string]any{"name": "bystanders-room"})
					h.login("admin", "admin") // leaves a token in the state
					doc, path := tc.poison(t, h.export())
					before := h.exportAll()
					r := h.put(all, h.wrap(doc))
					if r.Status != http.StatusBadRequest {
						t.Fatalf("want 400, got %d: %s", r.Status, r.Raw)
					}
					msg := r.Str("error")
					for _, part := range []string{`namespace "poisoned"`, `API "rocketchat"`, tc.reason} {
						if !strings.Contains(msg, part) {
							t.Errorf("the error should name %s: %s", part, msg)
						}
					}
					if path != "" && !strings.Contains(msg, "at "+path+":") {
						t.Errorf("the error should name the path %s: %s", path, msg)
					}
					if after := h.exportAll(); after != before {
						t.Errorf("a refused import changed the state")
					}
					h.stillServes(t)
					other.stillServes(t)
				})
			}
		})
	}
}

// TestSnapshotRefusesTrailingData refuses a snapshot with anything after
// its JSON document, and one for another namespace than ?namespace= names.
func TestSnapshotRefusesTrailingDataAndOtherNamespaces(t *testing.T) {
	srv := newServed(t)
	h := srv.in("mine")
	st := h.export()
	doc, err := json.Marshal(h.wrap(st))
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := json.Marshal(srv.in("theirs").wrap(st))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, body string
		mentions         []string
	}{
		{"trailing garbage", "/snapshot?namespace=mine", string(doc) + " x", []string{"after"}},
		{"trailing garbage, whole store", "/snapshot", string(doc) + " x", []string{"after"}},
		{"a second document", "/snapshot?namespace=mine", string(doc) + string(doc), []string{"after"}},
		{"another namespace", "/snapshot?namespace=mine", string(theirs), []string{`"theirs"`, `"mine"`}},
		{"null", "/snapshot?namespace=mine", "null", []string{"null"}},
		{"a null namespace", "/snapshot?namespace=mine", `{"mine":null}`, []string{`"mine"`, "null"}},
		{"an unknown API", "/snapshot?namespace=mine", `{"mine":{"slack":{}}}`, []string{`"mine"`, `"slack"`}},
		{"an invalid namespace", "/snapshot?namespace=no%20spaces", string(doc), []string{"namespace"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := h.exportAll()
			r := h.adminAPI("PUT", tc.path, tc.body)
			if r.Status != http.StatusBadRequest {
				t.Fatalf("want 400, got %d: %s", r.Status, r.Raw)
			}
			for _, m := range tc.mentions {
				if !strings.Contains(r.Str("error"), m) {
					t.Errorf("the error should mention %s: %s", m, r.Str("error"))
				}
			}
			if after := h.exportAll(); after != before {
				t.Errorf("a refused import changed the state")
			}
			h.stillServes(t)
		})
	}
}

// TestSnapshotFillsMissingMaps imports states that leave maps out: they
// are filled, so that logging in and listing work.
func TestSnapshotFillsMissingMaps(t *testing.T) {
	for _, all := range []bool{false, true} {
		h := newServed(t).in("sparse")
		st := h.export()
		delete(st, "tokens")
		room := channelWithMembers(t, st)
		delete(obj(t, st, "rooms", room), "subscriptions")
		if r := h.put(all, h.wrap(st)); r.Status != http.StatusOK {
			t.Fatalf("import without tokens: %d %s", r.Status, r.Raw)
		}
		admin := h.admin()
		admin.must("GET", "/api/v1/me", nil)
		info := admin.must("GET", "/api/v1/channels.info?roomId="+room, nil)
		members := admin.must("GET", "/api/v1/channels.members?roomId="+room, nil)
		if info.Num("channel.usersCount") != 0 || members.Num("total") != 0 {
			t.Errorf("a room without subscriptions has no members: usersCount %d, total %d", info.Num("channel.usersCount"), members.Num("total"))
		}
		admin.must("POST", "/api/v1/channels.join", map[string]any{"roomId": room})
		h.stillServes(t)

		// With no permission table at all, nobody holds any permission,
		// but logging in and reading still work.
		st = h.export()
		delete(st, "permissions")
		delete(st, "rooms")
		// Messages belong to rooms: without the rooms they go too (a
		// message in an unknown room is refused, TestSnapshotRefusesMessaging).
		delete(st, "messages")
		if r := h.put(all, h.wrap(st)); r.Status != http.StatusOK {
			t.Fatalf("import without permissions: %d %s", r.Status, r.Raw)
		}
		admin = h.admin()
		if r := admin.must("GET", "/api/v1/permissions.listAll", nil); len(r.List("update")) != 0 {
			t.Errorf("no permissions were imported: %s", r.Raw)
		}
		refusal{http.StatusForbidden, "-", "forbidden"}.check(t, admin.do("GET", "/api/v1/channels.list", nil))
		refusal{http.StatusUnauthorized, "-", "unauthorized"}.check(t, admin.do("GET", "/api/v1/users.list", nil))
		if r := admin.must("GET", "/api/v1/groups.list", nil); r.Num("total") != 0 {
			t.Errorf("no rooms were imported: %s", r.Raw)
		}
	}
}

// TestSnapshotRoundTrips exports, imports the export back and exports
// again: the two exports are the same, per namespace and for the whole
// store, and what was exported still works (tokens, memberships).
func TestSnapshotRoundTrips(t *testing.T) {
	srv := newServed(t)
	a, b := srv.in("a"), srv.in("b")
	admin := a.admin()
	admin.must("POST", "/api/v1/channels.create", map[string]any{"name": "round-trip", "members": []string{"admin"}})
	admin.createUser("tripper")
	b.admin().must("POST", "/api/v1/groups.create", map[string]any{"name": "b-only"})

	whole := srv.exportAll()
	if r := srv.adminAPI("PUT", "/snapshot", whole); r.Status != http.StatusOK {
		t.Fatalf("import of the whole export: %d %s", r.Status, r.Raw)
	}
	if again := srv.exportAll(); again != whole {
		t.Errorf("the whole store did not round-trip:\n%s\n%s", whole, again)
	}

	one := a.adminAPI("GET", "/snapshot?namespace=a", nil).Raw
	if r := a.adminAPI("PUT", "/snapshot?namespace=a", one); r.Status != http.StatusOK {
		t.Fatalf("import of namespace a: %d %s", r.Status, r.Raw)
	}
	if again := a.adminAPI("GET", "/snapshot?namespace=a", nil).Raw; again != one {
		t.Errorf("namespace a did not round-trip:\n%s\n%s", one, again)
	}
	// The token issued before the export still works after the import.
	admin.must("GET", "/api/v1/channels.info?roomName=round-trip", nil)
	a.login("tripper", "pw-tripper")
}

// TestSnapshotImportIsPerNamespace imports into one namespace and leaves
// the others exactly as they were.
func TestSnapshotImportIsPerNamespace(t *testing.T) {
	srv := newServed(t)
	a, b := srv.in("a"), srv.in("b")
	seeded := a.export()
	a.admin().must("POST", "/api/v1/channels.create", map[string]any{"name": "a-room"})
	b.admin().must("POST", "/api/v1/channels.create", map[string]any{"name": "b-room"})
	bBefore := b.adminAPI("GET", "/snapshot?namespace=b", nil).Raw

	if r := a.put(false, a.wrap(seeded)); r.Status != http.StatusOK {
		t.Fatalf("import into a: %d %s", r.Status, r.Raw)
	}
	if r := a.admin().do("GET", "/api/v1/channels.info?roomName=a-room", nil); r.Status != http.StatusBadRequest {
		t.Errorf("the import must replace namespace a, whose a-room came after the export: %d %s", r.Status, r.Raw)
	}
	if after := b.adminAPI("GET", "/snapshot?namespace=b", nil).Raw; after != bBefore {
		t.Errorf("importing into a changed namespace b")
	}
	b.admin().must("GET", "/api/v1/channels.info?roomName=b-room", nil)

	// Without ?namespace= the import replaces every namespace: b is gone
	// and starts over from the data set.
	if r := a.put(true, a.wrap(seeded)); r.Status != http.StatusOK {
		t.Fatalf("import of the whole store: %d %s", r.Status, r.Raw)
	}
	if r := b.admin().do("GET", "/api/v1/channels.info?roomName=b-room", nil); r.Status != http.StatusBadRequest {
		t.Errorf("a whole-store import must drop namespace b: %d %s", r.Status, r.Raw)
	}
}

// TestSnapshotKeepsMembershipCountsTrue is the regression test for a room
// whose subscription named an unknown user: usersCount said 4 and
// channels.members said 3. Such a snapshot is refused; one whose users
// all exist gives the same count everywhere.
func TestSnapshotKeepsMembershipCountsTrue(t *testing.T) {
	h := newServed(t).in("counts")
	st := h.export()
	room := channelWithMembers(t, st)
	subs := obj(t, st, "rooms", room, "subscriptions")
	want := len(subs)
	subs["ghostGhostGhost12"] = map[string]any{"userId": "ghostGhostGhost12", "roles": []string{}, "ts": "2026-01-01T00:00:00Z"}
	if r := h.put(false, h.wrap(st)); r.Status != http.StatusBadRequest {
		t.Fatalf("want 400 for a dangling subscription, got %d %s", r.Status, r.Raw)
	}
	admin := h.admin()
	info := admin.must("GET", "/api/v1/channels.info?roomId="+room, nil)
	members := admin.must("GET", "/api/v1/channels.members?count=0&roomId="+room, nil)
	if info.Num("channel.usersCount") != want || members.Num("total") != want || len(members.List("members")) != want {
		t.Errorf("want %d members everywhere: usersCount %d, total %d, listed %d", want,
			info.Num("channel.usersCount"), members.Num("total"), len(members.List("members")))
	}
}

// TestSnapshotOfArchivedAndDirectRooms imports rooms the API cannot make
// (archived channels, direct rooms) and checks the rules that apply to
// them.
func TestSnapshotOfArchivedAndDirectRooms(t *testing.T) {
	h := newServed(t).in("odd")
	admin := h.admin()
	bob := admin.createUser("bob")
	st := h.export()
	room := channelWithMembers(t, st)
	obj(t, st, "rooms", room)["archived"] = true
	adminID := admin.userID
	obj(t, st, "rooms")["directDirect12345"] = map[string]any{
		"_id": "directDirect12345", "t": "d", "name": "", "u": map[string]any{"_id": adminID, "username": "admin"},
		"ts": "2026-01-01T00:00:00Z", "_updatedAt": "2026-01-01T00:00:00Z",
		"subscriptions": map[string]any{adminID: map[string]any{"userId": adminID, "roles": []string{}, "ts": "2026-01-01T00:00:00Z"}},
	}
	if r := h.put(false, h.wrap(st)); r.Status != http.StatusOK {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	bobC := h.login("bob", "pw-bob")
	info := admin.must("GET", "/api/v1/channels.info?roomId="+room, nil)
	if info.Get("channel.archived") != true {
		t.Errorf("the channel should say archived: %s", info.Raw)
	}
	bobC.refuses(refusal{status: 400, errType: "error-room-archived"}, "POST", "/api/v1/channels.join", map[string]any{"roomId": room})
	admin.refuses(refusal{status: 400, errType: "error-room-archived"}, "POST", "/api/v1/channels.invite", map[string]any{"roomId": room, "userId": bob})

	d := admin.must("GET", "/api/v1/rooms.info?roomId=directDirect12345", nil)
	if d.Str("room.t") != "d" || d.Num("room.usersCount") != 1 {
		t.Errorf("rooms.info of a direct room: %s", d.Raw)
	}
	admin.refuses(refusal{status: 400, errType: "error-room-not-found"}, "GET", "/api/v1/channels.info?roomId=directDirect12345", nil)
	bobC.refuses(refusal{400, "Not Allowed", "not-allowed"}, "GET", "/api/v1/rooms.info?roomId=directDirect12345", nil)
}

// TestSnapshotOfAnInactiveUser imports a state in which a user who holds a
// token has been deactivated: the token, a resume with it and the password
// are all refused.
func TestSnapshotOfAnInactiveUser(t *testing.T) {
	h := newServed(t).in("inactive")
	h.admin().createUser("kim")
	kim := h.login("kim", "pw-kim")
	kim.must("GET", "/api/v1/me", nil)
	st := h.export()
	obj(t, st, "users", kim.userID)["active"] = false
	if r := h.put(false, h.wrap(st)); r.Status != http.StatusOK {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	kim.refuses(refusal{http.StatusUnauthorized, "-", "You must be logged in to do this."}, "GET", "/api/v1/me", nil)
	for _, body := range []map[string]any{{"resume": kim.token}, {"user": "kim", "password": "pw-kim"}} {
		if r := h.anon().do("POST", "/api/v1/login", body); r.Status != http.StatusUnauthorized || r.Str("error") != "unauthorized" {
			t.Errorf("login %v: %d %s", body, r.Status, r.Raw)
		}
	}
	if r := h.admin().must("GET", "/api/v1/users.info?username=kim", nil); r.Get("user.active") != false {
		t.Errorf("users.info shows kim inactive: %s", r.Raw)
	}
}

// TestSnapshotNullLists imports lists left null (roles of a permission, of
// a user, of a subscription), a user without a type and users without an
// e-mail address: every answer still is what the spec promises.
func TestSnapshotNullLists(t *testing.T) {
	h := newServed(t).in("nulls")
	st := h.export()
	obj(t, st, "permissions", "delete-c")["roles"] = nil
	users := obj(t, st, "users")
	var plain []string
	for _, id := range slices.Sorted(maps.Keys(users)) {
		if u := obj(t, users, id); u["username"] != "admin" {
			plain = append(plain, id)
		}
	}
	obj(t, users, plain[0])["roles"] = nil
	obj(t, users, plain[0])["email"] = ""
	obj(t, users, plain[1])["email"] = ""
	delete(obj(t, users, plain[1]), "type")
	room := channelWithMembers(t, st)
	subs := obj(t, st, "rooms", room, "subscriptions")
	for _, uid := range slices.Sorted(maps.Keys(subs)) {
		obj(t, subs, uid)["roles"] = nil
	}
	if r := h.put(false, h.wrap(st)); r.Status != http.StatusOK {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	admin := h.admin()
	list := admin.must("GET", "/api/v1/permissions.listAll", nil)
	i := slices.Index(list.Strs("update", "_id"), "delete-c")
	if roles, ok := list.Get(fmt.Sprintf("update.%d.roles", i)).([]any); !ok || len(roles) != 0 {
		t.Errorf("delete-c: %v", list.Get(fmt.Sprintf("update.%d", i)))
	}
	admin.must("GET", "/api/v1/users.list?count=0", nil)
	admin.must("GET", "/api/v1/users.info?userId="+plain[0], nil)
	if r := admin.must("GET", "/api/v1/channels.roles?roomId="+room, nil); len(r.List("roles")) != 0 {
		t.Errorf("nobody holds a room role: %s", r.Raw)
	}
	admin.must("GET", "/api/v1/channels.members?roomId="+room, nil)
	h.stillServes(t)
}
