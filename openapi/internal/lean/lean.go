// Package lean makes the lean rendering of an OpenAPI document: what
// routing and validating requests need of it, for the mock to parse at
// start-up.
package lean

import (
	"bytes"
	"encoding/json"
	"strings"
)

// JSON returns the JSON of an OpenAPI 3.0 document without what only
// people read: every description blanked (a response must have one), and
// every summary, example and examples left out. Names are never touched:
// the keys of maps keyed by name (properties, paths, responses, content,
// components, ...) stay, whatever they are called; values are never
// looked into (enum, default, extensions).
func JSON(doc []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber() // numbers stay as written
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	leanObject(v)
	return json.Marshal(v)
}

// namedMaps are the fields whose value is a map from names to objects.
var namedMaps = map[string]bool{
	"properties": true, "patternProperties": true, "paths": true, "responses": true,
	"content": true, "headers": true, "encoding": true, "variables": true, "links": true,
	"schemas": true, "parameters": true, "requestBodies": true, "securitySchemes": true,
	"mapping": true, "scopes": true, "definitions": true,
}

// values are the fields that hold data, not OpenAPI objects.
var values = map[string]bool{"enum": true, "default": true, "const": true, "callbacks": true}

// leanObject leans v, an OpenAPI object (or a list of them).
func leanObject(v any) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			leanObject(e)
		}
	case map[string]any:
		for k, e := range x {
			switch {
			case strings.HasPrefix(k, "x-") || values[k]:
				// Data, kept as it is.
			case k == "description":
				if _, ok := e.(string); ok {
					x[k] = ""
				}
			case k == "summary" || k == "example" || k == "examples":
				if _, ok := e.(string); ok || k != "summary" {
					delete(x, k)
				}
			case namedMaps[k]:
				if m, ok := e.(map[string]any); ok {
					for _, obj := range m {
						leanObject(obj)
					}
				} else {
					leanObject(e) // a list, as an operation's parameters
				}
			default:
				leanObject(e)
			}
		}
	}
}
