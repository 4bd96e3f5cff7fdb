package openapi

import (
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Router answers every request as kin-openapi's legacy router does: for
// every operation of every embedded spec, its path with the parameters
// filled in, asked with every method, and paths no operation has.
func TestRouterRoutesAsKinOpenAPIDoes(t *testing.T) {
	param := regexp.MustCompile(`\{[^}]+\}`)
	methods := []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodTrace}
	for _, api := range Names() {
		t.Run(api, func(t *testing.T) {
			doc, err := LoadLean(api)
			if err != nil {
				t.Fatal(err)
			}
			ours, err := NewRouter(doc)
			if err != nil {
				t.Fatal(err)
			}
			kin, err := legacy.NewRouter(doc)
			if err != nil {
				t.Fatal(err)
			}
			paths := []string{"/", "", "/no/such/path", "/api", "/v1/"}
			for _, p := range doc.Paths.InMatchingOrder() {
				n := 0
				filled := param.ReplaceAllStringFunc(p, func(string) string { n++; return "v" + strconv.Itoa(n) })
				paths = append(paths, filled, filled+"/", filled+"/extra", p)
			}
			routed := 0
			for _, p := range paths {
				for _, m := range methods {
					req, err := http.NewRequest(m, "http://standin.invalid"+p, nil)
					if err != nil {
						t.Fatal(err)
					}
					gotRoute, gotParams, gotErr := ours.FindRoute(req)
					wantRoute, wantParams, wantErr := kin.FindRoute(req)
					if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
						t.Fatalf("%s %s: error %v, kin-openapi's %v", m, p, gotErr, wantErr)
					}
					if gotErr != nil {
						var re *routers.RouteError
						if !errors.As(gotErr, &re) {
							t.Fatalf("%s %s: error %T, want a *routers.RouteError", m, p, gotErr)
						}
						continue
					}
					routed++
					if gotRoute.Path != wantRoute.Path || gotRoute.Method != wantRoute.Method || gotRoute.Operation != wantRoute.Operation ||
						gotRoute.PathItem != wantRoute.PathItem || gotRoute.Spec != wantRoute.Spec {
						t.Fatalf("%s %s: routed to %s %s, kin-openapi to %s %s", m, p, gotRoute.Method, gotRoute.Path, wantRoute.Method, wantRoute.Path)
					}
					if !maps.Equal(gotParams, wantParams) {
						t.Fatalf("%s %s: parameters %v, kin-openapi's %v", m, p, gotParams, wantParams)
					}
				}
			}
			if ops := len(Operations(doc)); routed < ops {
				t.Fatalf("%d requests routed, fewer than the %d operations", routed, ops)
			}
		})
	}
}

func TestRouterRefusesServers(t *testing.T) {
	doc := &openapi3.T{Servers: openapi3.Servers{{URL: "https://example.test/v1"}}, Paths: openapi3.NewPaths()}
	if _, err := NewRouter(doc); !errors.Is(err, ErrServers) {
		t.Fatalf("NewRouter of a document with servers: %v, want ErrServers", err)
	}
}

// BenchmarkRouterFindRoute routes a path without parameters (most of
// Rocket.Chat's) and one with, through the lean Rocket.Chat and Ethora
// documents.
func BenchmarkRouterFindRoute(b *testing.B) {
	for _, c := range []struct{ api, name, method, target string }{
		{"rocketchat", "static", http.MethodGet, "/api/v1/channels.info?roomName=general"},
		{"ethora", "parameters", http.MethodGet, "/v2/apps/standin-app"},
	} {
		doc, err := LoadLean(c.api)
		if err != nil {
			b.Fatal(err)
		}
		router, err := NewRouter(doc)
		if err != nil {
			b.Fatal(err)
		}
		req := httptest.NewRequest(c.method, c.target, nil)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := router.FindRoute(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
