// Tests of the generated packages. The packages themselves hold only
// generated code; this file checks, for each, what compiling cannot: that
// its std-http handler builds (oapi-codegen's routes can clash at start-up)
// on the router the mocks use, and routes every operation of the spec.
package gen_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/standin/standin/gen/ethora"
	"github.com/standin/standin/gen/rocketchat"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
)

// reached answers 204 in place of the server, so the handlers need no
// implementation.
func reached(http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
}

func TestHandlersRouteEverySpecOperation(t *testing.T) {
	for _, tc := range []struct {
		api     string
		handler func() http.Handler
		methods int // of the generated StrictServerInterface
	}{
		{"rocketchat", func() http.Handler {
			return rocketchat.HandlerWithOptions(nil, rocketchat.StdHTTPServerOptions{
				BaseRouter: mockserver.NewMux(mockserver.Envelope{}), Middlewares: []rocketchat.MiddlewareFunc{reached}})
		}, reflect.TypeFor[rocketchat.StrictServerInterface]().NumMethod()},
		{"ethora", func() http.Handler {
			return ethora.HandlerWithOptions(nil, ethora.StdHTTPServerOptions{
				BaseRouter: mockserver.NewMux(mockserver.Envelope{}), Middlewares: []ethora.MiddlewareFunc{reached}})
		}, reflect.TypeFor[ethora.StrictServerInterface]().NumMethod()},
	} {
		t.Run(tc.api, func(t *testing.T) {
			doc, err := openapi.Load(tc.api)
			if err != nil {
				t.Fatal(err)
			}
			h := tc.handler()
			ops := openapi.Operations(doc)
			for _, op := range ops {
				path := strings.NewReplacer("{", "x", "}", "").Replace(op.Path) // any value for path parameters
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(op.Method, path, strings.NewReader("{}")))
				if rec.Code != http.StatusNoContent {
					t.Errorf("%s %s (%s): got %d, want the operation's handler to be reached", op.Method, path, op.Op.OperationID, rec.Code)
				}
			}
			if len(ops) != tc.methods {
				t.Errorf("the spec has %d operations, the generated server interface %d: run go generate", len(ops), tc.methods)
			}
		})
	}
}
