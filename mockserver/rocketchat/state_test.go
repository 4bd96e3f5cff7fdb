package rocketchat

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/standin/standin/fixtures"
)

func seeded(t *testing.T) *State {
	t.Helper()
	ten, err := fixtures.Build("default", 1, fixtures.Credentials{Username: "admin", Password: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	return Seed(ten)
}

func marshal(t *testing.T, s *State) []byte {
	t.Helper()
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// An export encodes a copy outside the namespace's lock: what the copy
// shows must not move when the state changes after it was taken.
func TestCopyStateDoesNotSeeLaterChanges(t *testing.T) {
	s := seeded(t)
	before := marshal(t, s)
	c := s.CopyState().(*State)
	now := seedEpoch.Add(24 * time.Hour)
	admin := s.userByName("admin")
	u, err := s.createUser(admin, UserInput{Username: "late", Name: "Late", Email: "late@example.org", Password: "x"}, now)
	if err != nil {
		t.Fatal(err)
	}
	var room *Room
	for _, r := range s.Rooms.All() {
		if r.Type == TypeChannel {
			room = &r
			break
		}
	}
	if _, err := s.invite(admin, room, []*User{u}, now); err != nil {
		t.Fatal(err)
	}
	var owner *Subscription
	for m := range s.Members.Range(ownersOf, room.ID, 0, false) {
		owner = &m
	}
	if err := s.changeRole(admin, room, u, addModerator, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.updatePermissions(admin, []PermissionChange{{ID: "create-c", Roles: []string{"admin"}}}, now); err != nil {
		t.Fatal(err)
	}
	s.Tokens["t"] = u.ID
	if owner == nil {
		t.Fatal("the channel has no owner")
	}
	if after := marshal(t, c); !bytes.Equal(after, before) {
		t.Errorf("the copy changed with the state:\nbefore %s\nafter  %s", before, after)
	}
	if bytes.Equal(marshal(t, s), before) {
		t.Error("the state did not change")
	}
}

// A snapshot read back rebuilds every index: lookups by name and e-mail
// (case-insensitive), member counts, owners, and the same JSON.
func TestSnapshotRebuildsIndexes(t *testing.T) {
	s := seeded(t)
	raw := marshal(t, s)
	var back State
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if again := marshal(t, &back); !bytes.Equal(again, raw) {
		t.Errorf("round trip changed the snapshot:\n%s\n%s", raw, again)
	}
	for _, u := range s.Users.All() {
		if got := back.userByName(upper(u.Username)); got == nil || got.ID != u.ID {
			t.Errorf("userByName(%q) = %v", u.Username, got)
		}
		if got := back.userByEmail(upper(u.Email)); got == nil || got.ID != u.ID {
			t.Errorf("userByEmail(%q) = %v", upper(u.Email), got)
		}
	}
	for id, r := range back.Rooms.All() {
		if n := back.Members.Count(membersOf, id); n != r.Count || r.Count != s.room(id).Count {
			t.Errorf("room %s: %d members, count %d, before %d", r.Name, n, r.Count, s.room(id).Count)
		}
		if back.ownerCount(&r) != s.ownerCount(&r) {
			t.Errorf("room %s: %d owners, before %d", r.Name, back.ownerCount(&r), s.ownerCount(&r))
		}
		if got := back.roomByName(r.Name); got == nil || got.ID != id {
			t.Errorf("roomByName(%q) = %v", r.Name, got)
		}
	}
}

func upper(s string) string { return string(bytes.ToUpper([]byte(s))) }
