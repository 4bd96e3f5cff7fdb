package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gavv/httpexpect/v2"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/contracts/contractstest"
	"github.com/standin/standin/contracts/load"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/openapi"
)

// The notes API is a throwaway third API, defined here and not shipped: a
// test adds it to the API list with one line, as a real API is added,
// and checks that every consumer of the list picks it up (the CLI's
// listing and banner, configuration with its own options, conform, load,
// the admin API's snapshots).

type notesOptions struct {
	Key string `yaml:"key"` // the API key clients send
}

type notesState struct {
	Notes map[string]string `json:"notes"` // id → text
	Next  int               `json:"next"`
}

type notesProblem struct {
	Message string `json:"message"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Rule    string `json:"rule,omitempty"`
}

var notesEnvelope = mockserver.Envelope{
	Codes: map[mockserver.Kind]mockserver.Code{
		mockserver.KindInvalid: {Code: "invalid"}, mockserver.KindBadNamespace: {Code: "invalid"},
		mockserver.KindUnauthorized: {Code: "unauthorized"}, mockserver.KindNotFound: {Code: "not-found"},
		mockserver.KindMethodNotAllowed: {Code: "method"}, mockserver.KindTooLarge: {Code: "too-large"},
		mockserver.KindInternal: {Code: "internal"},
	},
	Render: func(w http.ResponseWriter, _ *http.Request, e *mockserver.Error) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(e.Status)
		_ = json.NewEncoder(w).Encode(notesProblem{Message: e.Error(), Code: e.Code, Field: e.Field, Rule: e.Rule})
	},
}

var errNoNote = mockserver.Refusal(http.StatusNotFound, "no-such-note", "no such note")

var notesSpec = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromFile("testdata/notes.yaml")
	if err == nil {
		doc.Servers = nil
	}
	return doc, err
})

func buildNotes(s mockserver.Setup, o notesOptions) (mockserver.API, error) {
	doc, err := notesSpec()
	if err != nil {
		return mockserver.API{}, err
	}
	state := mockserver.NewState(s.Store, "notes", func() *notesState { return &notesState{Notes: map[string]string{}} },
		func(st *notesState) error { mockserver.FillMap(&st.Notes); return nil })
	reply := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	mux := mockserver.NewMux(notesEnvelope)
	mux.HandleFunc("POST /notes", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Text string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			notesEnvelope.InvalidRequest(w, r, err)
			return
		}
		var id string
		_ = state.Update(r.Context(), func(st *notesState) error {
			st.Next++
			id = strconv.Itoa(st.Next)
			st.Notes[id] = in.Text
			return nil
		})
		reply(w, http.StatusCreated, map[string]string{"id": id, "text": in.Text})
	})
	mux.HandleFunc("GET /notes/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		var text string
		err := state.View(r.Context(), func(st *notesState) error {
			t, ok := st.Notes[id]
			if !ok {
				return errNoNote.Withf("no note %q", id)
			}
			text = t
			return nil
		})
		if err != nil {
			notesEnvelope.Write(w, r, err)
			return
		}
		reply(w, http.StatusOK, map[string]string{"id": id, "text": text})
	})
	return mockserver.API{
		Name: "notes", Spec: doc, Handler: mux, Envelope: notesEnvelope,
		Authenticate: func(r *http.Request, _ openapi.Operation) (context.Context, error) {
			if r.Header.Get("X-Api-Key") != o.Key {
				return nil, &mockserver.Error{Status: http.StatusUnauthorized, Kind: mockserver.KindUnauthorized, Message: "wrong or missing X-Api-Key"}
			}
			return r.Context(), nil
		},
	}, nil
}

var notesMock = mockserver.Define(mockserver.Definition[notesOptions]{
	Name:    "notes",
	Title:   "Notes",
	Options: []byte("# The API key clients send in X-Api-Key.\nkey: notes-key\n"),
	Build:   buildNotes,
	Credentials: func(o notesOptions) []mockserver.Credential {
		return []mockserver.Credential{{Key: "apiKey", Value: o.Key, Hint: "the API key"}}
	},
	Test: mockserver.TestHooks{
		Login: func(http.Handler, string) (http.Header, error) {
			return http.Header{"X-Api-Key": {"notes-key"}}, nil
		},
		Prepare: func(h http.Handler, auth http.Header, ns string) (map[string][]string, error) {
			var note struct{ ID string }
			err := mockserver.CallJSON(h, ns, auth, http.MethodPost, "/notes", map[string]string{"text": "seed"}, &note)
			return map[string][]string{"id": {note.ID}}, err
		},
	},
})

func notesScenarios() []contracts.Scenario {
	doc, _ := notesSpec()
	return []contracts.Scenario{{API: "notes", Name: "create-and-read", Spec: doc,
		Doc: "a note once created can be read back; a wrong key is refused",
		Run: func(s *contracts.S) {
			var id string
			s.Step("create a note", func(e *httpexpect.Expect) {
				id = e.POST("/notes").WithHeader("X-Api-Key", s.Credential("apiKey")).WithJSON(map[string]string{"text": "hello"}).
					Expect().Status(http.StatusCreated).JSON().Object().Value("id").String().Raw()
			})
			s.Step("read it back", func(e *httpexpect.Expect) {
				e.GET("/notes/"+id).WithHeader("X-Api-Key", s.Credential("apiKey")).
					Expect().Status(http.StatusOK).JSON().Object().HasValue("text", "hello")
			})
			s.Step("a wrong key is refused", func(e *httpexpect.Expect) {
				e.GET("/notes/"+id).WithHeader("X-Api-Key", "wrong").
					Expect().Status(http.StatusUnauthorized).JSON().Object().HasValue("code", "unauthorized")
			})
		}}}
}

// notesLoad creates a note and reads it back, over and over.
type notesLoad struct{}

func (notesLoad) NewWorker(_ context.Context, t contracts.Target) (load.Worker, error) {
	c := load.NewClient(t)
	c.Auth = func(h http.Header) { h.Set("X-Api-Key", t.Credentials["apiKey"]) }
	return &notesWorker{client: c}, nil
}

type notesWorker struct {
	client *load.Client
	last   string
}

func (w *notesWorker) Next(ctx context.Context) (string, int, error) {
	if w.last == "" {
		var out struct{ ID string }
		status, err := w.client.Do(ctx, http.MethodPost, "/notes", map[string]string{"text": "load"}, &out)
		w.last = out.ID
		return "createNote", status, err
	}
	status, err := w.client.Do(ctx, http.MethodGet, "/notes/"+w.last, nil, nil)
	w.last = ""
	return "getNote", status, err
}

// withNotes adds the notes API to the list for the test: the one line
// adding an API takes.
func withNotes(t *testing.T) {
	saved := apis
	apis = append(apis[:len(apis):len(apis)], api{notesMock, notesScenarios, notesLoad{}})
	t.Cleanup(func() { apis = saved })
}

func TestAThirdAPITakesOneLine(t *testing.T) {
	withNotes(t)

	t.Run("listed", func(t *testing.T) {
		out, _, err := runCmd(t, "apis")
		if err != nil || !strings.Contains(out, "notes\n") {
			t.Fatalf("standin apis = %q, %v; want notes listed", out, err)
		}
	})
	t.Run("configured with its own options", func(t *testing.T) {
		out, _, err := runCmd(t, "serve", "--print-config")
		if err != nil || !strings.Contains(out, "  notes:\n") || !strings.Contains(out, "key: notes-key") {
			t.Fatalf("--print-config has no notes section with its options:\n%s", out)
		}
		cfg, err := catalog().Parse([]byte("apis:\n  notes:\n    options:\n      key: k2\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.APIs["notes"].Options.(notesOptions).Key; got != "k2" {
			t.Errorf("apis.notes.options.key = %q, want k2", got)
		}
		if _, err := catalog().Parse([]byte("apis:\n  notes:\n    options:\n      kye: typo\n")); err == nil || !strings.Contains(err.Error(), "kye") {
			t.Errorf("a typo in the notes options = %v, want it refused by name", err)
		}
	})

	srv, err := catalog().New(catalog().Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	t.Run("conform passes and can fail", func(t *testing.T) {
		out, _, err := runCmd(t, "conform", "--api", "notes", "--target", ts.URL+"/notes")
		if err != nil {
			t.Fatalf("conform --api notes: %v\n%s", err, out)
		}
		if p, f, _ := counts(t, out); p != 3 || f != 0 {
			t.Fatalf("conform --api notes: %d passed, %d failed, want 3 and 0:\n%s", p, f, out)
		}
		out, _, err = runCmd(t, "conform", "--api", "notes", "--target", ts.URL+"/notes", "--cred", "apiKey=wrong")
		wantExit(t, err, 1)
		if _, f, _ := counts(t, out); f == 0 {
			t.Fatalf("conform with a wrong key passed:\n%s", out)
		}
	})
	t.Run("load", func(t *testing.T) {
		out, _, err := runCmd(t, "load", "--api", "notes", "--target", ts.URL+"/notes", "--workers", "2", "--requests", "40")
		if err != nil || !strings.Contains(out, "createNote") || !strings.Contains(out, "getNote") {
			t.Fatalf("load --api notes: %v\n%s", err, out)
		}
	})
	t.Run("snapshots carry its state", func(t *testing.T) {
		res, err := http.Get(ts.URL + "/__standin/snapshot")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var snap map[string]map[string]json.RawMessage
		if err := json.NewDecoder(res.Body).Decode(&snap); err != nil {
			t.Fatal(err)
		}
		if _, ok := snap["default"]["notes"]; !ok {
			t.Fatalf("the snapshot has no notes state: %v", snap)
		}
	})
	t.Run("the test kit", func(t *testing.T) { mockservertest.Run(t, notesMock) })
	t.Run("scenarios catch broken targets", func(t *testing.T) {
		contractstest.RunBroken(t, notesMock, notesScenarios())
	})
	t.Run("banner", func(t *testing.T) {
		hint := credentialsHint(notesMock, catalog().Default().APIs["notes"])
		if want := ", apiKey notes-key"; hint != want {
			t.Errorf("credentials hint %q, want %q", hint, want)
		}
	})
}
