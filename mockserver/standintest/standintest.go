package standintest

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mocks"
)

// MemoryHost is the host of a server's URLs when it has no listener:
// requests to it are served in memory by the server's HTTPClient, and
// nothing else can reach it (.test names never resolve). The admin API
// answers under it.
const MemoryHost = "standin.test"

// closeTimeout bounds how long Close waits for webhook deliveries in
// flight to stop.
const closeTimeout = 10 * time.Second

// Option configures New.
type Option func(*settings)

type settings struct {
	mocks    []*mockserver.Mock
	listen   bool
	dataSet  string
	seed     uint64
	config   []byte
	snapshot []byte
}

// APIs are the APIs the server serves, each under its prefix, e.g.
// APIs(rocketchat.Mock, ethora.Mock) with the Mock values of the packages
// under mockserver/. New needs at least one.
func APIs(apis ...*mockserver.Mock) Option {
	return func(s *settings) { s.mocks = append(s.mocks, apis...) }
}

// Listen serves on a loopback port (127.0.0.1:0) as well, for clients that
// need a real URL: another process, a browser, a client that makes its
// own http.Client. Without it there is no socket.
func Listen() Option { return func(s *settings) { s.listen = true } }

// DataSet is the fixtures data set every namespace of every API starts
// from ("default", "empty", "large", "scale:N"); the configuration's
// apis.<name>.dataSet, which is "default" unless Config says otherwise.
func DataSet(name string) Option { return func(s *settings) { s.dataSet = name } }

// Seed is the seed of the data set of every API: the configuration's
// apis.<name>.seed, 1 unless Config says otherwise.
func Seed(seed uint64) Option { return func(s *settings) { s.seed = seed } }

// Config is a configuration in the form of standin serve's file
// (`standin serve --print-config` shows every key), read over the
// defaults: apis.<name>.options, journalSize, webhooks and the rest. Keys
// that concern a process rather than a server do not apply: addr and
// rootAddr (the server has the URLs URL gives), state.dir (refused: the
// state lives as long as the test). state.snapshot is loaded.
func Config(yaml string) Option { return func(s *settings) { s.config = []byte(yaml) } }

// Snapshot is the state the server starts with, in the form GET
// /__standin/snapshot answers ({namespace: {api: state}}); see
// Server.Import.
func Snapshot(data []byte) Option {
	return func(s *settings) { s.snapshot = bytes.Clone(data) }
}

// Server is a standin server for one test, made by New: the APIs it was
// given, served in memory (or on a loopback port with Listen), with the
// admin API, the journal and webhooks as `standin serve` has them.
//
// Its methods fail the test that made it (t.Fatal) when they cannot do
// what they say, so, like t.Fatal, call them from that test's goroutine;
// a subtest that shares the server (each in a namespace of its own, say)
// calls them on srv.For(t).
type Server struct {
	t testing.TB
	*server
}

// server is what every view of a Server (For) shares.
type server struct {
	srv     *mockserver.Server
	catalog mocks.Catalog
	root    string // URL of the server, no trailing slash
	client  *http.Client

	memory    *memoryTransport // without Listen
	listener  *httptest.Server // with Listen
	closeOnce sync.Once
}

// New starts a server for t with the APIs of opts, built as `standin
// serve` builds its server, and closes it when t and its subtests end.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var set settings
	for _, o := range opts {
		o(&set)
	}
	if len(set.mocks) == 0 {
		t.Fatal("standintest.New: no APIs: pass standintest.APIs(rocketchat.Mock, ...) with the Mock of each API to serve")
	}
	catalog := make(mocks.Catalog, 0, len(set.mocks))
	for _, m := range set.mocks {
		if m == nil {
			t.Fatal("standintest.New: APIs got a nil *mockserver.Mock")
		}
		if _, dup := catalog.Lookup(m.Name); dup {
			t.Fatalf("standintest.New: API %q given twice", m.Name)
		}
		catalog = append(catalog, m)
	}
	cfg, err := catalog.Parse(set.config)
	if err != nil {
		t.Fatalf("standintest.New: configuration: %v", err)
	}
	if cfg.State.Dir != "" {
		t.Fatalf("standintest.New: configuration: state.dir %q: a test server keeps its state in memory; give a starting state with standintest.Snapshot", cfg.State.Dir)
	}
	for name, api := range cfg.APIs {
		if set.dataSet != "" {
			api.DataSet = set.dataSet
		}
		if set.seed != 0 {
			api.Seed = set.seed
		}
		cfg.APIs[name] = api
	}
	if err := catalog.Validate(cfg); err != nil {
		t.Fatalf("standintest.New: %v", err)
	}
	cfg.Admin.Hosts = append(cfg.Admin.Hosts, MemoryHost)
	srv, err := catalog.New(cfg, nil)
	if err != nil {
		t.Fatalf("standintest.New: %v", err)
	}
	s := &Server{t: t, server: &server{srv: srv, catalog: catalog}}
	t.Cleanup(s.Close)
	if _, _, err := mocks.RestoreState(context.Background(), cfg.State, srv.Store(), nil); err != nil {
		t.Fatalf("standintest.New: configuration: state.snapshot: %v", err)
	}
	if set.snapshot != nil {
		if err := s.importSnapshot(set.snapshot); err != nil {
			t.Fatalf("standintest.New: Snapshot: %v", err)
		}
	}
	if set.listen {
		s.listener = httptest.NewServer(srv.Handler())
		s.root, s.client = s.listener.URL, s.listener.Client()
	} else {
		s.memory = newMemoryTransport(srv.Handler(), MemoryHost)
		s.root, s.client = "http://"+MemoryHost, &http.Client{Transport: s.memory}
	}
	return s
}

// For returns the server as seen by t, a subtest of the test that made
// it (or any test that runs while it does): its methods fail t, not the
// test that made the server. The server is the same one, closed with the
// test that made it.
func (s *Server) For(t testing.TB) *Server { return &Server{t: t, server: s.server} }

// Close shuts the server down: the listener, if any, is closed once the
// requests on it are answered, in-memory answers still being written are
// cut, and webhook deliveries stop. New registers it with t.Cleanup;
// calling it earlier is allowed, and later calls do nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		if s.listener != nil {
			s.listener.Close()
		}
		if s.memory != nil {
			s.memory.close()
		}
		ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
		defer cancel()
		if err := s.srv.Close(ctx); err != nil {
			s.t.Errorf("standintest: close: %v", err)
		}
	})
}

// URL returns the base URL of the API called api: the server's URL and
// the API's prefix, e.g. "http://standin.test/rocketchat", or
// "http://127.0.0.1:40123/rocketchat" with Listen. It is what a
// generated client takes as its server.
func (s *Server) URL(api string) string {
	s.t.Helper()
	return s.root + s.mock(api).Prefix
}

// RootURL returns the server's URL without an API prefix, e.g.
// "http://standin.test": the admin API is under RootURL() + "/__standin/".
func (s *Server) RootURL() string { return s.root }

// HTTPClient returns a client that reaches the server: in memory, with no
// socket, or over the loopback listener with Listen. It follows redirects
// and keeps no cookies, like http.DefaultClient. Only it reaches a server
// without Listen: another client fails to resolve MemoryHost.
func (s *Server) HTTPClient() *http.Client { return s.client }

// Server returns the mockserver.Server behind s: its Handler, Store,
// Journal, Webhooks and the rest.
func (s *Server) Server() *mockserver.Server { return s.srv }

// Login returns the headers that authenticate requests to api in the
// default namespace with the API's default credentials (those `standin
// apis -v` shows), logging in through the server if the API needs it.
// The login request, if any, is in the journal. An API that needs no
// credentials gets empty headers.
func (s *Server) Login(api string) http.Header {
	s.t.Helper()
	return s.login(api, mockserver.DefaultNamespace)
}

// LoginIn is Login in namespace ns: the headers also carry ns in
// X-Standin-Namespace, so that requests sent with them act in ns.
func (s *Server) LoginIn(api, ns string) http.Header {
	s.t.Helper()
	if !mockserver.ValidNamespace(ns) {
		s.t.Fatalf("standintest: LoginIn: invalid namespace %q: must be 1 to 64 letters, digits, dots, dashes or underscores", ns)
	}
	h := s.login(api, ns)
	h.Set(mockserver.NamespaceHeader, ns)
	return h
}

func (s *Server) login(api, ns string) http.Header {
	s.t.Helper()
	m := s.mock(api)
	if m.Test.Login == nil {
		return http.Header{}
	}
	h, err := m.Test.Login(prefixed(m.Prefix, s.srv.Handler()), ns)
	if err != nil {
		s.t.Fatalf("standintest: log in to %s in namespace %q: %v", api, ns, err)
	}
	if h == nil {
		h = http.Header{}
	}
	return h
}

// prefixed serves the paths of an API's spec ("/api/v1/login") with h,
// which serves them under prefix: the journal shows them as a client's.
func prefixed(prefix string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = prefix + r.URL.Path
		if r.URL.RawPath != "" {
			r2.URL.RawPath = prefix + r.URL.RawPath
		}
		r2.RequestURI = r2.URL.RequestURI()
		h.ServeHTTP(w, r2)
	})
}

// mock returns the API called api, failing the test if it is not served.
func (s *Server) mock(api string) *mockserver.Mock {
	s.t.Helper()
	m, ok := s.catalog.Lookup(api)
	if !ok || !slices.Contains(s.srv.APIs(), api) {
		s.t.Fatalf("standintest: API %q is not served (served: %s)", api, strings.Join(s.srv.APIs(), ", "))
	}
	return m
}

// Import replaces the state of every namespace with snapshot, in the form
// GET /__standin/snapshot answers ({namespace: {api: state}}), as PUT
// /__standin/snapshot does: the whole snapshot is checked before anything
// is replaced, so a snapshot that does not fit fails the test and leaves
// the state as it was. Namespaces the snapshot leaves out start over.
func (s *Server) Import(snapshot []byte) {
	s.t.Helper()
	if err := s.importSnapshot(snapshot); err != nil {
		s.t.Fatalf("standintest: Import: %v", err)
	}
}

func (s *Server) importSnapshot(data []byte) error {
	snap, err := mockserver.ParseSnapshot(data)
	if err != nil {
		return fmt.Errorf("snapshot is not JSON of the form {namespace: {api: state}}: %w", err)
	}
	return s.srv.Store().Import(context.Background(), "", snap)
}

// Export returns the state of every namespace that holds any, as GET
// /__standin/snapshot answers it: what Import and the Snapshot option
// take, and `standin serve --snapshot` loads.
func (s *Server) Export() []byte {
	s.t.Helper()
	snap, err := s.srv.Store().Export(context.Background(), "")
	if err != nil {
		s.t.Fatalf("standintest: Export: %v", err)
	}
	var b bytes.Buffer
	if err := mockserver.WriteSnapshot(&b, snap); err != nil {
		s.t.Fatalf("standintest: Export: %v", err)
	}
	return b.Bytes()
}

// Reset puts namespaces back to their starting state, as POST
// /__standin/reset does: each of ns, or every namespace when none is
// given. The journal is kept.
func (s *Server) Reset(ns ...string) {
	s.t.Helper()
	if len(ns) == 0 {
		ns = []string{""}
	}
	for _, n := range ns {
		if n != "" && !mockserver.ValidNamespace(n) {
			s.t.Fatalf("standintest: Reset: invalid namespace %q", n)
		}
		if err := s.srv.Store().Reset(context.Background(), n); err != nil {
			s.t.Fatalf("standintest: Reset(%q): %v", n, err)
		}
	}
}

// Journal returns the requests the server answered, oldest first, that
// every keep function keeps (all of them when none is given), as GET
// /__standin/journal shows them: secrets redacted, long bodies cut. The
// journal holds the last journalSize requests (1000 unless Config says
// otherwise). A request is in it once its answer is complete: after the
// client has read the response body to its end.
func (s *Server) Journal(keep ...func(mockserver.Entry) bool) []mockserver.Entry {
	s.t.Helper()
	j := s.srv.Journal()
	if j == nil {
		s.t.Fatal("standintest: Journal: the journal is disabled (journalSize is negative in the configuration)")
	}
	return j.Last(math.MaxInt, func(e mockserver.Entry) bool {
		for _, k := range keep {
			if !k(e) {
				return false
			}
		}
		return true
	})
}
