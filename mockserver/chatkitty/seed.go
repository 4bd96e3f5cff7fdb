package chatkitty

import (
	"fmt"
	"time"

	"github.com/standin/standin/fixtures"
)

// Seed returns the state every namespace starts from: the applications
// and, in the first, the data set's users (every fifth a guest) and rooms
// as public or private channels with their members, the room's owner and
// moderators as moderators, three messages each and their read receipts;
// a direct channel between the first two users; sessions of the first
// users; and a chat function with a version and its invocations. The
// other applications get one user and one channel each, for isolation
// tests.
func Seed(apps []AppConfig, tenant *fixtures.Tenant, epoch time.Time) *State {
	epoch = epoch.Truncate(time.Second)
	made := epoch.Add(-30 * 24 * time.Hour)
	st := &State{NextID: 1}
	for i, ac := range apps {
		_ = st.Apps.Insert(App{ID: ac.ID, Key: ac.Key, ClientID: ac.ClientID, ClientSecret: ac.ClientSecret, Created: made,
			Properties: map[string]any{}, GuestUsers: ac.GuestUsers != "DISABLED", UserCreatedChannels: ac.UserCreatedChannels != "DISABLED"})
		_ = st.Runtimes.Insert(Runtime{ID: st.newID(), AppID: ac.ID, Version: "v20.11.1", Environment: map[string]any{},
			Dependencies: []Dependency{{Name: "axios", Version: "1.7.2", Default: true}}})
		if i > 0 || tenant == nil {
			u, _ := st.createUser(ac.ID, NewUser{Name: fmt.Sprintf("owner@app%d.example", ac.ID), DisplayName: "App Owner"}, made)
			_, _, _ = st.createChannel(ac.ID, NewChannel{Type: TypePublic, Name: fmt.Sprintf("app%d-lobby", ac.ID), Members: []Ref{{ID: u.ID}}}, made)
			continue
		}
		seedTenant(st, ac.ID, tenant, made)
	}
	return st
}

func seedTenant(st *State, app int64, tenant *fixtures.Tenant, made time.Time) {
	at := func(minutes int) time.Time { return made.Add(time.Duration(minutes) * time.Minute) }
	for j, u := range tenant.Users {
		if usr, err := st.createUser(app, NewUser{Name: u.Username, DisplayName: u.Name, Guest: j%5 == 4,
			Properties: map[string]any{"email": u.Email}}, at(j)); err == nil {
			_, _ = st.setSecret(app, usr.ID, seedSecret, map[string]any{"token": fmt.Sprintf("seed-token-%d", usr.ID)})
		}
	}
	// The data set's users came in through one user import.
	_ = st.Jobs.Insert(Job{ID: st.newID(), AppID: app, Type: JobUserImport, Created: at(-10), Starts: at(-10), Ends: at(-9)})
	ref := func(name string) Ref { return Ref{Username: name} }
	for k, r := range tenant.Rooms {
		typ := TypePublic
		if r.Private {
			typ = TypePrivate
		}
		members := make([]Ref, len(r.Members))
		for i, m := range r.Members {
			members[i] = ref(m)
		}
		c, _, err := st.createChannel(app, NewChannel{Type: typ, Name: r.Name, DisplayName: r.Topic, Members: members,
			Properties: map[string]any{"topic": r.Topic}}, at(100+k))
		if err != nil {
			continue
		}
		for _, m := range append([]string{r.Owner}, r.Moderators...) {
			_, _ = st.addModerator(app, c.ID, ref(m))
		}
		for n := range 3 {
			from := r.Members[n%len(r.Members)]
			m, err := st.send(app, c.ID, 0, NewMessage{Type: MessageText, Body: seedLines[(k+n)%len(seedLines)], User: &Ref{Username: from}}, at(200+10*k+n))
			if err != nil {
				continue
			}
			for _, reader := range r.Members[:min(2, len(r.Members))] {
				_ = st.markRead(m, reader, at(200+10*k+n+1))
			}
		}
	}
	if len(tenant.Users) >= 2 {
		a, b := tenant.Users[0].Username, tenant.Users[1].Username
		if c, _, err := st.createChannel(app, NewChannel{Type: TypeDirect, Members: []Ref{ref(a), ref(b)}}, at(900)); err == nil {
			_, _ = st.send(app, c.ID, 0, NewMessage{Type: MessageText, Body: "Have you got a minute?", User: &Ref{Username: a}}, at(901))
			_, _ = st.send(app, c.ID, 0, NewMessage{Type: MessageText, Body: "Sure, call me.", User: &Ref{Username: b}}, at(902))
		}
	}
	first, hasChannel := st.Channels.Range(channelsOf, idKey(app), 0, false), false
	var lobby Channel
	for c := range first {
		lobby, hasChannel = c, true
		break
	}
	for j, u := range tenant.Users[:min(3, len(tenant.Users))] {
		usr, ok := st.Users.Lookup(usersByName, idKey(app)+"\x00"+u.Username)
		if !ok {
			continue
		}
		us := UserSession{ID: st.newID(), AppID: app, UserID: usr.ID, Created: at(1000 + j), UserAgent: "ChatKitty-JS/2.0 (standin seed)"}
		if j == 2 {
			end := at(1100)
			us.Ended = &end
		}
		_ = st.UserSessions.Insert(us)
		if _, member := st.member(lobby.ID, usr.ID); hasChannel && member {
			_ = st.ChatSessions.Insert(ChatSession{ID: st.newID(), AppID: app, SessionID: us.ID, UserID: usr.ID, ChannelID: lobby.ID, Created: us.Created, Ended: us.Ended})
		}
	}
	f, err := st.createFunction(app, NewFunction{Type: "user.attempted.start_session", Name: "Authenticate users", Description: "Checks a user's token before a session starts"})
	if err == nil {
		v, _ := st.createVersion(app, f.ID, "async function handleEvent(event, context) {\n  return { allowed: true };\n}\n", at(1200))
		for n := range 2 {
			_ = st.Invocations.Insert(Invocation{ID: st.newID(), FunctionID: f.ID, Version: v.Number, Status: "SUCCEEDED", Created: at(1300 + n),
				Args: map[string]any{"username": tenant.Users[n%len(tenant.Users)].Username}, Result: map[string]any{"allowed": true}})
		}
	}
}

// seedSecret is the name of the secret every seeded user holds.
const seedSecret = "apiToken"

var seedLines = []string{
	"Morning all, stand-up in ten minutes.",
	"The release notes are in the shared folder.",
	"Can someone review the last change before lunch?",
	"Thanks, that fixed it on my side.",
	"Reminder: the demo moved to Thursday.",
}

// markRead records that the user called name read m.
func (s *State) markRead(m Message, name string, now time.Time) error {
	u, ok := s.Users.Lookup(usersByName, idKey(m.AppID)+"\x00"+name)
	if !ok {
		return notFound("user", name)
	}
	if _, ok := s.Receipts.Get(pairKey(m.ID, u.ID)); ok {
		return nil
	}
	return s.Receipts.Insert(Receipt{MessageID: m.ID, UserID: u.ID, Seq: s.newID(), Created: now})
}
