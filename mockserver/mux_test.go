package mockserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/standin/standin/mockserver"
)

// testMux returns a Mux that refuses in the test API's envelope, with
// overlapping patterns that ServeMux alone would refuse.
func testMux() *mockserver.Mux {
	m := mockserver.NewMux(petsEnvelope("mux"))
	reply := func(name string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, name+" "+r.PathValue("app")+" "+r.PathValue("job")+r.PathValue("user"))
		}
	}
	m.HandleFunc("GET /apps/{app}/users/batch/{job}", reply("job"))
	m.HandleFunc("GET /apps/{app}/users/{user}/chats", reply("chats")) // ServeMux panics here
	m.HandleFunc("PATCH /apps/{app}/chats/users", reply("users"))
	m.HandleFunc("PATCH /apps/{app}/chats/{user}", reply("chat"))
	m.HandleFunc("GET /files/", reply("files"))
	m.HandleFunc("GET /docs/{rest...}", reply("docs"))
	m.HandleFunc("GET /exact/{$}", reply("exact"))
	return m
}

func TestMuxAcceptsConflictingPatterns(t *testing.T) {
	m := testMux()
	for _, tc := range []struct{ method, path, want, pattern string }{
		{"GET", "/apps/a/users/batch/j1", "job a j1", "GET /apps/{app}/users/batch/{job}"},
		{"GET", "/apps/a/users/u1@x.y/chats", "chats a u1@x.y", "GET /apps/{app}/users/{user}/chats"},
		{"GET", "/apps/a/users/batch/chats", "job a chats", "GET /apps/{app}/users/batch/{job}"}, // the first registration wins
		{"PATCH", "/apps/a/chats/users", "users a ", "PATCH /apps/{app}/chats/users"},
		{"PATCH", "/apps/a/chats/room1", "chat a room1", "PATCH /apps/{app}/chats/{user}"},
		{"GET", "/files/a/b", "files  ", "GET /files/"},
		{"GET", "/files/", "files  ", "GET /files/"},
		{"GET", "/docs/a/b", "docs  ", "GET /docs/{rest...}"},
		{"GET", "/docs/", "docs  ", "GET /docs/{rest...}"},
		{"GET", "/exact/", "exact  ", "GET /exact/{$}"},
		{"HEAD", "/apps/a/users/batch/j1", "job a j1", "GET /apps/{app}/users/batch/{job}"}, // GET patterns serve HEAD, as in ServeMux
	} {
		r := httptest.NewRequest(tc.method, tc.path, nil)
		if got := m.Pattern(r); got != tc.pattern {
			t.Errorf("Pattern(%s %s) = %q, want %q", tc.method, tc.path, got, tc.pattern)
		}
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK || rec.Body.String() != tc.want {
			t.Errorf("%s %s: got %d %q, want %q", tc.method, tc.path, rec.Code, rec.Body, tc.want)
		}
	}
}

func TestMuxPatterns(t *testing.T) {
	want := []string{
		"GET /apps/{app}/users/batch/{job}",
		"GET /apps/{app}/users/{user}/chats",
		"PATCH /apps/{app}/chats/users",
		"PATCH /apps/{app}/chats/{user}",
		"GET /files/",
		"GET /docs/{rest...}",
		"GET /exact/{$}",
	}
	m := testMux()
	got := m.Patterns()
	if !slices.Equal(got, want) {
		t.Fatalf("Patterns() = %q, want %q in registration order", got, want)
	}
	got[0] = "changed"
	if m.Patterns()[0] != want[0] {
		t.Error("Patterns() returns the Mux's own slice")
	}
	if got := mockserver.NewMux(petsEnvelope("mux")).Patterns(); len(got) != 0 {
		t.Errorf("Patterns() of an empty Mux = %q", got)
	}
}

// TestMuxNeverRedirects: what the Mux cannot route, an unclean path
// included, is answered 404 in its envelope, where a ServeMux would answer
// a redirect or a plain-text 404.
func TestMuxNeverRedirects(t *testing.T) {
	m := testMux()
	for _, tc := range []struct{ method, path string }{
		{"GET", "/nowhere"},
		{"GET", "/"},
		{"DELETE", "/apps/a/users/batch/j1"}, // a path with other methods only
		{"GET", "/apps/a/users/./batch/j1"},
		{"GET", "/apps/a/users/x/../batch/j1"},
		{"GET", "/apps//a/users/batch/j1"},
		{"GET", "/files"}, // ServeMux redirects to /files/
		{"GET", "/docs"},  // and to /docs/
		{"GET", "/exact"}, // and to /exact/
		{"GET", "/exact/x"},
		{"GET", "/files/../apps"}, // ServeMux redirects to the clean path
		{"GET", "/files//x"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.path, nil)
			if got := m.Pattern(r); got != "" {
				t.Errorf("Pattern = %q, want none", got)
			}
			w := httptest.NewRecorder()
			m.ServeHTTP(w, r)
			if loc := w.Header().Get("Location"); loc != "" {
				t.Errorf("redirect to %q", loc)
			}
			problemOf(t, w, http.StatusNotFound, mockserver.KindNotFound)
			if got := w.Header().Get(apiHeader); got != "mux" {
				t.Errorf("answered by %q, want the Mux's envelope", got)
			}
		})
	}
}

func TestMuxPanicsOnMalformedPattern(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a malformed pattern was accepted")
		}
	}()
	mockserver.NewMux(petsEnvelope("mux")).HandleFunc("GET /a/{", func(http.ResponseWriter, *http.Request) {})
}

// TestMuxTrailingSlash: a path with one trailing slash reaches the pattern
// without it, as the core's router matched it (GET /ethora/v2/apps/ was
// validated as listApps and then answered 404).
func TestMuxTrailingSlash(t *testing.T) {
	m := mockserver.NewMux(mockserver.Envelope{Render: func(w http.ResponseWriter, _ *http.Request, e *mockserver.Error) {
		w.WriteHeader(e.Status)
	}})
	m.HandleFunc("GET /apps", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	for path, want := range map[string]int{"/apps": http.StatusTeapot, "/apps/": http.StatusTeapot, "/apps//": http.StatusNotFound, "/apps/x/": http.StatusNotFound} {
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != want {
			t.Errorf("GET %s = %d, want %d", path, rec.Code, want)
		}
	}
}
