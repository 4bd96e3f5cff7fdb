package mockservertest

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
)

// violation is one constraint of the spec broken on an otherwise valid
// request.
type violation struct {
	field string // what the refusal must name: "body.name", "query.count"
	rule  string // the constraint broken: "required", "type", "pattern", ...
	// or is another name the refusal may give the rule: a query value
	// of the wrong type is malformed text ("syntax") before it is a value
	// of the wrong type.
	or    string
	apply func(*call)
}

func (v violation) String() string { return v.field + " " + v.rule }

// checkedFormats are the string formats the core's validation checks;
// others ("uuid", "uri") are documentation only.
var checkedFormats = map[string]string{
	"email": "not an e-mail", "date": "2020-13-45", "date-time": "yesterday at noon",
	"byte": "not base64!", "ipv4": "300.1.2", "ipv6": "not:an:ip",
}

// badInput sends, for each operation, a valid request with one violation
// of the spec at a time: each required body property and query parameter
// left out, each typed value of the wrong type, each enum, pattern,
// format, length, bound and item-count broken. Each must be refused with
// the status the API gives invalid requests, in its envelope (the reply
// is checked against the spec), naming the field and the rule, and leave
// the state as it was.
func (k *kit) badInput(t *testing.T) {
	want := k.status[mockserver.KindInvalid]
	total := 0
	for _, op := range k.ops {
		base, err := k.generate(op, 2, true)
		if err != nil {
			t.Fatalf("%s: generate a request: %v", op.Op.OperationID, err)
		}
		vs, skipped := k.violations(base)
		total += len(vs)
		if len(vs) == 0 {
			continue
		}
		t.Run(op.Op.OperationID, func(t *testing.T) {
			t.Parallel()
			for _, s := range skipped {
				t.Logf("not tested: %s", s)
			}
			ns := k.fork(t)
			for _, v := range vs {
				c := base.clone()
				v.apply(&c)
				req := k.request(op.Method, c.target(), c.encoded(), c.contentType, ns, k.authFor(op))
				r, problems := k.exchange(k.root, "", req, ns)
				for _, p := range problems {
					t.Errorf("%s: %s", v, p)
				}
				switch {
				case r.Status != want:
					t.Errorf("%s: %s %s %s: got %d, want %d: %.300s", v, req.Method, clipText(req.URL.RequestURI(), 160), clipText(string(c.encoded()), 200), r.Status, want, r.Raw)
				case !mentions(r.Body, v.field):
					t.Errorf("%s: the refusal does not name the field %q: %.300s", v, v.field, r.Raw)
				case !mentions(r.Body, v.rule) && (v.or == "" || !mentions(r.Body, v.or)):
					t.Errorf("%s: the refusal does not name the rule %q: %.300s", v, v.rule, r.Raw)
				}
			}
		})
	}
	t.Logf("%d violations of the spec sent", total)
}

// violations lists one violation per constraint of the spec that c, a
// valid request, can break, and the constraints it leaves out because
// kin-openapi (which the core validates with) reports another rule first.
func (k *kit) violations(c call) (vs []violation, skipped []string) {
	for _, p := range k.parameters(c.op) {
		if p.Schema == nil || p.Schema.Value == nil || (p.In != "query" && p.In != "path") {
			continue
		}
		name, in := p.Name, p.In
		field := in + "." + name
		var current any
		switch in {
		case "path":
			current = c.path[name]
		case "query":
			vals, ok := c.query[name]
			if !ok {
				continue
			}
			if p.Required {
				vs = append(vs, violation{field: field, rule: "required", apply: func(c *call) { c.query.Del(name) }})
			}
			if len(vals) != 1 || p.Schema.Value.Type.Is("array") {
				continue // arrays are left to the body's checks
			}
			current = typed(p.Schema.Value, vals[0])
		}
		for _, b := range breaks(p.Schema.Value, current, true) {
			if in == "path" && fmt.Sprint(b.value) == "" {
				// An empty segment makes another path, not a bad value.
				skipped = append(skipped, fmt.Sprintf("%s %s: an empty path segment", field, b.rule))
				continue
			}
			if ok, why := breaksAs(p.Schema.Value, b.value, b.rule, nil); !ok {
				skipped = append(skipped, fmt.Sprintf("%s %s: %s", field, b.rule, why))
				continue
			}
			text := fmt.Sprint(b.value)
			or := ""
			if b.rule == "type" {
				or = "syntax"
			}
			vs = append(vs, violation{field: field, rule: b.rule, or: or, apply: func(c *call) {
				if in == "path" {
					c.path[name] = text
				} else {
					c.query.Set(name, text)
				}
			}})
		}
	}
	_, ref := jsonMediaType(c.op)
	if ref == nil || ref.Value == nil || !c.hasBody {
		return vs, skipped
	}
	root := ref.Value
	if c.op.Op.RequestBody.Value.Required {
		vs = append(vs, violation{field: "body", rule: "required", apply: func(c *call) { c.hasBody, c.body = false, nil }})
	}
	var walk func(s *openapi3.Schema, v any, at []string, depth int)
	walk = func(s *openapi3.Schema, v any, at []string, depth int) {
		if s == nil || depth > 6 {
			return
		}
		field := strings.Join(append([]string{"body"}, at...), ".")
		if len(at) > 0 {
			if _, required := parentRequired(root, at); required {
				vs = append(vs, violation{field: field, rule: "required", apply: func(c *call) { c.body = deleteAt(c.body, at) }})
			}
		}
		for _, b := range breaks(s, v, false) {
			candidate := setAt(copyValue(c.body), at, b.value)
			if ok, why := breaksAs(root, candidate, b.rule, at); !ok {
				skipped = append(skipped, fmt.Sprintf("%s %s: %s", field, b.rule, why))
				continue
			}
			value := b.value
			vs = append(vs, violation{field: field, rule: b.rule, apply: func(c *call) { c.body = setAt(c.body, at, copyValue(value)) }})
		}
		switch x := v.(type) {
		case map[string]any:
			props, _ := objectShape(s)
			for _, name := range slices.Sorted(maps.Keys(x)) {
				walk(props[name], x[name], append(slices.Clone(at), name), depth+1)
			}
		case []any:
			if len(x) > 0 && s.Items != nil {
				walk(s.Items.Value, x[0], append(slices.Clone(at), "0"), depth+1)
			}
		}
	}
	walk(root, c.body, nil, 0)
	return vs, skipped
}

// parentRequired reports whether the property at path is required by the
// object that holds it.
func parentRequired(root *openapi3.Schema, path []string) (*openapi3.Schema, bool) {
	s := root
	for i, seg := range path {
		if s == nil {
			return nil, false
		}
		if _, err := strconv.Atoi(seg); err == nil && s.Items != nil && s.Type.Is("array") {
			s = s.Items.Value
			continue
		}
		props, required := objectShape(s)
		if i == len(path)-1 {
			return props[seg], required[seg]
		}
		s = props[seg]
	}
	return nil, false
}

// broken is a value that breaks one rule of a schema.
type broken struct {
	rule  string
	value any
}

// breaks returns values that each break one constraint of s, around v, a
// valid value of s. In a query or path (param), every value is text, so
// a wrong type is only possible where the schema is not a string.
func breaks(s *openapi3.Schema, v any, param bool) []broken {
	var out []broken
	if w, ok := wrongType(s); ok && (!param || !s.Type.Is("string")) {
		if param {
			w = "standin-kit"
		}
		out = append(out, broken{"type", w})
	}
	if len(s.Enum) > 0 {
		switch {
		case s.Type.Is("string"):
			out = append(out, broken{"enum", "standin-kit-not-in-enum"})
		case s.Type.Is("integer") || s.Type.Is("number"):
			out = append(out, broken{"enum", int64(987654321)})
		}
	}
	switch x := v.(type) {
	case string:
		if s.MinLength > 0 {
			out = append(out, broken{"minLength", strings.Repeat("a", int(s.MinLength)-1)})
		}
		if s.MaxLength != nil {
			out = append(out, broken{"maxLength", strings.Repeat("a", int(*s.MaxLength)+1)})
		}
		if s.Pattern != "" {
			for _, c := range []string{"!", " ", "-", "a", "0", "ä"} {
				n := max(int(s.MinLength), 1)
				if s.MaxLength != nil && n > int(*s.MaxLength) {
					continue
				}
				cand := strings.Repeat(c, n)
				if ok, _ := breaksAs(s, cand, "pattern", nil); ok {
					out = append(out, broken{"pattern", cand})
					break
				}
			}
		}
		if bad, ok := checkedFormats[s.Format]; ok {
			out = append(out, broken{"format", bad})
		}
		_ = x
	case int64, float64, int:
		integer := s.Type.Is("integer")
		if s.Min != nil {
			m := *s.Min
			if !s.ExclusiveMin.IsTrue() {
				m = below(m, integer)
			}
			out = append(out, broken{"minimum", number(m, integer)})
		}
		if s.Max != nil {
			m := *s.Max
			if !s.ExclusiveMax.IsTrue() {
				m = above(m, integer)
			}
			out = append(out, broken{"maximum", number(m, integer)})
		}
	case []any:
		if s.MinItems > 0 && len(x) >= int(s.MinItems) {
			out = append(out, broken{"minItems", copyValue(x[:s.MinItems-1])})
		}
		if s.MaxItems != nil && len(x) > 0 {
			more := slices.Clone(x)
			for len(more) <= int(*s.MaxItems) {
				more = append(more, copyValue(x[len(more)%len(x)]))
			}
			out = append(out, broken{"maxItems", more})
		}
		if s.UniqueItems && len(x) > 0 {
			out = append(out, broken{"uniqueItems", append(copyValue(x).([]any), copyValue(x[0]))})
		}
	case map[string]any:
		if ap := s.AdditionalProperties.Has; ap != nil && !*ap {
			more := copyValue(x).(map[string]any)
			more["standinKitUnknown"] = 1
			out = append(out, broken{"additionalProperties", more})
		}
	}
	return out
}

func below(m float64, integer bool) float64 {
	if integer {
		return math.Ceil(m) - 1
	}
	return m - 1
}

func above(m float64, integer bool) float64 {
	if integer {
		return math.Floor(m) + 1
	}
	return m + 1
}

func number(m float64, integer bool) any {
	if integer {
		return int64(m)
	}
	return m
}

// typed returns a query or path value as its schema types it, for checks.
func typed(s *openapi3.Schema, text string) any {
	switch {
	case s.Type.Is("integer"):
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n
		}
	case s.Type.Is("number"):
		if f, err := strconv.ParseFloat(text, 64); err == nil {
			return f
		}
	case s.Type.Is("boolean"):
		if b, err := strconv.ParseBool(text); err == nil {
			return b
		}
	}
	return text
}

// breaksAs reports whether v fails schema with rule first, at path, as
// kin-openapi (the core's validator) sees it. A format kin-openapi does
// not know by default (the core adds "email") passes here.
func breaksAs(schema *openapi3.Schema, v any, rule string, path []string) (bool, string) {
	err := schema.VisitJSON(v, openapi3.VisitAsRequest())
	issues := openapi.SchemaIssues(err)
	switch {
	case err == nil && rule == "format":
		return true, ""
	case err == nil:
		return false, "the schema accepts the value"
	case len(issues) == 0:
		return false, fmt.Sprintf("no schema issue in %v", err)
	case issues[0].Rule != rule:
		return false, fmt.Sprintf("the validator reports %q first", issues[0].Rule)
	case path != nil && !slices.Equal(issues[0].Pointer, path):
		return false, fmt.Sprintf("the validator reports it at %s", issues[0].Path())
	}
	return true, ""
}

// setAt returns root with the value at path replaced by v.
func setAt(root any, path []string, v any) any {
	if len(path) == 0 {
		return v
	}
	switch x := root.(type) {
	case map[string]any:
		x[path[0]] = setAt(x[path[0]], path[1:], v)
		return x
	case []any:
		if i, err := strconv.Atoi(path[0]); err == nil && i < len(x) {
			x[i] = setAt(x[i], path[1:], v)
		}
		return x
	}
	return root
}

// deleteAt returns root without the object property at path.
func deleteAt(root any, path []string) any {
	if len(path) == 0 {
		return root
	}
	switch x := root.(type) {
	case map[string]any:
		if len(path) == 1 {
			delete(x, path[0])
			return x
		}
		x[path[0]] = deleteAt(x[path[0]], path[1:])
		return x
	case []any:
		if i, err := strconv.Atoi(path[0]); err == nil && i < len(x) {
			x[i] = deleteAt(x[i], path[1:])
		}
		return x
	}
	return root
}

// mentions reports whether a string anywhere in v, a decoded JSON body,
// holds s as a whole word.
func mentions(v any, s string) bool {
	switch x := v.(type) {
	case string:
		for i := 0; ; {
			j := strings.Index(x[i:], s)
			if j < 0 {
				return false
			}
			start, end := i+j, i+j+len(s)
			if (start == 0 || !wordByte(x[start-1])) && (end == len(x) || !wordByte(x[end])) {
				return true
			}
			i = start + 1
		}
	case map[string]any:
		for _, e := range x {
			if mentions(e, s) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if mentions(e, s) {
				return true
			}
		}
	}
	return false
}

func wordByte(b byte) bool {
	return b == '_' || b == '.' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}
