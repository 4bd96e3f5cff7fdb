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

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
)

// The test API is a tiny pet shop described by testdata/pets.yaml. It keeps
// its pets in the server's Store, answers errors as
//
//	{"kind": <core kind>, "code": <code>, "field": ..., "rule": ..., "message": ...}
//
// and accepts the API key "good" in X-Key. The core's refusal kinds get
// the codes in petsCodes; the API's own refusals are sentinels made with
// mockserver.Refusal.

const (
	goodKey   = "good"
	bannedKey = "banned" // authenticates, but is refused with 403
	panicName = "panic"  // a pet name that makes the handler panic
	abortName = "abort"  // a pet name that makes the handler panic with http.ErrAbortHandler
	halfName  = "half"   // a pet name that makes the handler panic after it began its answer
)

// The test API's own refusals.
var (
	errNoSuchPet = mockserver.Refusal(http.StatusNotFound, "no-such-pet", "no such pet")
	errBanned    = &mockserver.Error{Status: http.StatusForbidden, Kind: mockserver.KindForbidden, Message: "key is banned"}
)

// petsCodes are the test API's codes for the core's refusals.
var petsCodes = map[mockserver.Kind]mockserver.Code{
	mockserver.KindNotFound:         {Code: "no-route"},
	mockserver.KindMethodNotAllowed: {Code: "bad-method"},
	mockserver.KindTooLarge:         {Code: "too-large"},
	mockserver.KindInvalid:          {Code: "invalid"},
	mockserver.KindUnauthorized:     {Code: "unauthorized"},
	mockserver.KindForbidden:        {Code: "forbidden"},
	mockserver.KindBadNamespace:     {Code: "bad-namespace"},
	mockserver.KindInternal:         {Code: "internal"},
}

type pet struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	Age  *int   `json:"age,omitempty"`
}

type petState struct {
	NextID int   `json:"nextID"`
	Pets   []pet `json:"pets"`
}

// check is the pet shop's snapshot check: it fills a missing list and
// refuses what would break its operations.
func (s *petState) check() error {
	if s.NextID < 1 {
		return mockserver.Invalid("/nextID", "must be at least 1, got %d", s.NextID)
	}
	if s.Pets == nil {
		s.Pets = []pet{}
	}
	seen := map[int]bool{}
	for i, p := range s.Pets {
		at := func(field string) string { return mockserver.Pointer("pets", strconv.Itoa(i), field) }
		switch {
		case p.ID < 1 || p.ID >= s.NextID:
			return mockserver.Invalid(at("id"), "must be between 1 and nextID-1 (%d), got %d", s.NextID-1, p.ID)
		case seen[p.ID]:
			return mockserver.Invalid(at("id"), "id %d is taken by an earlier pet", p.ID)
		case p.Name == "":
			return mockserver.Invalid(at("name"), "must not be empty")
		}
		seen[p.ID] = true
	}
	return nil
}

// errBody is the test API's error envelope.
type errBody struct {
	Kind    mockserver.Kind `json:"kind"`
	Code    string          `json:"code"`
	Field   string          `json:"field"`
	Rule    string          `json:"rule"`
	Message string          `json:"message"`
}

// apiHeader names the API that wrote an error, so tests can tell which
// API's Envelope answered.
const apiHeader = "X-Test-API"

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

// petsEnvelope is the test API's envelope when mounted under name.
func petsEnvelope(name string) mockserver.Envelope {
	return mockserver.Envelope{
		Codes: petsCodes,
		Render: func(w http.ResponseWriter, _ *http.Request, e *mockserver.Error) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set(apiHeader, name)
			w.WriteHeader(e.Status)
			_ = json.NewEncoder(w).Encode(errBody{Kind: e.Kind, Code: e.Code, Field: e.Field, Rule: e.Rule, Message: e.Error()})
		},
	}
}

// petsAPI returns the pet shop mounted under name, keeping state in st.
func petsAPI(tb testing.TB, name string, st mockserver.Store) mockserver.API {
	tb.Helper()
	state := mockserver.NewState(st, name, func() *petState { return &petState{NextID: 1, Pets: []pet{}} }, (*petState).check)
	env := petsEnvelope(name)
	writeJSON := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}

	mux := mockserver.NewMux(env)
	mux.HandleFunc("GET /pets", func(w http.ResponseWriter, r *http.Request) {
		limit := 100
		if v := r.URL.Query().Get("limit"); v != "" {
			limit, _ = strconv.Atoi(v) // validated by the core
		}
		var out []pet
		err := state.View(r.Context(), func(s *petState) error {
			out = slices.Clone(s.Pets[:min(limit, len(s.Pets))])
			return nil
		})
		if err != nil {
			env.Write(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /pets", func(w http.ResponseWriter, r *http.Request) {
		var in pet
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			env.InvalidRequest(w, r, err) // cannot happen: the core validated the body
			return
		}
		if in.Name == abortName {
			panic(http.ErrAbortHandler)
		}
		if in.Name == halfName {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"pets":[`))
			panic("handler failed half-way through its answer")
		}
		var created pet
		err := state.Update(r.Context(), func(s *petState) error {
			if in.Name == panicName {
				panic("handler asked to panic")
			}
			created = pet{ID: s.NextID, Name: in.Name, Age: in.Age}
			s.NextID++
			s.Pets = append(s.Pets, created)
			return nil
		})
		if err != nil {
			env.Write(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, created)
	})
	mux.HandleFunc("GET /pets/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.Atoi(r.PathValue("id"))
		var found pet
		err := state.View(r.Context(), func(s *petState) error {
			i := slices.IndexFunc(s.Pets, func(p pet) bool { return p.ID == id })
			if i < 0 {
				return errNoSuchPet.Withf("no pet with id %d", id)
			}
			found = s.Pets[i]
			return nil
		})
		if err != nil {
			env.Write(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, found)
	})

	return mockserver.API{
		Name:    name,
		Spec:    loadSpec(tb),
		Handler: mux,
		Authenticate: func(r *http.Request, _ openapi.Operation) (context.Context, error) {
			switch key := r.Header.Get("X-Key"); key {
			case goodKey:
				return mockserver.WithCaller(r.Context(), key), nil
			case bannedKey:
				return nil, errBanned
			case "":
				return nil, errors.New("missing API key")
			default:
				return nil, errors.New("wrong API key")
			}
		},
		Envelope: env,
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

// localHost is the Host of test requests unless they name another: a
// local client's, as the admin API expects.
const localHost = "127.0.0.1:8080"

// req describes one request to a handler.
type req struct {
	method string
	path   string // with query
	body   string
	key    string // X-Key; empty sends none
	ns     string // X-Standin-Namespace; empty sends none
	host   string // Host; empty means localHost
	header map[string]string
}

func (q req) build() *http.Request {
	var body io.Reader
	if q.body != "" {
		body = strings.NewReader(q.body)
	}
	r := httptest.NewRequest(q.method, q.path, body)
	r.Host = localHost
	if q.host != "" {
		r.Host = q.host
	}
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
// kind, and that a core kind carries the API's code for it, and returns
// the body.
func problemOf(tb testing.TB, w *httptest.ResponseRecorder, status int, kind mockserver.Kind) errBody {
	tb.Helper()
	mustStatus(tb, w, status)
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		tb.Errorf("Content-Type = %q, want application/json", ct)
	}
	e := decode[errBody](tb, w)
	if e.Kind != kind {
		tb.Fatalf("kind = %q, want %q; body: %s", e.Kind, kind, w.Body)
	}
	if c, ok := petsCodes[kind]; ok && e.Code != c.Code {
		tb.Errorf("code = %q, want the API's code %q for %s; body: %s", e.Code, c.Code, kind, w.Body)
	}
	if e.Message == "" {
		tb.Errorf("error has no message; body: %s", w.Body)
	}
	return e
}

// adminErrorOf checks that w is the core's error JSON {"error": ...} with
// status, as the admin API and paths outside every API answer.
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
