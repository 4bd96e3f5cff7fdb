package togo

import (
	"go/parser"
	"go/token"
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

// Any API name gives a Go file of package compiled that registers its
// document under that name, even one that is no Go identifier.
func TestSourceIsGoForAnyAPIName(t *testing.T) {
	for _, api := range []string{"ucs-rooms", "v2.api", "9lives"} {
		src, err := Source(api, "json/"+api+".lean.json", []byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}`))
		if err != nil {
			t.Fatalf("%s: %v", api, err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), api+".gen.go", src, 0)
		if err != nil {
			t.Fatalf("%s: the generated file is not Go: %v\n%s", api, err, src)
		}
		if f.Name.Name != "compiled" || !strings.Contains(string(src), "register(\""+api+"\", ") {
			t.Errorf("%s: package %s, or no registration under the API's name:\n%s", api, f.Name.Name, src)
		}
	}
}
