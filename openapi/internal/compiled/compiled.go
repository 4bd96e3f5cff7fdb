// Package compiled builds the lean OpenAPI documents of the embedded specs
// from Go code: one generated file per spec (<api>.gen.go, written by
// internal/tojson, with package togo, from json/<api>.lean.json). Building
// a document this way takes a few milliseconds where kin-openapi's JSON
// decoding of the same rendering takes tens, which was most of the time
// from exec to a mock's first answer. The documents come with their
// references unresolved, as JSON decoding leaves them: kin-openapi's
// Loader.ResolveRefsIn resolves them.
package compiled

import "github.com/getkin/kin-openapi/openapi3"

// builders are the generated documents by API name; filled by the
// generated files' init functions, read-only afterwards.
var builders = map[string]func() *openapi3.T{}

func register(api string, build func() *openapi3.T) { builders[api] = build }

// Document returns a new lean document of api, its references unresolved,
// and whether api has one.
func Document(api string) (*openapi3.T, bool) {
	build, ok := builders[api]
	if !ok {
		return nil, false
	}
	return build(), true
}

func newPaths(ext map[string]any, entries map[string]*openapi3.PathItem) *openapi3.Paths {
	p := openapi3.NewPathsWithCapacity(len(entries))
	p.Extensions = ext
	for k, v := range entries {
		p.Set(k, v)
	}
	return p
}

func newResponses(ext map[string]any, entries map[string]*openapi3.ResponseRef) *openapi3.Responses {
	r := openapi3.NewResponsesWithCapacity(len(entries))
	r.Extensions = ext
	for k, v := range entries {
		r.Set(k, v)
	}
	return r
}

func newCallback(ext map[string]any, entries map[string]*openapi3.PathItem) *openapi3.Callback {
	c := openapi3.NewCallbackWithCapacity(len(entries))
	c.Extensions = ext
	for k, v := range entries {
		c.Set(k, v)
	}
	return c
}
