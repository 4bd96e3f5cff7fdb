package rocketchat

import (
	"slices"
	"strings"
	"time"

	"github.com/standin/standin/mockserver/table"
)

// This file holds direct rooms (createDirectMessage,
// apps/meteor/server/methods/createDirectMessage.ts): a room of type d
// among a set of users, found again by that set.

// directByMembers finds a direct room by its members' sorted ids.
var directByMembers = table.UniqueKey("direct", func(r Room) string {
	if r.Type != TypeDirect {
		return ""
	}
	return directKey(r.Uids)
})

func directKey(uids []string) string {
	s := slices.Clone(uids)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ",")
}

// directRoom returns the direct room among uids, or nil.
func (s *State) directRoom(uids []string) *Room {
	if r, ok := s.Rooms.Lookup(directByMembers, directKey(uids)); ok {
		return &r
	}
	return nil
}

// openDirect returns the direct room among caller and the users named
// (caller left out with excludeSelf), making it if there is none: create-d
// is needed to make one, and every name must be a user's. The caller's
// subscription is opened; the others see the room when a message arrives.
func (s *State) openDirect(caller *User, usernames []string, excludeSelf bool, now time.Time) (*Room, error) {
	const method = "createDirectMessage"
	var users []*User
	seen := map[string]bool{}
	if !excludeSelf {
		users, seen[caller.ID] = append(users, caller), true
	}
	for _, name := range usernames {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		u := s.userByName(name)
		if u == nil {
			u = s.user(name)
		}
		if u == nil {
			return nil, fail("error-invalid-user", "Invalid user").WithDetail("method", method)
		}
		if !seen[u.ID] {
			seen[u.ID] = true
			users = append(users, u)
		}
	}
	if len(users) == 0 {
		return nil, fail("error-invalid-user", "Invalid user").WithDetail("method", method)
	}
	uids := make([]string, len(users))
	for i, u := range users {
		uids[i] = u.ID
	}
	r := s.directRoom(uids)
	if r == nil {
		if !s.can(caller, "create-d", nil) {
			return nil, ErrNotAllowed.WithDetail("method", method)
		}
		slices.SortFunc(users, func(a, b *User) int { return strings.Compare(a.Username, b.Username) })
		r = &Room{Type: TypeDirect, Creator: Ref{caller.ID, caller.Username}, Created: now, Updated: now}
		for _, u := range users {
			r.Uids = append(r.Uids, u.ID)
			r.Usernames = append(r.Usernames, u.Username)
		}
		// A room of two has the two ids sorted and joined as its id, as
		// the server makes it; a larger one a random id.
		if ids := slices.Sorted(slices.Values(uids)); len(ids) <= 2 {
			r.ID = strings.Join(ids, "")
		} else {
			r.ID = newID()
		}
		if s.room(r.ID) != nil {
			r.ID = newID()
		}
		for _, u := range users {
			s.addMember(r, u, nil, now)
			if u.ID != caller.ID {
				sub := s.sub(r.ID, u.ID)
				sub.Hidden = true
				must(s.Members.Replace(*sub))
			}
		}
		must(s.Rooms.Insert(*r))
		return r, nil
	}
	if sub := s.sub(r.ID, caller.ID); sub != nil && sub.Hidden {
		sub.Hidden, sub.Updated = false, now
		must(s.Members.Replace(*sub))
	}
	return r, nil
}

// subName is how a subscription names its room for the user: a direct
// room by the other member's username.
func (r *Room) subName(me *User) string {
	if r.Type != TypeDirect {
		return r.Name
	}
	var others []string
	for _, n := range r.Usernames {
		if n != me.Username {
			others = append(others, n)
		}
	}
	if len(others) == 0 {
		return me.Username
	}
	return strings.Join(others, ", ")
}
