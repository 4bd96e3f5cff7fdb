package rocketchat

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/standin/standin/mockserver"
)

// snapshotJSON is the JSON form of a State, the format snapshots have
// always had: every room holds its subscriptions, keyed by user id.
type snapshotJSON struct {
	Users       map[string]*User       `json:"users"`       // by _id
	Rooms       map[string]*roomJSON   `json:"rooms"`       // by _id
	Tokens      map[string]string      `json:"tokens"`      // sha256(authToken) hex → user _id
	Permissions map[string]*Permission `json:"permissions"` // by _id
	Messages    map[string]*Message    `json:"messages"`    // by _id (messages.go)
	Removed     map[string]*Removal    `json:"removed"`     // by _id (sync.go)
}

// roomJSON is a room with its subscriptions, as snapshots hold it.
type roomJSON struct {
	Room
	Subs map[string]*Subscription `json:"subscriptions"` // by user _id
}

// UnmarshalJSON reads a snapshot's state: it checks it (see check) and
// builds the tables and their indexes from it.
func (s *State) UnmarshalJSON(raw []byte) error {
	var j snapshotJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return err
	}
	if err := j.check(); err != nil {
		return err
	}
	*s = State{Tokens: j.Tokens, Permissions: j.Permissions}
	// Stored seedBatch at a time, in blocks (table.InsertAll), as Seed
	// stores them: a large snapshot then costs the garbage collector as
	// little as a seeded state.
	users := make([]User, 0, min(len(j.Users), seedBatch))
	for _, id := range slices.Sorted(maps.Keys(j.Users)) {
		if users = append(users, *j.Users[id]); len(users) == cap(users) {
			must(s.Users.InsertAll(users))
			users = users[:0]
		}
	}
	must(s.Users.InsertAll(users))
	subs := make([]Subscription, 0, seedBatch)
	rooms := make([]Room, 0, len(j.Rooms))
	for _, id := range slices.Sorted(maps.Keys(j.Rooms)) {
		r := j.Rooms[id]
		room := r.Room
		for _, uid := range slices.Sorted(maps.Keys(r.Subs)) {
			sub := r.Subs[uid]
			sub.RoomID = id
			sub.Username = strings.ToLower(j.Users[uid].Username)
			if subs = append(subs, sub.keyed(memberKey(id, sub.UserID))); len(subs) == cap(subs) {
				must(s.Members.InsertAll(subs))
				subs = subs[:0]
			}
		}
		room.Count = len(r.Subs)
		rooms = append(rooms, room)
	}
	must(s.Members.InsertAll(subs))
	must(s.Rooms.InsertAll(rooms))
	j.insertMessaging(s)
	return nil
}

// MarshalJSON returns what WriteJSON writes.
func (s *State) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := s.WriteJSON(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteJSON writes the state in the snapshot format (snapshotJSON), byte
// for byte what encoding/json makes of it, a record at a time, so that an
// export streams it (mockserver.StateWriter).
func (s *State) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`{"users":`)
	if err := s.Users.WriteJSON(bw); err != nil {
		return err
	}
	bw.WriteString(`,"rooms":{`)
	// One encoder over one buffer for every room; Encode ends each value
	// with a newline, which is cut.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	encode := func(v any) error {
		if err := enc.Encode(v); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1)
		return nil
	}
	first := true
	for id, r := range s.Rooms.All() {
		subs := make(map[string]*Subscription, r.Count)
		for m := range s.Members.Range(membersOf, id, 0, false) {
			subs[m.UserID] = &m
		}
		buf.Reset()
		if !first {
			buf.WriteByte(',')
		}
		first = false
		if err := encode(id); err != nil {
			return err
		}
		buf.WriteByte(':')
		if err := encode(roomJSON{Room: r, Subs: subs}); err != nil {
			return err
		}
		if _, err := bw.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	buf.Reset()
	buf.WriteString(`},"tokens":`)
	if err := encode(s.Tokens); err != nil {
		return err
	}
	buf.WriteString(`,"permissions":`)
	if err := encode(s.Permissions); err != nil {
		return err
	}
	bw.Write(buf.Bytes())
	if err := s.writeMessaging(bw); err != nil {
		return err
	}
	bw.WriteByte('}')
	return bw.Flush()
}

var _ mockserver.StateWriter = (*State)(nil)

// check normalises a state read from a snapshot and refuses one that would
// break the rules: it fills the maps and role lists a snapshot may leave
// out (a user's type defaults to "user"), and refuses null entries, keys
// that differ from the ids they index, unknown user types and room roles,
// user names, e-mail addresses or room names used twice (the lookups by
// name would pick one at random), unknown room types, and references to
// users that do not exist. It names the first problem by its JSON pointer.
func (s *snapshotJSON) check() error {
	mockserver.FillMap(&s.Users)
	mockserver.FillMap(&s.Rooms)
	mockserver.FillMap(&s.Tokens)
	mockserver.FillMap(&s.Permissions)
	names := make(map[string]string, len(s.Users))
	emails := make(map[string]string, len(s.Users))
	for _, id := range slices.Sorted(maps.Keys(s.Users)) {
		u := s.Users[id]
		at := mockserver.Pointer("users", id)
		switch {
		case u == nil:
			return mockserver.Invalid(at, "a user must be an object, not null")
		case u.ID != id:
			return mockserver.Invalid(at+"/_id", "is %q, but the user is filed under %q", u.ID, id)
		case strings.TrimSpace(u.Username) == "":
			return mockserver.Invalid(at+"/username", "a user needs a username")
		}
		fillList(&u.Roles)
		switch u.Type {
		case "":
			u.Type = "user"
		case "user", "bot", "app":
		default:
			return mockserver.Invalid(at+"/type", "user type %q is none of user, bot, app", u.Type)
		}
		if other, ok := names[strings.ToLower(u.Username)]; ok {
			return mockserver.Invalid(at+"/username", "%q is also the username of user %q", u.Username, other)
		}
		names[strings.ToLower(u.Username)] = id
		if u.Email == "" {
			continue
		}
		if other, ok := emails[strings.ToLower(u.Email)]; ok {
			return mockserver.Invalid(at+"/email", "%q is also the e-mail address of user %q", u.Email, other)
		}
		emails[strings.ToLower(u.Email)] = id
	}
	rooms := make(map[string]string, len(s.Rooms))
	for _, id := range slices.Sorted(maps.Keys(s.Rooms)) {
		r := s.Rooms[id]
		at := mockserver.Pointer("rooms", id)
		switch {
		case r == nil:
			return mockserver.Invalid(at, "a room must be an object, not null")
		case r.ID != id:
			return mockserver.Invalid(at+"/_id", "is %q, but the room is filed under %q", r.ID, id)
		case r.Type != TypeChannel && r.Type != TypeGroup && r.Type != TypeDirect:
			return mockserver.Invalid(at+"/t", "room type %q is none of c, p, d", r.Type)
		}
		if r.Name != "" {
			if other, ok := rooms[r.Name]; ok {
				return mockserver.Invalid(at+"/name", "%q is also the name of room %q", r.Name, other)
			}
			rooms[r.Name] = id
		}
		mockserver.FillMap(&r.Subs)
		for _, uid := range slices.Sorted(maps.Keys(r.Subs)) {
			sub := r.Subs[uid]
			sat := at + mockserver.Pointer("subscriptions", uid)
			switch {
			case sub == nil:
				return mockserver.Invalid(sat, "a subscription must be an object, not null")
			case sub.UserID != uid:
				return mockserver.Invalid(sat+"/userId", "is %q, but the subscription is filed under %q", sub.UserID, uid)
			case s.Users[uid] == nil:
				return mockserver.Invalid(sat, "names user %q, who does not exist", uid)
			}
			fillList(&sub.Roles)
			for i, role := range sub.Roles {
				if role != RoleOwner && role != RoleModerator && role != RoleLeader {
					return mockserver.Invalid(sat+"/roles/"+strconv.Itoa(i), "room role %q is none of owner, moderator, leader", role)
				}
			}
		}
	}
	for _, hash := range slices.Sorted(maps.Keys(s.Tokens)) {
		if s.Users[s.Tokens[hash]] == nil {
			return mockserver.Invalid(mockserver.Pointer("tokens", hash), "names user %q, who does not exist", s.Tokens[hash])
		}
	}
	for _, id := range slices.Sorted(maps.Keys(s.Permissions)) {
		p := s.Permissions[id]
		at := mockserver.Pointer("permissions", id)
		switch {
		case p == nil:
			return mockserver.Invalid(at, "a permission must be an object, not null")
		case p.ID != id:
			return mockserver.Invalid(at+"/_id", "is %q, but the permission is filed under %q", p.ID, id)
		}
		fillList(&p.Roles)
	}
	return s.checkMessaging()
}

// fillList makes a list a snapshot left out (or null) empty, as the
// answers that show it promise an array.
func fillList(l *[]string) {
	if *l == nil {
		*l = []string{}
	}
}
