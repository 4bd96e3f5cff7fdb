package rocketchat

import (
	"bufio"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/table"
)

// This file keeps what subscriptions.get and rooms.get report as removed
// after updatedSince (the server's trash collections): a row per
// subscription ended (left, kicked, its room or user deleted) and per room
// deleted.

// Removal is a subscription or a room that was removed.
type Removal struct {
	ID     string    `json:"_id"`              // the subscription's or the room's id
	RoomID string    `json:"rid"`              // the room (the room's own id for a room)
	UserID string    `json:"userId,omitempty"` // the subscriber; empty for a room
	At     time.Time `json:"_deletedAt"`
}

// removedOf is each user's removed subscriptions by time (partition
// removalsOf(user)), and the removed rooms (partition removedRooms).
var removedOf = table.ByTime("deleted", func(r Removal) time.Time { return r.At }).PartitionBy(func(r Removal) string { return removalsOf(r.UserID) })

// removedRooms is the partition of removedOf that holds the rooms.
const removedRooms = "rooms"

// removalsOf is the partition of removedOf that holds user's
// subscriptions, or the rooms for no user.
func removalsOf(user string) string {
	if user == "" {
		return removedRooms
	}
	return "user/" + user
}

// TableSpec declares the removals table.
func (Removal) TableSpec() table.Spec[Removal] {
	return table.Spec[Removal]{Name: "removed", ID: func(r Removal) string { return r.ID },
		Ordered: []*table.Order[Removal]{removedOf}}
}

// removed records that userID's subscription to room roomID ended, or,
// with no user, that room roomID was deleted, at the time of the change
// under way.
func (s *State) removed(roomID, userID string) {
	r := Removal{ID: roomID, RoomID: roomID, UserID: userID, At: s.now}
	if userID != "" {
		r.ID = subscriptionID(roomID, userID)
	}
	if s.now.IsZero() {
		r.At = seedEpoch
	}
	s.Removed.Delete(r.ID)
	must(s.Removed.Insert(r))
}

// forgetRoom records the removal of room id and of its subscriptions and
// drops its messages, before dropRoom deletes them.
func (s *State) forgetRoom(id string) {
	var users []string
	for m := range s.Members.Range(membersOf, id, 0, false) {
		users = append(users, m.UserID)
	}
	for _, u := range users {
		s.removed(id, u)
	}
	s.dropMessages(id)
	s.removed(id, "")
}

// removedSince lists user's removed subscriptions (the removed rooms for
// no user) after since that are still true (a subscription renewed or a
// direct room made again since is not removed): O(log n + k).
func (s *State) removedSince(user string, since time.Time) []Removal {
	part := removalsOf(user)
	from := s.Removed.Search(removedOf, part, func(r Removal) bool { return r.At.After(since) })
	out := []Removal{}
	for r := range s.Removed.Range(removedOf, part, from, false) {
		if user == "" && s.room(r.RoomID) != nil || user != "" && s.isMember(r.RoomID, user) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// mySubscriptions returns u's subscriptions: O(k log n) for k rooms.
func (s *State) mySubscriptions(u *User) []Subscription {
	var out []Subscription
	for m := range s.Members.Range(roomsOf, u.ID, 0, false) {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Subscription) int { return strings.Compare(a.RoomID, b.RoomID) })
	return out
}

// lastSeen is a subscription's ls: its join time until the first read.
func (sub *Subscription) lastSeen() time.Time {
	if sub.LastSeen.IsZero() {
		return sub.Joined
	}
	return sub.LastSeen
}

// updated is a subscription's _updatedAt.
func (sub *Subscription) updated() time.Time {
	if sub.Updated.IsZero() {
		return sub.Joined
	}
	return sub.Updated
}

// atomically runs fn on a copy of s (O(1): the tables copy on write) and
// keeps its changes only if it succeeds, for a rule that must change the
// state before its last check (chat.postMessage joins a channel before it
// knows whether the caller may post there).
func (s *State) atomically(fn func(w *State) error) error {
	w := s.Copy()
	w.now = s.now
	if err := fn(w); err != nil {
		return err
	}
	*s = *w
	return nil
}

// writeMessaging writes the snapshot's "messages" and "removed" members
// (after "permissions").
func (s *State) writeMessaging(w *bufio.Writer) error {
	w.WriteString(`,"messages":`)
	if err := s.Messages.WriteJSON(w); err != nil {
		return err
	}
	w.WriteString(`,"removed":`)
	return s.Removed.WriteJSON(w)
}

// checkMessaging refuses a snapshot whose messages, direct rooms or
// removals would break the rules: a message filed under another id, in a
// room that does not exist, or in a thread of another room; a room whose
// last message is not one of its own; a direct room among the same
// members as another; a
// removal filed under another id. A direct room's members left out are
// its subscribers.
func (s *snapshotJSON) checkMessaging() error {
	mockserver.FillMap(&s.Messages)
	mockserver.FillMap(&s.Removed)
	for _, id := range slices.Sorted(maps.Keys(s.Messages)) {
		m := s.Messages[id]
		at := mockserver.Pointer("messages", id)
		switch {
		case m == nil:
			return mockserver.Invalid(at, "a message must be an object, not null")
		case m.ID != id:
			return mockserver.Invalid(at+"/_id", "is %q, but the message is filed under %q", m.ID, id)
		case s.Rooms[m.RoomID] == nil:
			return mockserver.Invalid(at+"/rid", "names room %q, which does not exist", m.RoomID)
		case m.ThreadID != "" && s.Messages[m.ThreadID] != nil && s.Messages[m.ThreadID].RoomID != m.RoomID:
			return mockserver.Invalid(at+"/tmid", "names a thread of another room")
		}
	}
	directs := map[string]string{}
	for _, id := range slices.Sorted(maps.Keys(s.Rooms)) {
		r := s.Rooms[id]
		at := mockserver.Pointer("rooms", id)
		if r.LastMessage != "" {
			if m := s.Messages[r.LastMessage]; m == nil || m.RoomID != id {
				return mockserver.Invalid(at+"/lastMessageId", "names %q, which is not a message of the room", r.LastMessage)
			}
		}
		if r.Type != TypeDirect {
			continue
		}
		if len(r.Uids) == 0 {
			// Left out: the room's subscribers, by username.
			for _, uid := range slices.Sorted(maps.Keys(r.Subs)) {
				r.Uids = append(r.Uids, uid)
			}
			slices.SortFunc(r.Uids, func(a, b string) int { return strings.Compare(s.Users[a].Username, s.Users[b].Username) })
			r.Usernames = nil
			for _, uid := range r.Uids {
				r.Usernames = append(r.Usernames, s.Users[uid].Username)
			}
		}
		// A member's id may name a deleted user: the room outlives its
		// members, as the server's does.
		key := directKey(r.Uids)
		if other, ok := directs[key]; ok && key != "" {
			return mockserver.Invalid(at+"/uids", "room %q is the direct room of the same members", other)
		}
		directs[key] = id
	}
	for _, id := range slices.Sorted(maps.Keys(s.Removed)) {
		r := s.Removed[id]
		at := mockserver.Pointer("removed", id)
		switch {
		case r == nil:
			return mockserver.Invalid(at, "a removal must be an object, not null")
		case r.ID != id:
			return mockserver.Invalid(at+"/_id", "is %q, but the removal is filed under %q", r.ID, id)
		}
	}
	return nil
}

// insertMessaging stores a checked snapshot's messages and removals.
func (s *snapshotJSON) insertMessaging(st *State) {
	msgs := make([]Message, 0, len(s.Messages))
	for _, id := range slices.Sorted(maps.Keys(s.Messages)) {
		msgs = append(msgs, *s.Messages[id])
	}
	must(st.Messages.InsertAll(msgs))
	removed := make([]Removal, 0, len(s.Removed))
	for _, id := range slices.Sorted(maps.Keys(s.Removed)) {
		removed = append(removed, *s.Removed[id])
	}
	must(st.Removed.InsertAll(removed))
}
