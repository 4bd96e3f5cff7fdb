package openapi

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/openapi/internal/lean"
)

// The JSON rendering Load parses must be the document the YAML gives, or
// the mock would validate against something else than the spec as
// written: run go generate ./openapi after changing a spec.
func TestJSONRenderingsAreCurrent(t *testing.T) {
	for _, api := range Names() {
		t.Run(api, func(t *testing.T) {
			raw, err := Raw(api)
			if err != nil {
				t.Fatal(err)
			}
			fromYAML, err := openapi3.NewLoader().LoadFromData(raw)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(fromYAML)
			if err != nil {
				t.Fatal(err)
			}
			got, err := renderings.ReadFile("json/" + api + ".json")
			if err != nil {
				t.Fatalf("no JSON rendering of %s.yaml: run go generate ./openapi", api)
			}
			if !bytes.Equal(bytes.TrimSpace(got), want) {
				t.Fatalf("json/%s.json is not the rendering of %s.yaml: run go generate ./openapi", api, api)
			}

			// The lean rendering is the whole one leaned.
			wantLean, err := lean.JSON(want)
			if err != nil {
				t.Fatal(err)
			}
			gotLean, err := renderings.ReadFile("json/" + api + ".lean.json")
			if err != nil || !bytes.Equal(bytes.TrimSpace(gotLean), wantLean) {
				t.Fatalf("json/%s.lean.json is not the lean rendering of %s.yaml (%v): run go generate ./openapi", api, api, err)
			}

			// Loading the rendering gives the same document again.
			doc, err := parse(api, "")
			if err != nil {
				t.Fatal(err)
			}
			fromYAML.Servers = nil
			again, _ := json.Marshal(doc)
			want, _ = json.Marshal(fromYAML)
			if !bytes.Equal(again, want) {
				t.Fatalf("json/%s.json loads as another document than %s.yaml", api, api)
			}
		})
	}
}

func TestRenderingsCoverEverySpec(t *testing.T) {
	entries, err := renderings.ReadDir("json")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2*len(Names()) {
		t.Fatalf("%d JSON renderings for %d specs (%v), want two each: run go generate ./openapi", len(entries), len(Names()), Names())
	}
}

// The lean document routes and validates as the whole one does: the same
// operations (ids, security, parameters and their schemas), request bodies
// and components, only without descriptions, summaries and examples.
func TestLeanKeepsWhatRequestsAreCheckedAgainst(t *testing.T) {
	for _, api := range Names() {
		t.Run(api, func(t *testing.T) {
			whole, err := Load(api)
			if err != nil {
				t.Fatal(err)
			}
			lean, err := LoadLean(api)
			if err != nil {
				t.Fatal(err)
			}
			wops, lops := Operations(whole), Operations(lean)
			if len(wops) != len(lops) {
				t.Fatalf("%d operations in the lean document, %d in the whole", len(lops), len(wops))
			}
			for i, w := range wops {
				l := lops[i]
				if w.Method != l.Method || w.Path != l.Path || w.Op.OperationID != l.Op.OperationID || w.Secured(whole) != l.Secured(lean) {
					t.Fatalf("operation %d: lean %s %s %q, whole %s %s %q", i, l.Method, l.Path, l.Op.OperationID, w.Method, w.Path, w.Op.OperationID)
				}
				if len(w.Op.Parameters) != len(l.Op.Parameters) || (w.Op.RequestBody == nil) != (l.Op.RequestBody == nil) {
					t.Fatalf("%s %s: parameters or body differ", w.Method, w.Path)
				}
				for j, p := range w.Op.Parameters {
					lp := l.Op.Parameters[j].Value
					if p.Value.Name != lp.Name || p.Value.In != lp.In || p.Value.Required != lp.Required {
						t.Fatalf("%s %s: parameter %d differs", w.Method, w.Path, j)
					}
				}
			}
			if len(whole.Components.Schemas) != len(lean.Components.Schemas) {
				t.Fatalf("%d component schemas in the lean document, %d in the whole", len(lean.Components.Schemas), len(whole.Components.Schemas))
			}
			if lean.Info.Title != whole.Info.Title {
				t.Fatalf("lean title %q, whole %q", lean.Info.Title, whole.Info.Title)
			}
		})
	}
}
