package openapi

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The document LoadLean builds from generated Go code is the one parsing
// the lean JSON rendering gives, field for field, references resolved: or
// the mock would route and validate with another spec than the one
// written. Run go generate ./openapi after changing a spec.
func TestCompiledDocumentsAreTheLeanRenderings(t *testing.T) {
	for _, api := range Names() {
		t.Run(api, func(t *testing.T) {
			built, err := build(api)
			if err != nil {
				t.Fatalf("%v: run go generate ./openapi", err)
			}
			parsed, err := parse(api, ".lean")
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(built)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(parsed)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("internal/compiled builds another document than json/%s.lean.json (%d bytes of JSON, want %d): run go generate ./openapi", api, len(got), len(want))
			}
			// Resolved: every reference points at its component.
			if err := built.Validate(t.Context()); err != nil {
				t.Fatalf("the built document is not valid: %v", err)
			}
		})
	}
}

// Each call builds a document of its own: LoadLean's callers share one,
// but nothing else may see another's changes.
func TestCompiledDocumentsAreFresh(t *testing.T) {
	a, err := build("rocketchat")
	if err != nil {
		t.Fatal(err)
	}
	b, err := build("rocketchat")
	if err != nil {
		t.Fatal(err)
	}
	if a == b || a.Paths == b.Paths || a.Components.Schemas["Room"] == b.Components.Schemas["Room"] {
		t.Fatal("two builds share their values")
	}
}

func BenchmarkLoadLean(b *testing.B) {
	for _, api := range Names() {
		b.Run(api+"/parse", func(b *testing.B) {
			for b.Loop() {
				if _, err := parse(api, ".lean"); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(api+"/build", func(b *testing.B) {
			for b.Loop() {
				if _, err := build(api); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
