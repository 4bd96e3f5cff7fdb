package mocks_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/openapi"
)

func TestConfigNamespaces(t *testing.T) {
	if got := cat.Default().Namespaces; got != mockserver.DefaultNamespaceLimits() {
		t.Errorf("default namespaces = %+v, want %+v", got, mockserver.DefaultNamespaceLimits())
	}
	for yaml, key := range map[string]string{
		"namespaces:\n  max: -1\n":          "namespaces.max",
		"namespaces:\n  idleTimeout: -1s\n": "namespaces.idleTimeout",
	} {
		if _, err := cat.Parse([]byte(yaml)); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("Parse(%q) = %v, want an error naming %s", yaml, err, key)
		}
	}
	cfg, err := cat.Parse([]byte("namespaces:\n  max: 7\n  idleTimeout: 5m\n"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := cat.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	store, ok := srv.Store().(*mockserver.MemoryStore)
	if !ok {
		t.Fatalf("store is %T, want a *mockserver.MemoryStore", srv.Store())
	}
	if got, want := store.Limits(), (mockserver.NamespaceLimits{Max: 7, IdleTimeout: 5 * time.Minute}); got != want {
		t.Errorf("the served store's limits = %+v, want %+v from the configuration", got, want)
	}
}

// limited serves every API of the catalog, as Catalog.New does, on a store
// with limits and a clock the test moves.
type limited struct {
	t       *testing.T
	handler http.Handler
	store   *mockserver.MemoryStore
	clock   *mockservertest.Clock
}

func newLimited(t *testing.T, limits mockserver.NamespaceLimits) *limited {
	t.Helper()
	clock := mockservertest.NewClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	store := mockserver.NewMemoryStoreWith(mockserver.MemoryOptions{Namespaces: limits, Now: clock.Now})
	srv := mockserver.New(mockserver.Options{Store: store, JournalSize: -1})
	for _, m := range cat {
		api, err := m.Build(mockserver.Setup{Store: store, Now: clock.Now}, m.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Mount(api); err != nil {
			t.Fatal(err)
		}
	}
	return &limited{t: t, handler: srv.Handler(), store: store, clock: clock}
}

// send sends a request in namespace ns with the given headers; body is
// JSON-encoded unless it is a string. Every reply is checked against the
// spec of the API the path is for, so the 429 too must be declared.
func (l *limited) send(ns string, headers http.Header, method, path string, body any) mockservertest.Reply {
	l.t.Helper()
	req := mockservertest.NewRequest(l.t, method, path, body, ns)
	for k, v := range headers {
		req.Header[k] = v
	}
	api, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	doc, err := openapi.Load(api)
	if err != nil {
		l.t.Fatal(err)
	}
	c, err := mockservertest.NewConformance(doc, "/"+api)
	if err != nil {
		l.t.Fatal(err)
	}
	return mockservertest.RecordChecked(l.t, l.handler, req, c)
}

// rcLogin logs in to Rocket.Chat as the seeded admin in ns.
func (l *limited) rcLogin(ns string) (mockservertest.Reply, http.Header) {
	l.t.Helper()
	r := l.send(ns, nil, "POST", "/rocketchat/api/v1/login", map[string]string{"user": "admin", "password": "admin"})
	auth := http.Header{}
	auth.Set("X-User-Id", r.Str("data.userId"))
	auth.Set("X-Auth-Token", r.Str("data.authToken"))
	return r, auth
}

// ethoraAuth returns the headers of the default app's server token, as
// the API's test hook makes them.
func ethoraAuth(t testing.TB) http.Header {
	t.Helper()
	auth, err := ethora.Mock.Test.Login(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	return auth
}

// ethoraChat creates a chat in ns.
func (l *limited) ethoraChat(ns, uuid string) mockservertest.Reply {
	l.t.Helper()
	return l.send(ns, ethoraAuth(l.t), "POST", "/ethora/v2/chats", map[string]any{"uuid": uuid, "title": "Room " + uuid})
}

// ethoraChats lists the names of the default app's chats in ns.
func (l *limited) ethoraChats(ns string) []string {
	l.t.Helper()
	r := l.send(ns, ethoraAuth(l.t), "GET", "/ethora/v2/apps/"+ethora.DefaultAppID+"/chats?limit=1000", nil)
	if r.Status != http.StatusOK {
		l.t.Fatalf("list chats in %s: %d %s", ns, r.Status, r.Raw)
	}
	return r.Strs("chats", "name")
}

// TestRefusedRequestsCreateNoNamespace: a flood of requests in new
// namespaces that are refused before they change anything (no token, a
// token of another namespace, a wrong password, a spec violation, a rule)
// or only read leaves the store's namespaces as they were.
func TestRefusedRequestsCreateNoNamespace(t *testing.T) {
	l := newLimited(t, mockserver.NamespaceLimits{Max: 5, IdleTimeout: time.Hour})
	if r, _ := l.rcLogin(mockserver.DefaultNamespace); r.Status != http.StatusOK {
		t.Fatalf("login: %d %s", r.Status, r.Raw)
	}
	_, defaultToken := l.rcLogin(mockserver.DefaultNamespace)
	start := l.store.NamespaceCount()
	requests := []struct {
		name         string
		auth         http.Header
		method, path string
		body         any
		status       int
	}{
		{"rocketchat without a token", nil, "GET", "/rocketchat/api/v1/me", nil, http.StatusUnauthorized},
		{"rocketchat with another namespace's token", defaultToken, "POST", "/rocketchat/api/v1/users.create",
			map[string]string{"username": "x", "name": "X", "email": "x@example.test", "password": "pw"}, http.StatusUnauthorized},
		{"rocketchat wrong password", nil, "POST", "/rocketchat/api/v1/login", map[string]string{"user": "admin", "password": "wrong"}, http.StatusUnauthorized},
		{"rocketchat login against the spec", nil, "POST", "/rocketchat/api/v1/login", `{"user": 5}`, http.StatusBadRequest},
		{"ethora without a token", nil, "GET", "/ethora/v2/apps", nil, http.StatusUnauthorized},
		{"ethora with a forged token", http.Header{"X-Custom-Token": {"a.b.c"}}, "POST", "/ethora/v2/chats", map[string]any{"uuid": "u", "title": "T"}, http.StatusUnauthorized},
		{"ethora body against the spec", ethoraAuth(l.t), "POST", "/ethora/v2/chats", `{"title": 5}`, http.StatusUnprocessableEntity},
		{"ethora refused by a rule", ethoraAuth(l.t), "DELETE", "/ethora/v2/apps/nope", nil, http.StatusNotFound},
		{"ethora read with a token", ethoraAuth(l.t), "GET", "/ethora/v2/apps", nil, http.StatusOK},
	}
	for i := range 100 {
		ns := fmt.Sprintf("flood-%d", i)
		for _, rq := range requests {
			if r := l.send(ns, rq.auth, rq.method, rq.path, rq.body); r.Status != rq.status {
				t.Fatalf("%s in %s: %d %s, want %d", rq.name, ns, r.Status, r.Raw, rq.status)
			}
		}
	}
	if n := l.store.NamespaceCount(); n != start {
		t.Errorf("%d namespaces hold state after the flood, want %d as before", n, start)
	}
	// The limit of 5 is untouched: five namespaces can still be created.
	for i := range 5 {
		if r, _ := l.rcLogin(fmt.Sprintf("real-%d", i)); r.Status != http.StatusOK {
			t.Errorf("login in a new namespace after the flood: %d %s", r.Status, r.Raw)
		}
	}
}

// TestNamespaceLimitInEachEnvelope: requests that change state create
// namespaces up to the limit; the next is refused with a 429 in the API's
// own envelope naming the limit, while reads and namespaces that hold
// state go on working and the default namespace is not counted. Once a
// namespace has been idle for the idle time, it is dropped: its place is
// free and its next request starts from the seed; the default namespace
// stays.
func TestNamespaceLimitInEachEnvelope(t *testing.T) {
	l := newLimited(t, mockserver.NamespaceLimits{Max: 2, IdleTimeout: time.Hour})
	if r, _ := l.rcLogin("n1"); r.Status != http.StatusOK {
		t.Fatalf("rocketchat login in n1: %d %s", r.Status, r.Raw)
	}
	if r := l.ethoraChat("n2", "in-n2"); r.Status != http.StatusOK {
		t.Fatalf("ethora chat in n2: %d %s", r.Status, r.Raw)
	}

	r, _ := l.rcLogin("n3")
	if r.Status != http.StatusTooManyRequests || r.Get("success") != false || r.Str("errorType") != "error-too-many-namespaces" ||
		!strings.Contains(r.Str("error"), "namespaces.max") || r.Num("details.limit") != 2 {
		t.Errorf("rocketchat over the limit: %d %s, want 429 in its envelope, errorType error-too-many-namespaces, naming namespaces.max and the limit 2", r.Status, r.Raw)
	}
	r = l.ethoraChat("n3", "in-n3")
	if r.Status != http.StatusTooManyRequests || r.Get("success") != false || r.Str("code") != "TOO_MANY_NAMESPACES" ||
		!strings.Contains(r.Str("error"), "namespaces.max") || r.Num("details.limit") != 2 {
		t.Errorf("ethora over the limit: %d %s, want 429 in its envelope, code TOO_MANY_NAMESPACES, naming namespaces.max and the limit 2", r.Status, r.Raw)
	}
	if chats := l.ethoraChats("n3"); len(chats) == 0 {
		t.Error("a read over the limit shows no seeded chats")
	}
	// Another API in a namespace that holds state, and the default
	// namespace, are not new namespaces.
	if r := l.ethoraChat("n1", "in-n1"); r.Status != http.StatusOK {
		t.Errorf("ethora chat in n1, which holds Rocket.Chat state: %d %s", r.Status, r.Raw)
	}
	if r := l.ethoraChat(mockserver.DefaultNamespace, "kept"); r.Status != http.StatusOK {
		t.Errorf("ethora chat in the default namespace at the limit: %d %s", r.Status, r.Raw)
	}
	if n := l.store.NamespaceCount(); n != 3 {
		t.Errorf("%d namespaces hold state, want n1, n2 and default", n)
	}

	l.clock.Advance(time.Hour)
	if r, _ := l.rcLogin("n3"); r.Status != http.StatusOK {
		t.Errorf("rocketchat login in n3 once n1 and n2 went idle: %d %s", r.Status, r.Raw)
	}
	if chats := l.ethoraChats("n1"); slices.Contains(chats, ethora.DefaultAppID+"_in-n1") {
		t.Errorf("n1 after an idle hour still has its chat: %v", chats)
	}
	if chats := l.ethoraChats(mockserver.DefaultNamespace); !slices.Contains(chats, ethora.DefaultAppID+"_kept") {
		t.Errorf("the default namespace lost its chat after an idle hour: %v", chats)
	}
	if n := l.store.NamespaceCount(); n != 2 {
		t.Errorf("%d namespaces hold state, want n3 and default", n)
	}
}
