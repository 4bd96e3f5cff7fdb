package openapi

import (
	"bytes"
	"encoding/json"
	"reflect"
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
// operations with the same ids and security, and the same parameters,
// request bodies and components (schemas, security schemes, shared
// parameters and bodies) down to every keyword, only without
// descriptions, summaries and examples.
func TestLeanKeepsWhatRequestsAreCheckedAgainst(t *testing.T) {
	for _, api := range Names() {
		t.Run(api, func(t *testing.T) {
			whole, err := Load(api)
			if err != nil {
				t.Fatal(err)
			}
			leaned, err := LoadLean(api)
			if err != nil {
				t.Fatal(err)
			}
			same := func(what string, w, l any) {
				t.Helper()
				if gw, gl := withoutProse(t, w), withoutProse(t, l); !reflect.DeepEqual(gw, gl) {
					t.Errorf("%s differs in the lean document:\nwhole %v\nlean  %v", what, gw, gl)
				}
			}
			wops, lops := Operations(whole), Operations(leaned)
			if len(wops) != len(lops) {
				t.Fatalf("%d operations in the lean document, %d in the whole", len(lops), len(wops))
			}
			for i, w := range wops {
				l := lops[i]
				if w.Method != l.Method || w.Path != l.Path || w.Op.OperationID != l.Op.OperationID || w.Secured(whole) != l.Secured(leaned) {
					t.Fatalf("operation %d: lean %s %s %q, whole %s %s %q", i, l.Method, l.Path, l.Op.OperationID, w.Method, w.Path, w.Op.OperationID)
				}
				op := w.Method + " " + w.Path
				same(op+" parameters", w.Op.Parameters, l.Op.Parameters)
				same(op+" path parameters", whole.Paths.Value(w.Path).Parameters, leaned.Paths.Value(l.Path).Parameters)
				same(op+" request body", w.Op.RequestBody, l.Op.RequestBody)
				same(op+" security", w.Op.Security, l.Op.Security)
			}
			same("security", whole.Security, leaned.Security)
			wc, lc := whole.Components, leaned.Components
			same("component schemas", wc.Schemas, lc.Schemas)
			same("security schemes", wc.SecuritySchemes, lc.SecuritySchemes)
			same("component parameters", wc.Parameters, lc.Parameters)
			same("component request bodies", wc.RequestBodies, lc.RequestBodies)
		})
	}
}

// withoutProse is v as JSON, leaned as the lean rendering is, with the
// blanked descriptions left out: what requests are checked against.
func withoutProse(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	leaned, err := lean.JSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(leaned, &out); err != nil {
		t.Fatal(err)
	}
	return dropBlankDescriptions(out)
}

// dropBlankDescriptions removes every "description": "" from v.
func dropBlankDescriptions(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if d, ok := e.(string); ok && k == "description" && d == "" {
				delete(x, k)
				continue
			}
			x[k] = dropBlankDescriptions(e)
		}
	case []any:
		for i, e := range x {
			x[i] = dropBlankDescriptions(e)
		}
	}
	return v
}
