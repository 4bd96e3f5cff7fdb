package rocketchat

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/standin/standin/fixtures"
)

// seedEpoch is the creation time of seeded data, fixed so that seeded
// states are identical from run to run.
var seedEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// seedBatch is how many users or memberships Seed stores at a time: each
// batch's records take one allocation (table.InsertAll) and their strings
// another (packer), so that a large data set is a few thousand objects to
// the garbage collector rather than millions.
const seedBatch = 1024

// Seed builds the state of a fresh namespace from a fixtures tenant: its
// first user is the server admin; every room becomes a public channel or a
// private group with its owner, moderators and members. Ids derive from the
// tenant's seed and names, so the same tenant always gives the same ids.
func Seed(t *fixtures.Tenant) *State {
	s := NewState(seedEpoch)
	seed := strconv.FormatUint(t.Seed, 10)
	// Each user as stored, by position in the tenant, and the position
	// of each username.
	refs := make([]Ref, len(t.Users))
	byName := make(map[string]int, len(t.Users))
	users := make([]User, 0, seedBatch)
	var p packer
	for lo := 0; lo < len(t.Users); lo += seedBatch {
		batch := t.Users[lo:min(lo+seedBatch, len(t.Users))]
		p.reset()
		for _, fu := range batch {
			p.seededID(seed, "user", fu.Username)
			if strings.HasPrefix(fu.Email, fu.Username) {
				// The e-mail address starts with the username (as in
				// scale:N): one copy serves both.
				p.add(fu.Email)
				p.prefix(len(fu.Username))
			} else {
				p.add(fu.Username)
				p.add(fu.Email)
			}
			p.add(fu.Name)
			p.hash(fu.Password)
		}
		all := p.strings()
		users = users[:0]
		for i, fu := range batch {
			n := lo + i
			roles := []string{"user"}
			if fu.Admin || n == 0 {
				roles = []string{"admin", "user"}
			}
			at := seedEpoch.Add(time.Duration(n) * time.Minute)
			f := all[5*i : 5*i+5]
			users = append(users, User{
				ID: f[0], Username: f[1], Email: f[2], Name: f[3], Password: f[4],
				Verified: true, Roles: roles, Active: true, Type: "user", Status: "offline", CreatedAt: at, UpdatedAt: at,
			})
			refs[n] = Ref{f[0], f[1]}
			byName[fu.Username] = n
		}
		must(s.Users.InsertAll(users))
	}

	rooms := make([]Room, 0, len(t.Rooms))
	subs := make([]Subscription, 0, seedBatch)
	flush := func() {
		// The batch's keys are packed, and each row's RoomID and UserID
		// are parts of its key.
		p.reset()
		for _, m := range subs {
			p.add(m.RoomID)
			p.add("/")
			p.add(m.UserID)
			p.join(3)
		}
		all := p.strings()
		for i := range subs {
			subs[i] = subs[i].keyed(all[i])
		}
		must(s.Members.InsertAll(subs))
		subs = subs[:0]
	}
	for i, fr := range t.Rooms {
		typ := TypeChannel
		if fr.Private {
			typ = TypeGroup
		}
		at := seedEpoch.Add(time.Hour + time.Duration(i)*time.Minute)
		r := Room{
			ID: seededID(seed, "room", fr.Name), Type: typ, Name: fr.Name, Topic: fr.Topic,
			Created: at, Updated: at,
		}
		if n, ok := byName[fr.Owner]; ok {
			r.Creator = refs[n]
		}
		joined := make(map[int]bool, len(fr.Members))
		for _, name := range fr.Members {
			n, ok := byName[name]
			if !ok || joined[n] {
				continue
			}
			joined[n] = true
			roles := []string{}
			if name == fr.Owner {
				roles = append(roles, RoleOwner)
			}
			if slices.Contains(fr.Moderators, name) {
				roles = append(roles, RoleModerator)
			}
			u := refs[n]
			subs = append(subs, Subscription{RoomID: r.ID, UserID: u.ID, Username: strings.ToLower(u.Username), Roles: roles, Joined: at})
			if len(subs) == seedBatch {
				flush()
			}
		}
		r.Count = len(joined)
		rooms = append(rooms, r)
	}
	flush()
	seedMessages(s, seed, rooms)
	must(s.Rooms.InsertAll(rooms))
	return s
}

// packer lays many strings end to end in one allocation, so that the
// garbage collector sees one object for all of them: strings() returns
// each string added, as a slice of that one string.
type packer struct {
	buf   []byte
	spans [][2]int // where each string starts and ends in buf
}

func (p *packer) reset() { p.buf, p.spans = p.buf[:0], p.spans[:0] }

func (p *packer) added(start int) { p.spans = append(p.spans, [2]int{start, len(p.buf)}) }

// add appends s.
func (p *packer) add(s string) {
	start := len(p.buf)
	p.buf = append(p.buf, s...)
	p.added(start)
}

// prefix adds the first n bytes of the string added last as a string of
// its own, sharing its bytes, before it.
func (p *packer) prefix(n int) {
	last := p.spans[len(p.spans)-1]
	p.spans = append(p.spans[:len(p.spans)-1], [2]int{last[0], last[0] + n}, last)
}

// join makes the last n strings added one.
func (p *packer) join(n int) {
	first, last := p.spans[len(p.spans)-n], p.spans[len(p.spans)-1]
	p.spans = append(p.spans[:len(p.spans)-n], [2]int{first[0], last[1]})
}

// seededID adds seededID(parts...).
func (p *packer) seededID(parts ...string) {
	start := len(p.buf)
	p.buf = appendSeededID(p.buf, parts...)
	p.added(start)
}

// hash adds hashSecret(secret).
func (p *packer) hash(secret string) {
	start := len(p.buf)
	sum := sha256.Sum256([]byte(secret))
	p.buf = hex.AppendEncode(p.buf, sum[:])
	p.added(start)
}

// strings returns the strings added, in order, all parts of one string.
func (p *packer) strings() []string {
	all := string(p.buf)
	out := make([]string, len(p.spans))
	for i, sp := range p.spans {
		out[i] = all[sp[0]:sp[1]]
	}
	return out
}
