package mockserver

import (
	"net/http"
	"sync"
)

// Mux routes like http.ServeMux but accepts patterns that ServeMux refuses
// as conflicting, which real APIs have: "GET /apps/{app}/users/batch/{job}"
// and "GET /apps/{app}/users/{user}/chats" both match
// /apps/a/users/batch/chats. A pattern that conflicts with one already
// registered goes to a further ServeMux; a request is served by the first
// ServeMux with a matching pattern, so earlier registrations win. Pass it as
// the BaseRouter of oapi-codegen's std-http handlers.
type Mux struct {
	mu    sync.RWMutex
	muxes []*http.ServeMux
}

// NewMux returns an empty Mux.
func NewMux() *Mux { return &Mux{} }

// HandleFunc registers handler for pattern, as ServeMux.HandleFunc does.
func (m *Mux) HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request)) {
	m.mu.Lock()
	defer m.mu.Unlock()
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

// ServeHTTP serves r with the first ServeMux that has a pattern for it, or
// answers as the first one does (404 or 405) when none has.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.RLock()
	muxes := m.muxes
	m.mu.RUnlock()
	for _, mux := range muxes {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
	}
	if len(muxes) > 0 {
		muxes[0].ServeHTTP(w, r)
		return
	}
	http.NotFound(w, r)
}
