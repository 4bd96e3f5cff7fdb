package togo

import (
	"strings"
	"testing"
)

// A document that Go code cannot build as it is (here a reference with a
// sibling key, which kin-openapi keeps in an unexported field) fails the
// generation rather than being built as another document.
func TestSourceRefusesWhatItCannotBuild(t *testing.T) {
	doc := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},
		"components":{"schemas":{"A":{"type":"string"},"B":{"$ref":"#/components/schemas/A","nullable":true}}}}`
	_, err := Source("t", "t.lean.json", []byte(doc))
	if err == nil || !strings.Contains(err.Error(), "SchemaRef") {
		t.Fatalf("Source of a reference with a sibling: %v, want an error naming SchemaRef", err)
	}
}

func TestSourceNamesTheBuilderAfterTheAPI(t *testing.T) {
	src, err := Source("ucs-rooms", "json/ucs-rooms.lean.json", []byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`register("ucs-rooms", buildUcsRooms)`, "func buildUcsRooms() *openapi3.T {", "from json/ucs-rooms.lean.json"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the generated file lacks %q:\n%s", want, src)
		}
	}
}
