package mockservertest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/openapi"
)

// notesSpec is a small API for testing the kit itself: a list of notes
// behind an API key.
const notesSpec = `
openapi: 3.0.3
info: {title: Notes, version: "1"}
security: [{key: []}]
paths:
  /notes:
    get:
      operationId: listNotes
      responses:
        '200':
          description: The notes.
          content:
            application/json:
              schema:
                type: object
                required: [notes]
                properties:
                  notes: {type: array, items: {$ref: '#/components/schemas/Note'}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
    post:
      operationId: createNote
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [title]
              properties:
                title: {type: string, minLength: 1, maxLength: 20, pattern: '^[a-z ]+$'}
                tag: {type: string, enum: [home, work]}
                stars: {type: integer, minimum: 0, maximum: 5}
      responses:
        '200':
          description: The new note.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Note'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
  /notes/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getNote
      responses:
        '200':
          description: The note.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Note'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
  responses:
    Error:
      description: A refusal.
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
  schemas:
    Note:
      type: object
      required: [id, title]
      properties:
        id: {type: string}
        title: {type: string}
        tag: {type: string}
        stars: {type: integer}
    Error:
      type: object
      required: [error, code]
      properties:
        error: {type: string}
        code: {type: string}
        field: {type: string}
        rule: {type: string}
`

// faultEnv names the fault the notes API is built with in a child test
// process; empty is a healthy API.
const faultEnv = "STANDIN_KIT_FAULT"

type note struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Tag   string `json:"tag,omitempty"`
	Stars int    `json:"stars,omitempty"`
}

type notesState struct {
	Notes map[string]*note `json:"notes"`
}

func (s *notesState) check() error {
	mockserver.FillMap(&s.Notes)
	return nil
}

var notesEnvelope = mockserver.Envelope{
	Codes: map[mockserver.Kind]mockserver.Code{
		mockserver.KindInvalid: {Code: "invalid"}, mockserver.KindNotFound: {Code: "not-found"},
		mockserver.KindMethodNotAllowed: {Code: "method"}, mockserver.KindTooLarge: {Code: "too-large"},
		mockserver.KindUnauthorized: {Code: "unauthorized"}, mockserver.KindBadNamespace: {Code: "invalid"},
		mockserver.KindInternal: {Code: "internal"},
	},
	Render: func(w http.ResponseWriter, _ *http.Request, e *mockserver.Error) {
		if os.Getenv(faultEnv) == "text-404" && e.Kind == mockserver.KindNotFound {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(e.Status)
			_, _ = w.Write([]byte("not found"))
			return
		}
		body := map[string]string{"error": e.Error(), "code": e.Code}
		if os.Getenv(faultEnv) != "no-field" {
			body["field"], body["rule"] = e.Field, e.Rule
		}
		writeJSON(w, e.Status, body)
	},
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

var errNope = mockserver.Refusal(http.StatusBadRequest, "nope", "refused")

// buildNotes builds the notes API with the fault named by faultEnv.
func buildNotes(s mockserver.Setup, _ struct{}) (mockserver.API, error) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(notesSpec))
	if err != nil {
		return mockserver.API{}, err
	}
	fault := os.Getenv(faultEnv)
	state := mockserver.NewState(s.Store, "notes", func() *notesState {
		return &notesState{Notes: map[string]*note{"n1": {ID: "n1", Title: "first"}}}
	}, (*notesState).check)
	mux := mockserver.NewMux(notesEnvelope)
	mux.HandleFunc("GET /notes", func(w http.ResponseWriter, r *http.Request) {
		var out struct {
			Notes []note `json:"notes"`
		}
		out.Notes = []note{}
		_ = state.View(r.Context(), func(st *notesState) error {
			for _, n := range st.Notes {
				out.Notes = append(out.Notes, *n)
			}
			return nil
		})
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /notes", func(w http.ResponseWriter, r *http.Request) {
		var in note
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			notesEnvelope.InvalidRequest(w, r, err)
			return
		}
		var out note
		err := state.Update(r.Context(), func(st *notesState) error {
			out = note{ID: fmt.Sprintf("n%d", len(st.Notes)+1), Title: in.Title, Tag: in.Tag, Stars: in.Stars}
			switch fault {
			case "refuse-valid":
				return errNope
			case "dirty-refusal":
				st.Notes[out.ID] = &out
				return errNope
			}
			st.Notes[out.ID] = &out
			return nil
		})
		if err != nil {
			notesEnvelope.Write(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("GET /notes/{id}", func(w http.ResponseWriter, r *http.Request) {
		if fault == "500" {
			notesEnvelope.Write(w, r, fmt.Errorf("a bug"))
			return
		}
		var out note
		err := state.View(r.Context(), func(st *notesState) error {
			n := st.Notes[r.PathValue("id")]
			if n == nil {
				return &mockserver.Error{Status: http.StatusNotFound, Kind: mockserver.KindNotFound, Message: "no such note"}
			}
			out = *n
			return nil
		})
		if err != nil {
			notesEnvelope.Write(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
	if fault == "extra-route" {
		mux.HandleFunc("DELETE /notes/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	}
	return mockserver.API{
		Name: "notes", Spec: doc, Handler: mux, Envelope: notesEnvelope,
		Authenticate: func(r *http.Request, _ openapi.Operation) (context.Context, error) {
			if r.Header.Get("X-Key") != "secret" {
				return nil, &mockserver.Error{Status: http.StatusUnauthorized, Kind: mockserver.KindUnauthorized, Message: "no key"}
			}
			return r.Context(), nil
		},
	}, nil
}

var notes = sync.OnceValue(func() *mockserver.Mock {
	return mockserver.Define(mockserver.Definition[struct{}]{
		Name: "notes", Title: "Notes", Options: []byte("{}\n"), Build: buildNotes,
		Test: mockserver.TestHooks{
			Login: func(http.Handler, string) (http.Header, error) { return http.Header{"X-Key": {"secret"}}, nil },
			Known: func(http.Handler, http.Header, string) (map[string][]string, error) {
				return map[string][]string{"id": {"n1"}}, nil
			},
		},
	})
})

func TestRunPassesAHealthyAPI(t *testing.T) {
	if os.Getenv(faultEnv) != "" {
		t.Skip("in a child process")
	}
	mockservertest.Run(t, notes())
}

// TestRunOnFault is what the child processes of TestRunCatchesFaults run.
func TestRunOnFault(t *testing.T) {
	if os.Getenv(faultEnv) == "" {
		t.Skip("only in a child process of TestRunCatchesFaults")
	}
	mockservertest.Run(t, notes())
}

// TestRunCatchesFaults runs the kit on the notes API broken one way at a
// time, each in a child test process, and checks that it fails, saying
// why.
func TestRunCatchesFaults(t *testing.T) {
	if os.Getenv(faultEnv) != "" {
		t.Skip("in a child process")
	}
	for _, tc := range []struct{ fault, says string }{
		{"500", "answered 500"},
		{"refuse-valid", `finding: a spec-valid request was refused with 400 (code "nope"`},
		{"dirty-refusal", "refused with 400 but changed the state"},
		{"text-404", "which no error response of the spec has"},
		{"no-field", "does not name the rule"},
		{"extra-route", `not in the spec: ["DELETE /notes/{id}"]`},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestRunOnFault$", "-test.count=1")
			cmd.Env = append(os.Environ(), faultEnv+"="+tc.fault)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the kit passed an API with the fault %q:\n%s", tc.fault, out)
			}
			if !strings.Contains(string(out), tc.says) {
				t.Errorf("the kit failed, but without saying %q:\n%s", tc.says, out)
			}
		})
	}
}
