package openapi

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
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

			// Loading the rendering gives the same document again.
			doc, err := parse(api)
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
	if len(entries) != len(Names()) {
		t.Fatalf("%d JSON renderings for %d specs (%v): run go generate ./openapi", len(entries), len(Names()), Names())
	}
}
