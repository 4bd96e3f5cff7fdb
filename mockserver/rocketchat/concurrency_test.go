package rocketchat_test

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentInvitesAndKicks invites ten users and kicks ten others
// from one room at once, each call twice and from two callers (the owner
// and a moderator): every answer is a 200 or the refusal a second kick
// gets, and afterwards usersCount, the members' total and the member list
// all say the same, the expected members.
func TestConcurrentInvitesAndKicks(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	admin.createUser("mod")
	var in, out []string
	for i := range 10 {
		in = append(in, fmt.Sprintf("in%02d", i))
		out = append(out, fmt.Sprintf("out%02d", i))
	}
	for _, u := range slices.Concat(in, out) {
		admin.createUser(u)
	}
	room := admin.must("POST", "/api/v1/channels.create", map[string]any{"name": "busy", "members": slices.Concat([]string{"mod"}, out)}).Str("channel._id")
	admin.must("POST", "/api/v1/channels.addModerator", map[string]any{"roomId": room, "username": "mod"})
	mod := h.login("mod", "pw-mod")

	var wg sync.WaitGroup
	var bad atomic.Int32
	call := func(c client, path, user string) {
		r := c.do("POST", path, map[string]any{"roomId": room, "username": user})
		if r.Status != http.StatusOK && (r.Status != http.StatusBadRequest || r.Str("errorType") != "error-user-not-in-room") {
			bad.Add(1)
			t.Errorf("%s %s: %d %s", path, user, r.Status, r.Raw)
		}
	}
	for round := range 2 {
		for i := range 10 {
			c := []client{admin, mod}[(i+round)%2]
			wg.Go(func() { call(c, "/api/v1/channels.invite", in[i]) })
			wg.Go(func() { call(c, "/api/v1/channels.kick", out[i]) })
		}
	}
	wg.Wait()

	want := slices.Concat([]string{"admin", "mod"}, in)
	slices.Sort(want)
	info := admin.must("GET", "/api/v1/channels.info?roomId="+room, nil)
	members := admin.must("GET", "/api/v1/channels.members?count=0&roomId="+room, nil)
	got := members.Strs("members", "username")
	if !slices.Equal(got, want) {
		t.Errorf("members: want %v, got %v", want, got)
	}
	if info.Num("channel.usersCount") != len(want) || members.Num("total") != len(want) || members.Num("count") != len(want) {
		t.Errorf("want %d members everywhere, got usersCount %d, total %d, count %d", len(want),
			info.Num("channel.usersCount"), members.Num("total"), members.Num("count"))
	}
}

// TestConcurrentCreatesOfOneName: of twenty creates of one name at once,
// one wins and the others are told the name is taken.
func TestConcurrentCreatesOfOneName(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	var wg sync.WaitGroup
	var won, taken atomic.Int32
	for i := range 20 {
		kind := []string{"channels", "groups"}[i%2]
		wg.Go(func() {
			r := admin.do("POST", "/api/v1/"+kind+".create", map[string]any{"name": "contested"})
			switch {
			case r.Status == http.StatusOK:
				won.Add(1)
			case r.Str("errorType") == "error-duplicate-channel-name":
				taken.Add(1)
			default:
				t.Errorf("%s.create: %d %s", kind, r.Status, r.Raw)
			}
		})
	}
	wg.Wait()
	if won.Load() != 1 || taken.Load() != 19 {
		t.Errorf("want 1 winner and 19 refusals, got %d and %d", won.Load(), taken.Load())
	}
	if r := admin.must("GET", "/api/v1/rooms.info?roomName=contested", nil); r.Str("room.name") != "contested" {
		t.Errorf("rooms.info: %s", r.Raw)
	}
}

// TestConcurrentSessions logs users in and out at once: every token logged
// out is refused afterwards, every other one still works.
func TestConcurrentSessions(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	for i := range 5 {
		admin.createUser(fmt.Sprintf("s%d", i))
	}
	var mu sync.Mutex
	var live, dead []client
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			name := fmt.Sprintf("s%d", i%5)
			r := h.anon().do("POST", "/api/v1/login", map[string]any{"user": name, "password": "pw-" + name})
			if r.Status != http.StatusOK {
				t.Errorf("login %s: %d %s", name, r.Status, r.Raw)
				return
			}
			c := client{h: h, userID: r.Str("data.userId"), token: r.Str("data.authToken")}
			if i%2 == 0 {
				if r := c.do("POST", "/api/v1/logout", nil); r.Status != http.StatusOK {
					t.Errorf("logout: %d %s", r.Status, r.Raw)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if i%2 == 0 {
				dead = append(dead, c)
			} else {
				live = append(live, c)
			}
		})
	}
	wg.Wait()
	for _, c := range live {
		c.must("GET", "/api/v1/me", nil)
	}
	for _, c := range dead {
		if r := c.do("GET", "/api/v1/me", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("a logged-out token works: %d", r.Status)
		}
	}
}

// TestConcurrentNamespaces works in several namespaces at once: each
// creates the same names without seeing the others.
func TestConcurrentNamespaces(t *testing.T) {
	h := newHarness(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			ns := h.in(fmt.Sprintf("ns%d", i))
			r := ns.anon().do("POST", "/api/v1/login", map[string]any{"user": "admin", "password": "admin"})
			admin := client{h: ns, userID: r.Str("data.userId"), token: r.Str("data.authToken")}
			for _, call := range []struct {
				path string
				body any
			}{
				{"/api/v1/channels.create", map[string]any{"name": "same-name"}},
				{"/api/v1/users.create", map[string]any{"username": "same-user", "name": "S", "email": "same@example.test", "password": "pw"}},
			} {
				if r := admin.do("POST", call.path, call.body); r.Status != http.StatusOK {
					t.Errorf("%s %s: %d %s", ns.ns, call.path, r.Status, r.Raw)
				}
			}
			if got := admin.do("GET", "/api/v1/users.list?count=0", nil).Num("total"); got != 8 {
				t.Errorf("%s: want the 7 seeded users and one more, got %d", ns.ns, got)
			}
		})
	}
	wg.Wait()
}
