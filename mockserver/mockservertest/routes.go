package mockservertest

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
)

// routes checks what compiling the generated code cannot: that the
// handler the API builds (the *mockserver.Mux that the generated
// HandlerWithOptions returns) starts at all (oapi-codegen's routes can
// clash at start-up), has the pattern of each operation of the spec for
// that operation's method and path, and no pattern beyond them (a
// generated package older or newer than its spec).
func (k *kit) routes(t *testing.T) {
	mux, ok := k.api.Handler.(*mockserver.Mux)
	if !ok {
		t.Fatalf("the handler of %s is a %T; build it with the generated HandlerWithOptions on a *mockserver.Mux", k.mock.Name, k.api.Handler)
	}
	for _, op := range k.ops {
		path := op.Path
		for _, p := range k.parameters(op) {
			if p.In == "path" {
				path = strings.ReplaceAll(path, "{"+p.Name+"}", "x"+p.Name)
			}
		}
		want := op.Method + " " + op.Path
		if got := mux.Pattern(httptest.NewRequest(op.Method, path, nil)); got != want {
			t.Errorf("%s (%s %s): the handler routes it to %q, want %q: run go generate", op.Op.OperationID, op.Method, path, got, want)
		}
	}
	patterns := mux.Patterns()
	if len(patterns) > len(k.ops) {
		var extra []string
		for _, p := range patterns {
			if !slices.ContainsFunc(k.ops, func(op openapi.Operation) bool { return op.Method+" "+op.Path == p }) {
				extra = append(extra, p)
			}
		}
		t.Errorf("the handler has %d patterns for %d operations of the spec; not in the spec: %q: run go generate", len(patterns), len(k.ops), extra)
	}
}
