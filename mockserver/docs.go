package mockserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	swaggerfiles "github.com/swaggo/files/v2"
	"go.yaml.in/yaml/v3"

	"github.com/standin/standin/openapi"
)

// The public documents of every mounted API, at these paths below its
// prefix (or at the root of its own listener): its spec as YAML and as
// JSON, with servers set to the URL the request came in on, so that a tool
// that imports it calls this mock; and an interactive API reference
// (Swagger UI, embedded in the binary, working offline) whose "Try it out"
// calls the mock. A path the API's spec defines itself stays the API's.
const (
	SpecYAMLPath = "/openapi.yaml"
	SpecJSONPath = "/openapi.json"
	DocsPath     = "/docs"
)

// docsAssets are the Swagger UI files the reference page loads, served
// under DocsPath from github.com/swaggo/files/v2; nothing else of that
// folder is served.
var docsAssets = []string{"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "favicon-16x16.png"}

// asset is one embedded file, read once.
type asset struct {
	body  []byte
	ctype string
	etag  string
}

var assetTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".png": "image/png",
}

// loadAssets reads docsAssets once, for every server of the process.
var loadAssets = sync.OnceValues(func() (map[string]*asset, error) {
	out := make(map[string]*asset, len(docsAssets))
	for _, name := range docsAssets {
		body, err := fs.ReadFile(swaggerfiles.FS, name)
		if err != nil {
			return nil, fmt.Errorf("mockserver: swagger ui: %w", err)
		}
		sum := sha256.Sum256(body)
		out[name] = &asset{body: body, ctype: assetTypes[path.Ext(name)], etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	}
	return out, nil
})

// docKind is what a documents path serves.
type docKind int

const (
	docSpecYAML docKind = iota + 1
	docSpecJSON
	docPage      // DocsPath: assets under "docs/"
	docPageSlash // DocsPath + "/": assets beside it
	docAsset
)

// apiDocs serves the documents of one mounted API. Its renderings of the
// spec are built on first use, once; a request only adds its server URL.
type apiDocs struct {
	routes map[string]docKind // path below the API's root -> what it serves
	spec   *openapi3.T
	name   string
	page   []byte // the reference page at DocsPath
	pageSl []byte // the same at DocsPath + "/"
	yaml   func() (splitDoc, error)
	json   func() (splitDoc, error)
}

// splitDoc is a rendering of the spec cut where its one server URL goes.
type splitDoc struct{ head, tail []byte }

// serverURLMark stands for the server URL in a rendering until a request
// says what it is; it must appear nowhere in a spec.
const serverURLMark = "standin-server-url-5f0c4d1e9b"

// serverDescription describes the one server the served specs list.
const serverDescription = "this standin mock"

// newAPIDocs prepares the documents of api, routed by router. A path of
// the documents that one of the spec's operations matches, whatever its
// method, is left to the spec.
func newAPIDocs(api API, router routers.Router) (*apiDocs, error) {
	d := &apiDocs{routes: map[string]docKind{}, spec: api.Spec, name: api.Name}
	want := map[string]docKind{SpecYAMLPath: docSpecYAML, SpecJSONPath: docSpecJSON, DocsPath: docPage, DocsPath + "/": docPageSlash}
	for _, name := range docsAssets {
		want[DocsPath+"/"+name] = docAsset
	}
	for p, kind := range want {
		if !specOwns(router, p) {
			d.routes[p] = kind
		}
	}
	title := api.Name
	if api.Spec.Info != nil && api.Spec.Info.Title != "" {
		title = api.Spec.Info.Title
	}
	var err error
	if d.page, err = renderPage(title, "docs/", SpecJSONPath[1:]); err != nil {
		return nil, err
	}
	if d.pageSl, err = renderPage(title, "", ".."+SpecJSONPath); err != nil {
		return nil, err
	}
	d.json = sync.OnceValues(d.renderJSON)
	d.yaml = sync.OnceValues(d.renderYAML)
	return d, nil
}

// specOwns reports whether an operation of the spec matches p with any
// method.
func specOwns(router routers.Router, p string) bool {
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodTrace} {
		probe, err := http.NewRequest(m, "http://standin.invalid"+p, nil)
		if err != nil {
			return true
		}
		if _, _, err := openapi.FindRoute(router, probe); err == nil {
			return true
		}
	}
	return false
}

// docsPage is the API reference: Swagger UI loading the served JSON spec,
// with nothing fetched from elsewhere (no validator badge, no top bar).
var docsPage = template.Must(template.New("docs").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · API reference · standin</title>
<link rel="stylesheet" href="{{.Assets}}swagger-ui.css">
<link rel="icon" type="image/png" href="{{.Assets}}favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="{{.Assets}}favicon-16x16.png" sizes="16x16">
<style>body { margin: 0; }</style>
</head>
<body>
<div id="swagger-ui" data-spec="{{.Spec}}"></div>
<script src="{{.Assets}}swagger-ui-bundle.js" charset="utf-8"></script>
<script>
window.ui = SwaggerUIBundle({
  url: new URL(document.getElementById("swagger-ui").dataset.spec, document.baseURI).href,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  presets: [SwaggerUIBundle.presets.apis],
  deepLinking: true,
  validatorUrl: null,
  displayRequestDuration: true,
  persistAuthorization: true
});
</script>
</body>
</html>
`))

func renderPage(title, assets, spec string) ([]byte, error) {
	var b bytes.Buffer
	if err := docsPage.Execute(&b, map[string]string{"Title": title, "Assets": assets, "Spec": spec}); err != nil {
		return nil, fmt.Errorf("mockserver: docs page: %w", err)
	}
	return b.Bytes(), nil
}

// embedded reports whether the API is served with the embedded spec of
// its name, whole or lean.
func (d *apiDocs) embedded() bool {
	if !slices.Contains(openapi.Names(), d.name) {
		return false
	}
	lean, err := openapi.LoadLean(d.name)
	if err == nil && lean == d.spec {
		return true
	}
	whole, err := openapi.Load(d.name)
	return err == nil && whole == d.spec
}

// whole returns the document to show: the whole embedded spec when the
// API routes with its lean rendering (openapi.LoadLean), which has no
// descriptions or examples; else the API's own document.
func (d *apiDocs) whole() (*openapi3.T, error) {
	if d.embedded() {
		return openapi.Load(d.name)
	}
	return d.spec, nil
}

// markedServers is the servers list of a rendering before a request fills
// in its URL.
func markedServers() []any {
	return []any{map[string]any{"url": serverURLMark, "description": serverDescription}}
}

// markedTop returns the spec's top level as a fresh map, its servers list
// marked; the shared document is not touched.
func (d *apiDocs) markedTop() (map[string]any, error) {
	doc, err := d.whole()
	if err != nil {
		return nil, err
	}
	top, err := doc.MarshalYAML()
	if err != nil {
		return nil, err
	}
	m, ok := top.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("mockserver: %s spec marshals to %T", d.name, top)
	}
	m["servers"] = markedServers()
	return m, nil
}

// renderJSON marshals the spec with the marked servers list. The shared
// document is not touched: its top level is marshalled to a fresh map.
func (d *apiDocs) renderJSON() (splitDoc, error) {
	m, err := d.markedTop()
	if err != nil {
		return splitDoc{}, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return splitDoc{}, fmt.Errorf("mockserver: %s spec as JSON: %w", d.name, err)
	}
	return split(b.Bytes())
}

// renderYAML returns the spec as written, with only its servers replaced,
// when the API's spec is the embedded one of its name (comments and order
// kept); otherwise the document marshalled as YAML.
func (d *apiDocs) renderYAML() (splitDoc, error) {
	if d.embedded() {
		raw, err := openapi.Raw(d.name)
		if err != nil {
			return splitDoc{}, err
		}
		if patched, ok := patchServers(raw); ok {
			return split(patched)
		}
	}
	m, err := d.markedTop()
	if err != nil {
		return splitDoc{}, err
	}
	out, err := yaml.Marshal(m)
	if err != nil {
		return splitDoc{}, fmt.Errorf("mockserver: %s spec as YAML: %w", d.name, err)
	}
	return split(out)
}

// patchServers replaces the top-level servers block of raw YAML (or adds
// one at the end) with the marked servers list. It checks its work: the
// result must parse to what raw parses to with only servers changed, or
// ok is false.
func patchServers(raw []byte) ([]byte, bool) {
	block := "servers:\n  - url: \"" + serverURLMark + "\"\n    description: " + serverDescription + "\n"
	lines := strings.SplitAfter(string(raw), "\n")
	start := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "servers:") })
	var out string
	if start < 0 {
		body := string(raw)
		if body != "" && !strings.HasSuffix(body, "\n") {
			body += "\n"
		}
		out = body + block
	} else {
		// The block goes on while lines are indented, list items at the
		// key's own column, or blank lines before more of the block.
		end, last := start+1, start+1
		for ; end < len(lines); end++ {
			l := lines[end]
			if strings.TrimSpace(l) == "" {
				continue
			}
			if l[0] != ' ' && l[0] != '\t' && l[0] != '-' {
				break
			}
			last = end + 1
		}
		out = strings.Join(lines[:start], "") + block + strings.Join(lines[last:], "")
	}
	var before, after map[string]any
	if yaml.Unmarshal(raw, &before) != nil || yaml.Unmarshal([]byte(out), &after) != nil || before == nil {
		return nil, false
	}
	before["servers"] = []any{map[string]any{"url": serverURLMark, "description": serverDescription}}
	return []byte(out), reflect.DeepEqual(before, after)
}

// split cuts a rendering at its one server URL mark, with the quotes
// around it if it has them: the URL goes in as a JSON string.
func split(doc []byte) (splitDoc, error) {
	mark := []byte(serverURLMark)
	if bytes.Count(doc, mark) != 1 {
		return splitDoc{}, errors.New("mockserver: the spec rendering does not hold its server URL once")
	}
	i := bytes.Index(doc, mark)
	j := i + len(mark)
	if i > 0 && j < len(doc) && (doc[i-1] == '"' && doc[j] == '"' || doc[i-1] == '\'' && doc[j] == '\'') {
		i, j = i-1, j+1
	}
	return splitDoc{head: doc[:i], tail: doc[j:]}, nil
}

// serve answers a request for the documents path p, which d.routes holds.
func (d *apiDocs) serve(w http.ResponseWriter, r *http.Request, p string, env Envelope) {
	if rec, ok := w.(*recorder); ok {
		rec.unjournaled = true
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		env.Write(w, r, &Error{Status: http.StatusMethodNotAllowed, Kind: KindMethodNotAllowed,
			Message: fmt.Sprintf("method %s is not allowed on %s (allowed: GET, HEAD)", clipText(r.Method, 20), r.URL.Path)})
		return
	}
	fail := func(err error) {
		env.Write(w, r, &Error{Status: http.StatusInternalServerError, Kind: KindInternal, Message: "internal error", Err: err})
	}
	switch d.routes[p] {
	case docSpecJSON, docSpecYAML:
		render, ctype := d.json, "application/json"
		if d.routes[p] == docSpecYAML {
			render, ctype = d.yaml, "application/yaml"
		}
		doc, err := render()
		if err != nil {
			fail(err)
			return
		}
		// A JSON string is also a YAML double-quoted scalar.
		url, _ := json.Marshal(BaseURL(r))
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Length", strconv.Itoa(len(doc.head)+len(url)+len(doc.tail)))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(doc.head)
			_, _ = w.Write(url)
			_, _ = w.Write(doc.tail)
		}
	case docPage, docPageSlash:
		page := d.page
		if d.routes[p] == docPageSlash {
			page = d.pageSl
		}
		writeDoc(w, r, "text/html; charset=utf-8", "", page)
	case docAsset:
		assets, err := loadAssets()
		if err != nil {
			fail(err)
			return
		}
		a := assets[strings.TrimPrefix(p, DocsPath+"/")]
		if r.Header.Get("If-None-Match") == a.etag {
			w.Header().Set("ETag", a.etag)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		writeDoc(w, r, a.ctype, a.etag, a.body)
	}
}

// writeDoc answers a GET or HEAD with body.
func writeDoc(w http.ResponseWriter, r *http.Request, ctype, etag string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	if etag != "" {
		h.Set("ETag", etag)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}
