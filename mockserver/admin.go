package mockserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// AdminPrefix is where the admin API lives. It is never part of an API's
// own paths.
const AdminPrefix = "/__standin"

// adminHandler serves:
//
//	GET    /__standin/health            liveness and the mounted APIs
//	POST   /__standin/reset             reset all namespaces, or ?namespace=NS
//	GET    /__standin/snapshot          export all state as JSON
//	PUT    /__standin/snapshot          replace all state with a snapshot
//	GET    /__standin/journal           recent requests (?limit=N&api=&namespace=)
//	DELETE /__standin/journal           forget them
func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+AdminPrefix+"/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "apis": s.APIs()})
	})
	mux.HandleFunc("POST "+AdminPrefix+"/reset", func(w http.ResponseWriter, r *http.Request) {
		ns := r.URL.Query().Get("namespace")
		if ns != "" && !ValidNamespace(ns) {
			adminError(w, http.StatusBadRequest, "invalid namespace %q", ns)
			return
		}
		if err := s.store.Reset(r.Context(), ns); err != nil {
			adminError(w, http.StatusInternalServerError, "reset: %v", err)
			return
		}
		scope := ns
		if scope == "" {
			scope = "*"
		}
		writeJSON(w, http.StatusOK, map[string]string{"reset": scope})
	})
	mux.HandleFunc("GET "+AdminPrefix+"/snapshot", func(w http.ResponseWriter, r *http.Request) {
		snap, err := s.store.Export(r.Context())
		if err != nil {
			adminError(w, http.StatusInternalServerError, "export: %v", err)
			return
		}
		writeJSON(w, http.StatusOK, snap)
	})
	mux.HandleFunc("PUT "+AdminPrefix+"/snapshot", func(w http.ResponseWriter, r *http.Request) {
		var snap Snapshot
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 256<<20))
		if err := dec.Decode(&snap); err != nil {
			adminError(w, http.StatusBadRequest, "snapshot is not valid JSON of the form {namespace: {api: state}}: %v", err)
			return
		}
		if snap == nil {
			adminError(w, http.StatusBadRequest, "snapshot must be a JSON object of the form {namespace: {api: state}}, got null")
			return
		}
		if err := s.store.Import(r.Context(), snap); err != nil {
			status := http.StatusBadRequest
			var ie *ImportError
			if !errors.As(err, &ie) {
				status = http.StatusInternalServerError
			}
			adminError(w, status, "import: %v", err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]int{"namespaces": len(snap)})
	})
	mux.HandleFunc("GET "+AdminPrefix+"/journal", func(w http.ResponseWriter, r *http.Request) {
		if s.journal == nil {
			adminError(w, http.StatusNotFound, "the journal is disabled")
			return
		}
		q := r.URL.Query()
		limit := 100
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				adminError(w, http.StatusBadRequest, "limit must be a positive integer, got %q", v)
				return
			}
			limit = n
		}
		api, ns := q.Get("api"), q.Get("namespace")
		entries := s.journal.Last(limit, func(e Entry) bool {
			return (api == "" || e.API == api) && (ns == "" || e.Namespace == ns)
		})
		writeJSON(w, http.StatusOK, map[string]any{"entries": entries})
	})
	mux.HandleFunc("DELETE "+AdminPrefix+"/journal", func(w http.ResponseWriter, r *http.Request) {
		if s.journal != nil {
			s.journal.Clear()
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc(AdminPrefix+"/", func(w http.ResponseWriter, r *http.Request) {
		adminError(w, http.StatusNotFound, "no admin operation at %s %s", r.Method, r.URL.Path)
	})
	return mux
}

func adminError(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, map[string]string{"error": fmt.Sprintf(format, args...)})
}

// writeJSON writes v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
