package rocketchat_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mocks"
	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/mockserver/rocketchat"
	"github.com/standin/standin/openapi"
)

// harness is a Rocket.Chat mock served in process, with helpers that speak
// HTTP to it the way a client does.
type harness struct {
	t       testing.TB
	handler http.Handler
	store   mockserver.Store
	clock   *mockservertest.Clock
	ns      string
}

// newHarness serves the mock alone on a fresh store, with a clock the test
// moves by hand.
func newHarness(t testing.TB) *harness {
	t.Helper()
	store := mockserver.NewMemoryStore()
	c := mockservertest.NewClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	api, err := rocketchat.New(mockserver.Setup{Store: store, Now: c.Now}, rocketchat.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := mockserver.New(mockserver.Options{Store: store, JournalSize: -1})
	if err := srv.Mount(api); err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, handler: srv.Handler(), store: store, clock: c, ns: mockserver.DefaultNamespace}
}

// newServed serves the mock as `standin serve` does: built from the
// catalog with its default configuration, admin API included.
func newServed(t testing.TB) *harness {
	t.Helper()
	catalog := mocks.Catalog{rocketchat.Mock}
	srv, err := catalog.New(catalog.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, handler: srv.Handler(), store: srv.Store(), ns: mockserver.DefaultNamespace}
}

// in returns a copy of h whose clients work in namespace ns.
func (h *harness) in(ns string) *harness {
	c := *h
	c.ns = ns
	return &c
}

// touch creates the namespace's state, which the store otherwise builds on
// first use, so that snapshots taken before a first request compare.
func (h *harness) touch() { mockservertest.Touch(h.t, h.store, h.ns, rocketchat.Name) }

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
// sent as is. Every reply to a request for an operation of the spec is
// checked against the spec: a declared status and content type, a body
// that matches its schema.
func (c client) do(method, path string, body any) reply {
	c.h.t.Helper()
	sp, err := spec()
	if err != nil {
		c.h.t.Fatal(err)
	}
	return mockservertest.RecordChecked(c.h.t, c.h.handler, c.request(method, path, body), sp)
}

// spec checks replies against the Rocket.Chat spec.
var spec = sync.OnceValues(func() (*mockservertest.Conformance, error) {
	doc, err := openapi.Load(rocketchat.Name)
	if err != nil {
		return nil, err
	}
	return mockservertest.NewConformance(doc, "/"+rocketchat.Name)
})

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

// adminAPI sends a request to the admin API from the machine itself.
func (h *harness) adminAPI(method, path string, body any) reply {
	h.t.Helper()
	req := mockservertest.NewRequest(h.t, method, mockserver.AdminPrefix+path, body, "")
	req.Header.Del(mockserver.NamespaceHeader)
	req.Host = "127.0.0.1"
	return mockservertest.Record(h.handler, req)
}

// refusal is what a refused request must look like: its status, and the
// errorType and error text when they matter ("-" for "no errorType").
type refusal struct {
	status  int
	errType string
	errText string
}

// check fails t unless r is the refusal, in Rocket.Chat's envelope.
func (want refusal) check(t testing.TB, r reply) {
	t.Helper()
	if r.Status != want.status {
		t.Fatalf("status: want %d, got %d: %s", want.status, r.Status, r.Raw)
	}
	if r.Get("success") != false || r.Str("error") == "" {
		t.Errorf("not Rocket.Chat's error envelope: %s", r.Raw)
	}
	switch want.errType {
	case "":
	case "-":
		if r.Get("errorType") != nil {
			t.Errorf("want no errorType, got %s", r.Raw)
		}
	default:
		if r.Str("errorType") != want.errType {
			t.Errorf("errorType: want %q, got %q (%s)", want.errType, r.Str("errorType"), r.Raw)
		}
		if !strings.HasSuffix(r.Str("error"), "["+want.errType+"]") && want.errText == "" {
			t.Errorf("a Meteor error ends in its type in brackets: %q", r.Str("error"))
		}
	}
	if want.errText != "" && r.Str("error") != want.errText {
		t.Errorf("error: want %q, got %q", want.errText, r.Str("error"))
	}
}

// refuses sends a request that must be refused as want and leave the state
// as it was; it returns the reply.
func (c client) refuses(want refusal, method, path string, body any) reply {
	c.h.t.Helper()
	before := c.h.snapshot()
	r := c.do(method, path, body)
	want.check(c.h.t, r)
	if c.h.snapshot() != before {
		c.h.t.Errorf("%s %s: a refused request changed the state", method, path)
	}
	return r
}
