package rocketchat_test

import (
	"net/http"
	"testing"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mockservertest"
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
type reply = mockservertest.Reply

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
	if r.Status != http.StatusOK {
		h.t.Fatalf("login %s: %d %s", user, r.Status, r.Raw)
	}
	return client{h: h, userID: r.Str("data.userId"), token: r.Str("data.authToken")}
}

func (h *harness) admin() client { return h.login("admin", "admin") }

// do sends a request; body is JSON-encoded unless it is a string, which is
// sent as is.
func (c client) do(method, path string, body any) reply {
	c.h.t.Helper()
	return mockservertest.Record(c.h.handler, c.request(method, path, body))
}

func (c client) request(method, path string, body any) *http.Request {
	req := mockservertest.NewRequest(c.h.t, method, "/rocketchat"+path, body, c.h.ns)
	if c.userID != "" {
		req.Header.Set("X-User-Id", c.userID)
		req.Header.Set("X-Auth-Token", c.token)
	}
	return req
}

// must sends a request that must answer 200 and returns the reply.
func (c client) must(method, path string, body any) reply {
	c.h.t.Helper()
	r := c.do(method, path, body)
	if r.Status != http.StatusOK {
		c.h.t.Fatalf("%s %s: want 200, got %d %s", method, path, r.Status, r.Raw)
	}
	return r
}

// createUser creates a user as c and returns its id.
func (c client) createUser(username string) string {
	c.h.t.Helper()
	return c.must("POST", "/api/v1/users.create", map[string]any{
		"username": username, "name": "User " + username, "email": username + "@example.test", "password": "pw-" + username,
	}).Str("user._id")
}

// snapshot exports the whole store, to compare state before and after.
func (h *harness) snapshot() string {
	h.t.Helper()
	return mockservertest.Snapshot(h.t, h.store)
}
