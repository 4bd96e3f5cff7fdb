package ucsrooms

import (
	"time"

	"github.com/google/uuid"

	"github.com/standin/standin/fixtures"
)

// DemoUser is one of the users every namespace's seed knows, with a
// ready-made token (see Token).
type DemoUser struct {
	ID       string // the token's sub, an IAMS user id
	Username string // the token's preferred_username
}

// DemoUsers are alice, who administers both demo rooms; bob, a
// participant of both; and carol, in neither.
var DemoUsers = []DemoUser{
	{ID: "a11ce000-0000-4000-8000-000000000001", Username: "alice"},
	{ID: "b0b00000-0000-4000-8000-000000000002", Username: "bob"},
	{ID: "ca201000-0000-4000-8000-000000000003", Username: "carol"},
}

// The demo rooms' ids.
const (
	BookedRoomID  = "5eed0000-0000-4000-8000-000000000001" // "Weekly sync", a week after the seed
	StartedRoomID = "5eed0000-0000-4000-8000-000000000002" // "Incident bridge", from an hour before the seed for 30 days
)

// demoTokenExpiry is when the demo users' printed tokens expire: far
// enough that the README's copies keep working.
var demoTokenExpiry = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)

// DemoUserNamed returns the demo user called name.
func DemoUserNamed(name string) (DemoUser, bool) {
	for _, u := range DemoUsers {
		if u.Username == name {
			return u, true
		}
	}
	return DemoUser{}, false
}

// fixtureUserSpace names the user ids made from a data set's usernames.
var fixtureUserSpace = uuid.MustParse("6f1c3a52-0a57-4d1e-9c59-5ea7ed0c0a11")

// Seed returns the state every namespace starts from at epoch: the demo
// rooms, then one started room per room of the data set's tenant, with its
// members as participants (ids derived from their usernames; the tenant's
// first user is alice) and its owner and moderators as admins.
func Seed(tenant *fixtures.Tenant, epoch time.Time) *State {
	epoch = epoch.UTC().Truncate(time.Second)
	st := &State{}
	alice, bob := DemoUsers[0], DemoUsers[1]
	demo := func(id, name string, start, end time.Time) Room {
		r := Room{ID: id, Name: name, StartTime: start, EndTime: end, CreatedBy: alice.ID, CreatedAt: epoch.Add(-24 * time.Hour),
			UpdatedBy: alice.ID, UpdatedAt: epoch.Add(-24 * time.Hour)}
		_ = st.Rooms.Insert(r)
		st.seatUser(r, alice.ID, alice.Username, true, "", r.CreatedAt)
		st.seatUser(r, bob.ID, bob.Username, false, alice.ID, r.CreatedAt.Add(time.Second))
		return r
	}
	demo(BookedRoomID, "Weekly sync", epoch.Add(7*24*time.Hour), epoch.Add(7*24*time.Hour+time.Hour))
	bridge := demo(StartedRoomID, "Incident bridge", epoch.Add(-time.Hour), epoch.Add(30*24*time.Hour))
	_ = st.Messages.Insert(Message{ID: "5eed0000-0000-4000-8000-0000000000a1", RoomID: bridge.ID, Seq: 0, UID: alice.ID, Name: alice.Username,
		Text: "Bridge is open: status page says the EU cluster is degraded.", Timestamp: epoch.Add(-59 * time.Minute)})
	_ = st.Messages.Insert(Message{ID: "5eed0000-0000-4000-8000-0000000000a2", RoomID: bridge.ID, Seq: 1, UID: bob.ID, Name: bob.Username,
		Text: "On it, looking at the load balancers.", Timestamp: epoch.Add(-58 * time.Minute)})

	if tenant == nil {
		return st
	}
	ids := make(map[string]string, len(tenant.Users))
	for i, u := range tenant.Users {
		ids[u.Username] = uuid.NewSHA1(fixtureUserSpace, []byte(u.Username)).String()
		if i == 0 {
			ids[u.Username] = alice.ID
		}
	}
	made := epoch.Add(-24 * time.Hour)
	for i, fr := range tenant.Rooms {
		owner := ids[fr.Owner]
		r := Room{ID: uuid.NewSHA1(fixtureUserSpace, []byte("room:"+fr.Name)).String(), Name: fr.Name,
			StartTime: epoch.Add(-time.Hour), EndTime: epoch.Add(30 * 24 * time.Hour),
			CreatedBy: owner, CreatedAt: made.Add(time.Duration(i) * time.Millisecond), UpdatedBy: owner}
		r.UpdatedAt = r.CreatedAt
		if st.Rooms.Insert(r) != nil {
			continue
		}
		admins := map[string]bool{fr.Owner: true}
		for _, m := range fr.Moderators {
			admins[m] = true
		}
		by := ""
		for j, m := range fr.Members {
			st.seatUser(r, ids[m], m, admins[m], by, r.CreatedAt.Add(time.Duration(j)*time.Microsecond))
			by = owner
		}
		if !admins[fr.Owner] || len(fr.Members) == 0 {
			st.seatUser(r, owner, fr.Owner, true, "", r.CreatedAt)
		}
	}
	return st
}
