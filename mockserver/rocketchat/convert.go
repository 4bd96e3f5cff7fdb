package rocketchat

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	gen "github.com/standin/standin/gen/rocketchat"
	"github.com/standin/standin/mockserver"
)

// This file turns state into the generated wire types, and query strings
// (paging, sort, query) into what the rules need.

func (r *Room) wire() gen.Room {
	// What the wire form points at is copied into one allocation, not
	// one per field.
	v := &roomValues{name: r.Name, topic: r.Topic, description: r.Description, custom: r.Custom, lm: r.LastMessageAt}
	out := gen.Room{
		UnderscoreId: r.ID, T: gen.RoomT(r.Type), Name: nonEmpty(&v.name), Fname: nonEmpty(&v.name),
		U:  gen.UserRef{UnderscoreId: r.Creator.ID, Username: r.Creator.Username},
		Ts: r.Created, UnderscoreUpdatedAt: r.Updated, Msgs: r.Msgs, UsersCount: r.Count,
		Ro: r.ReadOnly, Default: r.Default, SysMes: flag(true), Broadcast: flag(r.Broadcast),
		Encrypted: flag(r.Encrypted), Topic: nonEmpty(&v.topic), Description: nonEmpty(&v.description),
	}
	if r.Archived {
		out.Archived = flag(true)
	}
	r.wireMessaging(&out, v) // messages.go's fields: lm, and a direct room's members
	if r.Custom != nil {
		out.CustomFields = &v.custom
	} else {
		out.CustomFields = &noCustomFields
	}
	return out
}

// roomValues holds copies of the room's values that its wire form points
// at.
type roomValues struct {
	name, topic, description string
	custom                   map[string]any
	lm                       time.Time
}

// nonEmpty returns s, or nil when *s is empty.
func nonEmpty(s *string) *string {
	if *s == "" {
		return nil
	}
	return s
}

// Wire forms are encoded and dropped, never written through: their
// pointers may share what they point at, with each other (a room's name
// and fname), with the state (custom fields) and with these values, so
// that a room costs a few allocations less.
var (
	yes, no        = true, false
	noCustomFields = map[string]any{}
)

// flag returns a pointer to b's value, shared by every wire form.
func flag(b bool) *bool {
	if b {
		return &yes
	}
	return &no
}

func wireRooms(rooms []Room) []gen.Room {
	out := make([]gen.Room, len(rooms))
	for i, r := range rooms {
		out[i] = r.wire()
	}
	return out
}

func (u *User) wire() gen.User {
	return gen.User{
		UnderscoreId: u.ID, Username: u.Username, Name: new(u.Name), Active: u.Active,
		Roles: slices.Clone(u.Roles), Type: gen.UserType(u.Type), Status: new(u.Status),
		Emails:    &[]gen.UserEmail{{Address: u.Email, Verified: u.Verified}},
		CreatedAt: new(u.CreatedAt), UnderscoreUpdatedAt: new(u.UpdatedAt), Nickname: mockserver.NonZero(u.Nickname),
	}
}

func (u *User) member() gen.Member {
	return gen.Member{UnderscoreId: u.ID, Username: u.Username, Name: new(u.Name), Status: u.Status,
		UnderscoreUpdatedAt: new(u.UpdatedAt), Nickname: mockserver.NonZero(u.Nickname)}
}

func (p *Permission) wire() gen.Permission {
	roles := slices.Clone(p.Roles)
	if roles == nil {
		roles = []string{}
	}
	return gen.Permission{UnderscoreId: p.ID, Roles: roles, UnderscoreUpdatedAt: new(p.Updated)}
}

// subscriptionID is the id of user's subscription to room: Meteor-style
// and stable, derived from the pair, so that it needs no state of its own.
func subscriptionID(room, user string) string { return seededID("subscription", room, user) }

// roomRoles lists the members of r that hold a room role, by username.
func (s *State) roomRoles(r *Room) []gen.RoomRoles {
	out := []gen.RoomRoles{}
	for sub := range s.Members.Range(roledOf, r.ID, 0, false) {
		u := s.user(sub.UserID)
		roles := make([]gen.RoomRolesRoles, len(sub.Roles))
		for i, role := range sub.Roles {
			roles[i] = gen.RoomRolesRoles(role)
		}
		out = append(out, gen.RoomRoles{UnderscoreId: subscriptionID(r.ID, u.ID), Rid: r.ID, Roles: roles,
			U: gen.RoomRolesUser{UnderscoreId: u.ID, Username: u.Username, Name: new(u.Name)}})
	}
	return out
}

// Paging defaults of a stock server: API_Default_Count and
// API_Upper_Count_Limit.
const (
	defaultCount = 50
	maxCount     = 100
)

// page is one page of a listing, as the server computes it.
type page struct{ count, offset int }

func paging(count, offset *int) page {
	p := page{count: defaultCount}
	if count != nil {
		p.count = min(*count, maxCount)
	}
	if offset != nil {
		p.offset = *offset
	}
	return p
}

// cut returns the page's items and the total before paging. A count of 0
// returns everything from offset on, as the server's infinite count does.
func cut[T any](items []T, p page) ([]T, int) {
	total := len(items)
	lo := min(p.offset, total)
	hi := total
	if p.count > 0 {
		hi = min(lo+p.count, total)
	}
	out := items[lo:hi]
	if out == nil {
		out = []T{}
	}
	return out, total
}

// sortSpec parses the sort param, a JSON object such as {"username":1},
// against the fields a listing can be sorted by.
func sortSpec(raw *string, allowed ...string) (field string, desc bool, err error) {
	if raw == nil || *raw == "" {
		return "", false, nil
	}
	var spec map[string]int
	bad := fail("error-invalid-sort", fmt.Sprintf("Invalid sort parameter provided: %q", *raw))
	if json.Unmarshal([]byte(*raw), &spec) != nil || len(spec) != 1 {
		return "", false, bad
	}
	for f, dir := range spec {
		if !slices.Contains(allowed, f) || (dir != 1 && dir != -1) {
			return "", false, bad
		}
		field, desc = f, dir == -1
	}
	return field, desc, nil
}

// limit is the page's size for table.Page: -1 (everything from offset on)
// for a count of 0 or less.
func (p page) limit() int {
	if p.count <= 0 {
		return -1
	}
	return p.count
}

// takes reports whether the match at position i of a scanned listing
// belongs to the page, which holds n items so far.
func (p page) takes(i, n int) bool {
	return i >= p.offset && (p.count <= 0 || n < p.count)
}

// roomOrder compares rooms as the ordered indexes of roomsIn do (before
// their tie on id), for listings that sort a caller's own rooms.
var roomOrder = map[string]func(a, b Room) int{
	"":           func(a, b Room) int { return strings.Compare(a.Name, b.Name) },
	"name":       func(a, b Room) int { return compareNames(a.Name, b.Name) },
	"ts":         func(a, b Room) int { return a.Created.Compare(b.Created) },
	"_updatedAt": func(a, b Room) int { return a.Updated.Compare(b.Updated) },
	"usersCount": func(a, b Room) int { return cmp.Compare(a.Count, b.Count) },
}

// userRooms lists user's subscriptions as users.info's includeUserRooms
// does (Subscriptions.findByUserId projected to rid, name, t, roles and
// unread, sorted by t then name): roles only where the subscription holds
// one, unread 0 (the mock keeps no messages). O(k log n) for k rooms.
func (s *State) userRooms(userID string) []gen.UserRoom {
	out := []gen.UserRoom{}
	for m := range s.Members.Range(roomsOf, userID, 0, false) {
		r := s.room(m.RoomID)
		if r == nil {
			continue
		}
		ur := gen.UserRoom{UnderscoreId: subscriptionID(r.ID, userID), Rid: r.ID, Name: r.Name, T: r.Type}
		if len(m.Roles) > 0 {
			ur.Roles = new(slices.Clone(m.Roles))
		}
		out = append(out, ur)
	}
	slices.SortFunc(out, func(a, b gen.UserRoom) int { return cmp.Or(strings.Compare(a.T, b.T), strings.Compare(a.Name, b.Name)) })
	return out
}
