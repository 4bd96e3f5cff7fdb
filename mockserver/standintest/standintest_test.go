package standintest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/standintest"
)

// call sends one request with c and returns the status and body.
func call(t testing.TB, c *http.Client, method, target, body string, h http.Header) (int, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, target, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range h {
		req.Header[k] = v
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, target, err)
	}
	return res.StatusCode, string(b)
}

// items lists the kv items that h (a login's headers) sees through srv.
func items(t testing.TB, srv *standintest.Server, h http.Header) []string {
	t.Helper()
	status, body := call(t, srv.HTTPClient(), http.MethodGet, srv.URL("kv")+"/items", "", h)
	if status != http.StatusOK {
		t.Fatalf("GET /items: %d %s", status, body)
	}
	var out struct{ Items []string }
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("GET /items: %v in %s", err, body)
	}
	return out.Items
}

func add(t testing.TB, srv *standintest.Server, h http.Header, name string) {
	t.Helper()
	status, body := call(t, srv.HTTPClient(), http.MethodPost, srv.URL("kv")+"/items", `{"name":"`+name+`"}`, h)
	if status != http.StatusCreated {
		t.Fatalf("POST /items %q: %d %s", name, status, body)
	}
}

// TestInMemoryNeedsNoSocket: without Listen the URLs name a host no other
// client can reach, so requests that succeed were served in memory.
func TestInMemoryNeedsNoSocket(t *testing.T) {
	srv := standintest.New(t, standintest.APIs(kv, open))
	if got, want := srv.URL("kv"), "http://"+standintest.MemoryHost+"/kv"; got != want {
		t.Errorf("URL(kv) = %q, want %q", got, want)
	}
	if got, want := srv.URL("open"), "http://"+standintest.MemoryHost+"/o"; got != want {
		t.Errorf("URL(open) = %q, want %q (the API's prefix)", got, want)
	}
	if _, ok := srv.HTTPClient().Transport.(*http.Transport); ok {
		t.Errorf("HTTPClient's transport is an *http.Transport, which dials")
	}

	auth := srv.Login("kv")
	add(t, srv, auth, "apple")
	if got, want := items(t, srv, auth), []string{"seeded", "apple"}; !slices.Equal(got, want) {
		t.Errorf("items = %q, want %q", got, want)
	}
	// The other API serves too, under its prefix, and the admin API
	// answers under the in-memory host (its guard admits it).
	if status, body := call(t, srv.HTTPClient(), http.MethodGet, srv.URL("open")+"/items", "", nil); status != http.StatusOK {
		t.Errorf("GET /o/items: %d %s", status, body)
	}
	if status, body := call(t, srv.HTTPClient(), http.MethodGet, srv.RootURL()+"/__standin/health", "", nil); status != http.StatusOK || !strings.Contains(body, `"kv"`) {
		t.Errorf("GET /__standin/health: %d %s", status, body)
	}

	// Another client cannot reach the URL: there is nothing to dial.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL("kv")+"/items", nil)
	if res, err := (&http.Client{}).Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("a plain http.Client reached %s (status %d): the URL must name no socket", req.URL, res.StatusCode)
	}
}

// TestListenServesOnLoopbackUntilTheTestEnds: with Listen, a client of
// its own reaches the server at a loopback URL, and once the test that
// made it ends, nothing listens there.
func TestListenServesOnLoopbackUntilTheTestEnds(t *testing.T) {
	var host string
	t.Run("serve", func(t *testing.T) {
		srv := standintest.New(t, standintest.APIs(kv), standintest.Listen())
		u, err := url.Parse(srv.URL("kv"))
		if err != nil {
			t.Fatal(err)
		}
		host = u.Host
		if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() || u.Port() == "" || u.Path != "/kv" {
			t.Fatalf("URL(kv) = %q, want http://<loopback address>:<port>/kv", srv.URL("kv"))
		}
		auth := srv.Login("kv")
		status, body := call(t, &http.Client{}, http.MethodPost, srv.URL("kv")+"/items", `{"name":"pear"}`, auth)
		if status != http.StatusCreated {
			t.Fatalf("POST /items over the listener with a client of its own: %d %s", status, body)
		}
		if got := items(t, srv, auth); !slices.Contains(got, "pear") {
			t.Errorf("items through HTTPClient = %q, want pear among them", got)
		}
		if status, body := call(t, srv.HTTPClient(), http.MethodGet, srv.RootURL()+"/__standin/health", "", nil); status != http.StatusOK {
			t.Errorf("GET /__standin/health: %d %s", status, body)
		}
	})
	if host == "" {
		t.Fatal("the subtest did not start a listener")
	}
	conn, err := net.Dial("tcp", host)
	if err == nil {
		conn.Close()
		t.Fatalf("%s accepts connections after the test that made the server ended", host)
	}
}

// TestCleanupClosesTheInMemoryServer: a client kept past the test's end
// fails, saying why, rather than reaching a server nobody closes.
func TestCleanupClosesTheInMemoryServer(t *testing.T) {
	var (
		client *http.Client
		target string
	)
	t.Run("serve", func(t *testing.T) {
		srv := standintest.New(t, standintest.APIs(open))
		client, target = srv.HTTPClient(), srv.URL("open")+"/items"
		if status, body := call(t, client, http.MethodGet, target, "", nil); status != http.StatusOK {
			t.Fatalf("GET /items: %d %s", status, body)
		}
	})
	res, err := client.Get(target)
	if err == nil {
		res.Body.Close()
		t.Fatalf("GET %s after the test ended: %d, want an error", target, res.StatusCode)
	}
	if !strings.Contains(err.Error(), "closed") {
		t.Errorf("error = %v, want it to say the server is closed", err)
	}
}

// TestAnswersStream: the in-memory client reads an answer as the handler
// writes it, not once the handler has returned.
func TestAnswersStream(t *testing.T) {
	srv := standintest.New(t, standintest.APIs(open))
	gate, _ := openGate()
	res, err := srv.HTTPClient().Get(srv.URL("open") + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	r := bufio.NewReader(res.Body)
	first, err := r.ReadString('\n')
	if err != nil || first != "first\n" {
		t.Fatalf("first line = %q, %v", first, err)
	}
	close(gate) // only now may the handler write its second line
	rest, err := io.ReadAll(r)
	if err != nil || string(rest) != "second\n" {
		t.Fatalf("rest = %q, %v; want the second line, written after the client read the first", rest, err)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/plain" {
		t.Errorf("Content-Type = %q", ct)
	}
}

// TestAbandonedAnswerEndsTheHandler: the handler's context ends, as on a
// closed connection, when the request's context ends, when the client
// closes a body it has not read, or when the server is closed under a
// client that holds a body open; Close returns once the handler did.
func TestAbandonedAnswerEndsTheHandler(t *testing.T) {
	srv := standintest.New(t, standintest.APIs(open))
	get := func(ctx context.Context) *http.Response {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL("open")+"/stream", nil)
		res, err := srv.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	_, ended := openGate() // never opened: the handler waits for its context to end
	ctx, cancel := context.WithCancel(context.Background())
	res := get(ctx)
	cancel()
	if _, err := io.ReadAll(res.Body); !errors.Is(err, context.Canceled) {
		t.Errorf("reading the body after the request's context ended: %v, want context.Canceled", err)
	}
	res.Body.Close()
	if why := <-ended; why != "context" {
		t.Errorf("request's context ended: the handler stopped on %q, want its context", why)
	}

	_, ended = openGate()
	get(context.Background()).Body.Close()
	if why := <-ended; why != "context" {
		t.Errorf("body closed unread: the handler stopped on %q, want its context", why)
	}

	_, ended = openGate()
	res = get(context.Background())
	defer res.Body.Close()
	srv.Close()
	if why := <-ended; why != "context" {
		t.Errorf("server closed: the handler stopped on %q, want its context", why)
	}
	if _, err := io.ReadAll(res.Body); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("reading a body the closed server cut: %v, want an error saying the server is closed", err)
	}
}

// TestHandlerPanicHalfWayCutsTheBody: an answer cut half-way by the
// handler fails the client's read, as a cut connection does, rather than
// passing for a whole answer.
func TestHandlerPanicHalfWayCutsTheBody(t *testing.T) {
	srv := standintest.New(t, standintest.APIs(open))
	openGate()
	res, err := srv.HTTPClient().Get(srv.URL("open") + "/stream?cut=true")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err == nil || !strings.Contains(err.Error(), "cut the connection") || string(body) != "first\n" {
		t.Errorf("read %q, %v; want the first line, then an error saying the connection was cut", body, err)
	}
}

// TestMemoryClientServesOnlyItsHost: the in-memory client refuses other
// URLs rather than answering them from the mock.
func TestMemoryClientServesOnlyItsHost(t *testing.T) {
	srv := standintest.New(t, standintest.APIs(open))
	res, err := srv.HTTPClient().Get("http://example.com/o/items")
	if err == nil {
		res.Body.Close()
		t.Fatalf("GET http://example.com/o/items through the in-memory client: %d, want an error", res.StatusCode)
	}
	if !strings.Contains(err.Error(), "serves only http://"+standintest.MemoryHost) {
		t.Errorf("error = %v, want it to name the host it serves", err)
	}
}

// TestPanicCutsTheAnswer: a handler that panics before answering is
// answered by the server's recovery (the API's 500); the request is
// journaled.
func TestPanicCutsTheAnswer(t *testing.T) {
	srv := standintest.New(t, standintest.APIs(open))
	status, body := call(t, srv.HTTPClient(), http.MethodPost, srv.URL("open")+"/items", `{"name":"`+panicName+`"}`, nil)
	if status != http.StatusInternalServerError || !strings.Contains(body, "internal") {
		t.Errorf("POST a panicking item: %d %s, want the server's 500 in the API's envelope", status, body)
	}
}

// TestLoginAndJournal: Login goes through the server (the journal shows
// it, under the API's prefix) and the journal sees each request, filtered
// by every keep function at once.
func TestLoginAndJournal(t *testing.T) {
	srv := standintest.New(t, standintest.APIs(kv, open))
	auth := srv.Login("kv")
	if auth.Get("X-Key") != kvKey {
		t.Fatalf("Login(kv) = %v, want X-Key %q", auth, kvKey)
	}
	if h := srv.Login("open"); len(h) != 0 {
		t.Errorf("Login of an API without a login hook = %v, want no headers", h)
	}
	add(t, srv, auth, "a")
	add(t, srv, auth, "b")
	call(t, srv.HTTPClient(), http.MethodGet, srv.URL("kv")+"/items", "", nil) // 401

	all := srv.Journal()
	var got []string
	for _, e := range all {
		got = append(got, e.Method+" "+e.Path+" "+http.StatusText(e.Status))
	}
	want := []string{"POST /kv/login OK", "POST /kv/items Created", "POST /kv/items Created", "GET /kv/items Unauthorized"}
	if !slices.Equal(got, want) {
		t.Fatalf("journal = %q, want %q", got, want)
	}
	posts := srv.Journal(
		func(e mockserver.Entry) bool { return e.Path == "/kv/items" },
		func(e mockserver.Entry) bool { return e.Method == http.MethodPost },
	)
	if len(posts) != 2 || !strings.Contains(posts[1].RequestBody, `"b"`) || posts[0].API != "kv" {
		t.Errorf("journal of POST /kv/items = %+v, want the two adds", posts)
	}
	if e := all[1]; slices.ContainsFunc(e.RequestHeaders.Values("X-Key"), func(v string) bool { return v == kvKey }) {
		t.Errorf("the journal shows the key in clear: %v", e.RequestHeaders)
	}
}

// TestNamespacesIsolate: LoginIn's headers act in their namespace; Reset
// of one namespace leaves the others.
func TestNamespacesIsolate(t *testing.T) {
	srv := standintest.New(t, standintest.APIs(kv))
	alice, bob, def := srv.LoginIn("kv", "alice"), srv.LoginIn("kv", "bob"), srv.Login("kv")
	if alice.Get(mockserver.NamespaceHeader) != "alice" {
		t.Fatalf("LoginIn(kv, alice) = %v, want %s: alice", alice, mockserver.NamespaceHeader)
	}
	add(t, srv, alice, "a1")
	add(t, srv, bob, "b1")
	if got, want := items(t, srv, alice), []string{"seeded", "a1"}; !slices.Equal(got, want) {
		t.Errorf("alice sees %q, want %q", got, want)
	}
	if got, want := items(t, srv, def), []string{"seeded"}; !slices.Equal(got, want) {
		t.Errorf("the default namespace sees %q, want %q", got, want)
	}
	srv.Reset("alice")
	if got, want := items(t, srv, alice), []string{"seeded"}; !slices.Equal(got, want) {
		t.Errorf("alice after Reset(alice) sees %q, want %q", got, want)
	}
	if got, want := items(t, srv, bob), []string{"seeded", "b1"}; !slices.Equal(got, want) {
		t.Errorf("bob after Reset(alice) sees %q, want %q", got, want)
	}
	srv.Reset()
	if got, want := items(t, srv, bob), []string{"seeded"}; !slices.Equal(got, want) {
		t.Errorf("bob after Reset() sees %q, want %q", got, want)
	}
	inAlice := srv.Journal(func(e mockserver.Entry) bool {
		return e.Namespace == "alice" && e.Method == http.MethodPost && e.Path == "/kv/items"
	})
	if len(inAlice) != 1 {
		t.Errorf("journal entries of alice's adds = %d, want 1", len(inAlice))
	}
}

// TestImportReplacesStateOrNothing: Import replaces the state with a
// snapshot; a snapshot that does not fit fails the test, saying why, and
// leaves the state as it was.
func TestImportReplacesStateOrNothing(t *testing.T) {
	ft := &fatalTB{TB: t}
	srv := standintest.New(ft, standintest.APIs(kv))
	auth := srv.Login("kv")
	add(t, srv, auth, "kept")
	saved := srv.Export()
	add(t, srv, auth, "later")

	for _, tc := range []struct{ name, snapshot, says string }{
		{"not JSON", `{"default":`, "not JSON"},
		{"null", `null`, "not null"},
		{"a state its check refuses", `{"default": {"kv": {"items": ["x", ""]}}}`, "/items/1"},
		{"an unknown API", `{"default": {"nope": {}}}`, "nope"},
	} {
		failed := ft.run(func() { srv.Import([]byte(tc.snapshot)) })
		if len(failed) != 1 || !strings.Contains(failed[0], tc.says) {
			t.Errorf("Import(%s) failed the test with %q, want one failure saying %q", tc.name, failed, tc.says)
		}
		if got, want := items(t, srv, auth), []string{"seeded", "kept", "later"}; !slices.Equal(got, want) {
			t.Fatalf("after Import(%s) failed: items = %q, want them unchanged %q", tc.name, got, want)
		}
	}

	if failed := ft.run(func() { srv.Import(saved) }); failed != nil {
		t.Fatalf("Import of an export failed: %q", failed)
	}
	if got, want := items(t, srv, auth), []string{"seeded", "kept"}; !slices.Equal(got, want) {
		t.Errorf("after Import: items = %q, want %q", got, want)
	}
	// A namespace the snapshot leaves out starts over.
	other := srv.LoginIn("kv", "other")
	add(t, srv, other, "x")
	srv.Import(saved)
	if got, want := items(t, srv, other), []string{"seeded"}; !slices.Equal(got, want) {
		t.Errorf("a namespace the snapshot leaves out: items = %q, want %q", got, want)
	}
}

// TestStartingState: DataSet, Snapshot and Config set what the APIs start
// with.
func TestStartingState(t *testing.T) {
	srv := standintest.New(t, standintest.APIs(kv), standintest.DataSet("empty"))
	if got := items(t, srv, srv.Login("kv")); len(got) != 0 {
		t.Errorf("DataSet(empty): items = %q, want none", got)
	}
	srv = standintest.New(t, standintest.APIs(kv), standintest.Config("apis:\n  kv:\n    dataSet: empty\n"))
	if got := items(t, srv, srv.Login("kv")); len(got) != 0 {
		t.Errorf("Config(dataSet: empty): items = %q, want none", got)
	}
	srv = standintest.New(t, standintest.APIs(kv), standintest.Snapshot([]byte(`{"default": {"kv": {"items": ["from-snapshot"]}}}`)))
	if got, want := items(t, srv, srv.Login("kv")), []string{"from-snapshot"}; !slices.Equal(got, want) {
		t.Errorf("Snapshot: items = %q, want %q", got, want)
	}
}

// TestNewRefusesWhatItCannotServe: New fails the test, saying what is
// wrong, for a configuration or option it cannot serve.
func TestNewRefusesWhatItCannotServe(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []standintest.Option
		says string
	}{
		{"no APIs", nil, "standintest.APIs("},
		{"an API twice", []standintest.Option{standintest.APIs(kv, kv)}, `"kv" given twice`},
		{"an unknown config key", []standintest.Option{standintest.APIs(kv), standintest.Config("journalSise: 3")}, "journalSise"},
		{"config for an API not given", []standintest.Option{standintest.APIs(kv), standintest.Config("apis:\n  rocketchat: {}\n")}, "apis.rocketchat: unknown API (known: kv)"},
		{"an unknown data set", []standintest.Option{standintest.APIs(kv), standintest.DataSet("nope")}, "apis.kv.dataSet"},
		{"a state directory", []standintest.Option{standintest.APIs(kv), standintest.Config("state:\n  dir: /tmp/x\n")}, "state.dir"},
		{"a bad snapshot", []standintest.Option{standintest.APIs(kv), standintest.Snapshot([]byte(`{"default": {"kv": {"items": [""]}}}`))}, "Snapshot"},
	} {
		ft := &fatalTB{TB: t}
		failed := ft.run(func() { standintest.New(ft, tc.opts...) })
		if len(failed) != 1 || !strings.Contains(failed[0], tc.says) {
			t.Errorf("New with %s failed the test with %q, want one failure saying %q", tc.name, failed, tc.says)
		}
	}
}

// TestHelpersRefuseMisuse: asking for an API not served, the journal when
// it is disabled, or a bad namespace fails the test, saying so.
func TestHelpersRefuseMisuse(t *testing.T) {
	ft := &fatalTB{TB: t}
	srv := standintest.New(ft, standintest.APIs(kv), standintest.Config("journalSize: 0"))
	for _, tc := range []struct {
		name string
		fn   func()
		says string
	}{
		{"URL of an API not served", func() { srv.URL("rocketchat") }, `API "rocketchat" is not served (served: kv)`},
		{"Login to an API not served", func() { srv.Login("ethora") }, `"ethora" is not served`},
		{"LoginIn a bad namespace", func() { srv.LoginIn("kv", "a b") }, `invalid namespace "a b"`},
		{"Reset a bad namespace", func() { srv.Reset("a/b") }, `invalid namespace "a/b"`},
		{"a disabled journal", func() { srv.Journal() }, "journal is disabled"},
	} {
		failed := ft.run(tc.fn)
		if len(failed) != 1 || !strings.Contains(failed[0], tc.says) {
			t.Errorf("%s failed the test with %q, want one failure saying %q", tc.name, failed, tc.says)
		}
	}
}

// TestSubtestsShareAServer: parallel subtests share one server, each in a
// namespace of its own, through For(t); a helper's failure goes to the
// subtest that called it.
func TestSubtestsShareAServer(t *testing.T) {
	srv := standintest.New(t, standintest.APIs(kv))
	t.Run("group", func(t *testing.T) {
		for _, name := range []string{"one", "two", "three"} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				sub := srv.For(t)
				auth := sub.LoginIn("kv", name)
				add(t, sub, auth, name)
				if got, want := items(t, sub, auth), []string{"seeded", name}; !slices.Equal(got, want) {
					t.Errorf("namespace %s sees %q, want %q", name, got, want)
				}
			})
		}
	})
	ft := &fatalTB{TB: t}
	if failed := ft.run(func() { srv.For(ft).URL("nope") }); len(failed) != 1 || !strings.Contains(failed[0], `"nope" is not served`) {
		t.Errorf("URL(nope) through For(ft) failed ft with %q, want one failure", failed)
	}
}
