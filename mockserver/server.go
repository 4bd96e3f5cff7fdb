package mockserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/rs/cors"

	"github.com/standin/standin/mockserver/webhooks"
	"github.com/standin/standin/openapi"
)

// DefaultBodyLimit is the largest request body accepted unless Options say
// otherwise.
const DefaultBodyLimit = 1 << 20

// Options configure a Server. The zero value is usable.
type Options struct {
	// Store holds the APIs' state; nil means a new MemoryStore with
	// Namespaces as its limits.
	Store Store
	// Namespaces bound the namespaces of the MemoryStore made when Store
	// is nil; nil means DefaultNamespaceLimits. A Store given in Store
	// keeps its own limits.
	Namespaces *NamespaceLimits
	// Logger receives one record per request; nil discards them.
	Logger *slog.Logger
	// BodyLimit is the largest request body in bytes; 0 means
	// DefaultBodyLimit.
	BodyLimit int64
	// JournalSize is how many recent requests the journal keeps; 0 means
	// 1000, a negative value disables the journal.
	JournalSize int
	// DisableCORS turns off CORS for the APIs: no CORS headers, and
	// preflights go to the API like any other request. By default a
	// frontend on another origin may call the APIs (see CORSOrigins).
	DisableCORS bool
	// CORSOrigins are the browser origins that may call the APIs, e.g.
	// "http://localhost:5173" or "https://*.example.com"; empty (or "*")
	// allows any origin, with credentials. The admin API has its own
	// setting, Admin.CORSOrigins.
	CORSOrigins []string
	// Admin protects the admin API: the Host names it answers under, an
	// optional token, the origins that may call it from a browser.
	Admin AdminOptions
	// Webhooks configure the server's webhook dispatcher (see
	// Server.Webhooks); zero values mean the webhooks package's defaults.
	// A nil Logger means the server's; OnAttempt, if set, is called after
	// the journal got the attempt.
	Webhooks webhooks.Options
	// Faults seed the latency and fault rules' draws (see
	// Server.Faults); the rules themselves are added once the APIs are
	// mounted.
	Faults FaultOptions
}

// Server serves mounted APIs and the admin API.
type Server struct {
	store     Store
	log       *slog.Logger
	bodyLimit int64
	cors      *cors.Cors // CORS of the API prefixes; nil: none
	admin     *adminGuard
	journal   *Journal
	hooks     *webhooks.Dispatcher
	clock     *Clock // the namespaces' clock offsets (admin API)
	faults    *Faults
	apis      []*mounted
}

type mounted struct {
	api    API
	prefix string
	// serve runs the API's pipeline (apiHandler), stripped serves it
	// below prefix.
	serve, stripped http.Handler

	once  sync.Once
	parts *specParts // set by load; nil until then or when it failed
	err   error      // why load failed
}

// specParts are what a mounted API needs its spec for.
type specParts struct {
	spec   *openapi3.T
	router routers.Router
	docs   *apiDocs  // its spec and API reference (docs.go)
	quick  acceptors // validation's quick way (validate.go)
}

// authenticate runs the API's Authenticate: a frame of its own in
// profiles (never inlined), which cmd/benchhttp counts as the pipeline's
// authentication.
//
//go:noinline
func (m *mounted) authenticate(r *http.Request, op openapi.Operation) (context.Context, error) {
	return m.api.Authenticate(r, op)
}

// load parses the API's spec and routes it, once; every later call
// returns what the first gave.
func (m *mounted) load() (*specParts, error) {
	m.once.Do(func() {
		doc, err := m.api.Document()
		if err != nil {
			m.err = fmt.Errorf("mockserver: spec of %q: %w", m.api.Name, err)
			return
		}
		var router routers.Router
		if m.api.Spec == nil {
			// A spec from LoadSpec is checked whole elsewhere (see
			// API.LoadSpec): it is routed as it is, which spares the
			// start-up a check of every schema.
			router, err = openapi.NewRouter(doc)
		} else {
			router, err = legacy.NewRouter(doc)
		}
		if err != nil {
			m.err = fmt.Errorf("mockserver: route %q: %w", m.api.Name, err)
			return
		}
		api := m.api
		api.Spec = doc
		docs, err := newAPIDocs(api, router)
		if err != nil {
			m.err = err
			return
		}
		m.parts = &specParts{spec: doc, router: router, docs: docs}
	})
	return m.parts, m.err
}

// New returns a Server with no APIs mounted.
func New(opts Options) *Server {
	s := &Server{
		store:     opts.Store,
		log:       opts.Logger,
		bodyLimit: opts.BodyLimit,
		admin:     newAdminGuard(opts.Admin),
	}
	if !opts.DisableCORS {
		s.cors = apiCORS(opts.CORSOrigins)
	}
	if s.store == nil {
		limits := DefaultNamespaceLimits()
		if opts.Namespaces != nil {
			limits = *opts.Namespaces
		}
		s.store = NewMemoryStoreWith(MemoryOptions{Namespaces: limits})
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.bodyLimit <= 0 {
		s.bodyLimit = DefaultBodyLimit
	}
	switch {
	case opts.JournalSize == 0:
		s.journal = NewJournal(1000)
	case opts.JournalSize > 0:
		s.journal = NewJournal(opts.JournalSize)
	}
	hooks := opts.Webhooks
	if hooks.Logger == nil {
		hooks.Logger = s.log
	}
	then := hooks.OnAttempt
	hooks.OnAttempt = func(a webhooks.Attempt, ex webhooks.Exchange) {
		s.journalAttempt(a, ex)
		if then != nil {
			then(a, ex)
		}
	}
	s.hooks = webhooks.New(hooks)
	s.clock = NewClock(s.store, nil)
	s.faults = newFaults(s, opts.Faults)
	return s
}

// Webhooks returns the server's webhook dispatcher: the Publisher its APIs
// are built with (Setup.Webhooks) and the subscriptions the admin API
// manages.
func (s *Server) Webhooks() *webhooks.Dispatcher { return s.hooks }

// Close stops what the server runs besides answering requests: the
// webhook deliveries in flight are canceled and those waiting dropped. It
// waits for them to stop, or for ctx.
func (s *Server) Close(ctx context.Context) error { return s.hooks.Close(ctx) }

// Store returns the server's state store.
func (s *Server) Store() Store { return s.store }

// Journal returns the request journal, or nil if it is disabled.
func (s *Server) Journal() *Journal { return s.journal }

// Mount adds api under api.Prefix ("/"+api.Name when empty). It fails if
// the spec cannot be routed or the name or prefix is taken.
func (s *Server) Mount(api API) error {
	if api.Name == "" || strings.ContainsAny(api.Name, "/ ") || api.Name == "__standin" {
		return fmt.Errorf("mockserver: invalid API name %q", api.Name)
	}
	if (api.Spec == nil && api.LoadSpec == nil) || api.Handler == nil || api.Envelope.Render == nil {
		return fmt.Errorf("mockserver: API %q needs Spec (or LoadSpec), Handler and Envelope.Render", api.Name)
	}
	if slices.ContainsFunc(s.apis, func(m *mounted) bool { return m.api.Name == api.Name }) {
		return fmt.Errorf("mockserver: API %q mounted twice", api.Name)
	}
	prefix := api.Prefix
	if prefix == "" {
		prefix = "/" + api.Name
	}
	if !strings.HasPrefix(prefix, "/") || strings.Count(prefix, "/") != 1 || prefix == "/" || prefix == AdminPrefix {
		return fmt.Errorf("mockserver: API %q: prefix %q must be one path segment such as /name", api.Name, prefix)
	}
	if slices.ContainsFunc(s.apis, func(m *mounted) bool { return m.prefix == prefix }) {
		return fmt.Errorf("mockserver: API %q: prefix %q is taken", api.Name, prefix)
	}
	m := &mounted{api: api, prefix: prefix}
	m.serve = s.apiHandler(m)
	m.stripped = http.StripPrefix(prefix, m.serve)
	if api.Spec != nil {
		// A document given is routed now, so that Mount reports what
		// is wrong with it.
		if _, err := m.load(); err != nil {
			return err
		}
	}
	s.apis = append(s.apis, m)
	return nil
}

// LoadSpecs loads the specs of the mounted APIs that load theirs lazily
// (API.LoadSpec) and routes them, in mount order, and returns the first
// error. A server answers before it has run: a request to an API whose
// spec is not loaded yet loads it (or waits for this to), so that the API
// asked for first is ready first. It is safe to call at any time, and more
// than once. (serve has its first API's document built earlier, in the
// background, with openapi.Preload.)
func (s *Server) LoadSpecs() error {
	for _, m := range s.apis {
		if _, err := m.load(); err != nil {
			return err
		}
	}
	return nil
}

// APIs lists the names of the mounted APIs in mount order.
func (s *Server) APIs() []string {
	names := make([]string, len(s.apis))
	for i, m := range s.apis {
		names[i] = m.api.Name
	}
	return names
}

// Handler returns the handler that serves every mounted API under its
// prefix ("/rocketchat/api/v1/login") and the admin API under /__standin/.
// Paths are matched as sent, never cleaned or redirected: a request is
// answered by the API whose prefix its path starts with, in that API's
// envelope, or by the core's JSON when no API owns the path.
func (s *Server) Handler() http.Handler {
	return s.common(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		switch {
		case under(path, AdminPrefix):
			s.serveAdmin(w, r)
			return
		case path == "/":
			s.serveIndex(w, r)
			return
		}
		for _, m := range s.apis {
			if under(path, m.prefix) {
				if sv := servedFrom(r.Context()); sv != nil {
					sv.mount = m.prefix
				}
				m.stripped.ServeHTTP(w, r)
				return
			}
		}
		WriteJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("no API at %s (APIs: %s; admin: %s/)", clipText(path, 200), strings.Join(s.prefixes(), ", "), AdminPrefix)})
	}), "")
}

// under reports whether path is prefix or below it.
func under(path, prefix string) bool {
	return strings.HasPrefix(path, prefix) && (len(path) == len(prefix) || path[len(prefix)] == '/')
}

func (s *Server) prefixes() []string {
	out := make([]string, len(s.apis))
	for i, m := range s.apis {
		out[i] = m.prefix
	}
	return out
}

// RootHandler returns the handler that serves the API called name at the
// root of its own listener ("/api/v1/login"), for clients that cannot take a
// path prefix. The admin API stays reachable under /__standin/.
func (s *Server) RootHandler(name string) (http.Handler, error) {
	i := slices.IndexFunc(s.apis, func(m *mounted) bool { return m.api.Name == name })
	if i < 0 {
		return nil, fmt.Errorf("mockserver: API %q is not mounted", name)
	}
	api := s.apis[i].serve
	return s.common(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if under(r.URL.Path, AdminPrefix) {
			s.serveAdmin(w, r)
			return
		}
		api.ServeHTTP(w, r)
	}), name), nil
}

// serveIndex lists the mounted APIs, so that opening the server in a browser
// shows where things are.
func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		WriteJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": fmt.Sprintf("method %s is not allowed on / (allowed: GET)", r.Method)})
		return
	}
	type entry struct {
		Name string `json:"name"`
		Path string `json:"path"`
		// The URLs of its API reference and spec (see docs.go), unless
		// its spec has operations there.
		Docs     string `json:"docs,omitempty"`
		SpecJSON string `json:"specJson,omitempty"`
		SpecYAML string `json:"specYaml,omitempty"`
	}
	base := BaseURL(r)
	list := make([]entry, len(s.apis))
	for i, m := range s.apis {
		list[i] = entry{Name: m.api.Name, Path: m.prefix}
		parts, err := m.load()
		link := func(p string) string {
			if err != nil {
				return ""
			}
			if _, ok := parts.docs.routes[p]; ok {
				return base + m.prefix + p
			}
			return ""
		}
		list[i].Docs, list[i].SpecJSON, list[i].SpecYAML = link(DocsPath), link(SpecJSONPath), link(SpecYAMLPath)
	}
	WriteJSON(w, http.StatusOK, map[string]any{"service": "standin", "apis": list, "admin": AdminPrefix, "inspector": uiPath})
}

// owner returns the mounted API that answers a request to path on a
// handler whose root API is root ("" for the prefixed handler), or nil.
func (s *Server) owner(path, root string) *mounted {
	if under(path, AdminPrefix) {
		return nil
	}
	for _, m := range s.apis {
		if (root != "" && m.api.Name == root) || (root == "" && under(path, m.prefix)) {
			return m
		}
	}
	return nil
}

// common wraps h with what every request gets: panic recovery, logging and
// the journal; for the admin API its guard (Host, CORS if configured,
// token), for the APIs their CORS; then the namespace.
func (s *Server) common(h http.Handler, root string) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ns := r.Header.Get(NamespaceHeader)
		if ns == "" {
			ns = DefaultNamespace
		} else if !ValidNamespace(ns) {
			s.refuse(w, r, root, &Error{Status: http.StatusBadRequest, Kind: KindBadNamespace, Field: "header." + NamespaceHeader,
				Rule: "pattern", Message: "must be 1 to 64 letters, digits, dots, dashes or underscores"})
			return
		}
		h.ServeHTTP(w, withServed(r, ns))
	})
	admin := s.admin.wrap(inner)
	var api http.Handler = inner
	if s.cors != nil {
		api = s.cors.Handler(inner)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			v := recover()
			if v == http.ErrAbortHandler {
				s.finish(r, rec, root, start)
				panic(v)
			}
			if v != nil {
				s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				if rec.wrote {
					// Part of an answer is out: cut the connection rather
					// than let a truncated body pass for a whole one.
					s.finish(r, rec, root, start)
					panic(http.ErrAbortHandler)
				}
				s.refuse(rec, r, root, &Error{Status: http.StatusInternalServerError, Kind: KindInternal,
					Message: "internal error", Err: fmt.Errorf("panic: %v", v)})
			}
			s.finish(r, rec, root, start)
		}()
		if under(r.URL.Path, AdminPrefix) {
			admin.ServeHTTP(rec, r)
			return
		}
		api.ServeHTTP(rec, r)
	})
}

// refuse writes err in the envelope of the API the request is for (the
// root API, or the one whose prefix the path has), or as the core's JSON
// when it is for none.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, root string, err error) {
	if m := s.owner(r.URL.Path, root); m != nil {
		if rec, ok := w.(*recorder); ok {
			rec.api = m.api.Name
		}
		m.api.Envelope.Write(w, r, err)
		return
	}
	e := AsError(err)
	WriteJSON(w, e.Status, map[string]string{"error": e.Error()})
}

// apiHandler runs the pipeline of one API: body limit, route, latency and
// fault rules, authenticate, validate, then the API's own handler. A
// faulted request is delayed, dropped or answered before it is
// authenticated, so that it touches no state.
func (s *Server) apiHandler(m *mounted) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec, ok := w.(*recorder); ok {
			rec.api = m.api.Name
		}
		fail := func(err error) { m.api.Envelope.Write(w, r, err) }
		parts, err := m.load()
		if err != nil {
			fail(&Error{Status: http.StatusInternalServerError, Kind: KindInternal, Message: "the API's spec could not be loaded: " + err.Error(), Err: err})
			return
		}
		if _, ok := parts.docs.routes[r.URL.Path]; ok {
			parts.docs.serve(w, r, r.URL.Path, m.api.Envelope)
			return
		}

		body, err := s.readBody(w, r)
		if err != nil {
			fail(err)
			return
		}
		route, params, err := openapi.FindRoute(parts.router, r)
		if err != nil {
			fail(routeError(parts.router, r, err))
			return
		}
		var done bool
		if w, done = s.faults.apply(w, r, m, route); done {
			return
		}
		ctx := r.Context()
		op := openapi.Operation{Method: route.Method, Path: route.Path, Op: route.Operation}
		if m.api.Authenticate != nil && op.Secured(parts.spec) {
			authCtx, err := m.authenticate(r, op)
			if err != nil {
				var e *Error
				if !errors.As(err, &e) {
					e = &Error{Status: http.StatusUnauthorized, Kind: KindUnauthorized, Message: err.Error(), Err: err}
				}
				fail(e)
				return
			}
			ctx = authCtx
		}
		if e := validateRequest(ctx, r, route, params, body, &parts.quick); e != nil {
			fail(e)
			return
		}
		if ctx != r.Context() {
			r = r.WithContext(ctx)
		}
		m.api.Handler.ServeHTTP(w, r)
	})
}

// readBody reads the whole body up to the limit, so that an oversized body
// is refused before any work, returns it, and leaves it on r for
// validation (kin-openapi puts back what it reads) and the handler.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	// A body that announces its length within the limit ends there
	// (net/http reads no further), and readAll holds one that says less
	// than it sends to the limit; any other is read through
	// MaxBytesReader, which also has net/http close the connection when
	// the body goes past the limit.
	src := io.Reader(r.Body)
	if r.ContentLength <= 0 || r.ContentLength > s.bodyLimit {
		src = http.MaxBytesReader(w, r.Body, s.bodyLimit)
	}
	body, err := readAll(src, r.ContentLength, s.bodyLimit)
	_ = r.Body.Close()
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, &Error{Status: http.StatusRequestEntityTooLarge, Kind: KindTooLarge, Field: "body", Rule: "maxLength",
				Message: fmt.Sprintf("request body is larger than %d bytes", s.bodyLimit), Err: err}
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, &Error{Status: http.StatusRequestTimeout, Kind: KindInvalid, Field: "body", Rule: "readTimeout",
				Message: "the request body did not arrive within the server's read timeout", Err: err}
		}
		return nil, &Error{Status: http.StatusBadRequest, Kind: KindInvalid, Field: "body", Message: "request body could not be read", Err: err}
	}
	r.Body = newBodyReader(body)
	r.ContentLength = int64(len(body))
	if rec, ok := w.(*recorder); ok {
		rec.reqBody = body
	}
	return body, nil
}

// bodyReader reads a body the server has read whole: io.NopCloser of a
// bytes.Reader in one allocation instead of two.
type bodyReader struct{ bytes.Reader }

func newBodyReader(body []byte) *bodyReader {
	b := new(bodyReader)
	b.Reset(body)
	return b
}

func (*bodyReader) Close() error { return nil }

// readAll is io.ReadAll into a buffer of the announced length (when it is
// within limit), so that a body costs one allocation, not a series of
// growing ones. A body longer than it announced is read to limit bytes at
// most: more is an *http.MaxBytesError.
func readAll(r io.Reader, length, limit int64) ([]byte, error) {
	if length <= 0 || length > limit {
		return io.ReadAll(r)
	}
	buf := make([]byte, 0, length+1) // +1: the read that finds the end
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) == cap(buf) {
			// Longer than announced: let ReadAll take the rest, up
			// to one byte past the limit.
			rest, err := io.ReadAll(io.LimitReader(r, limit-int64(len(buf))+1))
			buf = append(buf, rest...)
			if err == nil && int64(len(buf)) > limit {
				err = &http.MaxBytesError{Limit: limit}
			}
			return buf, err
		}
	}
}

// routeError explains why no operation matched: 405 when the path exists
// with other methods, 404 otherwise.
func routeError(router routers.Router, r *http.Request, err error) *Error {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, _, err := openapi.FindRoute(router, probe); err == nil {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		return &Error{Status: http.StatusMethodNotAllowed, Kind: KindMethodNotAllowed,
			Message: fmt.Sprintf("method %s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, strings.Join(allowed, ", ")), Err: err}
	}
	return &Error{Status: http.StatusNotFound, Kind: KindNotFound,
		Message: fmt.Sprintf("no operation at %s %s", r.Method, clipText(r.URL.Path, 200)), Err: err}
}

// finish logs the request and adds it to the journal, capped and with its
// secrets redacted (see Entry).
func (s *Server) finish(r *http.Request, rec *recorder, api string, start time.Time) {
	if rec.api != "" {
		api = rec.api
	}
	d := time.Since(start)
	ns := Namespace(r.Context())
	if v := r.Header.Get(NamespaceHeader); v != "" {
		ns = v
	}
	level := slog.LevelInfo
	switch {
	case rec.status >= 500:
		level = slog.LevelError
	case r.Method == http.MethodGet && rec.status < 400 && under(r.URL.Path, AdminPrefix):
		// Reads of the admin API, which the inspector polls every
		// second, would drown the requests to the APIs.
		level = slog.LevelDebug
	}
	s.log.LogAttrs(r.Context(), level, "request",
		slog.String("api", api), slog.String("namespace", prefix(ns, journalWordLimit)),
		slog.String("method", prefix(r.Method, journalWordLimit)), slog.String("path", prefix(r.URL.Path, journalPathLimit)),
		slog.Int("status", rec.status), slog.Duration("duration", d))
	if s.journal == nil || under(r.URL.Path, AdminPrefix) || rec.unjournaled {
		return
	}
	// What is cheap is kept as the journal shows it; the rest is kept
	// as it came and redacted when the journal is read (Entry.shown).
	var b entryBuilder
	e := Entry{
		Time: start.UTC(), API: api, Status: rec.status, Duration: d,
		Namespace: b.text("namespace", ns, journalWordLimit),
		Method:    b.text("method", r.Method, journalWordLimit),
		Path:      b.text("path", r.URL.Path, journalPathLimit),
		Faults:    rec.faults,
	}
	p := &pendingParts{
		query:    b.text("query", r.URL.RawQuery, journalPathLimit),
		reqBody:  pendingBody(rec.reqBody),
		respBody: pendingBody(rec.body.Bytes()),
	}
	var ok bool
	if p.reqHeader, ok = pendingHeaders(r.Header); !ok {
		e.RequestHeaders = b.headers("requestHeaders", r.Header)
	}
	if p.respHeader, ok = pendingHeaders(rec.Header()); !ok {
		e.ResponseHeaders = b.headers("responseHeaders", rec.Header())
	}
	p.cut = b.truncated
	e.pending = p
	s.journal.add(e)
}

// recorder remembers what was written, for logs and the journal.
type recorder struct {
	http.ResponseWriter
	status  int
	wrote   bool
	api     string
	reqBody []byte
	body    bytes.Buffer // the first journalBodyLimit bytes and a few
	faults  []FaultHit   // what fault rules did to the request
	// unjournaled: the request is logged but kept out of the journal (an
	// API's spec and reference, see docs.go).
	unjournaled bool
}

func (r *recorder) WriteHeader(code int) {
	if r.wrote {
		return
	}
	r.status, r.wrote = code, true
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	if room := journalBodyLimit + utf8.UTFMax - r.body.Len(); room > 0 {
		r.body.Write(b[:min(room, len(b))])
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Serve runs srv on ln until ctx is done, then shuts down gracefully, giving
// requests in flight up to grace to finish.
func Serve(ctx context.Context, ln net.Listener, srv *http.Server, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("mockserver: shutdown: %w", err)
	}
	return nil
}

// clipText cuts s to at most n bytes on a character boundary, marking the
// cut, so that an error message never repeats a huge input.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
