package mockserver_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
)

// loadServed parses a served spec with kin-openapi's loader, as a tool
// that imports it would.
func loadServed(tb testing.TB, w *httptest.ResponseRecorder) *openapi3.T {
	tb.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(w.Body.Bytes())
	if err != nil {
		tb.Fatalf("the served spec does not load: %v\n%.500s", err, w.Body)
	}
	return doc
}

// sameBut reports, as a diff-like message, how got differs from want once
// both have their servers cleared; "" when they are the same document.
func sameBut(tb testing.TB, want, got *openapi3.T) string {
	tb.Helper()
	marshal := func(doc *openapi3.T) []byte {
		top, err := doc.MarshalYAML()
		if err != nil {
			tb.Fatal(err)
		}
		m := top.(map[string]any)
		delete(m, "servers")
		b, err := json.Marshal(m)
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	w, g := marshal(want), marshal(got)
	if bytes.Equal(w, g) {
		return ""
	}
	i := 0
	for i < min(len(w), len(g)) && w[i] == g[i] {
		i++
	}
	lo := max(0, i-80)
	return "first difference at byte " + strconv.Itoa(i) + ":\nwant …" + string(w[lo:min(len(w), i+80)]) + "\ngot  …" + string(g[lo:min(len(g), i+80)])
}

// TestServedSpecsNameTheMock: the spec at /openapi.json and /openapi.yaml
// loads, lists one server, the URL the request came in on plus the API's
// prefix (the root on a RootHandler), and is otherwise the API's spec;
// the API's shared document is left as it was.
func TestServedSpecsNameTheMock(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	spec := loadSpec(t)
	root, err := srv.RootHandler("pets")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		h       http.Handler
		path    string
		host    string
		headers map[string]string
		want    string
	}{
		{"prefixed json", srv.Handler(), "/pets/openapi.json", "127.0.0.1:8080", nil, "http://127.0.0.1:8080/pets"},
		{"prefixed yaml", srv.Handler(), "/pets/openapi.yaml", "mock.internal:9999", nil, "http://mock.internal:9999/pets"},
		{"behind a proxy", srv.Handler(), "/pets/openapi.json", "127.0.0.1:8080",
			map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "mock.example.com"}, "https://mock.example.com/pets"},
		{"root json", root, "/openapi.json", "127.0.0.1:8081", nil, "http://127.0.0.1:8081"},
		{"root yaml", root, "/openapi.yaml", "localhost:8081", nil, "http://localhost:8081"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(tc.h, req{method: http.MethodGet, path: tc.path, host: tc.host, header: tc.headers})
			mustStatus(t, w, http.StatusOK)
			wantType := "application/json"
			if strings.HasSuffix(tc.path, ".yaml") {
				wantType = "application/yaml"
			}
			if ct := w.Header().Get("Content-Type"); ct != wantType {
				t.Errorf("Content-Type = %q, want %q", ct, wantType)
			}
			if cl := w.Header().Get("Content-Length"); cl != strconv.Itoa(w.Body.Len()) {
				t.Errorf("Content-Length = %s, body has %d bytes", cl, w.Body.Len())
			}
			doc := loadServed(t, w)
			if len(doc.Servers) != 1 || doc.Servers[0].URL != tc.want {
				var urls []string
				for _, s := range doc.Servers {
					urls = append(urls, s.URL)
				}
				t.Errorf("servers = %q, want [%q]", urls, tc.want)
			}
			for p := range spec.Paths.Map() {
				if doc.Paths.Value(p) == nil {
					t.Errorf("path %s of the spec is missing", p)
				}
			}
			if diff := sameBut(t, spec, doc); diff != "" {
				t.Errorf("the served spec differs from the API's beyond its servers: %s", diff)
			}
		})
	}
	// The API's own document still has no servers (routing relies on it).
	w := serve(srv.Handler(), req{method: http.MethodGet, path: "/pets/pets/1"})
	problemOf(t, w, http.StatusNotFound, mockserver.KindRule)
}

// TestServedEmbeddedSpecKeepsItsText: an API whose spec is the embedded
// one of its name serves that file as written in openapi.yaml, with only
// its servers block replaced; and its JSON is the same document.
func TestServedEmbeddedSpecKeepsItsText(t *testing.T) {
	for _, name := range openapi.Names() {
		t.Run(name, func(t *testing.T) {
			srv := mockserver.New(mockserver.Options{})
			doc := openapi.MustLoad(name)
			api := mockserver.API{Name: name, Spec: doc, Handler: http.NotFoundHandler(), Envelope: petsEnvelope(name)}
			if err := srv.Mount(api); err != nil {
				t.Fatal(err)
			}
			raw, err := openapi.Raw(name)
			if err != nil {
				t.Fatal(err)
			}
			w := serve(srv.Handler(), req{method: http.MethodGet, path: "/" + name + "/openapi.yaml"})
			mustStatus(t, w, http.StatusOK)
			want := "http://" + localHost + "/" + name
			served := loadServed(t, w)
			if len(served.Servers) != 1 || served.Servers[0].URL != want {
				t.Errorf("servers = %v, want one, %q", served.Servers, want)
			}
			if diff := sameBut(t, doc, served); diff != "" {
				t.Errorf("yaml: %s", diff)
			}
			if len(doc.Servers) != 0 {
				t.Errorf("serving the spec changed the shared document's servers: %v", doc.Servers)
			}
			// As written: the text before and after the servers block is
			// the file's.
			body := w.Body.String()
			at := strings.Index(string(raw), "\nservers:")
			if at < 0 || !strings.HasPrefix(body, string(raw[:at+1])) {
				t.Errorf("the served YAML does not begin with the file's text up to its servers")
			}
			rest := string(raw[at+1:])
			next := regexp.MustCompile(`(?m)^[a-z]`).FindStringIndex(rest[len("servers:"):])
			if next == nil || !strings.HasSuffix(body, rest[len("servers:")+next[0]:]) {
				t.Errorf("the served YAML does not end with the file's text after its servers")
			}

			w = serve(srv.Handler(), req{method: http.MethodGet, path: "/" + name + "/openapi.json"})
			mustStatus(t, w, http.StatusOK)
			if !json.Valid(w.Body.Bytes()) {
				t.Fatalf("openapi.json is not JSON")
			}
			served = loadServed(t, w)
			if len(served.Servers) != 1 || served.Servers[0].URL != want {
				t.Errorf("json servers = %v, want one, %q", served.Servers, want)
			}
			if diff := sameBut(t, doc, served); diff != "" {
				t.Errorf("json: %s", diff)
			}
		})
	}
}

// TestServedSpecQuotesTheURL: whatever Host a request names, the URL goes
// into the spec as a quoted string, so it cannot add keys to the document.
func TestServedSpecQuotesTheURL(t *testing.T) {
	h := newServer(t, mockserver.Options{}).Handler()
	host := "evil\"\n  x-injected: true\n#"
	for _, p := range []string{"/pets/openapi.yaml", "/pets/openapi.json"} {
		w := serve(h, req{method: http.MethodGet, path: p, header: map[string]string{"X-Forwarded-Host": host}})
		mustStatus(t, w, http.StatusOK)
		var doc map[string]any
		if err := yaml.Unmarshal(w.Body.Bytes(), &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if _, ok := doc["x-injected"]; ok {
			t.Errorf("%s: the Host added a key to the document", p)
		}
		servers, _ := doc["servers"].([]any)
		first, _ := servers[0].(map[string]any)
		if first["url"] != "http://"+host+"/pets" {
			t.Errorf("%s: servers[0].url = %q", p, first["url"])
		}
	}
}

var refs = regexp.MustCompile(`(?:src|href|data-spec)="([^"]+)"`)

// TestDocsPageLoadsTheServedSpec: /docs (and /docs/) is an HTML page whose
// script, style sheet, icons and spec, resolved against the page's URL,
// are the API's own /docs/… assets and /openapi.json, each served with its
// type; nothing is loaded from elsewhere.
func TestDocsPageLoadsTheServedSpec(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	root, err := srv.RootHandler("pets")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		h          http.Handler
		page, base string
	}{
		{srv.Handler(), "/pets/docs", "/pets"},
		{srv.Handler(), "/pets/docs/", "/pets"},
		{root, "/docs", ""},
		{root, "/docs/", ""},
	} {
		t.Run(tc.page, func(t *testing.T) {
			w := serve(tc.h, req{method: http.MethodGet, path: tc.page})
			mustStatus(t, w, http.StatusOK)
			if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			pageURL, _ := url.Parse("http://" + localHost + tc.page)
			found := map[string]bool{}
			for _, m := range refs.FindAllStringSubmatch(w.Body.String(), -1) {
				ref, err := url.Parse(m[1])
				if err != nil {
					t.Fatal(err)
				}
				abs := pageURL.ResolveReference(ref)
				if abs.Host != localHost {
					t.Errorf("the page loads %s from elsewhere", abs)
					continue
				}
				found[abs.Path] = true
				a := serve(tc.h, req{method: http.MethodGet, path: abs.Path})
				mustStatus(t, a, http.StatusOK)
				ct := a.Header().Get("Content-Type")
				switch {
				case strings.HasSuffix(abs.Path, ".js") && ct != "text/javascript; charset=utf-8",
					strings.HasSuffix(abs.Path, ".css") && ct != "text/css; charset=utf-8",
					strings.HasSuffix(abs.Path, ".png") && ct != "image/png",
					strings.HasSuffix(abs.Path, ".json") && ct != "application/json":
					t.Errorf("%s: Content-Type %q", abs.Path, ct)
				}
			}
			for _, want := range []string{tc.base + "/openapi.json", tc.base + "/docs/swagger-ui-bundle.js", tc.base + "/docs/swagger-ui.css"} {
				if !found[want] {
					t.Errorf("the page does not refer to %s (it refers to %v)", want, found)
				}
			}
			if !strings.Contains(w.Body.String(), "validatorUrl: null") {
				t.Errorf("the page leaves Swagger UI's online validator on")
			}
		})
	}
}

// TestDocsRoutes: the documents take GET and HEAD only (anything else is
// 405 in the API's envelope, with Allow), need no credentials, are not
// journaled, carry the API's CORS headers, revalidate assets by ETag, and
// serve no file of the UI's folder beyond what the page loads.
func TestDocsRoutes(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	h := srv.Handler()
	paths := []string{"/pets/openapi.yaml", "/pets/openapi.json", "/pets/docs", "/pets/docs/", "/pets/docs/swagger-ui-bundle.js"}

	t.Run("methods", func(t *testing.T) {
		for _, p := range paths {
			get := serve(h, req{method: http.MethodGet, path: p})
			mustStatus(t, get, http.StatusOK)
			head := serve(h, req{method: http.MethodHead, path: p})
			mustStatus(t, head, http.StatusOK)
			if head.Body.Len() != 0 || head.Header().Get("Content-Length") != strconv.Itoa(get.Body.Len()) {
				t.Errorf("HEAD %s: %d bytes, Content-Length %s; GET has %d", p, head.Body.Len(), head.Header().Get("Content-Length"), get.Body.Len())
			}
			for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions, "PROPFIND"} {
				w := serve(h, req{method: m, path: p, body: `{}`})
				problemOf(t, w, http.StatusMethodNotAllowed, mockserver.KindMethodNotAllowed)
				if got := w.Header().Get("Allow"); got != "GET, HEAD" {
					t.Errorf("%s %s: Allow = %q, want GET, HEAD", m, p, got)
				}
			}
		}
	})

	t.Run("no credentials, not journaled", func(t *testing.T) {
		srv.Journal().Clear()
		for _, p := range paths {
			mustStatus(t, serve(h, req{method: http.MethodGet, path: p}), http.StatusOK) // the pets API wants X-Key
		}
		serve(h, req{method: http.MethodPost, path: "/pets/docs"})
		serve(h, req{method: http.MethodGet, path: "/pets/pets", key: goodKey})
		entries := srv.Journal().Last(100, nil)
		if len(entries) != 1 || entries[0].Path != "/pets/pets" {
			var got []string
			for _, e := range entries {
				got = append(got, e.Method+" "+e.Path)
			}
			t.Errorf("journal = %q, want the API request alone", got)
		}
	})

	t.Run("cors", func(t *testing.T) {
		const origin = "http://frontend.example"
		w := serve(h, req{method: http.MethodGet, path: "/pets/openapi.json", header: map[string]string{"Origin": origin}})
		mustStatus(t, w, http.StatusOK)
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != origin {
			t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, origin)
		}
		w = serve(h, req{method: http.MethodOptions, path: "/pets/openapi.json", header: map[string]string{
			"Origin": origin, "Access-Control-Request-Method": "GET"}})
		mustStatus(t, w, http.StatusNoContent)
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != origin {
			t.Errorf("preflight: Access-Control-Allow-Origin = %q, want %q", got, origin)
		}
	})

	t.Run("etag", func(t *testing.T) {
		w := serve(h, req{method: http.MethodGet, path: "/pets/docs/swagger-ui.css"})
		mustStatus(t, w, http.StatusOK)
		tag := w.Header().Get("ETag")
		if tag == "" {
			t.Fatal("no ETag on an asset")
		}
		w = serve(h, req{method: http.MethodGet, path: "/pets/docs/swagger-ui.css", header: map[string]string{"If-None-Match": tag}})
		if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
			t.Errorf("If-None-Match with the asset's ETag: %d and %d bytes, want 304 and none", w.Code, w.Body.Len())
		}
	})

	t.Run("nothing else", func(t *testing.T) {
		for _, p := range []string{"/pets/docs/swagger-ui.js", "/pets/docs/index.html", "/pets/docs/swagger-ui-bundle.js.map",
			"/pets/docs/swagger-initializer.js", "/pets/docs/oauth2-redirect.html", "/pets/docs/../openapi.json", "/pets/docs//swagger-ui.css", "/pets/openapi.yml"} {
			problemOf(t, serve(h, req{method: http.MethodGet, path: p}), http.StatusNotFound, mockserver.KindNotFound)
		}
	})
}

// TestDocsAtIndex: the index lists where each API's reference and spec
// are.
func TestDocsAtIndex(t *testing.T) {
	h := newServer(t, mockserver.Options{}).Handler()
	w := serve(h, req{method: http.MethodGet, path: "/", host: "mock.internal:8080"})
	mustStatus(t, w, http.StatusOK)
	var index struct {
		APIs []map[string]string `json:"apis"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &index); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"name": "pets", "path": "/pets", "docs": "http://mock.internal:8080/pets/docs",
		"specJson": "http://mock.internal:8080/pets/openapi.json", "specYaml": "http://mock.internal:8080/pets/openapi.yaml"}
	if len(index.APIs) != 1 || !equalMaps(index.APIs[0], want) {
		t.Errorf("index apis = %v, want [%v]", index.APIs, want)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// ownDocsSpec defines operations where the documents would be.
const ownDocsSpec = `openapi: 3.0.3
info: {title: Own docs, version: "1"}
paths:
  /openapi.json:
    get:
      responses: {"200": {description: its own}}
  /docs/{page}:
    post:
      parameters: [{name: page, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: its own}}
`

// TestSpecOperationsWinOverDocs: a path of the documents that the API's
// spec defines (whatever the method) is the API's; the others are still
// served, and the index lists only those.
func TestSpecOperationsWinOverDocs(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(ownDocsSpec))
	if err != nil {
		t.Fatal(err)
	}
	own := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Own", "yes")
		w.WriteHeader(http.StatusOK)
	})
	srv := mockserver.New(mockserver.Options{})
	if err := srv.Mount(mockserver.API{Name: "own", Spec: doc, Handler: own, Envelope: petsEnvelope("own")}); err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	if w := serve(h, req{method: http.MethodGet, path: "/own/openapi.json"}); w.Header().Get("X-Own") != "yes" {
		t.Errorf("GET /openapi.json: %d %.200s, want the API's own operation", w.Code, w.Body)
	}
	// /docs/{page} is a POST operation: the asset's GET goes to the API,
	// which has no GET there.
	problemOf(t, serve(h, req{method: http.MethodGet, path: "/own/docs/swagger-ui-bundle.js"}), http.StatusMethodNotAllowed, mockserver.KindMethodNotAllowed)
	for _, p := range []string{"/own/openapi.yaml", "/own/docs"} {
		mustStatus(t, serve(h, req{method: http.MethodGet, path: p}), http.StatusOK)
	}
	w := serve(h, req{method: http.MethodGet, path: "/"})
	var index struct {
		APIs []map[string]string `json:"apis"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &index)
	if len(index.APIs) != 1 || index.APIs[0]["specJson"] != "" || index.APIs[0]["specYaml"] == "" || index.APIs[0]["docs"] == "" {
		t.Errorf("index apis = %v, want specYaml and docs but no specJson", index.APIs)
	}
}

// TestDocsConcurrentFirstUse: the renderings are built once, safely, when
// many requests ask for them at the same time (run with -race).
func TestDocsConcurrentFirstUse(t *testing.T) {
	h := newServer(t, mockserver.Options{}).Handler()
	var wg sync.WaitGroup
	bodies := make([]string, 16)
	for i := range bodies {
		wg.Go(func() {
			p := "/pets/openapi.json"
			if i%2 == 1 {
				p = "/pets/openapi.yaml"
			}
			w := serve(h, req{method: http.MethodGet, path: p, host: "h" + strconv.Itoa(i) + ":1"})
			if w.Code == http.StatusOK {
				bodies[i] = w.Body.String()
			}
		})
	}
	wg.Wait()
	for i, b := range bodies {
		if !strings.Contains(b, "http://h"+strconv.Itoa(i)+":1/pets") {
			t.Errorf("request %d: its spec does not name its own host: %.200s", i, b)
		}
	}
}

// BenchmarkServedSpec measures a request for the Rocket.Chat spec once its
// renderings are built: the cost is writing the bytes.
func BenchmarkServedSpec(b *testing.B) {
	srv := mockserver.New(mockserver.Options{JournalSize: -1})
	api := mockserver.API{Name: "rocketchat", Spec: openapi.MustLoad("rocketchat"), Handler: http.NotFoundHandler(), Envelope: petsEnvelope("rocketchat")}
	if err := srv.Mount(api); err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	for _, p := range []string{"/rocketchat/openapi.json", "/rocketchat/openapi.yaml"} {
		b.Run(p, func(b *testing.B) {
			mustStatus(b, serve(h, req{method: http.MethodGet, path: p}), http.StatusOK) // built here
			b.ReportAllocs()
			for b.Loop() {
				w := serve(h, req{method: http.MethodGet, path: p})
				if w.Code != http.StatusOK {
					b.Fatal(w.Code)
				}
			}
		})
	}
}
