package rocketchat_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/standin/standin/mockserver/rocketchat"
)

// world is a small scene most rule tests start from: a channel "team" owned
// by the admin with ann (plain member) and mod (moderator) in it, a private
// group "secret" owned by the admin with ann in it, and bob and cid outside
// both.
type world struct {
	*harness
	admin, ann, mod, bob client
	ids                  map[string]string // username or room name → id
}

func newWorld(t *testing.T) *world {
	t.Helper()
	h := newHarness(t)
	w := &world{harness: h, admin: h.admin(), ids: map[string]string{}}
	w.ids["admin"] = w.admin.userID
	for _, name := range []string{"ann", "mod", "bob", "cid"} {
		w.ids[name] = w.admin.createUser(name)
	}
	w.ids["team"] = w.admin.must("POST", "/api/v1/channels.create", map[string]any{"name": "team", "members": []string{"ann", "mod"}}).Str("channel._id")
	w.admin.must("POST", "/api/v1/channels.addModerator", map[string]any{"roomId": w.ids["team"], "username": "mod"})
	w.ids["secret"] = w.admin.must("POST", "/api/v1/groups.create", map[string]any{"name": "secret", "members": []string{"ann"}}).Str("group._id")
	w.ann, w.mod, w.bob = h.login("ann", "pw-ann"), h.login("mod", "pw-mod"), h.login("bob", "pw-bob")
	return w
}

// count returns the usersCount of a room as the admin sees it.
func (w *world) count(kind, room string) int {
	w.t.Helper()
	key := map[string]string{"channels": "channel", "groups": "group"}[kind]
	return w.admin.must("GET", "/api/v1/"+kind+".info?roomId="+w.ids[room], nil).Num(key + ".usersCount")
}

// ruleCase is one call and what Rocket.Chat answers to it.
type ruleCase struct {
	name    string
	as      func(*world) client
	path    string
	body    func(*world) map[string]any
	status  int
	errType string // errorType of a refusal
	errText string // error text of a refusal, when it matters
	check   func(*testing.T, *world, reply)
}

func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			before := w.snapshot()
			r := tc.as(w).do("POST", tc.path, tc.body(w))
			if r.Status != tc.status {
				t.Fatalf("status: want %d, got %d: %s", tc.status, r.Status, r.Raw)
			}
			if tc.status != http.StatusOK {
				if r.Get("success") != false {
					t.Errorf("a refusal must say success:false: %s", r.Raw)
				}
				if tc.errType != "" && r.Str("errorType") != tc.errType {
					t.Errorf("errorType: want %q, got %q (%s)", tc.errType, r.Str("errorType"), r.Raw)
				}
				if tc.errText != "" && r.Str("error") != tc.errText {
					t.Errorf("error: want %q, got %q", tc.errText, r.Str("error"))
				}
				if after := w.snapshot(); after != before {
					t.Errorf("a refused request changed the state")
				}
			}
			if tc.check != nil {
				tc.check(t, w, r)
			}
		})
	}
}

func as(name string) func(*world) client {
	return func(w *world) client {
		switch name {
		case "ann":
			return w.ann
		case "mod":
			return w.mod
		case "bob":
			return w.bob
		}
		return w.admin
	}
}

func body(kv ...string) func(*world) map[string]any {
	return func(w *world) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			v := kv[i+1]
			if id, ok := w.ids[v]; ok && (kv[i] == "roomId" || kv[i] == "userId") {
				v = id
			}
			m[kv[i]] = v
		}
		return m
	}
}

func usersCount(kind, room string, want int) func(*testing.T, *world, reply) {
	return func(t *testing.T, w *world, _ reply) {
		t.Helper()
		if got := w.count(kind, room); got != want {
			t.Errorf("usersCount of %s: want %d, got %d", room, want, got)
		}
	}
}

func TestInviteRules(t *testing.T) {
	withIDs := func(extra map[string]any, users ...string) func(*world) map[string]any {
		return func(w *world) map[string]any {
			ids := make([]string, len(users))
			for i, u := range users {
				if id, ok := w.ids[u]; ok {
					ids[i] = id
				} else {
					ids[i] = u
				}
			}
			m := map[string]any{"roomId": w.ids["team"], "userIds": ids}
			for k, v := range extra {
				m[k] = v
			}
			return m
		}
	}
	runRuleCases(t, []ruleCase{
		{name: "plain member cannot invite", as: as("ann"), path: "/api/v1/channels.invite", body: body("roomId", "team", "userId", "bob"),
			status: 400, errType: "error-not-allowed", errText: "Not allowed [error-not-allowed]",
			check: func(t *testing.T, w *world, r reply) {
				if r.Str("details.method") != "addUsersToRoom" {
					t.Errorf("details.method: want addUsersToRoom, got %s", r.Raw)
				}
			}},
		{name: "moderator can invite", as: as("mod"), path: "/api/v1/channels.invite", body: body("roomId", "team", "userId", "bob"),
			status: 200, check: usersCount("channels", "team", 4)},
		{name: "owner can invite by username", as: as("admin"), path: "/api/v1/channels.invite", body: body("roomName", "team", "username", "bob"),
			status: 200, check: usersCount("channels", "team", 4)},
		{name: "outsider without permission cannot invite", as: as("bob"), path: "/api/v1/channels.invite", body: body("roomId", "team", "userId", "bob"),
			status: 400, errType: "error-not-allowed"},
		{name: "bulk drops unknown ids and duplicates", as: as("admin"), path: "/api/v1/channels.invite",
			body: withIDs(nil, "bob", "nope-nope-nope-00", "cid", "bob", "ann"), status: 200, check: usersCount("channels", "team", 5)},
		{name: "userIds and usernames merge", as: as("admin"), path: "/api/v1/channels.invite",
			body: withIDs(map[string]any{"usernames": []string{"cid"}}, "bob"), status: 200, check: usersCount("channels", "team", 5)},
		{name: "only unknown ids is refused with the swapped message", as: as("admin"), path: "/api/v1/channels.invite",
			body: withIDs(nil, "nope-nope-nope-00"), status: 400, errType: "Cannot invite if no users are provided", errText: "invalid-user-invite-list"},
		{name: "an unknown username is refused", as: as("admin"), path: "/api/v1/channels.invite",
			body: body("roomId", "team", "usernames", "ghost"), status: 400},
		{name: "no user given", as: as("admin"), path: "/api/v1/channels.invite", body: body("roomId", "team"),
			status: 400, errType: "error-users-params-not-provided"},
		{name: "no room given", as: as("admin"), path: "/api/v1/channels.invite", body: body("userId", "bob"),
			status: 400, errType: "error-roomid-param-not-provided"},
		{name: "channels.invite does not reach a group", as: as("admin"), path: "/api/v1/channels.invite", body: body("roomId", "secret", "userId", "bob"),
			status: 400, errType: "error-room-not-found"},
		{name: "groups.invite by the owner", as: as("admin"), path: "/api/v1/groups.invite", body: body("roomId", "secret", "userId", "bob"),
			status: 200, check: usersCount("groups", "secret", 3)},
		{name: "groups.invite by a plain member", as: as("ann"), path: "/api/v1/groups.invite", body: body("roomId", "secret", "userId", "bob"),
			status: 400, errType: "error-not-allowed"},
		{name: "groups.invite of nobody valid", as: as("admin"), path: "/api/v1/groups.invite",
			body: func(w *world) map[string]any {
				return map[string]any{"roomId": w.ids["secret"], "userIds": []string{"nope"}}
			},
			status: 400, errType: "error-empty-invite-list"},
		{name: "a group is not found by outsiders", as: as("bob"), path: "/api/v1/groups.invite", body: body("roomId", "secret", "userId", "bob"),
			status: 400, errType: "error-room-not-found"},
		{name: "re-inviting a member is a no-op", as: as("admin"), path: "/api/v1/channels.invite", body: body("roomId", "team", "userId", "ann"),
			status: 200, check: usersCount("channels", "team", 3)},
	})
}

func TestOwnerAndKickRules(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{name: "add owner", as: as("admin"), path: "/api/v1/channels.addOwner", body: body("roomId", "team", "userId", "ann"), status: 200,
			check: func(t *testing.T, w *world, _ reply) {
				roles := w.admin.must("GET", "/api/v1/channels.roles?roomId="+w.ids["team"], nil)
				if got := fmt.Sprint(roles.Get("roles")); !strings.Contains(got, "ann") {
					t.Errorf("roles should list ann: %s", roles.Raw)
				}
			}},
		{name: "add owner twice", as: as("admin"), path: "/api/v1/channels.addOwner", body: body("roomId", "team", "userId", "admin"),
			status: 400, errType: "error-user-already-owner"},
		{name: "add owner outside the room", as: as("admin"), path: "/api/v1/channels.addOwner", body: body("roomId", "team", "userId", "bob"),
			status: 400, errType: "error-user-not-in-room"},
		{name: "moderator cannot add owners", as: as("mod"), path: "/api/v1/channels.addOwner", body: body("roomId", "team", "userId", "ann"),
			status: 400, errType: "error-not-allowed"},
		{name: "remove the last owner", as: as("admin"), path: "/api/v1/channels.removeOwner", body: body("roomId", "team", "userId", "admin"),
			status: 400, errType: "error-remove-last-owner"},
		{name: "remove a non-owner", as: as("admin"), path: "/api/v1/channels.removeOwner", body: body("roomId", "team", "userId", "ann"),
			status: 400, errType: "error-user-not-owner"},
		{name: "remove owner of a non-member", as: as("admin"), path: "/api/v1/channels.removeOwner", body: body("roomId", "team", "userId", "bob"),
			status: 400, errType: "error-invalid-room"},
		{name: "kick the last owner", as: as("admin"), path: "/api/v1/channels.kick", body: body("roomId", "team", "userId", "admin"),
			status: 400, errType: "error-you-are-last-owner"},
		{name: "plain member cannot kick", as: as("ann"), path: "/api/v1/channels.kick", body: body("roomId", "team", "userId", "mod"),
			status: 400, errType: "error-not-allowed"},
		{name: "moderator kicks a member", as: as("mod"), path: "/api/v1/channels.kick", body: body("roomId", "team", "userId", "ann"),
			status: 200, check: usersCount("channels", "team", 2)},
		{name: "kick a non-member", as: as("admin"), path: "/api/v1/channels.kick", body: body("roomId", "team", "userId", "bob"),
			status: 400, errType: "error-user-not-in-room"},
		{name: "kick an unknown user", as: as("admin"), path: "/api/v1/channels.kick", body: body("roomId", "team", "userId", "nobody"),
			status: 400, errType: "error-invalid-user"},
		{name: "the last owner cannot leave", as: as("admin"), path: "/api/v1/channels.leave", body: body("roomId", "team"),
			status: 400, errType: "error-you-are-last-owner"},
		{name: "a member leaves", as: as("ann"), path: "/api/v1/channels.leave", body: body("roomId", "team"),
			status: 200, check: usersCount("channels", "team", 2)},
		{name: "a non-member cannot leave", as: as("bob"), path: "/api/v1/channels.leave", body: body("roomId", "team"),
			status: 400, errType: "error-user-not-in-room"},
		{name: "an outsider joins a channel", as: as("bob"), path: "/api/v1/channels.join", body: body("roomId", "team"),
			status: 200, check: usersCount("channels", "team", 4)},
		{name: "remove moderator", as: as("admin"), path: "/api/v1/channels.removeModerator", body: body("roomId", "team", "userId", "mod"), status: 200},
		{name: "remove moderator from a non-moderator", as: as("admin"), path: "/api/v1/channels.removeModerator", body: body("roomId", "team", "userId", "ann"),
			status: 400, errType: "error-user-not-moderator"},
		{name: "a member cannot delete the room", as: as("mod"), path: "/api/v1/channels.delete", body: body("roomId", "team"),
			status: 400, errType: "error-not-allowed"},
		{name: "the owner deletes the room", as: as("admin"), path: "/api/v1/channels.delete", body: body("roomId", "team"), status: 200,
			check: func(t *testing.T, w *world, _ reply) {
				if r := w.admin.do("GET", "/api/v1/channels.info?roomId="+w.ids["team"], nil); r.Status != 400 || r.Str("errorType") != "error-room-not-found" {
					t.Errorf("a deleted room must be gone: %d %s", r.Status, r.Raw)
				}
			}},
		{name: "group owner rules apply to groups", as: as("admin"), path: "/api/v1/groups.removeOwner", body: body("roomId", "secret", "userId", "admin"),
			status: 400, errType: "error-remove-last-owner"},
	})
}

func TestKickRemovesRoomRoles(t *testing.T) {
	w := newWorld(t)
	w.admin.must("POST", "/api/v1/channels.kick", map[string]any{"roomId": w.ids["team"], "username": "mod"})
	w.admin.must("POST", "/api/v1/channels.invite", map[string]any{"roomId": w.ids["team"], "username": "mod"})
	roles := w.admin.must("GET", "/api/v1/channels.roles?roomId="+w.ids["team"], nil)
	if strings.Contains(roles.Raw, w.ids["mod"]) {
		t.Errorf("a kicked moderator who rejoins must have no room role: %s", roles.Raw)
	}
}

func TestPermissionsUpdateChangesLaterCalls(t *testing.T) {
	w := newWorld(t)
	invite := map[string]any{"roomId": w.ids["team"], "userId": w.ids["bob"]}
	if r := w.ann.do("POST", "/api/v1/channels.invite", invite); r.Status != 400 {
		t.Fatalf("before the change a plain member cannot invite: %d %s", r.Status, r.Raw)
	}
	grant := map[string]any{"permissions": []map[string]any{{"_id": "add-user-to-joined-room", "roles": []string{"admin", "owner", "moderator", "user"}}}}
	if r := w.ann.do("POST", "/api/v1/permissions.update", grant); r.Status != http.StatusForbidden {
		t.Fatalf("a plain user cannot change permissions: want 403, got %d %s", r.Status, r.Raw)
	}
	up := w.admin.must("POST", "/api/v1/permissions.update", grant)
	ids := up.Strs("permissions", "_id")
	i := slices.Index(ids, "add-user-to-joined-room")
	if len(ids) != len(rocketchat.DefaultPermissions) || i < 0 || fmt.Sprint(up.Get(fmt.Sprintf("permissions.%d.roles", i))) != "[admin moderator owner user]" {
		t.Fatalf("permissions.update must answer the whole table with the change: %.400s", up.Raw)
	}
	w.ann.must("POST", "/api/v1/channels.invite", invite)

	revoke := map[string]any{"permissions": []map[string]any{{"_id": "create-c", "roles": []string{"admin"}}}}
	w.admin.must("POST", "/api/v1/permissions.update", revoke)
	if r := w.ann.do("POST", "/api/v1/channels.create", map[string]any{"name": "anns"}); r.Status != http.StatusForbidden {
		t.Errorf("without create-c a user cannot create channels: want 403, got %d %s", r.Status, r.Raw)
	}
	list := w.admin.must("GET", "/api/v1/permissions.listAll", nil)
	found := false
	for _, p := range list.Get("update").([]any) {
		m := p.(map[string]any)
		if m["_id"] == "create-c" {
			found = fmt.Sprint(m["roles"]) == "[admin]"
		}
	}
	if !found {
		t.Errorf("listAll must show create-c held by admin only")
	}
}

func TestPermissionsUpdateRefusals(t *testing.T) {
	for _, tc := range []struct {
		name    string
		perms   []map[string]any
		errType string
	}{
		{"unknown permission", []map[string]any{{"_id": "fly", "roles": []string{"admin"}}}, "error-invalid-permission"},
		{"unknown role", []map[string]any{{"_id": "create-c", "roles": []string{"wizard"}}}, "error-invalid-role"},
		{"one bad entry refuses all", []map[string]any{{"_id": "create-c", "roles": []string{"admin"}}, {"_id": "fly", "roles": []string{}}}, "error-invalid-permission"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			admin := h.admin()
			before := h.snapshot()
			r := admin.do("POST", "/api/v1/permissions.update", map[string]any{"permissions": tc.perms})
			if r.Status != 400 || r.Str("errorType") != tc.errType {
				t.Fatalf("want 400 %s, got %d %s", tc.errType, r.Status, r.Raw)
			}
			if h.snapshot() != before {
				t.Errorf("a refused update changed the state")
			}
		})
	}
}

func TestConcurrentInvitesKeepCountsTrue(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	room := admin.must("POST", "/api/v1/channels.create", map[string]any{"name": "busy"}).Str("channel._id")
	var ids []string
	for i := range 20 {
		ids = append(ids, admin.createUser(fmt.Sprintf("u%02d", i)))
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			admin.do("POST", "/api/v1/channels.invite", map[string]any{"roomId": room, "userIds": []string{ids[i%20], ids[(i+7)%20]}})
		})
	}
	wg.Wait()
	info := admin.must("GET", "/api/v1/channels.info?roomId="+room, nil)
	members := admin.must("GET", "/api/v1/channels.members?count=0&roomId="+room, nil)
	if info.Num("channel.usersCount") != 21 || members.Num("total") != 21 || members.Num("count") != 21 {
		t.Errorf("want 21 members everywhere, got usersCount %d, total %d, count %d",
			info.Num("channel.usersCount"), members.Num("total"), members.Num("count"))
	}
}
