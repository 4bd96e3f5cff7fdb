package rocketchat

import (
	"slices"
	"strconv"
	"time"

	"github.com/standin/standin/fixtures"
)

// seedEpoch is the creation time of seeded data, fixed so that seeded
// states are identical from run to run.
var seedEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Seed builds the state of a fresh namespace from a fixtures tenant: its
// first user is the server admin; every room becomes a public channel or a
// private group with its owner, moderators and members. Ids derive from the
// tenant's seed and names, so the same tenant always gives the same ids.
func Seed(t *fixtures.Tenant) *State {
	s := NewState(seedEpoch)
	seed := strconv.FormatUint(t.Seed, 10)
	byName := map[string]*User{}
	for i, fu := range t.Users {
		roles := []string{"user"}
		if fu.Admin || i == 0 {
			roles = []string{"admin", "user"}
		}
		at := seedEpoch.Add(time.Duration(i) * time.Minute)
		u := &User{
			ID: seededID(seed, "user", fu.Username), Username: fu.Username, Name: fu.Name, Email: fu.Email,
			Verified: true, Password: hashSecret(fu.Password), Roles: roles, Active: true, Type: "user",
			Status: "offline", CreatedAt: at, UpdatedAt: at,
		}
		must(s.Users.Insert(*u))
		byName[u.Username] = u
	}
	for i, fr := range t.Rooms {
		typ := TypeChannel
		if fr.Private {
			typ = TypeGroup
		}
		at := seedEpoch.Add(time.Hour + time.Duration(i)*time.Minute)
		owner := byName[fr.Owner]
		r := &Room{
			ID: seededID(seed, "room", fr.Name), Type: typ, Name: fr.Name, Topic: fr.Topic,
			Created: at, Updated: at,
		}
		if owner != nil {
			r.Creator = Ref{owner.ID, owner.Username}
		}
		for _, name := range fr.Members {
			u := byName[name]
			if u == nil {
				continue
			}
			var roles []string
			if name == fr.Owner {
				roles = append(roles, RoleOwner)
			}
			if slices.Contains(fr.Moderators, name) {
				roles = append(roles, RoleModerator)
			}
			s.addMember(r, u, append([]string{}, roles...), at)
		}
		must(s.Rooms.Insert(*r))
	}
	return s
}
