package mockserver

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AdminPrefix is where the admin API lives. It is never part of an API's
// own paths.
const AdminPrefix = "/__standin"

// serveAdmin serves the admin API:
//
//	GET    /__standin/health                     liveness and the mounted APIs
//	POST   /__standin/reset[?namespace=NS]       reset all namespaces, or one
//	GET    /__standin/snapshot[?namespace=NS]    export all state, or one namespace's
//	PUT    /__standin/snapshot[?namespace=NS]    replace all state, or one namespace's
//	GET    /__standin/journal                    recent requests (?limit=N&after=SEQ and filters, see parseJournalFilter)
//	DELETE /__standin/journal                    forget them
//	GET    /__standin/journal/count              how many match the filters
//	POST   /__standin/journal/verify             200 if as many match a pattern as expected, else 409
//	GET    /__standin/webhooks                   webhook subscriptions (?namespace=&api=)
//	POST   /__standin/webhooks                   subscribe: {api, namespace, url, events}; 201 with it
//	DELETE /__standin/webhooks/{id}              unsubscribe (or DELETE /__standin/webhooks?id={id}); 204
//	GET    /__standin/webhooks/attempts          recent delivery attempts (?subscription=&namespace=&api=&limit=N)
//	GET    /__standin/apis                       the mounted APIs: base URLs, credentials, docs and spec
//	GET    /__standin/namespaces                 the default namespace and those that hold state
//	GET    /__standin/ui                         the inspector, a web page over this API (see inspector.go)
//	GET    /__standin/clock[?namespace=NS]       the namespace's time and its offset from the server's
//	POST   /__standin/clock[?namespace=NS]       move it forward: {"advance": "90m"} or {"seconds": 5400}
//	GET    /__standin/faults                     latency and fault rules: {"seed": N, "rules": [rule, ...]}
//	POST   /__standin/faults                     add a rule (a FaultRule); 201 with it, its id ("f1") assigned
//	DELETE /__standin/faults                     remove every rule; 204
//	GET    /__standin/faults/{id}                one rule, with its counters
//	DELETE /__standin/faults/{id}                remove it; 204
//
// Without ?namespace the clock routes act on the default namespace. The
// clock is state: a reset puts the namespace back on the server's time.
//
// Fault rules apply to the APIs' requests, never to the admin API's, and,
// like webhook subscriptions, are configuration: a reset keeps them.
//
// Webhook subscriptions are configuration, not state: a reset or a
// snapshot import leaves them as they are, and snapshots do not hold them.
//
// Paths are matched exactly, never cleaned or redirected. Before a request
// gets here, the guard of Options.Admin has checked its Host (loopback or
// configured: 403 otherwise), its origin (no CORS unless configured) and,
// when a token is set, the token (401 without it; the health check and
// GET of the inspector's files, which hold no data, need none).
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	type route struct{ method, path string }
	routes := map[route]http.HandlerFunc{
		{http.MethodGet, "/health"}:     s.adminHealth,
		{http.MethodPost, "/reset"}:     s.adminReset,
		{http.MethodGet, "/snapshot"}:   s.adminExport,
		{http.MethodPut, "/snapshot"}:   s.adminImport,
		{http.MethodGet, "/journal"}:    s.adminJournal,
		{http.MethodDelete, "/journal"}: s.adminClearJournal,

		{http.MethodGet, "/journal/count"}:   s.adminJournalCount,
		{http.MethodPost, "/journal/verify"}: s.adminJournalVerify,

		{http.MethodGet, "/webhooks"}:          s.adminWebhooks,
		{http.MethodPost, "/webhooks"}:         s.adminSubscribe,
		{http.MethodDelete, "/webhooks"}:       s.adminUnsubscribe,
		{http.MethodGet, "/webhooks/attempts"}: s.adminWebhookAttempts,

		{http.MethodGet, "/clock"}:  s.adminClock,
		{http.MethodPost, "/clock"}: s.adminAdvanceClock,

		{http.MethodGet, "/faults"}:     s.adminFaults,
		{http.MethodPost, "/faults"}:    s.adminAddFault,
		{http.MethodDelete, "/faults"}:  s.adminClearFaults,
		{http.MethodGet, "/apis"}:       s.adminAPIs,
		{http.MethodGet, "/namespaces"}: s.adminNamespaces,
	}
	if under(r.URL.Path, uiPath) {
		s.serveUI(w, r)
		return
	}
	path := strings.TrimPrefix(r.URL.Path, AdminPrefix)
	if h, ok := routes[route{r.Method, path}]; ok {
		h(w, r)
		return
	}
	var allowed []string
	for rt := range routes {
		if rt.path == path {
			allowed = append(allowed, rt.method)
		}
	}
	if id, ok := strings.CutPrefix(path, "/webhooks/"); ok && len(allowed) == 0 {
		if r.Method == http.MethodDelete {
			s.unsubscribe(w, id)
			return
		}
		allowed = []string{http.MethodDelete}
	}
	if id, ok := strings.CutPrefix(path, "/faults/"); ok && len(allowed) == 0 {
		s.adminFault(w, r, id)
		return
	}
	if len(allowed) > 0 {
		slices.Sort(allowed)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		adminError(w, http.StatusMethodNotAllowed, "method %s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, strings.Join(allowed, ", "))
		return
	}
	adminError(w, http.StatusNotFound, "no admin operation at %s %s", r.Method, r.URL.Path)
}

func (s *Server) adminHealth(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, map[string]any{"status": "ok", "apis": s.APIs()})
}

// adminNamespace reads the optional ?namespace=NS of an admin request.
func adminNamespace(w http.ResponseWriter, r *http.Request) (string, bool) {
	ns := r.URL.Query().Get("namespace")
	if ns != "" && !ValidNamespace(ns) {
		adminError(w, http.StatusBadRequest, "invalid namespace %q: must be 1 to 64 letters, digits, dots, dashes or underscores", ns)
		return "", false
	}
	return ns, true
}

func (s *Server) adminReset(w http.ResponseWriter, r *http.Request) {
	ns, ok := adminNamespace(w, r)
	if !ok {
		return
	}
	if err := s.store.Reset(r.Context(), ns); err != nil {
		adminError(w, http.StatusInternalServerError, "reset: %v", err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]string{"reset": cmp.Or(ns, "*")})
}

func (s *Server) adminExport(w http.ResponseWriter, r *http.Request) {
	ns, ok := adminNamespace(w, r)
	if !ok {
		return
	}
	if sw, ok := s.store.(SnapshotWriter); ok {
		// Streamed: a large state is never held in memory whole.
		w.Header().Set("Content-Type", "application/json")
		cw := &countWriter{w: w}
		if err := sw.WriteExport(r.Context(), ns, cw); err != nil {
			if cw.n == 0 {
				adminError(w, http.StatusInternalServerError, "export: %v", err)
				return
			}
			// Part of the answer is out: cut the connection rather than
			// let a truncated body pass for a whole one.
			panic(http.ErrAbortHandler)
		}
		return
	}
	snap, err := s.store.Export(r.Context(), ns)
	if err != nil {
		adminError(w, http.StatusInternalServerError, "export: %v", err)
		return
	}
	WriteJSON(w, http.StatusOK, snap)
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// snapshotLimit is the largest snapshot PUT /__standin/snapshot accepts.
const snapshotLimit = 256 << 20

func (s *Server) adminImport(w http.ResponseWriter, r *http.Request) {
	ns, ok := adminNamespace(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, snapshotLimit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			adminError(w, http.StatusRequestEntityTooLarge, "snapshot is larger than %d bytes", snapshotLimit)
			return
		}
		adminError(w, http.StatusBadRequest, "snapshot could not be read: %v", err)
		return
	}
	var snap Snapshot
	if err := decodeStrict(body, &snap); err != nil {
		adminError(w, http.StatusBadRequest, "snapshot is not valid JSON of the form {namespace: {api: state}}: %v", err)
		return
	}
	if snap == nil {
		adminError(w, http.StatusBadRequest, "snapshot must be a JSON object of the form {namespace: {api: state}}, got null")
		return
	}
	if err := s.store.Import(r.Context(), ns, snap); err != nil {
		status := http.StatusBadRequest
		var ie *ImportError
		var e *Error
		switch {
		case errors.As(err, &e):
			status = e.Status // more namespaces than the store's limit: 429
		case !errors.As(err, &ie):
			status = http.StatusInternalServerError
		}
		adminError(w, status, "import: %v", err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]int{"namespaces": len(snap)})
}

// adminJournal answers GET /__standin/journal with the entries that match
// the query's filters (see parseJournalFilter), oldest first: the most
// recent limit of them, or with after=SEQ the first limit after SEQ.
func (s *Server) adminJournal(w http.ResponseWriter, r *http.Request) {
	if s.journal == nil {
		journalDisabled(w)
		return
	}
	q := r.URL.Query()
	f, err := s.parseJournalFilter(q, journalParams, time.Now())
	if err != nil {
		adminError(w, http.StatusBadRequest, "%v", err)
		return
	}
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			adminError(w, http.StatusBadRequest, "limit must be a positive integer, got %q", clipText(v, 64))
			return
		}
		limit = n
	}
	entries, next, stats := s.journal.Find(f, limit, q.Get("after") != "")
	if entries == nil {
		entries = []Entry{}
	}
	WriteJSON(w, http.StatusOK, struct {
		Entries []Entry `json:"entries"`
		Next    uint64  `json:"next"`
		JournalStats
	}{entries, next, stats})
}

func (s *Server) adminClearJournal(w http.ResponseWriter, _ *http.Request) {
	if s.journal != nil {
		s.journal.Clear()
	}
	w.WriteHeader(http.StatusNoContent)
}

func adminError(w http.ResponseWriter, status int, format string, args ...any) {
	WriteJSON(w, status, map[string]string{"error": fmt.Sprintf(format, args...)})
}

// WriteJSON answers status with v as JSON (HTML characters unescaped), for
// the core and for fakes' envelopes.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// adminClock reports the clock of ?namespace=NS: the time its APIs see
// and how far it runs ahead of the server's.
func (s *Server) adminClock(w http.ResponseWriter, r *http.Request) {
	ns, ok := adminNamespace(w, r)
	if !ok {
		return
	}
	s.writeClock(w, WithNamespace(r.Context(), cmp.Or(ns, DefaultNamespace)))
}

// adminAdvanceClock moves the clock of ?namespace=NS forward by the body's
// "advance", a Go duration such as "90m" or "2h", or "seconds", a number.
func (s *Server) adminAdvanceClock(w http.ResponseWriter, r *http.Request) {
	ns, ok := adminNamespace(w, r)
	if !ok {
		return
	}
	var body struct {
		Advance string   `json:"advance"`
		Seconds *float64 `json:"seconds"`
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<10))
	if err == nil {
		err = decodeStrict(raw, &body)
	}
	if err != nil {
		adminError(w, http.StatusBadRequest, `body must be {"advance": "<duration such as 90m>"} or {"seconds": <number>}: %v`, err)
		return
	}
	var d time.Duration
	switch {
	case body.Advance != "" && body.Seconds != nil:
		adminError(w, http.StatusBadRequest, `give "advance" or "seconds", not both`)
		return
	case body.Advance != "":
		if d, err = time.ParseDuration(body.Advance); err != nil {
			adminError(w, http.StatusBadRequest, "advance: %v", err)
			return
		}
	case body.Seconds != nil:
		if *body.Seconds > maxClockOffset.Seconds() || *body.Seconds < -maxClockOffset.Seconds() {
			adminError(w, http.StatusBadRequest, "seconds: %v is out of range", *body.Seconds)
			return
		}
		d = time.Duration(*body.Seconds * float64(time.Second))
	default:
		adminError(w, http.StatusBadRequest, `body must give "advance" (a duration such as "90m") or "seconds"`)
		return
	}
	ctx := WithNamespace(r.Context(), cmp.Or(ns, DefaultNamespace))
	if _, err := s.clock.Advance(ctx, d); err != nil {
		status := http.StatusBadRequest
		if e := AsError(err); !errors.Is(err, ErrClockRange) {
			status = e.Status
		}
		adminError(w, status, "%v", err)
		return
	}
	s.writeClock(w, ctx)
}

func (s *Server) writeClock(w http.ResponseWriter, ctx context.Context) {
	off := s.clock.Offset(ctx)
	WriteJSON(w, http.StatusOK, map[string]any{
		"namespace": Namespace(ctx),
		"now":       time.Now().Add(off).UTC().Format(time.RFC3339Nano),
		"offset":    off.String(),
		"seconds":   off.Seconds(),
	})
}
