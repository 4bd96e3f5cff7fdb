package ucsrooms_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/mockserver/ucsrooms"
	"github.com/standin/standin/openapi"
)

// secret is options.yaml's jwtSecret.
const secret = "standin-ucs-secret"

// epoch is where the tests' clock starts.
var epoch = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// harness is the UCS mock served in process under /ucs, with a clock the
// test moves; every reply is checked against the spec.
type harness struct {
	t       testing.TB
	handler http.Handler
	store   mockserver.Store
	clock   *mockservertest.Clock
	check   *mockservertest.Conformance
	ns      string
}

func defaultOptions(t testing.TB) ucsrooms.Options {
	t.Helper()
	opts, ok := ucsrooms.Mock.DefaultOptions().(ucsrooms.Options)
	if !ok {
		t.Fatal("default options are not ucsrooms.Options")
	}
	return opts
}

func newHarness(t testing.TB, opts ucsrooms.Options) *harness {
	t.Helper()
	store := mockserver.NewMemoryStore()
	h := &harness{t: t, store: store, clock: mockservertest.NewClock(epoch), ns: mockserver.DefaultNamespace}
	api, err := ucsrooms.New(mockserver.Setup{Store: store, Now: h.clock.Now}, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := mockserver.New(mockserver.Options{Store: store, JournalSize: -1})
	if err := srv.Mount(api); err != nil {
		t.Fatal(err)
	}
	doc, err := openapi.Load(ucsrooms.Name)
	if err != nil {
		t.Fatal(err)
	}
	if h.check, err = mockservertest.NewConformance(doc, "/ucs"); err != nil {
		t.Fatal(err)
	}
	h.handler = srv.Handler()
	mockservertest.Touch(t, store, h.ns, ucsrooms.Name)
	return h
}

// user is a caller: a token, or none.
type user struct {
	h     *harness
	id    string
	token string
}

func (h *harness) as(id string) user {
	return user{h: h, id: id, token: ucsrooms.Sign(secret, id, "name-of-"+id, time.Time{})}
}

func (h *harness) demo(name string) user {
	u, ok := ucsrooms.DemoUserNamed(name)
	if !ok {
		h.t.Fatalf("no demo user %q", name)
	}
	return user{h: h, id: u.ID, token: ucsrooms.Token(defaultOptions(h.t), u)}
}

// do sends a request under /ucs with the user's token, checks the reply
// against the spec, and that a refusal leaves the state as it was.
func (u user) do(method, path string, body any) mockservertest.Reply {
	u.h.t.Helper()
	req := mockservertest.NewRequest(u.h.t, method, "/ucs"+path, body, u.h.ns)
	if u.token != "" {
		req.Header.Set("Authorization", "Bearer "+u.token)
	}
	return u.h.send(req)
}

func (h *harness) send(req *http.Request) mockservertest.Reply {
	h.t.Helper()
	before := mockservertest.Snapshot(h.t, h.store)
	r := mockservertest.RecordChecked(h.t, h.handler, req, h.check)
	if r.Status >= 500 {
		h.t.Fatalf("%s %s: %d %s", req.Method, req.URL, r.Status, r.Raw)
	}
	if r.Status >= 400 {
		if after := mockservertest.Snapshot(h.t, h.store); after != before {
			h.t.Errorf("%s %s was refused (%d) but changed the state", req.Method, req.URL, r.Status)
		}
	}
	return r
}

// want fails unless r has status and, for a refusal, the error code.
func want(t testing.TB, r mockservertest.Reply, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	if code != "" && r.Str("code") != code {
		t.Fatalf("code %q, want %q: %s", r.Str("code"), code, r.Raw)
	}
	if status >= 400 && (r.Str("message") == "" || len(r.List("errors")) == 0) {
		t.Fatalf("a refusal needs message and errors: %s", r.Raw)
	}
}

// createRoom makes a room from start to end (relative to the clock) as u.
func (u user) createRoom(start, end time.Duration, invite ...string) string {
	u.h.t.Helper()
	now := u.h.clock.Now()
	body := map[string]any{"name": "room of " + u.id, "start_time": now.Add(start).Format(time.RFC3339Nano),
		"end_time": now.Add(end).Format(time.RFC3339Nano)}
	if len(invite) > 0 {
		body["participant_ids"] = invite
	}
	r := u.do("POST", "/room", body)
	want(u.h.t, r, http.StatusOK, "")
	return r.Str("data.id")
}

// relative returns the path and query of a URL the mock handed out.
func relative(t testing.TB, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

// raw sends a request with no token and a raw body.
func (h *harness) raw(method, target, contentType, body string, headers ...string) mockservertest.Reply {
	h.t.Helper()
	req := mockservertest.NewRequest(h.t, method, target, nil, h.ns)
	if body != "" {
		req = mockservertest.NewRequest(h.t, method, target, body, h.ns)
	}
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return h.send(req)
}

func ids(r mockservertest.Reply, path, field string) string {
	return strings.Join(r.Strs(path, field), ",")
}

var _ = fmt.Sprintf
