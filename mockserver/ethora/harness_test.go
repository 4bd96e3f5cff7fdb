package ethora_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/ethora/ethoratoken"
	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/openapi"
)

// The app every namespace starts with, and the names the default data set
// seeds into it.
const (
	appID     = ethora.DefaultAppID
	appSecret = ethora.DefaultAppSecret
	jidDomain = "@conference.xmpp.chat.ethora.com"
)

// harness is an Ethora mock served in process, with helpers that speak HTTP
// to it the way the SDK does.
type harness struct {
	t       testing.TB
	handler http.Handler
	store   mockserver.Store
	clock   *mockservertest.Clock
	ns      string
}

// newHarness serves the mock with opts on the default data set and a fake
// clock the test can move.
func newHarness(t testing.TB, opts ethora.Options) *harness {
	t.Helper()
	return newHarnessWith(t, mockserver.Setup{}, opts)
}

// newHarnessWith serves the mock built from setup and opts; setup's Store
// defaults to a new memory store and its Now to a fake clock the test can
// move.
func newHarnessWith(t testing.TB, setup mockserver.Setup, opts ethora.Options) *harness {
	t.Helper()
	store := setup.Store
	if store == nil {
		store = mockserver.NewMemoryStore()
	}
	h := &harness{t: t, store: store, clock: mockservertest.NewClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)), ns: mockserver.DefaultNamespace}
	setup.Store = store
	if setup.Now == nil {
		setup.Now = h.clock.Now
	}
	api, err := ethora.New(setup, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := mockserver.New(mockserver.Options{Store: store, JournalSize: -1})
	if err := srv.Mount(api); err != nil {
		t.Fatal(err)
	}
	h.handler = srv.Handler()
	h.touch()
	return h
}

// touch creates the namespace's state, which the store otherwise builds on
// first use, so that snapshots taken before a first request compare.
func (h *harness) touch() { mockservertest.Touch(h.t, h.store, h.ns, ethora.Name) }

// reply is a decoded response.
type reply = mockservertest.Reply

// client is a caller with a token, sent in x-custom-token, as Bearer, or
// both (as SDK 26.8 does).
type client struct {
	h      *harness
	token  string
	header string // "custom" (default), "bearer", "both", "none"
	extra  map[string]string
}

// serverToken mints the server JWT an SDK configured with app and secret
// sends (26.3.1+: key derived for the purpose).
func serverToken(app, secret string) string {
	var c ethoratoken.Claims
	c.Data.AppID, c.Data.Type = app, ethoratoken.PurposeServer
	c.IssuedAt = "1772445600"
	return ethoratoken.Sign(c, ethoratoken.DerivedKey(secret, ethoratoken.PurposeServer))
}

// clientToken mints the client JWT of user in app.
func clientToken(app, secret, user string) string {
	var c ethoratoken.Claims
	c.Data.AppID, c.Data.Type, c.Data.UserID = app, ethoratoken.PurposeClient, user
	return ethoratoken.Sign(c, ethoratoken.DerivedKey(secret, ethoratoken.PurposeClient))
}

// as returns a client sending token in x-custom-token.
func (h *harness) as(token string) client { return client{h: h, token: token, header: "custom"} }

// app is the default app's server client.
func (h *harness) app() client { return h.as(serverToken(appID, appSecret)) }

func (c client) bearer() client { c.header = "bearer"; return c }

func (c client) both() client { c.header = "both"; return c }

// do sends a request under /ethora; body is JSON-encoded unless it is a
// string, which is sent as is. Every reply to a request for an operation
// of the spec is checked against the spec.
func (c client) do(method, path string, body any) reply {
	c.h.t.Helper()
	return mockservertest.RecordChecked(c.h.t, c.h.handler, c.request(method, path, body), conformance(c.h.t))
}

// spec checks replies against the Ethora spec.
var spec = sync.OnceValues(func() (*mockservertest.Conformance, error) {
	doc, err := openapi.Load(ethora.Name)
	if err != nil {
		return nil, err
	}
	return mockservertest.NewConformance(doc, "/"+ethora.Name)
})

func conformance(tb testing.TB) *mockservertest.Conformance {
	c, err := spec()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func (c client) request(method, path string, body any) *http.Request {
	req := mockservertest.NewRequest(c.h.t, method, "/ethora"+path, body, c.h.ns)
	req.Header.Set("Content-Type", "application/json") // as the SDK, on every request
	switch c.header {
	case "bearer":
		req.Header.Set("Authorization", "Bearer "+c.token)
	case "both":
		req.Header.Set("Authorization", "Bearer "+c.token)
		req.Header.Set("x-custom-token", c.token)
	case "none":
	default:
		if c.token != "" {
			req.Header.Set("x-custom-token", c.token)
		}
	}
	for k, v := range c.extra {
		req.Header.Set(k, v)
	}
	return req
}

// must sends a request that must answer status and returns the reply.
func (c client) must(status int, method, path string, body any) reply {
	c.h.t.Helper()
	r := c.do(method, path, body)
	if r.Status != status {
		c.h.t.Fatalf("%s %s: want %d, got %d %s", method, path, status, r.Status, r.Raw)
	}
	return r
}

// ok sends a request that must answer 200.
func (c client) ok(method, path string, body any) reply {
	c.h.t.Helper()
	return c.must(http.StatusOK, method, path, body)
}

// snapshot exports the whole store, to compare state before and after.
func (h *harness) snapshot() string {
	h.t.Helper()
	return mockservertest.Snapshot(h.t, h.store)
}

// state decodes the default namespace's Ethora state.
func (h *harness) state() *ethora.State {
	h.t.Helper()
	snap, err := h.store.Export(context.Background(), h.ns)
	if err != nil {
		h.t.Fatal(err)
	}
	raw := snap[h.ns][ethora.Name]
	st := ethora.NewState()
	if raw != nil {
		if err := json.Unmarshal(raw, st); err != nil {
			h.t.Fatal(err)
		}
	}
	return st
}

// wantError checks that r is the JSON error envelope with status and code.
func wantError(t testing.TB, r reply, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status: want %d, got %d: %s", status, r.Status, r.Raw)
	}
	if !strings.HasPrefix(r.ContentType, "application/json") {
		t.Errorf("content type: want JSON, got %q", r.ContentType)
	}
	if r.Get("success") != false {
		t.Errorf("an error must say success:false: %s", r.Raw)
	}
	if r.Str("error") == "" {
		t.Errorf("an error must carry an error text: %s", r.Raw)
	}
	if code != "" && r.Str("code") != code {
		t.Errorf("code: want %q, got %q (%s)", code, r.Str("code"), r.Raw)
	}
}

// refused sends a request that must be refused with status and code and
// must leave the state unchanged.
func (c client) refused(status int, code, method, path string, body any) reply {
	c.h.t.Helper()
	before := c.h.snapshot()
	r := c.do(method, path, body)
	wantError(c.h.t, r, status, code)
	if c.h.snapshot() != before {
		c.h.t.Errorf("%s %s: a refused request changed the state", method, path)
	}
	return r
}

// user is the body entry of one user of a batch.
func user(uuid, email string) map[string]any {
	return map[string]any{"uuid": uuid, "email": email, "firstName": "First", "lastName": "Last", "password": "pw-" + uuid}
}

// batch is a users batch body.
func batch(users ...map[string]any) map[string]any {
	list := make([]any, len(users))
	for i, u := range users {
		list[i] = u
	}
	return map[string]any{"bypassEmailConfirmation": true, "usersList": list}
}

// createUsers creates users synchronously through POST /v1/users/batch.
func (c client) createUsers(uuids ...string) {
	c.h.t.Helper()
	users := make([]map[string]any, len(uuids))
	for i, u := range uuids {
		users[i] = user(u, u+"@example.test")
	}
	c.ok("POST", "/v1/users/batch", batch(users...))
}

// createChat creates chat uuid in the token's app and returns its name.
func (c client) createChat(uuid string, members ...string) string {
	c.h.t.Helper()
	body := map[string]any{"uuid": uuid, "title": "Room " + uuid}
	if members != nil {
		body["members"] = members
	}
	return c.ok("POST", "/v2/chats", body).Str("result.name")
}

// members returns the xmppUsernames of chat's members, as
// GET /v2/chats/users?chatName= lists them.
func (c client) members(chat string) []string {
	c.h.t.Helper()
	return c.ok("GET", "/v2/chats/users?limit=1000&chatName="+chat, nil).Strs("results", "xmppUsername")
}

// childApp creates a child app of c's app and returns its id and secret.
func (c client) childApp(name string) (id, secret string) {
	c.h.t.Helper()
	r := c.ok("POST", "/v2/apps", map[string]any{"displayName": name})
	return r.Str("app._id"), r.Str("appSecret")
}

func xmpp(uuid string) string { return appID + "_" + uuid }

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
		if seen[x] < 0 {
			return false
		}
	}
	return true
}
