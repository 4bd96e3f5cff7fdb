package openapi

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/openapi/internal/compiled"
)

//go:embed *.yaml
var files embed.FS

// renderings are the specs as JSON (generate.go): what Load parses.
//
//go:embed json/*.json
var renderings embed.FS

// ErrUnknownAPI is returned for an API name that has no embedded spec.
var ErrUnknownAPI = errors.New("unknown API")

// Names lists the APIs with an embedded spec, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	slices.Sort(names)
	return names
}

// Raw returns the spec of api as written.
func Raw(api string) ([]byte, error) {
	b, err := files.ReadFile(api + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("openapi: %w %q", ErrUnknownAPI, api)
	}
	return b, nil
}

type loaded struct {
	once sync.Once
	doc  *openapi3.T
	err  error
}

var (
	cache     sync.Map // api name -> *loaded
	leanCache sync.Map // api name -> *loaded
)

// Load parses the spec of api once and returns the shared document. Its
// servers list is cleared so that routers match paths relative to wherever
// the API is mounted. Callers must not modify the document.
func Load(api string) (*openapi3.T, error) {
	v, _ := cache.LoadOrStore(api, &loaded{})
	l := v.(*loaded)
	l.once.Do(func() { l.doc, l.err = parse(api, "") })
	return l.doc, l.err
}

// LoadLean is Load without what only people read: the document has the
// same paths, operations, parameters, schemas and security, with every
// description empty and no summaries or examples. It is what the mock
// routes and validates requests with. It is not parsed but built by
// generated Go code (package internal/compiled) and its references
// resolved, in a tenth of the time parsing its JSON rendering takes
// (BenchmarkLoadLean), and takes less memory. Documents shown to people,
// and examples checked, come from Load.
func LoadLean(api string) (*openapi3.T, error) {
	v, _ := leanCache.LoadOrStore(api, &loaded{})
	l := v.(*loaded)
	l.once.Do(func() { l.doc, l.err = build(api) })
	return l.doc, l.err
}

// Preload starts building the lean document of api (LoadLean) in the
// background and returns at once: a server that will need it gets on with
// its start-up meanwhile, and a LoadLean of api waits for it rather than
// building it again. LoadLean reports an error to whoever needs the
// document.
func Preload(api string) {
	go func() { _, _ = LoadLean(api) }()
}

// MustLoad is Load for specs known to be embedded; it panics on error.
func MustLoad(api string) *openapi3.T {
	doc, err := Load(api)
	if err != nil {
		panic(err)
	}
	return doc
}

// build returns the lean document of api from package compiled, its
// references resolved and servers cleared: the document parsing
// json/<api>.lean.json gives (TestCompiledDocumentsAreTheLeanRenderings).
func build(api string) (*openapi3.T, error) {
	doc, ok := compiled.Document(api)
	if !ok {
		return nil, fmt.Errorf("openapi: %w %q", ErrUnknownAPI, api)
	}
	if err := openapi3.NewLoader().ResolveRefsIn(doc, nil); err != nil {
		return nil, fmt.Errorf("openapi: resolve the references of %s's lean document: %w", api, err)
	}
	doc.Servers = nil
	return doc, nil
}

// parse loads a JSON rendering of api's spec (variant "" or ".lean"):
// the document its YAML gives (TestJSONRenderingsAreCurrent), in about
// half the time.
func parse(api, variant string) (*openapi3.T, error) {
	name := "json/" + api + variant + ".json"
	raw, err := renderings.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w %q", ErrUnknownAPI, api)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("openapi: parse %s: %w", name, err)
	}
	doc.Servers = nil
	return doc, nil
}

// Validate checks the spec of api against the OpenAPI 3 rules, including
// every example against its schema.
func Validate(ctx context.Context, api string) error {
	raw, err := Raw(api)
	if err != nil {
		return err
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return fmt.Errorf("openapi: parse %s.yaml: %w", api, err)
	}
	if err := doc.Validate(ctx, openapi3.EnableExamplesValidation()); err != nil {
		return fmt.Errorf("openapi: %s.yaml: %w", api, err)
	}
	return nil
}

// ValidateFile loads the OpenAPI 3 document at path and checks it as
// Validate checks an embedded spec, examples included, returning the
// document when it is valid. References to other files are followed
// (relative to path); references to URLs are not.
func ValidateFile(ctx context.Context, path string) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = func(l *openapi3.Loader, location *url.URL) ([]byte, error) {
		if location.Scheme != "" || location.Host != "" {
			return nil, fmt.Errorf("reference to %s: only files are followed", location)
		}
		return openapi3.ReadFromFile(l, location)
	}
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if err := doc.Validate(ctx, openapi3.EnableExamplesValidation()); err != nil {
		return nil, err
	}
	return doc, nil
}

// Operation is one method and path of a spec.
type Operation struct {
	Method, Path string
	Op           *openapi3.Operation
}

// Operations lists every operation of doc, sorted by path then method.
func Operations(doc *openapi3.T) []Operation {
	var ops []Operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, Operation{Method: method, Path: path, Op: op})
		}
	}
	slices.SortFunc(ops, func(a, b Operation) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Method, b.Method))
	})
	return ops
}

// Secured reports whether o requires credentials under doc: its own
// security requirements, or the document's, with no empty (optional)
// alternative.
func (o Operation) Secured(doc *openapi3.T) bool {
	sec := doc.Security
	if o.Op.Security != nil {
		sec = *o.Op.Security
	}
	if len(sec) == 0 {
		return false
	}
	for _, req := range sec {
		if len(req) == 0 {
			return false
		}
	}
	return true
}
