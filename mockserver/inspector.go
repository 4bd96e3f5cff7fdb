package mockserver

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// The inspector is a web page over the admin API, at /__standin/ui: the
// mounted APIs with their credentials, the live journal, the namespaces
// and their state, webhooks and fault rules. Its files are plain HTML, CSS
// and JavaScript, embedded here, so that it works offline and needs no
// build step. They hold no data: the page reads everything from the admin
// API with the admin token, which it asks for when one is needed, so the
// guard lets GET requests for the files through without the token.
//
//go:embed inspector
var inspectorFS embed.FS

// uiPath is where the inspector is served.
const uiPath = AdminPrefix + "/ui"

// uiPolicy is the Content-Security-Policy of the inspector's files: its
// own scripts, styles and admin API only, no inline script, no framing.
const uiPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// uiFile is one of the inspector's files, ready to serve.
type uiFile struct {
	data        []byte
	contentType string
	etag        string
}

// uiFiles are the inspector's files by name ("index.html", "app.js").
var uiFiles = func() map[string]uiFile {
	types := map[string]string{
		".html": "text/html; charset=utf-8",
		".js":   "text/javascript; charset=utf-8",
		".css":  "text/css; charset=utf-8",
		".svg":  "image/svg+xml",
	}
	files := map[string]uiFile{}
	err := fs.WalkDir(inspectorFS, "inspector", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := inspectorFS.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		files[strings.TrimPrefix(name, "inspector/")] = uiFile{
			data:        data,
			contentType: cmp.Or(types[path.Ext(name)], "application/octet-stream"),
			etag:        `"` + hex.EncodeToString(sum[:12]) + `"`,
		}
		return nil
	})
	if err != nil {
		panic("mockserver: inspector files: " + err.Error())
	}
	return files
}()

// isUIFile reports whether r asks for one of the inspector's files (or a
// path where one could be), which the admin guard serves without the
// token: they hold no data.
func isUIFile(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && under(r.URL.Path, uiPath)
}

// serveUI serves the inspector's files: the page at /__standin/ui (and
// /__standin/ui/), the others at /__standin/ui/NAME.
func (s *Server) serveUI(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		adminError(w, http.StatusMethodNotAllowed, "method %s is not allowed on %s (allowed: GET, HEAD)", r.Method, r.URL.Path)
		return
	}
	name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, uiPath), "/")
	if name == "" {
		name = "index.html"
	}
	f, ok := uiFiles[name]
	if !ok {
		adminError(w, http.StatusNotFound, "no inspector file at %s (the inspector is at %s)", clipText(r.URL.Path, 200), uiPath)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Content-Security-Policy", uiPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", f.etag)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.data))
}

// adminAPIs lists the mounted APIs for the inspector: where each is served
// (as reached through the request's Host), what a client needs to call it,
// and where its docs and spec are.
func (s *Server) adminAPIs(w http.ResponseWriter, r *http.Request) {
	type credential struct {
		Key   string `json:"key"`
		Value string `json:"value"`
		Hint  string `json:"hint,omitempty"`
	}
	type api struct {
		Name        string       `json:"name"`
		Title       string       `json:"title"`
		Prefix      string       `json:"prefix"`
		BaseURL     string       `json:"baseURL"`
		Credentials []credential `json:"credentials"`
		Docs        string       `json:"docs"`
		Spec        string       `json:"spec"`
	}
	root := BaseURL(r) // an admin request has no mount path: the server's root
	list := make([]api, 0, len(s.apis))
	for _, m := range s.apis {
		creds := make([]credential, 0, len(m.api.Credentials))
		for _, c := range m.api.Credentials {
			creds = append(creds, credential{c.Key, c.Value, c.Hint})
		}
		list = append(list, api{
			Name: m.api.Name, Title: cmp.Or(m.api.Title, m.api.Name), Prefix: m.prefix,
			BaseURL:     root + m.prefix,
			Credentials: creds,
			Docs:        m.prefix + DocsPath,
			Spec:        m.prefix + SpecJSONPath,
		})
	}
	WriteJSON(w, http.StatusOK, map[string]any{"apis": list})
}

// adminNamespaces lists the default namespace, which always exists,
// then the others that hold state, sorted: at most the store's namespace
// limit plus one. "held" says whether the store could tell which hold state
// (a Store that is no NamespaceLister lists the default one alone).
func (s *Server) adminNamespaces(w http.ResponseWriter, _ *http.Request) {
	list := []NamespaceInfo{{Name: DefaultNamespace, APIs: []string{}}}
	l, ok := s.store.(NamespaceLister)
	if ok {
		for _, ns := range l.Namespaces() {
			if ns.Name == DefaultNamespace {
				list[0] = ns
				continue
			}
			list = append(list, ns)
		}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"namespaces": list, "held": ok})
}
