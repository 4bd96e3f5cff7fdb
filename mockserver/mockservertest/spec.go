package mockservertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"mime/multipart"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/openapi"
)

// call is one request to an operation before it is encoded, so that a
// test can change one part of it.
type call struct {
	op    openapi.Operation
	path  map[string]string
	query url.Values
	// body is the decoded JSON body; hasBody says whether there is one
	// (a JSON null is a body).
	body        any
	hasBody     bool
	contentType string
	// form is the form media type the body is sent as, multipart or
	// URL-encoded, or "" for JSON.
	form string
}

// target is the call's path, parameters filled in, and query.
func (c call) target() string {
	p := c.op.Path
	for name, v := range c.path {
		p = strings.ReplaceAll(p, "{"+name+"}", url.PathEscape(v))
	}
	if len(c.query) > 0 {
		p += "?" + c.query.Encode()
	}
	return p
}

// formBoundary separates the parts of the multipart bodies the kit sends.
const formBoundary = "standin-kit-form-boundary"

// encoded returns the body as sent, nil for none.
func (c call) encoded() []byte {
	if !c.hasBody {
		return nil
	}
	if c.form != "" {
		return encodeForm(c.form, c.body)
	}
	raw, err := json.Marshal(c.body)
	if err != nil {
		panic(fmt.Sprintf("mockservertest: encode a generated body: %v", err))
	}
	return raw
}

// clone returns a deep copy of c.
func (c call) clone() call {
	d := c
	d.path = maps.Clone(c.path)
	d.query = url.Values{}
	for k, v := range c.query {
		d.query[k] = slices.Clone(v)
	}
	d.body = copyValue(c.body)
	return d
}

func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = copyValue(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = copyValue(e)
		}
		return s
	}
	return v
}

// encodeForm encodes the properties of body as a form of media type mt:
// strings as they are, other values as JSON.
func encodeForm(mt string, body any) []byte {
	fields, _ := body.(map[string]any)
	text := func(v any) string {
		if s, ok := v.(string); ok {
			return s
		}
		raw, _ := json.Marshal(v)
		return string(raw)
	}
	if mt == "application/x-www-form-urlencoded" {
		q := url.Values{}
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			q.Set(k, text(fields[k]))
		}
		return []byte(q.Encode())
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.SetBoundary(formBoundary)
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		_ = w.WriteField(k, text(fields[k]))
	}
	_ = w.Close()
	return b.Bytes()
}

// formMediaType returns the form media type of a request body that has
// no JSON one, "" if it has neither.
func formMediaType(op openapi.Operation) (string, *openapi3.SchemaRef) {
	if op.Op.RequestBody == nil || op.Op.RequestBody.Value == nil {
		return "", nil
	}
	for _, mt := range []string{"multipart/form-data", "application/x-www-form-urlencoded"} {
		if m := op.Op.RequestBody.Value.Content[mt]; m != nil && m.Schema != nil {
			return mt, m.Schema
		}
	}
	return "", nil
}

// jsonMediaType returns the JSON media type of a request body, "" if it
// has none.
func jsonMediaType(op openapi.Operation) (string, *openapi3.SchemaRef) {
	if op.Op.RequestBody == nil || op.Op.RequestBody.Value == nil {
		return "", nil
	}
	for _, mt := range slices.Sorted(maps.Keys(op.Op.RequestBody.Value.Content)) {
		if mt == "application/json" || strings.HasSuffix(mt, "+json") {
			return mt, op.Op.RequestBody.Value.Content[mt].Schema
		}
	}
	return "", nil
}

// generate returns a request to op that satisfies its spec, drawn from
// seed by the fixtures generator: every path parameter, the required query
// parameters and the body. With all set, optional query parameters and
// body properties are included too; without, they are left out but for
// those the API has known values for (see lookup). Values
// named in known (see lookup) replace generated ones where they satisfy
// the same schema, so that the request names things that exist.
func (k *kit) generate(op openapi.Operation, seed uint64, all bool) (call, error) {
	gen := fixtures.New(seed)
	c := call{op: op, path: map[string]string{}, query: url.Values{}}
	pick := int(seed)
	for _, p := range k.parameters(op) {
		if p.Schema == nil {
			continue
		}
		switch {
		case p.In == "path":
		case p.In == "query" && (p.Required || all || k.knows(op, p.Name)):
		default:
			continue
		}
		v, err := gen.Value(p.Schema)
		if err != nil {
			return c, fmt.Errorf("%s %s: %w", p.In, p.Name, err)
		}
		v = k.fill(op, p.Name, p.Schema.Value, v, pick)
		if p.In == "path" {
			s := text(v)
			if s == "" {
				s = "x"
			}
			c.path[p.Name] = s
			continue
		}
		for _, s := range queryValues(v) {
			c.query.Add(p.Name, s)
		}
	}
	mt, schema := jsonMediaType(op)
	if schema == nil {
		if mt, schema = formMediaType(op); schema == nil {
			return c, nil
		}
		c.form = mt
	}
	generated, err := gen.Value(schema)
	if err != nil {
		return c, fmt.Errorf("body: %w", err)
	}
	// Leaving parts out and filling known values in can break a
	// constraint across properties (minProperties, uniqueItems): each
	// step is kept only if the body still satisfies its schema.
	body := generated
	if !all {
		if m := k.minimal(op, schema.Value, copyValue(body)); valid(schema.Value, m) {
			body = m
		}
	}
	if filled := k.fillBody(op, schema.Value, copyValue(body), pick); valid(schema.Value, filled) {
		body = filled
	}
	c.body, c.hasBody, c.contentType = body, true, mt
	if mt == "multipart/form-data" {
		c.contentType = mt + "; boundary=" + formBoundary
	}
	return c, nil
}

// valid reports whether v satisfies schema as a request value.
func valid(schema *openapi3.Schema, v any) bool {
	return schema.VisitJSON(v, openapi3.VisitAsRequest()) == nil
}

// queryValues renders a generated value as query-string values: arrays as
// repeated keys, as the official clients send them.
func queryValues(v any) []string {
	switch x := v.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, text(e))
		}
		return out
	default:
		return []string{text(x)}
	}
}

// text renders a generated scalar as a parameter's text: numbers in plain
// decimal (fmt writes large float64s in exponent form, 1.795969929e+09,
// which no integer parameter parses).
func text(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// parameters returns the parameters of op: those of its path, unless op
// declares one of the same name and place, and its own.
func (k *kit) parameters(op openapi.Operation) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	add := func(refs openapi3.Parameters) {
		for _, ref := range refs {
			p := ref.Value
			if p == nil {
				continue
			}
			i := slices.IndexFunc(out, func(q *openapi3.Parameter) bool { return q.Name == p.Name && q.In == p.In })
			if i >= 0 {
				out[i] = p
				continue
			}
			out = append(out, p)
		}
	}
	if item := k.spec.Paths.Value(op.Path); item != nil {
		add(item.Parameters)
	}
	add(op.Op.Parameters)
	return out
}

// lookup returns the known values called name for op: those under a key
// qualified by op's operationId ("usersCreate:username") or one of its
// tags ("Groups:roomId") first, else the plain name's. A qualified key
// with no values keeps op's generated values for that name.
func (k *kit) lookup(op openapi.Operation, name string) []string {
	for _, q := range append([]string{op.Op.OperationID}, op.Op.Tags...) {
		if v, ok := k.known[q+":"+name]; ok {
			return v
		}
	}
	return k.known[name]
}

// knows reports whether op has known values called name.
func (k *kit) knows(op openapi.Operation, name string) bool { return len(k.lookup(op, name)) > 0 }

// fill replaces v, a generated value of the parameter or property called
// name, with known values of that name, if they satisfy schema: one for a
// string or an integer (known values are text, parsed for an integer), up
// to the array's bounds for an array of strings, or for the first
// alternative of a oneOf that they fill. pick selects
// which known value comes first, so that names known in parallel lists
// (roomId, roomName) name the same thing.
func (k *kit) fill(op openapi.Operation, name string, schema *openapi3.Schema, v any, pick int) any {
	values := k.lookup(op, name)
	if len(values) == 0 || schema == nil {
		return v
	}
	// A oneOf takes the first alternative the known values fill.
	for _, alt := range schema.OneOf {
		if alt == nil || alt.Value == nil {
			continue
		}
		if c := k.fill(op, name, alt.Value, v, pick); !jsonEqual(c, v) && valid(schema, c) {
			return c
		}
	}
	first := values[pick%len(values)]
	var candidate any
	switch {
	case schema.Type.Is("string"):
		candidate = first
	case schema.Type.Is("integer"):
		n, err := strconv.ParseInt(first, 10, 64)
		if err != nil {
			return v
		}
		candidate = float64(n) // as JSON decoding gives numbers
	case schema.Type.Is("array") && schema.Items != nil && schema.Items.Value != nil && schema.Items.Value.Type.Is("string"):
		n := max(1, int(schema.MinItems))
		if schema.MaxItems != nil {
			n = min(n, int(*schema.MaxItems))
		}
		n = min(n, len(values))
		items := make([]any, n)
		for i := range items {
			items[i] = values[(pick+i)%len(values)]
		}
		candidate = items
	default:
		return v
	}
	if !valid(schema, candidate) {
		return v
	}
	return candidate
}

// fillBody fills the known values into a generated body, at any depth.
func (k *kit) fillBody(op openapi.Operation, schema *openapi3.Schema, v any, pick int) any {
	if schema == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := objectShape(schema)
		for name, e := range x {
			ps := props[name]
			if ps == nil {
				continue
			}
			filled := k.fill(op, name, ps, e, pick)
			if jsonEqual(filled, e) {
				filled = k.fillBody(op, ps, e, pick)
			}
			x[name] = filled
		}
		return x
	case []any:
		if schema.Items == nil || schema.Items.Value == nil {
			return v
		}
		for i, e := range x {
			x[i] = k.fillBody(op, schema.Items.Value, e, pick+i)
		}
		return x
	}
	return v
}

func jsonEqual(a, b any) bool {
	ra, _ := json.Marshal(a)
	rb, _ := json.Marshal(b)
	return string(ra) == string(rb)
}

// objectShape returns the properties and the required ones of an object
// schema, through allOf.
func objectShape(s *openapi3.Schema) (map[string]*openapi3.Schema, map[string]bool) {
	props, required := map[string]*openapi3.Schema{}, map[string]bool{}
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 8 {
			return
		}
		for name, ref := range s.Properties {
			if ref != nil && ref.Value != nil {
				props[name] = ref.Value
			}
		}
		for _, name := range s.Required {
			required[name] = true
		}
		for _, ref := range s.AllOf {
			if ref != nil {
				walk(ref.Value, depth+1)
			}
		}
	}
	walk(s, 0)
	return props, required
}

// minimal strips the optional properties of a generated value, at any
// depth, but for those whose names op has known values for: those name
// what the request is about.
func (k *kit) minimal(op openapi.Operation, schema *openapi3.Schema, v any) any {
	if schema == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		props, required := objectShape(schema)
		var optional []string
		for name := range x {
			if !required[name] && !k.knows(op, name) {
				optional = append(optional, name)
			}
		}
		slices.Sort(optional)
		// Keep as many optional properties as minProperties needs.
		keep := max(0, int(schema.MinProps)-(len(x)-len(optional)))
		for _, name := range optional[min(keep, len(optional)):] {
			delete(x, name)
		}
		for name, e := range x {
			x[name] = k.minimal(op, props[name], e)
		}
		return x
	case []any:
		if schema.Items != nil {
			for i, e := range x {
				x[i] = k.minimal(op, schema.Items.Value, e)
			}
		}
		return x
	}
	return v
}
