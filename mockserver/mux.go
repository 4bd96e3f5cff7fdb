package mockserver

import (
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
)

// Mux routes like http.ServeMux but accepts patterns that ServeMux refuses
// as conflicting, which real APIs have: "GET /apps/{app}/users/batch/{job}"
// and "GET /apps/{app}/users/{user}/chats" both match
// /apps/a/users/batch/chats. A pattern that conflicts with one already
// registered goes to a further ServeMux; a request is served by the first
// ServeMux with a matching pattern, so earlier registrations win. Pass it as
// the BaseRouter of oapi-codegen's std-http handlers.
//
// Unlike ServeMux, Mux never redirects: a request it has no pattern for,
// or whose path is not in canonical form, is refused in the API's envelope
// as not found.
type Mux struct {
	mu       sync.RWMutex
	muxes    []*http.ServeMux
	patterns []string
	envelope Envelope
}

// NewMux returns an empty Mux that refuses what it cannot route in env.
func NewMux(env Envelope) *Mux { return &Mux{envelope: env} }

// HandleFunc registers handler for pattern, as ServeMux.HandleFunc does.
func (m *Mux) HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.patterns = append(m.patterns, pattern)
	for _, mux := range m.muxes {
		if tryHandle(mux, pattern, handler) {
			return
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc(pattern, handler) // a malformed pattern panics, as with ServeMux
	m.muxes = append(m.muxes, mux)
}

// tryHandle registers the pattern on mux unless it conflicts there.
// ServeMux checks for conflicts before it changes anything, so a refused
// registration leaves mux as it was.
func tryHandle(mux *http.ServeMux, pattern string, handler func(http.ResponseWriter, *http.Request)) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	mux.HandleFunc(pattern, handler)
	return true
}

// ServeHTTP serves r with the first ServeMux that has a pattern for it.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if mux, h, pattern := m.find(r); mux != nil {
		serve(mux, h, pattern, w, r)
		return
	}
	// The core's router matches "/apps/" as "/apps", as Express and most
	// servers do by default; route it the same way here, so that a
	// request the core validated for an operation reaches it.
	if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
		trimmed := r.Clone(r.Context())
		trimmed.URL.Path = strings.TrimSuffix(p, "/")
		trimmed.URL.RawPath = strings.TrimSuffix(r.URL.RawPath, "/")
		if mux, h, pattern := m.find(trimmed); mux != nil {
			serve(mux, h, pattern, w, trimmed)
			return
		}
	}
	m.envelope.Write(w, r, &Error{Status: http.StatusNotFound, Kind: KindNotFound,
		Message: fmt.Sprintf("no operation at %s %s", r.Method, clipText(r.URL.Path, 200))})
}

// serve runs h, which mux matched to r with pattern. A pattern without
// wildcards has no path values to set, so h runs at once instead of mux
// matching r a second time; otherwise mux serves r, setting them.
func serve(mux *http.ServeMux, h http.Handler, pattern string, w http.ResponseWriter, r *http.Request) {
	if strings.Contains(pattern, "{") {
		mux.ServeHTTP(w, r)
		return
	}
	r.Pattern = pattern
	h.ServeHTTP(w, r)
}

// Pattern returns the pattern that serves r, or "" if none does.
func (m *Mux) Pattern(r *http.Request) string {
	_, _, pattern := m.find(r)
	return pattern
}

// Patterns lists the registered patterns in registration order.
func (m *Mux) Patterns() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.Clone(m.patterns)
}

// find returns the first ServeMux with a pattern for r, with the handler
// and pattern it matched, or nil, also for a path that is not in canonical
// form (ServeMux would redirect it).
func (m *Mux) find(r *http.Request) (*http.ServeMux, http.Handler, string) {
	if p := r.URL.Path; p == "" || p[0] != '/' || (path.Clean(p) != p && path.Clean(p)+"/" != p) {
		return nil, nil, ""
	}
	m.mu.RLock()
	muxes := m.muxes
	m.mu.RUnlock()
	for _, mux := range muxes {
		if h, pattern := mux.Handler(r); pattern != "" && !redirects(r, pattern) {
			return mux, h, pattern
		}
	}
	return nil, nil, ""
}

// redirects reports whether ServeMux answers r with pattern only to
// redirect it to r's path plus a slash ("/files" for "GET /files/"): a
// pattern that really matches has no more slashes in its path than the
// request's escaped path, which ServeMux matches against.
func redirects(r *http.Request, pattern string) bool {
	p := pattern[strings.Index(pattern, "/"):] // method and host have no slash
	return strings.Count(r.URL.EscapedPath(), "/") < strings.Count(p, "/")
}
