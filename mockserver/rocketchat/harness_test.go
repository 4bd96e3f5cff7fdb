package rocketchat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/rocketchat"
)

// harness is a Rocket.Chat mock served in process, with helpers that speak
// HTTP to it the way a client does.
type harness struct {
	t       testing.TB
	handler http.Handler
	store   mockserver.Store
	ns      string
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	store := mockserver.NewMemoryStore()
	api, err := rocketchat.New(store, rocketchat.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := mockserver.New(mockserver.Options{Store: store, JournalSize: -1})
	if err := srv.Mount(api); err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, handler: srv.Handler(), store: store, ns: mockserver.DefaultNamespace}
}

// reply is a decoded response.
type reply struct {
	status int
	body   map[string]any
	raw    string
}

// str returns the string at a dotted path of the body, "" if absent.
func (r reply) str(path string) string {
	v, _ := r.get(path).(string)
	return v
}

// num returns the number at a dotted path of the body, -1 if absent.
func (r reply) num(path string) int {
	v, ok := r.get(path).(float64)
	if !ok {
		return -1
	}
	return int(v)
}

func (r reply) get(path string) any {
	var cur any = r.body
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// client is a caller: anonymous, or logged in.
type client struct {
	h             *harness
	userID, token string
}

func (h *harness) anon() client { return client{h: h} }

// login logs in as user and fails the test if that does not work.
func (h *harness) login(user, password string) client {
	h.t.Helper()
	r := h.anon().do("POST", "/api/v1/login", map[string]any{"user": user, "password": password})
	if r.status != http.StatusOK {
		h.t.Fatalf("login %s: %d %s", user, r.status, r.raw)
	}
	return client{h: h, userID: r.str("data.userId"), token: r.str("data.authToken")}
}

func (h *harness) admin() client { return h.login("admin", "admin") }

// do sends a request; body is JSON-encoded unless it is a string, which is
// sent as is.
func (c client) do(method, path string, body any) reply {
	c.h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.h.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, "/rocketchat"+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(mockserver.NamespaceHeader, c.h.ns)
	if c.userID != "" {
		req.Header.Set("X-User-Id", c.userID)
		req.Header.Set("X-Auth-Token", c.token)
	}
	rec := httptest.NewRecorder()
	c.h.handler.ServeHTTP(rec, req)
	out := reply{status: rec.Code, raw: rec.Body.String()}
	_ = json.Unmarshal(rec.Body.Bytes(), &out.body)
	return out
}

// must sends a request that must answer 200 and returns the reply.
func (c client) must(method, path string, body any) reply {
	c.h.t.Helper()
	r := c.do(method, path, body)
	if r.status != http.StatusOK {
		c.h.t.Fatalf("%s %s: want 200, got %d %s", method, path, r.status, r.raw)
	}
	return r
}

// createUser creates a user as c and returns its id.
func (c client) createUser(username string) string {
	c.h.t.Helper()
	return c.must("POST", "/api/v1/users.create", map[string]any{
		"username": username, "name": "User " + username, "email": username + "@example.test", "password": "pw-" + username,
	}).str("user._id")
}

// snapshot exports the whole store, to compare state before and after.
func (h *harness) snapshot() string {
	h.t.Helper()
	snap, err := h.store.Export(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	raw, err := json.Marshal(snap)
	if err != nil {
		h.t.Fatal(err)
	}
	return string(raw)
}
