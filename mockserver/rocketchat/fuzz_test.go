package rocketchat_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver"
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
		if !validMethod(method) || !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n#") {
			return
		}
		if _, err := url.ParseRequestURI(path); err != nil {
			return // net/http refuses such a request line before any handler runs
		}
		req := httptest.NewRequest(method, "/rocketchat"+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(mockserver.NamespaceHeader, "fuzz")
		if auth {
			req.Header.Set("X-User-Id", admin.userID)
			req.Header.Set("X-Auth-Token", admin.token)
		}
		h.t = t
		before := h.snapshot()
		rec := httptest.NewRecorder()
		h.handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, rec.Code, rec.Body)
		}
		if rec.Code < 400 {
			return
		}
		var env map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
			t.Fatalf("%s %s: error body is not JSON: %q", method, path, rec.Body)
		}
		if _, ok := env["error"].(string); !ok {
			t.Fatalf("%s %s: error body has no error text: %s", method, path, rec.Body)
		}
		if after := h.snapshot(); after != before {
			t.Fatalf("%s %s %q: refused with %d but changed the state", method, path, body, rec.Code)
		}
	})
}

func validMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}
