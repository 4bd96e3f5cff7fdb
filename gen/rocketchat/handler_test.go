package rocketchat_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	gen "github.com/standin/standin/gen/rocketchat"
	"github.com/standin/standin/openapi"
)

// TestHandlerRoutesEverySpecOperation builds the generated std-http handler
// (oapi-codegen panics at start-up, not compile time, on some path shapes)
// and checks that every operation of the spec reaches its handler: a
// middleware answers 204 in place of the server, so no implementation is
// needed.
func TestHandlerRoutesEverySpecOperation(t *testing.T) {
	doc, err := openapi.Load("rocketchat")
	if err != nil {
		t.Fatal(err)
	}
	reached := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	}
	h := gen.HandlerWithOptions(nil, gen.StdHTTPServerOptions{Middlewares: []gen.MiddlewareFunc{reached}})

	n := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			t.Run(op.OperationID, func(t *testing.T) {
				var body *strings.Reader
				if method == http.MethodGet {
					body = strings.NewReader("")
				} else {
					body = strings.NewReader("{}")
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(method, path, body))
				if rec.Code != http.StatusNoContent {
					t.Errorf("%s %s: got %d, want the operation's handler to be reached", method, path, rec.Code)
				}
			})
		}
	}
	if want := reflect.TypeFor[gen.StrictServerInterface]().NumMethod(); n != want {
		t.Errorf("the spec has %d operations, the generated server interface %d: run go generate", n, want)
	}
}
