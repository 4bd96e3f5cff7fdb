package rocketchat_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/mockserver"
)

// Every namespace, and every reset, starts from a copy-on-write copy of
// one seeded state (setup.go). This changes one namespace in every way the
// API offers, users, rooms of both kinds, memberships, room roles,
// permissions and tokens, and checks that the seed, so every other
// namespace and a reset one, is as it was.
func TestChangesInANamespaceNeverReachTheSeed(t *testing.T) {
	srv := newServed(t)
	seed := canonical(t, srv.in("before").export())
	a := srv.in("a")
	admin := a.admin()

	newbie := admin.createUser("newbie")
	admin.must("POST", "/api/v1/channels.create", map[string]any{"name": "fresh", "members": []string{"newbie"}})
	general := admin.must("GET", "/api/v1/channels.info?roomName=general", nil).Str("channel._id")
	inGeneral := map[string]any{"roomId": general, "userId": newbie}
	admin.must("POST", "/api/v1/channels.invite", inGeneral)
	admin.must("POST", "/api/v1/channels.addModerator", inGeneral)
	admin.must("POST", "/api/v1/channels.addOwner", inGeneral)
	admin.must("POST", "/api/v1/channels.removeOwner", inGeneral)
	members := admin.must("GET", "/api/v1/channels.members?roomId="+general+"&count=100", nil)
	var seeded []string
	for _, m := range members.Get("members").([]any) {
		if name := m.(map[string]any)["username"]; name != "admin" && name != "newbie" {
			seeded = append(seeded, m.(map[string]any)["_id"].(string))
		}
	}
	if len(seeded) < 2 {
		t.Fatalf("general has too few seeded members to work with: %s", members.Raw)
	}
	admin.must("POST", "/api/v1/channels.kick", map[string]any{"roomId": general, "userId": seeded[0]})
	admin.must("POST", "/api/v1/users.delete", map[string]any{"userId": seeded[1], "confirmRelinquish": true})
	// A seeded private group, changed by its owner.
	tenant, err := fixtures.Build("default", 1, fixtures.Credentials{})
	if err != nil {
		t.Fatal(err)
	}
	passwords := map[string]string{}
	for _, u := range tenant.Users {
		passwords[u.Username] = u.Password
	}
	var group fixtures.Room
	for _, r := range tenant.Rooms {
		if r.Private && r.Owner != tenant.Users[0].Username {
			group = r
			break
		}
	}
	if group.Name == "" {
		t.Fatal("the data set has no private group")
	}
	owner := a.login(group.Owner, passwords[group.Owner])
	inGroup := map[string]any{"roomName": group.Name, "userId": newbie}
	owner.must("POST", "/api/v1/groups.invite", inGroup)
	owner.must("POST", "/api/v1/groups.addModerator", inGroup)
	channels := admin.must("GET", "/api/v1/channels.list?count=100", nil).Get("channels").([]any)
	for _, c := range channels {
		if name := c.(map[string]any)["name"]; name != "general" && name != "fresh" {
			admin.must("POST", "/api/v1/channels.delete", map[string]any{"roomId": c.(map[string]any)["_id"]})
			break
		}
	}
	admin.must("POST", "/api/v1/permissions.update", map[string]any{"permissions": []map[string]any{{"_id": "create-c", "roles": []string{"admin"}}}})
	a.login("newbie", "pw-newbie").must("POST", "/api/v1/logout", nil)
	if canonical(t, a.export()) == seed {
		t.Fatal("namespace a did not change")
	}

	for _, ns := range []string{"b", mockserver.DefaultNamespace} {
		if got := canonical(t, srv.in(ns).export()); got != seed {
			t.Errorf("namespace %s does not start from the seed after changes in a:\nseed %s\ngot  %s", ns, seed, got)
		}
	}
	if r := srv.adminAPI("POST", "/reset?namespace=a", nil); r.Status != http.StatusOK {
		t.Fatalf("reset: %d %s", r.Status, r.Raw)
	}
	if got := canonical(t, a.export()); got != seed {
		t.Errorf("namespace a after a reset is not the seed:\nseed %s\ngot  %s", seed, got)
	}
}

// canonical encodes st with sorted keys, so that states compare as text.
func canonical(t *testing.T, st state) string {
	t.Helper()
	raw, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
