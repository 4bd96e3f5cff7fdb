package rocketchat_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	gen "github.com/standin/standin/gen/rocketchat"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
)

// TestHandlerRoutesEverySpecOperation builds the generated std-http handler
// (oapi-codegen's routes can clash at start-up, not at compile time) on the
// router the mock uses, and checks that every operation of the spec reaches
// its handler: a middleware answers 204 in place of the server, so no
// implementation is needed.
func TestHandlerRoutesEverySpecOperation(t *testing.T) {
	doc, err := openapi.Load("rocketchat")
	if err != nil {
		t.Fatal(err)
	}
	reached := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	}
	h := gen.HandlerWithOptions(nil, gen.StdHTTPServerOptions{BaseRouter: mockserver.NewMux(), Middlewares: []gen.MiddlewareFunc{reached}})
	ops := openapi.Operations(doc)
	for _, op := range ops {
		t.Run(op.Op.OperationID, func(t *testing.T) {
			path := strings.NewReplacer("{", "x", "}", "").Replace(op.Path) // any value for path parameters
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(op.Method, path, strings.NewReader("{}")))
			if rec.Code != http.StatusNoContent {
				t.Errorf("%s %s: got %d, want the operation's handler to be reached", op.Method, path, rec.Code)
			}
		})
	}
	if want := reflect.TypeFor[gen.StrictServerInterface]().NumMethod(); len(ops) != want {
		t.Errorf("the spec has %d operations, the generated server interface %d: run go generate", len(ops), want)
	}
}
