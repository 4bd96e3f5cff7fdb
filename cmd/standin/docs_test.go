package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
)

// TestDocsPathsFreeInEverySpec: no spec of the APIs standin serves has an
// operation where the served documents are (/openapi.yaml, /openapi.json,
// /docs and below), so none of them is hidden by its API's own routes.
// (Were one there, the spec's operation would win: see mockserver's
// TestSpecOperationsWinOverDocs.)
func TestDocsPathsFreeInEverySpec(t *testing.T) {
	for _, a := range apis {
		doc := openapi.MustLoad(a.mock.Name)
		for p := range doc.Paths.Map() {
			if p == mockserver.SpecYAMLPath || p == mockserver.SpecJSONPath || p == mockserver.DocsPath || strings.HasPrefix(p, mockserver.DocsPath+"/") {
				t.Errorf("%s: the spec defines %s, where the served documents are", a.mock.Name, p)
			}
		}
	}
}

// fetch GETs url and returns status, Content-Type and body.
func fetch(t *testing.T, url string) (int, string, []byte) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// tryOperation picks an operation of doc to call as "Try it out" would
// with no input: a public GET without required parameters if there is one,
// else a GET without path parameters, which the API refuses for want of
// credentials.
func tryOperation(doc *openapi3.T) (openapi.Operation, bool) {
	var fallback *openapi.Operation
	for _, op := range openapi.Operations(doc) {
		if op.Method != http.MethodGet || strings.Contains(op.Path, "{") {
			continue
		}
		required := false
		for _, p := range op.Op.Parameters {
			required = required || p.Value.Required
		}
		if !required && !op.Secured(doc) {
			return op, true
		}
		if fallback == nil {
			fallback = &op
		}
	}
	if fallback == nil {
		return openapi.Operation{}, false
	}
	return *fallback, true
}

// TestServedDocsOfEveryAPI: every API of standin serve, under its prefix
// and at the root of its own listener, serves its spec as YAML and JSON
// that load, name the URL they were fetched from as their one server and
// keep every path of the spec; a request to that server URL plus a path
// gets the mock's answer, the same as at the API's base URL; its /docs
// page refers to the spec and the Swagger UI bundle, which is served as
// JavaScript.
func TestServedDocsOfEveryAPI(t *testing.T) {
	srv, err := catalog().New(catalog().Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	shared := httptest.NewServer(srv.Handler())
	t.Cleanup(shared.Close)
	for _, a := range apis {
		name := a.mock.Name
		rootHandler, err := srv.RootHandler(name)
		if err != nil {
			t.Fatal(err)
		}
		root := httptest.NewServer(rootHandler)
		t.Cleanup(root.Close)
		for _, mode := range []struct{ what, base string }{{"prefixed", shared.URL + a.mock.Prefix}, {"root", root.URL}} {
			t.Run(name+"/"+mode.what, func(t *testing.T) {
				spec := openapi.MustLoad(name)
				var served *openapi3.T
				for _, file := range []string{"/openapi.yaml", "/openapi.json"} {
					code, ctype, body := fetch(t, mode.base+file)
					if code != http.StatusOK {
						t.Fatalf("GET %s: %d %.300s", file, code, body)
					}
					if want := map[string]string{"/openapi.yaml": "application/yaml", "/openapi.json": "application/json"}[file]; ctype != want {
						t.Errorf("%s: Content-Type %q, want %q", file, ctype, want)
					}
					doc, err := openapi3.NewLoader().LoadFromData(body)
					if err != nil {
						t.Fatalf("%s does not load: %v", file, err)
					}
					if len(doc.Servers) != 1 || doc.Servers[0].URL != mode.base {
						var urls []string
						for _, s := range doc.Servers {
							urls = append(urls, s.URL)
						}
						t.Errorf("%s: servers %q, want one, %s", file, urls, mode.base)
					}
					for p := range spec.Paths.Map() {
						if doc.Paths.Value(p) == nil {
							t.Errorf("%s lacks the spec's path %s", file, p)
						}
					}
					served = doc
				}
				if len(served.Servers) != 1 {
					return
				}

				// Try it out: the served server URL plus an operation's path.
				op, ok := tryOperation(spec)
				if !ok {
					t.Fatalf("no GET operation without path parameters to try")
				}
				code, _, body := fetch(t, served.Servers[0].URL+op.Path)
				direct, _, directBody := fetch(t, mode.base+op.Path)
				if code == http.StatusNotFound || code != direct {
					t.Errorf("GET %s%s (%s): %d %.200s; at the API's base URL: %d %.200s", served.Servers[0].URL, op.Path, op.Op.OperationID, code, body, direct, directBody)
				}
				if !op.Secured(spec) && code != http.StatusOK {
					t.Errorf("public %s: %d, want 200", op.Op.OperationID, code)
				}
				if op.Secured(spec) && code != http.StatusUnauthorized && code != http.StatusForbidden {
					t.Errorf("%s without credentials: %d, want the API's refusal (401 or 403)", op.Op.OperationID, code)
				}

				code, ctype, page := fetch(t, mode.base+"/docs")
				if code != http.StatusOK || ctype != "text/html; charset=utf-8" {
					t.Fatalf("GET /docs: %d %q", code, ctype)
				}
				for _, ref := range []string{`data-spec="openapi.json"`, `src="docs/swagger-ui-bundle.js"`, `href="docs/swagger-ui.css"`} {
					if !strings.Contains(string(page), ref) {
						t.Errorf("/docs does not hold %s", ref)
					}
				}
				code, ctype, js := fetch(t, mode.base+"/docs/swagger-ui-bundle.js")
				if code != http.StatusOK || ctype != "text/javascript; charset=utf-8" || !strings.Contains(string(js[:min(len(js), 200)]), "swagger-ui-bundle") {
					t.Errorf("GET /docs/swagger-ui-bundle.js: %d %q %.100s", code, ctype, js)
				}
			})
		}
	}

	// The index lists each API's documents.
	code, _, body := fetch(t, shared.URL+"/")
	var index struct {
		APIs []struct{ Name, Path, Docs, SpecJSON, SpecYAML string } `json:"apis"`
	}
	if err := json.Unmarshal(body, &index); err != nil || code != http.StatusOK {
		t.Fatalf("index: %d %s (%v)", code, body, err)
	}
	if len(index.APIs) != len(apis) {
		t.Fatalf("index lists %d APIs, want %d", len(index.APIs), len(apis))
	}
	for i, a := range apis {
		got, base := index.APIs[i], shared.URL+a.mock.Prefix
		if got.Name != a.mock.Name || got.Docs != base+"/docs" || got.SpecJSON != base+"/openapi.json" || got.SpecYAML != base+"/openapi.yaml" {
			t.Errorf("index entry %+v, want %s's documents under %s", got, a.mock.Name, base)
		}
	}
}
