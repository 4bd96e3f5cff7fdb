package rocketchat_test

import (
	"errors"
	"testing"

	"github.com/standin/standin/mockserver/mockservertest"
)

// FuzzRequest throws arbitrary methods, paths, queries and bodies at the
// mock, logged in or not, and holds it to the standards every request
// must meet: never a 5xx, every error in Rocket.Chat's envelope, and a
// refused request leaves the state as it was.
func FuzzRequest(f *testing.F) {
	seeds := []struct {
		method, path, body string
		auth               bool
	}{
		{"POST", "/api/v1/login", `{"user":"admin","password":"admin"}`, false},
		{"POST", "/api/v1/login", `{"user":`, false},
		{"POST", "/api/v1/channels.create", `{"name":"ok"}`, true},
		{"POST", "/api/v1/channels.create", `{"name":5}`, true},
		{"POST", "/api/v1/channels.create", `{"name":"bad name"}`, true},
		{"POST", "/api/v1/channels.invite", `{"roomName":"general","userIds":["x",1]}`, true},
		{"POST", "/api/v1/channels.invite", `{"roomName":"general","userIds":"x"}`, true},
		{"POST", "/api/v1/channels.kick", `{"roomName":"general","username":"admin"}`, true},
		{"POST", "/api/v1/users.create", `{"name":"a","email":"not-an-email","password":"p","username":"a"}`, true},
		{"POST", "/api/v1/permissions.update", `{"permissions":[{"_id":"create-c","roles":null}]}`, true},
		{"GET", "/api/v1/channels.members?roomName=general&count=-1&status[]=online", ``, true},
		{"GET", "/api/v1/users.list?query={\"$where\":1}&sort=[", ``, true},
		{"GET", "/api/v1/rooms.info?roomId=%00", ``, true},
		{"DELETE", "/api/v1/channels.create", `null`, true},
		{"GET", "/api/v1/../../etc/passwd", ``, false},
		{"POST", "/api/v1/channels.create", `[]`, true},
		{"POST", "/api/v1/channels.create", `{"name":"x","members":[null]}`, true},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body, s.auth)
	}
	h := newHarness(f)
	h.ns = "fuzz"
	admin := h.admin()
	f.Fuzz(func(t *testing.T, method, path, body string, auth bool) {
		if !mockservertest.Sendable(method, path) {
			return
		}
		h.t = t
		c := h.anon()
		if auth {
			c = admin
		}
		if _, err := mockservertest.CheckRequest(h.handler, h.store, c.request(method, path, body), envelope); err != nil {
			t.Fatal(err)
		}
	})
}

// envelope accepts Rocket.Chat's error bodies: a JSON object with an error
// text ({success:false,...}, or the login failure's {status:"error",...}).
func envelope(r mockservertest.Reply) error {
	if r.Str("error") == "" {
		return errors.New("the body is not Rocket.Chat's error envelope")
	}
	return nil
}
