package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// faultBodyLimit is the largest body POST /__standin/faults accepts.
const faultBodyLimit = 16 << 10

// adminFaults lists the latency and fault rules with the seed:
// {"seed": N, "rules": [rule, ...]}.
func (s *Server) adminFaults(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, map[string]any{"seed": s.faults.Seed(), "rules": s.faults.Rules()})
}

// adminAddFault adds the rule of a JSON body (a FaultRule; unknown fields
// are refused, the read-only ones ignored) and answers 201 with it as
// kept, its id assigned.
func (s *Server) adminAddFault(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, faultBodyLimit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			adminError(w, http.StatusRequestEntityTooLarge, "fault rule is larger than %d bytes", faultBodyLimit)
			return
		}
		adminError(w, http.StatusBadRequest, "fault rule could not be read: %v", err)
		return
	}
	var rule FaultRule
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rule); err != nil || len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		if err == nil {
			err = errors.New("unexpected data after the JSON object")
		}
		adminError(w, http.StatusBadRequest, "fault rule must be a JSON object {api, namespace, operation, delay, error, drop, slowBody, times, until, for, seed}: %v", err)
		return
	}
	added, err := s.faults.Add(rule)
	switch {
	case errors.Is(err, ErrTooManyFaultRules):
		adminError(w, http.StatusTooManyRequests, "%v", err)
	case err != nil:
		adminError(w, http.StatusBadRequest, "%v", err)
	default:
		WriteJSON(w, http.StatusCreated, added)
	}
}

// adminClearFaults removes every rule.
func (s *Server) adminClearFaults(w http.ResponseWriter, _ *http.Request) {
	s.faults.Clear()
	w.WriteHeader(http.StatusNoContent)
}

// adminFault serves /__standin/faults/{id}: GET shows the rule, DELETE
// removes it.
func (s *Server) adminFault(w http.ResponseWriter, r *http.Request, id string) {
	switch r.Method {
	case http.MethodGet:
		if rule, ok := s.faults.Rule(id); ok {
			WriteJSON(w, http.StatusOK, rule)
			return
		}
	case http.MethodDelete:
		if s.faults.Remove(id) {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	default:
		w.Header().Set("Allow", "DELETE, GET")
		adminError(w, http.StatusMethodNotAllowed, "method %s is not allowed on %s (allowed: DELETE, GET)", r.Method, r.URL.Path)
		return
	}
	adminError(w, http.StatusNotFound, "no fault rule %q", clipText(id, 100))
}
