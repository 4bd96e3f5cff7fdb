package ethora

import (
	"fmt"
	"strings"
	"time"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/mockserver/table"
)

// seedEpoch is the creation time of seeded data.
var seedEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// AppConfig is an app that exists from the start: the one whose id and
// secret an SDK is configured with.
type AppConfig struct {
	ID          string `yaml:"id"`
	Secret      string `yaml:"secret"`
	DisplayName string `yaml:"displayName"`
}

// Seed builds a namespace's starting state: the configured app, with the
// tenant's users (uuid = username) and rooms (chat {appId}_{room name})
// unless the tenant is nil.
func Seed(app AppConfig, t *fixtures.Tenant) *State {
	s := NewState()
	mustInsert(&s.Apps, App{ID: app.ID, Secret: app.Secret, DisplayName: app.DisplayName,
		Tokens: map[string]*AppToken{}, Bot: Bot{Status: "off"}, CreatedAt: seedEpoch, UpdatedAt: seedEpoch})
	if t == nil {
		return s
	}
	for i, fu := range t.Users {
		first, last, _ := strings.Cut(fu.Name, " ")
		if len([]rune(last)) < 2 {
			last = "User"
		}
		at := seedEpoch.Add(time.Duration(i) * time.Minute)
		u := User{ID: seededID(app.ID, "user", fu.Username), AppID: app.ID, UUID: fu.Username, FirstName: first, LastName: last,
			Email: fu.Email, Username: app.ID + "_" + fu.Username, Password: hashSecret(fu.Password),
			XMPPPassword: seededID(app.ID, "xmpp", fu.Username)[:20], VisibleAt: seedEpoch, CreatedAt: at, UpdatedAt: at}
		mustInsert(&s.Users, u)
	}
	for i, fr := range t.Rooms {
		at := seedEpoch.Add(time.Hour + time.Duration(i)*time.Minute)
		c := Chat{ID: seededID(app.ID, "chat", fr.Name), Name: app.ID + "_" + fr.Name, AppID: app.ID, Title: fr.Name,
			Description: fr.Topic, Type: "group", CreatedBy: app.ID + "_" + fr.Owner, CreatedAt: at, UpdatedAt: at}
		if !fr.Private {
			c.Type = "public"
		}
		mustInsert(&s.Chats, c)
		for i, m := range fr.Members {
			mustInsert(&s.Members, Member{Chat: c.Name, User: app.ID + "_" + m, Seq: i, ChatCreated: c.CreatedAt})
		}
	}
	return s
}

// seededID derives a stable 24-hex id from parts.
func seededID(parts ...string) string {
	return hashSecret(strings.Join(parts, "\x00"))[:24]
}

// mustInsert adds a seeded record: a data set whose names or addresses
// collide is a broken fixture.
func mustInsert[V any](t *table.Table[V], v V) {
	if err := t.Insert(v); err != nil {
		panic(fmt.Sprintf("ethora: seed: %v", err))
	}
}
