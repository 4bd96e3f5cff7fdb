package mockserver_test

import (
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
)

// The inspector's files: the page at /__standin/ui (and /ui/), its script
// and style sheet, each with its content type and the headers that keep a
// page showing attacker-controlled request bodies safe.
func TestInspectorFiles(t *testing.T) {
	h := newServer(t, mockserver.Options{}).Handler()
	for _, tc := range []struct{ path, contentType, contains string }{
		{"/__standin/ui", "text/html; charset=utf-8", "<title>standin inspector</title>"},
		{"/__standin/ui/", "text/html; charset=utf-8", "<title>standin inspector</title>"},
		{"/__standin/ui/index.html", "text/html; charset=utf-8", "<title>standin inspector</title>"},
		{"/__standin/ui/app.js", "text/javascript; charset=utf-8", "/__standin"},
		{"/__standin/ui/style.css", "text/css; charset=utf-8", ":root"},
	} {
		w := serve(h, req{method: http.MethodGet, path: tc.path})
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: %d %s, want 200", tc.path, w.Code, w.Body)
			continue
		}
		if got := w.Header().Get("Content-Type"); got != tc.contentType {
			t.Errorf("GET %s: Content-Type %q, want %q", tc.path, got, tc.contentType)
		}
		if !strings.Contains(w.Body.String(), tc.contains) {
			t.Errorf("GET %s: body does not contain %q", tc.path, tc.contains)
		}
		csp := w.Header().Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: Content-Security-Policy %q lacks %q", tc.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("GET %s: Content-Security-Policy %q allows inline or eval'd script", tc.path, csp)
		}
		if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q, want nosniff", tc.path, got)
		}
	}

	// The page loads its script and style from where they are served,
	// and has no inline script, which its policy would block.
	page := serve(h, req{method: http.MethodGet, path: "/__standin/ui"}).Body.String()
	for _, ref := range regexp.MustCompile(`(?:src|href)="(/__standin/ui/[^"]+)"`).FindAllStringSubmatch(page, -1) {
		if w := serve(h, req{method: http.MethodGet, path: ref[1]}); w.Code != http.StatusOK {
			t.Errorf("the page refers to %s, which answers %d", ref[1], w.Code)
		}
	}
	if !strings.Contains(page, `src="/__standin/ui/app.js"`) {
		t.Errorf("the page does not load /__standin/ui/app.js")
	}
	for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(page, -1) {
		if !strings.Contains(tag, "src=") {
			t.Errorf("inline script %s: the page's policy blocks it", tag)
		}
	}
	if regexp.MustCompile(`\son[a-z]+=`).MatchString(page) {
		t.Errorf("the page has an inline event handler, which its policy blocks")
	}

	// A file that is not there, and a method other than GET, are the
	// admin API's JSON refusals.
	adminErrorOf(t, serve(h, req{method: http.MethodGet, path: "/__standin/ui/nope.js"}), http.StatusNotFound)
	adminErrorOf(t, serve(h, req{method: http.MethodGet, path: "/__standin/ui/../snapshot"}), http.StatusNotFound)
	w := serve(h, req{method: http.MethodPost, path: "/__standin/ui"})
	adminErrorOf(t, w, http.StatusMethodNotAllowed)
	if got := w.Header().Get("Allow"); got != "GET, HEAD" {
		t.Errorf("POST /__standin/ui: Allow %q, want GET, HEAD", got)
	}
	// A browser that has the page revalidates it with its ETag.
	first := serve(h, req{method: http.MethodGet, path: "/__standin/ui/app.js"})
	etag := first.Header().Get("ETag")
	if etag == "" {
		t.Fatalf("app.js has no ETag")
	}
	again := serve(h, req{method: http.MethodGet, path: "/__standin/ui/app.js", header: map[string]string{"If-None-Match": etag}})
	if again.Code != http.StatusNotModified {
		t.Errorf("app.js with If-None-Match its ETag: %d, want 304", again.Code)
	}
}

// The index at / points to the inspector.
func TestIndexNamesInspector(t *testing.T) {
	h := newServer(t, mockserver.Options{})
	w := serve(h.Handler(), req{method: http.MethodGet, path: "/"})
	mustStatus(t, w, http.StatusOK)
	if got := decode[map[string]any](t, w)["inspector"]; got != "/__standin/ui" {
		t.Errorf("index inspector = %v, want /__standin/ui", got)
	}
}

// The page's script never puts data into the page as HTML: bodies in the
// journal come from whoever called the mock.
func TestInspectorScriptWritesNoHTML(t *testing.T) {
	h := newServer(t, mockserver.Options{}).Handler()
	js := serve(h, req{method: http.MethodGet, path: "/__standin/ui/app.js"}).Body.String()
	for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
		if strings.Contains(js, sink) {
			t.Errorf("app.js uses %s", sink)
		}
	}
}

// With an admin token, the inspector's files load without it (they hold
// no data), while the admin routes the page calls need it; the Host check
// applies to both.
func TestInspectorToken(t *testing.T) {
	const token = "s3cret-token"
	h := newServer(t, mockserver.Options{Admin: mockserver.AdminOptions{Token: token}}).Handler()
	bearer := map[string]string{"Authorization": "Bearer " + token}
	for _, path := range []string{"/__standin/ui", "/__standin/ui/", "/__standin/ui/app.js", "/__standin/ui/style.css"} {
		if w := serve(h, req{method: http.MethodGet, path: path}); w.Code != http.StatusOK {
			t.Errorf("GET %s without the token: %d %s, want 200", path, w.Code, w.Body)
		}
		if w := serve(h, req{method: http.MethodHead, path: path}); w.Code != http.StatusOK {
			t.Errorf("HEAD %s without the token: %d, want 200", path, w.Code)
		}
		adminErrorOf(t, serve(h, req{method: http.MethodGet, path: path, host: "attacker.example"}), http.StatusForbidden)
	}
	for _, path := range []string{"/__standin/apis", "/__standin/namespaces", "/__standin/journal", "/__standin/snapshot?namespace=default"} {
		adminErrorOf(t, serve(h, req{method: http.MethodGet, path: path}), http.StatusUnauthorized)
		adminErrorOf(t, serve(h, req{method: http.MethodGet, path: path, header: map[string]string{"Authorization": "Bearer wrong"}}), http.StatusUnauthorized)
		if w := serve(h, req{method: http.MethodGet, path: path, header: bearer}); w.Code != http.StatusOK {
			t.Errorf("GET %s with the token: %d %s, want 200", path, w.Code, w.Body)
		}
	}
	// Only reads of the files are let through: anything else under the
	// page's path still needs the token.
	adminErrorOf(t, serve(h, req{method: http.MethodPost, path: "/__standin/ui"}), http.StatusUnauthorized)
	adminErrorOf(t, serve(h, req{method: http.MethodDelete, path: "/__standin/ui/app.js"}), http.StatusUnauthorized)
}

type apiInfo struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Prefix      string `json:"prefix"`
	BaseURL     string `json:"baseURL"`
	Credentials []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
		Hint  string `json:"hint"`
	} `json:"credentials"`
	Docs string `json:"docs"`
	Spec string `json:"spec"`
}

// GET /__standin/apis lists each mounted API with its base URL as the
// caller reaches the server, the credentials it was built with, and where
// its docs and spec are.
func TestAdminAPIs(t *testing.T) {
	srv := mockserver.New(mockserver.Options{})
	pets := petsAPI(t, "pets", srv.Store())
	pets.Title = "Pet Shop"
	pets.Credentials = []mockserver.Credential{{Key: "key", Value: "k-123", Hint: "X-Key of the shop"}}
	if err := srv.Mount(pets); err != nil {
		t.Fatal(err)
	}
	zoo := petsAPI(t, "zoo", srv.Store())
	zoo.Prefix = "/z"
	if err := srv.Mount(zoo); err != nil {
		t.Fatal(err)
	}
	w := serve(srv.Handler(), req{method: http.MethodGet, path: "/__standin/apis", host: "localhost:9999"})
	mustStatus(t, w, http.StatusOK)
	got := decode[struct {
		APIs []apiInfo `json:"apis"`
	}](t, w).APIs
	if len(got) != 2 {
		t.Fatalf("apis = %s, want pets and zoo", w.Body)
	}
	p, z := got[0], got[1]
	if p.Name != "pets" || p.Title != "Pet Shop" || p.Prefix != "/pets" || p.BaseURL != "http://localhost:9999/pets" ||
		p.Docs != "/pets/docs" || p.Spec != "/pets/openapi.json" {
		t.Errorf("pets = %+v", p)
	}
	if len(p.Credentials) != 1 || p.Credentials[0].Key != "key" || p.Credentials[0].Value != "k-123" || p.Credentials[0].Hint != "X-Key of the shop" {
		t.Errorf("pets credentials = %+v, want key k-123", p.Credentials)
	}
	if z.Name != "zoo" || z.Title != "zoo" || z.Prefix != "/z" || z.BaseURL != "http://localhost:9999/z" || z.Docs != "/z/docs" {
		t.Errorf("zoo = %+v", z)
	}
	if z.Credentials == nil || len(z.Credentials) != 0 {
		t.Errorf("zoo credentials = %v, want an empty list", z.Credentials)
	}
}

// Mock.Build gives the API its title and the credentials it serves with,
// which GET /__standin/apis shows.
func TestMockBuildFillsTitleAndCredentials(t *testing.T) {
	type opts struct {
		Key string `yaml:"key"`
	}
	m := mockserver.Define(mockserver.Definition[opts]{
		Name: "pets", Title: "Pet Shop", Options: []byte("key: k-default\n"),
		Build: func(s mockserver.Setup, _ opts) (mockserver.API, error) { return petsAPI(t, "pets", s.Store), nil },
		Credentials: func(o opts) []mockserver.Credential {
			return []mockserver.Credential{{Key: "key", Value: o.Key, Hint: "X-Key"}}
		},
	})
	api, err := m.Build(mockserver.Setup{Store: mockserver.NewMemoryStore()}, opts{Key: "k-configured"})
	if err != nil {
		t.Fatal(err)
	}
	if api.Title != "Pet Shop" || api.Prefix != "/pets" {
		t.Errorf("Build: title %q, prefix %q; want Pet Shop, /pets", api.Title, api.Prefix)
	}
	if want := []mockserver.Credential{{Key: "key", Value: "k-configured", Hint: "X-Key"}}; !reflect.DeepEqual(api.Credentials, want) {
		t.Errorf("Build: credentials %+v, want %+v (the options it was built with)", api.Credentials, want)
	}
}

type nsInfo struct {
	Name     string    `json:"name"`
	APIs     []string  `json:"apis"`
	LastUsed time.Time `json:"lastUsed"`
}

func namespaces(t *testing.T, h http.Handler) []nsInfo {
	t.Helper()
	w := serve(h, req{method: http.MethodGet, path: "/__standin/namespaces"})
	mustStatus(t, w, http.StatusOK)
	return decode[struct {
		Namespaces []nsInfo `json:"namespaces"`
	}](t, w).Namespaces
}

func nsNames(list []nsInfo) []string {
	out := make([]string, len(list))
	for i, ns := range list {
		out[i] = ns.Name
	}
	return out
}

// GET /__standin/namespaces lists the default namespace first, always,
// then those that hold state, sorted, with the APIs that hold state there;
// a reset namespace leaves the list.
func TestAdminNamespaces(t *testing.T) {
	_, h := twoAPIServer(t, mockserver.Options{})
	got := namespaces(t, h)
	if len(got) != 1 || got[0].Name != mockserver.DefaultNamespace || len(got[0].APIs) != 0 || got[0].APIs == nil {
		t.Fatalf("namespaces of a new server = %+v, want default alone, with no API", got)
	}
	listPets(t, h, "/pets", "only-read") // a read creates no state
	createPet(t, h, "/pets", "b", "rex")
	createPet(t, h, "/zoo", "b", "leo")
	createPet(t, h, "/zoo", "a", "leo")
	got = namespaces(t, h)
	if want := []string{"default", "a", "b"}; !reflect.DeepEqual(nsNames(got), want) {
		t.Fatalf("namespaces = %v, want %v", nsNames(got), want)
	}
	if !reflect.DeepEqual(got[1].APIs, []string{"zoo"}) || !reflect.DeepEqual(got[2].APIs, []string{"pets", "zoo"}) {
		t.Errorf("APIs holding state: a %v, b %v; want [zoo], [pets zoo]", got[1].APIs, got[2].APIs)
	}
	if got[1].LastUsed.IsZero() || time.Since(got[1].LastUsed) < 0 {
		t.Errorf("a: lastUsed %v, want the time of its request", got[1].LastUsed)
	}
	createPet(t, h, "/pets", "", "rex")
	if got = namespaces(t, h); len(got) != 3 || got[0].Name != "default" || !reflect.DeepEqual(got[0].APIs, []string{"pets"}) {
		t.Errorf("after a change in default: %+v, want default first with [pets]", got)
	}
	mustStatus(t, serve(h, req{method: http.MethodPost, path: "/__standin/reset?namespace=b"}), http.StatusOK)
	if want := []string{"default", "a"}; !reflect.DeepEqual(nsNames(namespaces(t, h)), want) {
		t.Errorf("after resetting b: %v, want %v", nsNames(namespaces(t, h)), want)
	}
}

// The listing costs one entry per namespace that holds state, and leaves
// out those idle for the idle timeout, which read as their initial state
// (no sweep has dropped them yet: only changes sweep).
func TestMemoryStoreNamespacesSkipsIdle(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	st := mockserver.NewMemoryStoreWith(mockserver.MemoryOptions{
		Namespaces: mockserver.NamespaceLimits{Max: 10, IdleTimeout: time.Minute},
		Now:        func() time.Time { return now },
	})
	srv := mockserver.New(mockserver.Options{Store: st})
	if err := srv.Mount(petsAPI(t, "pets", st)); err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	createPet(t, h, "/pets", "old", "rex")
	createPet(t, h, "/pets", "new", "rex")
	now = now.Add(30 * time.Second)
	listPets(t, h, "/pets", "new") // a read touches the namespace
	touched := now
	now = now.Add(40 * time.Second) // old idle for 70s, new for 40s
	got := st.Namespaces()
	if len(got) != 1 || got[0].Name != "new" || !got[0].LastUsed.Equal(touched) {
		t.Errorf("Namespaces() = %+v, want new alone, last used %v", got, touched)
	}
}
