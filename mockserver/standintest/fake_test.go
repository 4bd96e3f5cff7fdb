package standintest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
)

// The tests serve "kv", a small fake API (this package imports no real
// API's package): a list of item names behind a key that POST /login
// hands out, and GET /stream, which writes its answer a line at a time.

const kvSpec = `
openapi: 3.0.3
info: {title: KV, version: "1"}
security: [{key: []}]
paths:
  /login:
    post:
      operationId: login
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [password]
              properties:
                password: {type: string}
      responses:
        '200': {description: The key.}
  /items:
    get:
      operationId: listItems
      responses:
        '200': {description: The items.}
    post:
      operationId: addItem
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string, minLength: 1}
      responses:
        '201': {description: Added.}
  /stream:
    get:
      operationId: stream
      security: []
      parameters:
        - {name: cut, in: query, schema: {type: boolean}}
      responses:
        '200': {description: Lines.}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
`

const (
	kvPassword = "pw"
	kvKey      = "secret-key"
	panicName  = "panic" // an item name that makes the handler panic
)

type kvState struct {
	Items []string `json:"items"`
}

// check refuses a snapshot with an empty item name.
func (s *kvState) check() error {
	for i, it := range s.Items {
		if it == "" {
			return mockserver.Invalid(mockserver.Pointer("items", strconv.Itoa(i)), "must not be empty")
		}
	}
	return nil
}

var kvEnvelope = mockserver.Envelope{
	Render: func(w http.ResponseWriter, _ *http.Request, e *mockserver.Error) {
		writeJSON(w, e.Status, map[string]string{"error": e.Error(), "kind": string(e.Kind)})
	},
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// streamGate lets a test hold GET /stream between its two lines: the
// handler writes "first", then waits for the gate to be closed (or a
// minute) before it writes "second" (or "gave up"), unless its request's
// context ends first. It says on ended why it stopped waiting: "gate",
// "timeout" or "context". With ?cut=true it panics after the first line.
var streamGate struct {
	sync.Mutex
	ch    chan struct{}
	ended chan string
}

// openGate makes a new gate and returns it and the channel the next
// stream says on why it stopped waiting.
func openGate() (chan struct{}, chan string) {
	streamGate.Lock()
	defer streamGate.Unlock()
	streamGate.ch, streamGate.ended = make(chan struct{}), make(chan string, 1)
	return streamGate.ch, streamGate.ended
}

func buildKV(s mockserver.Setup, _ struct{}) (mockserver.API, error) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(kvSpec))
	if err != nil {
		return mockserver.API{}, err
	}
	start := []string{"seeded"}
	if s.DataSet == "empty" {
		start = nil
	}
	state := mockserver.NewState(s.Store, "kv", func() *kvState { return &kvState{Items: append([]string{}, start...)} }, (*kvState).check)
	mux := mockserver.NewMux(kvEnvelope)
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Password string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		if in.Password != kvPassword {
			kvEnvelope.Write(w, r, &mockserver.Error{Status: http.StatusUnauthorized, Kind: mockserver.KindUnauthorized, Message: "wrong password"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"key": kvKey})
	})
	mux.HandleFunc("GET /items", func(w http.ResponseWriter, r *http.Request) {
		var out kvState
		_ = state.View(r.Context(), func(st *kvState) error {
			out.Items = append([]string{}, st.Items...)
			return nil
		})
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /items", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Name string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		if in.Name == panicName {
			panic("asked to")
		}
		err := state.Update(r.Context(), func(st *kvState) error {
			st.Items = append(st.Items, in.Name)
			return nil
		})
		if err != nil {
			kvEnvelope.Write(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]string{"name": in.Name})
	})
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, r *http.Request) {
		streamGate.Lock()
		gate, ended := streamGate.ch, streamGate.ended
		streamGate.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		_, _ = fmt.Fprintln(w, "first")
		_ = http.NewResponseController(w).Flush()
		if r.URL.Query().Get("cut") == "true" {
			panic("cut half-way")
		}
		select {
		case <-gate:
			ended <- "gate"
			_, _ = fmt.Fprintln(w, "second")
		case <-time.After(time.Minute):
			ended <- "timeout"
			_, _ = fmt.Fprintln(w, "gave up")
		case <-r.Context().Done():
			ended <- "context"
		}
	})
	return mockserver.API{Name: "kv", Spec: doc, Handler: mux, Envelope: kvEnvelope,
		Authenticate: func(r *http.Request, _ openapi.Operation) (context.Context, error) {
			if r.Header.Get("X-Key") != kvKey {
				return nil, &mockserver.Error{Status: http.StatusUnauthorized, Kind: mockserver.KindUnauthorized, Message: "no key"}
			}
			return r.Context(), nil
		},
	}, nil
}

// kv is the fake API's Mock: its test hook logs in through the server.
var kv = mockserver.Define(mockserver.Definition[struct{}]{
	Name: "kv", Title: "KV", Options: []byte("{}\n"), Build: buildKV,
	Test: mockserver.TestHooks{
		Login: func(h http.Handler, ns string) (http.Header, error) {
			var out struct{ Key string }
			if err := mockserver.CallJSON(h, ns, nil, http.MethodPost, "/login", map[string]string{"password": kvPassword}, &out); err != nil {
				return nil, err
			}
			return http.Header{"X-Key": {out.Key}}, nil
		},
	},
})

// open is a second fake API that needs no login, served under /o.
var open = mockserver.Define(mockserver.Definition[struct{}]{
	Name: "open", Prefix: "/o", Options: []byte("{}\n"),
	Build: func(s mockserver.Setup, o struct{}) (mockserver.API, error) {
		api, err := buildKV(s, o)
		api.Name, api.Authenticate = "open", nil
		return api, err
	},
})

// fatalTB is a testing.TB whose Fatal and Error record the message and
// (for Fatal) end the goroutine, so that a test can check what a helper
// fails with. Everything else goes to the real test.
type fatalTB struct {
	testing.TB
	mu     sync.Mutex
	failed []string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Errorf(format string, args ...any) { f.record(fmt.Sprintf(format, args...)) }

func (f *fatalTB) Fatal(args ...any) {
	f.record(fmt.Sprint(args...))
	runtime.Goexit()
}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.record(fmt.Sprintf(format, args...))
	runtime.Goexit()
}

func (f *fatalTB) record(msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failed = append(f.failed, msg)
}

// run calls fn in a goroutine of its own and returns the failures it
// recorded: none if fn returned.
func (f *fatalTB) run(fn func()) []string {
	f.mu.Lock()
	f.failed = nil
	f.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}
