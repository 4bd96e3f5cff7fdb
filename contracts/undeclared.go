package contracts

import (
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// undeclared returns the JSON pointers of the object members in v that
// schema does not declare, where it does not allow others either way (no
// additionalProperties given): fields an API sends that its spec does not
// document. That is no violation (OpenAPI allows them by default), but a
// client may come to rely on them, so the proxy lists them. Array items are
// reported with "-" for the index, once per path. Members of the branches
// of allOf, anyOf and oneOf all count as declared.
func undeclared(schema *openapi3.Schema, v any) []string {
	seen := map[string]bool{}
	var out []string
	var walk func(s *openapi3.Schema, v any, ptr string)
	walk = func(s *openapi3.Schema, v any, ptr string) {
		if s == nil {
			return
		}
		switch val := v.(type) {
		case map[string]any:
			props, open := declared(s)
			for _, k := range sortedKeys(val) {
				p := ptr + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
				ps, ok := props[k]
				if !ok {
					if !open && !seen[p] {
						seen[p] = true
						out = append(out, p)
					}
					continue
				}
				walk(ps, val[k], p)
			}
		case []any:
			items := itemSchema(s)
			for _, e := range val {
				walk(items, e, ptr+"/-")
			}
		}
	}
	walk(schema, v, "")
	return out
}

// declared returns the property schemas of s and its compositions, and
// whether s allows members besides them.
func declared(s *openapi3.Schema) (map[string]*openapi3.Schema, bool) {
	props := map[string]*openapi3.Schema{}
	open := false
	var add func(s *openapi3.Schema, depth int)
	add = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 16 {
			return
		}
		if s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil {
			open = true
		}
		for name, ref := range s.Properties {
			if _, ok := props[name]; !ok && ref != nil {
				props[name] = ref.Value
			}
		}
		for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, ref := range list {
				if ref != nil {
					add(ref.Value, depth+1)
				}
			}
		}
	}
	add(s, 0)
	if len(props) == 0 {
		open = true // a free-form object, or no object schema: nothing to say
	}
	return props, open
}

// itemSchema returns the items schema of s or of its compositions.
func itemSchema(s *openapi3.Schema) *openapi3.Schema {
	if s.Items != nil {
		return s.Items.Value
	}
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, ref := range list {
			if ref != nil && ref.Value != nil {
				if it := itemSchema(ref.Value); it != nil {
					return it
				}
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// responseSchema returns the schema of route's answer with status and a
// JSON media type, nil if there is none.
func responseSchema(op *openapi3.Operation, status int, contentType string) *openapi3.Schema {
	if op == nil || op.Responses == nil {
		return nil
	}
	ref := op.Responses.Status(status)
	if ref == nil {
		ref = op.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return nil
	}
	mt := ref.Value.Content.Get(contentType)
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}
