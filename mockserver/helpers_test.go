package mockserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/standin/standin/mockserver"
)

// The test API is a tiny pet shop described by testdata/pets.yaml. It keeps
// its pets in the server's Store, answers errors as
//
//	{"code": <kind>, "field": ..., "rule": ..., "message": ...}
//
// and accepts the API key "good" in X-Key.

const (
	goodKey   = "good"
	bannedKey = "banned" // authenticates, but is refused with 403
	panicName = "panic"  // a pet name that makes the handler panic
)

type pet struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	Age  *int   `json:"age,omitempty"`
}

type petState struct {
	NextID int   `json:"nextID"`
	Pets   []pet `json:"pets"`
}

// errBody is the test API's error envelope.
type errBody struct {
	Code    mockserver.Kind `json:"code"`
	Field   string          `json:"field"`
	Rule    string          `json:"rule"`
	Message string          `json:"message"`
}

// apiHeader names the API that wrote an error, so tests can tell which
// API's WriteError answered.
const apiHeader = "X-Test-API"

type callerKey struct{}

// loadSpec loads testdata/pets.yaml with its servers cleared, as API.Spec
// requires.
func loadSpec(tb testing.TB) *openapi3.T {
	tb.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile("testdata/pets.yaml")
	if err != nil {
		tb.Fatalf("load spec: %v", err)
	}
	doc.Servers = nil
	return doc
}

// petsAPI returns the pet shop mounted under name, keeping state in st.
func petsAPI(tb testing.TB, name string, st mockserver.Store) mockserver.API {
	tb.Helper()
	kind := mockserver.NewStateKind(name, func() *petState { return &petState{NextID: 1, Pets: []pet{}} })
	writeError := func(w http.ResponseWriter, r *http.Request, err error) {
		p := mockserver.AsProblem(err)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set(apiHeader, name)
		w.WriteHeader(p.Status)
		_ = json.NewEncoder(w).Encode(errBody{Code: p.Kind, Field: p.Field, Rule: p.Rule, Message: p.Error()})
	}
	writeJSON := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /pets", func(w http.ResponseWriter, r *http.Request) {
		limit := 100
		if v := r.URL.Query().Get("limit"); v != "" {
			limit, _ = strconv.Atoi(v) // validated by the core
		}
		var out []pet
		err := mockserver.View(r.Context(), st, name, func(s *petState) error {
			out = slices.Clone(s.Pets[:min(limit, len(s.Pets))])
			return nil
		})
		if err != nil {
			writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /pets", func(w http.ResponseWriter, r *http.Request) {
		var in pet
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			writeError(w, r, err) // cannot happen: the core validated the body
			return
		}
		var created pet
		err := mockserver.Update(r.Context(), st, name, func(s *petState) error {
			if in.Name == panicName {
				panic("handler asked to panic")
			}
			created = pet{ID: s.NextID, Name: in.Name, Age: in.Age}
			s.NextID++
			s.Pets = append(s.Pets, created)
			return nil
		})
		if err != nil {
			writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, created)
	})
	mux.HandleFunc("GET /pets/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.Atoi(r.PathValue("id"))
		var found *pet
		err := mockserver.View(r.Context(), st, name, func(s *petState) error {
			for _, p := range s.Pets {
				if p.ID == id {
					found = &p
					return nil
				}
			}
			return &mockserver.Problem{Status: http.StatusNotFound, Kind: mockserver.KindNotFound, Detail: "no such pet"}
		})
		if err != nil {
			writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, found)
	})

	return mockserver.API{
		Name:    name,
		Spec:    loadSpec(tb),
		Handler: mux,
		Authenticate: func(r *http.Request, _ *routers.Route) (context.Context, error) {
			switch key := r.Header.Get("X-Key"); key {
			case goodKey:
				return context.WithValue(r.Context(), callerKey{}, key), nil
			case bannedKey:
				return nil, &mockserver.Problem{Status: http.StatusForbidden, Kind: mockserver.KindForbidden, Detail: "key is banned"}
			case "":
				return nil, errors.New("missing API key")
			default:
				return nil, errors.New("wrong API key")
			}
		},
		WriteError: writeError,
		State:      &kind,
	}
}

// newServer returns a Server with the pet shop mounted as "pets".
func newServer(tb testing.TB, opts mockserver.Options) *mockserver.Server {
	tb.Helper()
	srv := mockserver.New(opts)
	if err := srv.Mount(petsAPI(tb, "pets", srv.Store())); err != nil {
		tb.Fatalf("Mount: %v", err)
	}
	return srv
}

// req describes one request to a handler.
type req struct {
	method string
	path   string // with query
	body   string
	key    string // X-Key; empty sends none
	ns     string // X-Standin-Namespace; empty sends none
	header map[string]string
}

func (q req) build() *http.Request {
	var body io.Reader
	if q.body != "" {
		body = strings.NewReader(q.body)
	}
	r := httptest.NewRequest(q.method, q.path, body)
	if q.body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if q.key != "" {
		r.Header.Set("X-Key", q.key)
	}
	if q.ns != "" {
		r.Header.Set(mockserver.NamespaceHeader, q.ns)
	}
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	return r
}

// serve runs q through h and returns the recorded response.
func serve(h http.Handler, q req) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, q.build())
	return w
}

// mustStatus fails the test unless w answered with want.
func mustStatus(tb testing.TB, w *httptest.ResponseRecorder, want int) {
	tb.Helper()
	if w.Code != want {
		tb.Fatalf("status = %d, want %d; body: %s", w.Code, want, w.Body)
	}
}

// decode decodes w's JSON body into a T.
func decode[T any](tb testing.TB, w *httptest.ResponseRecorder) T {
	tb.Helper()
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		tb.Fatalf("decode %T from %q: %v", v, w.Body, err)
	}
	return v
}

// problemOf checks that w is the test API's error envelope with status and
// kind, and returns it.
func problemOf(tb testing.TB, w *httptest.ResponseRecorder, status int, kind mockserver.Kind) errBody {
	tb.Helper()
	mustStatus(tb, w, status)
	e := decode[errBody](tb, w)
	if e.Code != kind {
		tb.Fatalf("code = %q, want %q; body: %s", e.Code, kind, w.Body)
	}
	if e.Message == "" {
		tb.Errorf("error has no message; body: %s", w.Body)
	}
	return e
}

// adminErrorOf checks that w is an admin error {"error": ...} with status.
func adminErrorOf(tb testing.TB, w *httptest.ResponseRecorder, status int) string {
	tb.Helper()
	mustStatus(tb, w, status)
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		tb.Errorf("Content-Type = %q, want application/json", ct)
	}
	e := decode[map[string]string](tb, w)
	if e["error"] == "" {
		tb.Fatalf("admin error without an error message: %s", w.Body)
	}
	return e["error"]
}

// listPets returns the pets that prefix's API (e.g. "/pets") shows in ns.
func listPets(tb testing.TB, h http.Handler, prefix, ns string) []pet {
	tb.Helper()
	w := serve(h, req{method: http.MethodGet, path: prefix + "/pets", key: goodKey, ns: ns})
	mustStatus(tb, w, http.StatusOK)
	return decode[[]pet](tb, w)
}

// names returns the names of pets, in order.
func names(pets []pet) []string {
	out := make([]string, len(pets))
	for i, p := range pets {
		out[i] = p.Name
	}
	return out
}

// createPet creates a pet called name through prefix's API in ns.
func createPet(tb testing.TB, h http.Handler, prefix, ns, name string) pet {
	tb.Helper()
	w := serve(h, req{method: http.MethodPost, path: prefix + "/pets", body: `{"name":"` + name + `"}`, key: goodKey, ns: ns})
	mustStatus(tb, w, http.StatusCreated)
	return decode[pet](tb, w)
}
