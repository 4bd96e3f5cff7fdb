package mockservertest

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mocks"
)

// Call is one request of a hot-path benchmark: a typical call of an API,
// relative to its root, and the status it must get.
type Call struct {
	Name, Method, Path, Body string
	Status                   int
}

// BenchmarkCalls sends each call b.N times through the whole pipeline of
// `standin serve` with its default configuration (validation, state and
// journal on; the API at the root of its handler, authenticated with the
// test hooks' default credentials), with request logs dropped as --quiet
// drops them, and in a /logged variant formatted as text to io.Discard.
// Every answer must have the call's status. Profile one with -cpuprofile.
func BenchmarkCalls(b *testing.B, mock *mockserver.Mock, calls []Call) {
	for _, logged := range []bool{false, true} {
		logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
		suffix := ""
		if logged {
			logger, suffix = slog.New(slog.NewTextHandler(io.Discard, nil)), "/logged"
		}
		catalog := mocks.Catalog{mock}
		srv, err := catalog.New(catalog.Default(), logger)
		if err != nil {
			b.Fatal(err)
		}
		h, err := srv.RootHandler(mock.Name)
		if err != nil {
			b.Fatal(err)
		}
		var auth http.Header
		if mock.Test.Login != nil {
			if auth, err = mock.Test.Login(h, mockserver.DefaultNamespace); err != nil {
				b.Fatalf("log in: %v", err)
			}
		}
		for _, c := range calls {
			b.Run(c.Name+suffix, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					r := httptest.NewRequest(c.Method, "http://127.0.0.1"+c.Path, strings.NewReader(c.Body))
					if c.Body != "" {
						r.Header.Set("Content-Type", "application/json")
					}
					for k, v := range auth {
						r.Header[k] = v
					}
					w := httptest.NewRecorder()
					h.ServeHTTP(w, r)
					if w.Code != c.Status {
						b.Fatalf("%s %s: status %d, want %d: %s", c.Method, c.Path, w.Code, c.Status, w.Body)
					}
				}
			})
		}
	}
}
