package contracts

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// petsPrefix is where the test pet store is mounted.
const petsPrefix = "/api"

var (
	petsOnce sync.Once
	petsDoc  *openapi3.T
	petsErr  error
)

// petsSpec returns the parsed testdata/pets.yaml, shared by all tests as
// openapi.Load shares real specs.
func petsSpec(t testing.TB) *openapi3.T {
	t.Helper()
	petsOnce.Do(func() {
		petsDoc, petsErr = openapi3.NewLoader().LoadFromFile("testdata/pets.yaml")
	})
	if petsErr != nil {
		t.Fatalf("load pets spec: %v", petsErr)
	}
	return petsDoc
}

// Faults the pet store can be told to commit on GET /pets/{id} of an
// existing pet.
const (
	faultNone             = ""
	faultWrongType        = "wrong-type"         // id as a string
	faultMissingField     = "missing-field"      // no name
	faultUndeclaredStatus = "undeclared-status"  // 418
	faultWrongContentType = "wrong-content-type" // text/plain
	faultManyErrors       = "many-errors"        // twelve malformed tags
)

// petStore is a small stateful implementation of testdata/pets.yaml,
// mounted at petsPrefix, that can be made to misbehave.
type petStore struct {
	fault string

	mu   sync.Mutex
	next int
	pets map[int]pet
}

type pet struct {
	ID   int      `json:"id"`
	Name string   `json:"name"`
	Tags []string `json:"tags,omitempty"`
}

func newPetStore(fault string) http.Handler {
	ps := &petStore{fault: fault, next: 2, pets: map[int]pet{1: {ID: 1, Name: "Rex"}}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+petsPrefix+"/pets/{id}", ps.get)
	mux.HandleFunc("POST "+petsPrefix+"/pets", ps.create)
	mux.HandleFunc("DELETE "+petsPrefix+"/pets/{id}", ps.delete)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ns := r.Header.Get("X-Namespace"); ns != "" {
			w.Header().Set("X-Seen-Namespace", ns)
		}
		mux.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (ps *petStore) lookup(r *http.Request) (pet, bool) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		return pet{}, false
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p, ok := ps.pets[id]
	return p, ok
}

func (ps *petStore) get(w http.ResponseWriter, r *http.Request) {
	p, ok := ps.lookup(r)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such pet"})
		return
	}
	switch ps.fault {
	case faultWrongType:
		writeJSON(w, http.StatusOK, map[string]any{"id": strconv.Itoa(p.ID), "name": p.Name})
	case faultMissingField:
		writeJSON(w, http.StatusOK, map[string]any{"id": p.ID})
	case faultUndeclaredStatus:
		writeJSON(w, http.StatusTeapot, map[string]string{"error": "I'm a teapot"})
	case faultWrongContentType:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "%d %s\n", p.ID, p.Name)
	case faultManyErrors:
		tags := make([]int, 12)
		writeJSON(w, http.StatusOK, map[string]any{"id": p.ID, "name": p.Name, "tags": tags})
	default:
		writeJSON(w, http.StatusOK, p)
	}
}

func (ps *petStore) create(w http.ResponseWriter, r *http.Request) {
	var p pet
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil || p.Name == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "a pet needs a name"})
		return
	}
	ps.mu.Lock()
	p.ID = ps.next
	ps.next++
	ps.pets[p.ID] = p
	ps.mu.Unlock()
	writeJSON(w, http.StatusCreated, p)
}

func (ps *petStore) delete(w http.ResponseWriter, r *http.Request) {
	p, ok := ps.lookup(r)
	if !ok {
		// Not declared by the spec: lets tests provoke a violation on a
		// path that exists.
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such pet"})
		return
	}
	ps.mu.Lock()
	delete(ps.pets, p.ID)
	ps.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}
