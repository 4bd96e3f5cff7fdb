package ethora

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// TestChatJSONMirrorsChat keeps chatJSON, a chat as snapshots hold it, in
// step with Chat: every field of Chat, with its JSON tag, in Chat's order,
// and the members' list between extra and createdAt. A field added to
// Chat alone would be dropped from every snapshot.
func TestChatJSONMirrorsChat(t *testing.T) {
	type field struct {
		name, tag, typ string
	}
	fields := func(typ reflect.Type) []field {
		var out []field
		for f := range typ.Fields() {
			out = append(out, field{f.Name, f.Tag.Get("json"), f.Type.String()})
		}
		return out
	}
	want := fields(reflect.TypeFor[Chat]())
	at := slices.IndexFunc(want, func(f field) bool { return f.name == "CreatedAt" })
	want = slices.Insert(want, at, field{"Members", "members", "[]string"})
	if got := fields(reflect.TypeFor[chatJSON]()); !slices.Equal(got, want) {
		t.Errorf("chatJSON's fields:\n got %v\nwant %v", got, want)
	}
	// The conversions carry every field.
	c := Chat{ID: "i", Name: "a_n", AppID: "a", Title: "t", Description: "d", Type: "group", Picture: "p", CreatedBy: "b",
		AppChat: true, Extra: map[string]any{"k": "v"}, CreatedAt: time.Unix(1, 0), UpdatedAt: time.Unix(2, 0)}
	j := chatToJSON(c, []string{"a_u"})
	if back := j.chat(); !reflect.DeepEqual(back, c) {
		t.Errorf("round trip: %+v, want %+v", back, c)
	}
	v := reflect.ValueOf(j)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Errorf("chatToJSON leaves %s out", v.Type().Field(i).Name)
		}
	}
}

// checkMembers fails t unless every membership names an existing chat
// and a user of the chat's app, carries the chat's creation time, and is
// counted in its chat and its user.
func checkMembers(t *testing.T, s *State) {
	t.Helper()
	perChat, perUser := map[string]int{}, map[string]int{}
	for key, m := range s.Members.All() {
		c, okc := s.Chats.Get(m.Chat)
		u, oku := s.Users.Get(m.User)
		switch {
		case !okc || !oku:
			t.Errorf("membership %q outlives its chat (%t) or user (%t)", key, okc, oku)
		case u.AppID != c.AppID:
			t.Errorf("membership %q joins apps %q and %q", key, u.AppID, c.AppID)
		case !m.ChatCreated.Equal(c.CreatedAt):
			t.Errorf("membership %q: chat created %v, row says %v", key, c.CreatedAt, m.ChatCreated)
		}
		perChat[m.Chat]++
		perUser[m.User]++
	}
	for name, n := range perChat {
		if got := s.memberCount(name); got != n {
			t.Errorf("chat %q counts %d members, holds %d", name, got, n)
		}
	}
	for name, n := range perUser {
		if got := s.Members.Count(chatsOf, name); got != n {
			t.Errorf("user %q counts %d chats, holds %d", name, got, n)
		}
	}
}

// TestDeletesTakeTheirMemberships deletes users, a chat and an app that
// hold memberships: no membership row outlives what it names.
func TestDeletesTakeTheirMemberships(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewState()
	for _, a := range []App{{ID: "p"}, {ID: "c", ParentID: "p"}} {
		must(s.Apps.Insert(a))
	}
	for _, app := range []string{"p", "c"} {
		var in []UserInput
		for _, u := range []string{"u1", "u2", "u3"} {
			in = append(in, UserInput{UUID: u, Email: u + "@" + app + ".test", FirstName: "F", LastName: "Last"})
		}
		if _, err := s.batchUsers(app, in, now, now); err != nil {
			t.Fatal(err)
		}
		for _, chat := range []string{"a", "b", "c"} {
			if _, err := s.createChat(app, app, ChatInput{UUID: chat, Members: []string{"u1", "u2", "u3"}}, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	checkMembers(t, s)
	if n := s.Members.Len(); n != 18 {
		t.Fatalf("%d memberships, want 18", n)
	}
	if _, err := s.deleteUsers("p", []string{"u1"}, now, func(string) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.deleteChat("p", "a", func(string) error { return nil }); err != nil {
		t.Fatal(err)
	}
	checkMembers(t, s)
	if n := s.Members.Len(); n != 9+4 { // the child's 9; u2 and u3 in p's b and c
		t.Errorf("%d memberships after the deletes, want 13", n)
	}
	s.deleteApp("c")
	checkMembers(t, s)
	if n := s.Members.Len(); n != 4 {
		t.Errorf("%d memberships after the child app's delete, want 4", n)
	}
	s.deleteApp("p")
	if n := s.Members.Len(); n != 0 {
		t.Errorf("%d memberships after every app's delete, want 0", n)
	}
}
