package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/getkin/kin-openapi/openapi3"
)

// acceptFormats stands for the string formats a caller adds to
// kin-openapi's (the mock adds "email").
var acceptFormats = map[string]openapi3.StringFormatValidator{
	"email": openapi3.NewCallbackValidator(func(v string) error {
		if !strings.Contains(v, "@") {
			return errors.New("must be an e-mail address")
		}
		return nil
	}),
}

// bodySchema is one JSON request body schema of a spec.
type bodySchema struct {
	name   string
	schema *openapi3.Schema
}

// bodySchemas lists the JSON request body schemas of every spec.
func bodySchemas(t testing.TB) []bodySchema {
	t.Helper()
	var out []bodySchema
	for _, api := range Names() {
		doc, err := Load(api)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range doc.Paths.InMatchingOrder() {
			for method, op := range doc.Paths.Value(path).Operations() {
				if op.RequestBody == nil || op.RequestBody.Value == nil {
					continue
				}
				for _, ct := range slices.Sorted(func(yield func(string) bool) {
					for ct := range op.RequestBody.Value.Content {
						if !yield(ct) {
							return
						}
					}
				}) {
					mt := op.RequestBody.Value.Content[ct]
					if !slices.Contains(jsonTypes, ct) || mt.Schema == nil {
						continue
					}
					out = append(out, bodySchema{name: api + " " + method + " " + path + " " + ct, schema: mt.Schema.Value})
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b bodySchema) int { return strings.Compare(a.name, b.name) })
	return out
}

// kinAccepts is the mock's request body validation by kin-openapi: nil
// error, and no default filled in (which would change the body).
func kinAccepts(s *openapi3.Schema, v any) bool {
	defaulted := false
	err := s.VisitJSON(deepCopy(v), openapi3.VisitAsRequest(), openapi3.WithStringFormatValidators(acceptFormats),
		openapi3.DefaultsSet(func() { defaulted = true }))
	return err == nil && !defaulted
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = deepCopy(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = deepCopy(x)
		}
		return out
	}
	return v
}

// valueGen makes JSON values for a schema: mostly what it describes, with
// a share of every kind of mistake (wrong types, values out of bounds,
// members missing, unknown or null), so that both answers come up.
type valueGen struct {
	rnd   *rand.Rand
	faker *gofakeit.Faker
}

func newValueGen(seed uint64) *valueGen {
	return &valueGen{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), faker: gofakeit.New(seed)}
}

func (g *valueGen) chance(p float64) bool { return g.rnd.Float64() < p }

func (g *valueGen) anyValue(depth int) any {
	switch g.rnd.IntN(7) {
	case 0:
		return nil
	case 1:
		return g.chance(0.5)
	case 2:
		return json.Number(fmt.Sprint(g.rnd.IntN(2000) - 1000))
	case 3:
		return json.Number(fmt.Sprintf("%.3f", g.rnd.Float64()*100))
	case 4:
		return g.faker.Word()
	case 5:
		if depth > 2 {
			return []any{}
		}
		return []any{g.anyValue(depth + 1)}
	}
	if depth > 2 {
		return map[string]any{}
	}
	return map[string]any{g.faker.Word(): g.anyValue(depth + 1)}
}

func (g *valueGen) value(s *openapi3.Schema, depth int) any {
	if g.chance(0.04) || depth > 6 {
		return g.anyValue(depth)
	}
	if s.Nullable && g.chance(0.1) {
		return nil
	}
	if len(s.Enum) > 0 && !g.chance(0.05) {
		return s.Enum[g.rnd.IntN(len(s.Enum))]
	}
	for _, ref := range append(append(slices.Clone(s.OneOf), s.AnyOf...), s.AllOf...) {
		if g.chance(0.5) {
			return g.value(ref.Value, depth+1)
		}
	}
	typ := ""
	if s.Type != nil && len(*s.Type) > 0 {
		typ = (*s.Type)[g.rnd.IntN(len(*s.Type))]
	}
	switch typ {
	case openapi3.TypeBoolean:
		return g.chance(0.5)
	case openapi3.TypeInteger, openapi3.TypeNumber:
		lo, hi := -1000.0, 1000.0
		if s.Min != nil {
			lo = *s.Min - 2
		}
		if s.Max != nil {
			hi = *s.Max + 2
		}
		f := lo + g.rnd.Float64()*(hi-lo)
		if typ == openapi3.TypeInteger && !g.chance(0.1) {
			return json.Number(fmt.Sprint(int64(f)))
		}
		return json.Number(fmt.Sprint(f))
	case openapi3.TypeString:
		return g.str(s)
	case openapi3.TypeArray:
		n := int(s.MinItems) + g.rnd.IntN(3)
		if g.chance(0.1) && n > 0 {
			n--
		}
		if s.MaxItems != nil && n > int(*s.MaxItems) && !g.chance(0.1) {
			n = int(*s.MaxItems)
		}
		out := make([]any, n)
		for i := range out {
			if s.Items != nil {
				out[i] = g.value(s.Items.Value, depth+1)
			} else {
				out[i] = g.anyValue(depth + 1)
			}
		}
		return out
	case openapi3.TypeObject:
		out := map[string]any{}
		for _, name := range slices.Sorted(func(yield func(string) bool) {
			for k := range s.Properties {
				if !yield(k) {
					return
				}
			}
		}) {
			p := 0.5
			if slices.Contains(s.Required, name) {
				p = 0.97
			}
			if g.chance(p) {
				out[name] = g.value(s.Properties[name].Value, depth+1)
			}
		}
		if g.chance(0.15) {
			if ap := s.AdditionalProperties.Schema; ap != nil {
				out[g.faker.Word()] = g.value(ap.Value, depth+1)
			} else {
				out[g.faker.Word()] = g.anyValue(depth + 1)
			}
		}
		return out
	}
	return g.anyValue(depth)
}

func (g *valueGen) str(s *openapi3.Schema) string {
	switch s.Format {
	case "email":
		if !g.chance(0.1) {
			return g.faker.Email()
		}
	case "date-time":
		if !g.chance(0.1) {
			return g.faker.Date().UTC().Format("2006-01-02T15:04:05Z")
		}
	case "date":
		if !g.chance(0.1) {
			return g.faker.Date().Format("2006-01-02")
		}
	}
	n := int(s.MinLength) + g.rnd.IntN(12)
	if s.MaxLength != nil && n > int(*s.MaxLength) && !g.chance(0.1) {
		n = int(*s.MaxLength)
	}
	if g.chance(0.1) && n > 0 {
		n--
	}
	var b strings.Builder
	for range n {
		switch g.rnd.IntN(10) {
		case 0:
			b.WriteRune('é')
		case 1:
			b.WriteRune('😀') // two UTF-16 units, one rune
		default:
			b.WriteByte(byte('a' + g.rnd.IntN(26)))
		}
	}
	return b.String()
}

// Whatever an Acceptor accepts, kin-openapi accepts, without filling in a
// default: the mock skips kin-openapi on its word. And it accepts most of
// what kin-openapi does, or it would save nothing.
func TestAcceptorAgreesWithKinOpenAPI(t *testing.T) {
	schemas := bodySchemas(t)
	compiled, tried, kinYes, bothYes := 0, 0, 0, 0
	for i, b := range schemas {
		a := NewAcceptor(b.schema, acceptFormats)
		if a == nil {
			continue
		}
		compiled++
		g := newValueGen(uint64(i))
		for range 400 {
			v := g.value(b.schema, 0)
			tried++
			kin := kinAccepts(b.schema, v)
			if kin {
				kinYes++
			}
			if !a.Accepts(v) {
				continue
			}
			if !kin {
				data, _ := json.Marshal(v)
				t.Fatalf("%s: the acceptor accepts %s, kin-openapi does not", b.name, data)
			}
			bothYes++
		}
	}
	t.Logf("%d of %d JSON request body schemas compiled; of %d values, kin-openapi accepts %d, the acceptors %d", compiled, len(schemas), tried, kinYes, bothYes)
	if refused := tried - kinYes; refused*10 < tried {
		t.Errorf("kin-openapi refuses only %d of %d values: the test barely tries a mistake", refused, tried)
	}
	if compiled*4 < len(schemas)*3 {
		t.Errorf("only %d of %d request body schemas compile", compiled, len(schemas))
	}
	if kinYes == 0 || bothYes*10 < kinYes*9 {
		t.Errorf("the acceptors accept %d of the %d values kin-openapi accepts, want 90 %%", bothYes, kinYes)
	}
}

// The keywords at the edge of what compiles, each way.
func TestAcceptorEdges(t *testing.T) {
	for _, c := range []struct {
		name, schema string
		compiles     bool
		accepted     []string
		refused      []string // by the acceptor: kin-openapi may still take them
	}{
		{"null needs nullable", `{"type":"string"}`, true, []string{`"a"`}, []string{`null`, `1`}},
		{"nullable", `{"type":"string","nullable":true,"enum":["a"]}`, true, []string{`null`, `"a"`}, []string{`"b"`}},
		{"no type takes any value but null", `{"description":"x"}`, true, []string{`1`, `"a"`, `[]`, `{}`, `true`}, []string{`null`}},
		{"integer", `{"type":"integer","minimum":1,"maximum":3}`, true, []string{`1`, `3`, `2.0`}, []string{`0`, `4`, `1.5`, `"1"`, `1e400`}},
		{"number", `{"type":"number"}`, true, []string{`1.5`, `-0`}, []string{`"1"`}},
		{"lengths count runes", `{"type":"string","minLength":2,"maxLength":2}`, true, []string{`"ab"`, `"😀😀"`, `"éé"`}, []string{`"a"`, `"abc"`}},
		{"email", `{"type":"string","format":"email"}`, true, []string{`"a@b"`}, []string{`"ab"`}},
		{"date-time, kin-openapi's own format", `{"type":"string","format":"date-time"}`, true, []string{`"2026-01-02T03:04:05Z"`}, []string{`"yesterday"`}},
		{"unknown format is not checked", `{"type":"string","format":"uri"}`, true, []string{`"not a uri"`}, nil},
		{"items", `{"type":"array","minItems":1,"maxItems":2,"items":{"type":"string"}}`, true, []string{`["a"]`, `["a","b"]`}, []string{`[]`, `["a","b","c"]`, `[1]`}},
		{"required and closed", `{"type":"object","required":["a"],"properties":{"a":{"type":"string"}},"additionalProperties":false}`, true,
			[]string{`{"a":"x"}`}, []string{`{}`, `{"a":"x","b":1}`, `{"a":1}`}},
		{"additional schema", `{"type":"object","additionalProperties":{"type":"integer"}}`, true, []string{`{"a":1}`}, []string{`{"a":"x"}`}},
		{"readOnly present", `{"type":"object","properties":{"id":{"type":"string","readOnly":true}}}`, true, []string{`{}`}, []string{`{"id":"x"}`}},
		{"default to fill in", `{"type":"object","properties":{"n":{"type":"integer","default":5}}}`, true, []string{`{"n":1}`}, []string{`{}`, `{"n":null}`}},
		{"member counts", `{"type":"object","minProperties":1,"maxProperties":1}`, true, []string{`{"a":1}`}, []string{`{}`, `{"a":1,"b":2}`}},
		{"allOf", `{"allOf":[{"type":"object"}]}`, false, nil, nil},
		{"oneOf below", `{"type":"object","properties":{"a":{"oneOf":[{"type":"string"},{"type":"integer"}]}}}`, false, nil, nil},
		{"pattern", `{"type":"string","pattern":"^a$"}`, false, nil, nil},
		{"exclusiveMinimum", `{"type":"number","minimum":1,"exclusiveMinimum":true}`, false, nil, nil},
		{"number format", `{"type":"integer","format":"int32"}`, false, nil, nil},
		{"enum of numbers", `{"type":"integer","enum":[1,2]}`, false, nil, nil},
		{"uniqueItems", `{"type":"array","uniqueItems":true}`, false, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var s openapi3.Schema
			if err := json.Unmarshal([]byte(c.schema), &s); err != nil {
				t.Fatal(err)
			}
			a := NewAcceptor(&s, acceptFormats)
			if (a != nil) != c.compiles {
				t.Fatalf("compiles %v, want %v", a != nil, c.compiles)
			}
			for _, doc := range c.accepted {
				v, ok := DecodeJSON([]byte(doc))
				if !ok || !a.Accepts(v) {
					t.Errorf("%s refused", doc)
					continue
				}
				if !kinAccepts(&s, v) {
					t.Errorf("%s accepted, and kin-openapi refuses it", doc)
				}
			}
			for _, doc := range c.refused {
				if v, ok := DecodeJSON([]byte(doc)); ok && a.Accepts(v) {
					t.Errorf("%s accepted", doc)
				}
			}
		})
	}
}

// DecodeJSON decodes what DecodeJSONBody decodes, to the same value, and
// nothing DecodeJSONBody hands to kin-openapi's decoder.
func TestDecodeJSONAsDecodeJSONBody(t *testing.T) {
	for _, doc := range []string{`{"a":[1,2.5,"x",true,{}]}`, ` 1 `, `"x"`, `{"a":1} {}`, `{"a":}`, ``, `01`, "\"\xff\""} {
		v, ok := DecodeJSON([]byte(doc))
		want, err := DecodeJSONBody(strings.NewReader(doc), nil, nil, nil)
		if !json.Valid([]byte(doc)) {
			if ok {
				t.Errorf("%q: decoded, and it is not one JSON value", doc)
			}
			continue
		}
		if err != nil || !ok || !reflect.DeepEqual(v, want) {
			t.Errorf("%q: DecodeJSON %v %v, DecodeJSONBody %v %v", doc, v, ok, want, err)
		}
	}
}

// FuzzAcceptorAgreesWithKinOpenAPI holds each request body schema of the
// specs to "accepted implies kin-openapi accepts" for any JSON value.
func FuzzAcceptorAgreesWithKinOpenAPI(f *testing.F) {
	schemas := bodySchemas(f)
	var compiled []bodySchema
	var acceptors []*Acceptor
	for _, b := range schemas {
		if a := NewAcceptor(b.schema, acceptFormats); a != nil {
			compiled = append(compiled, b)
			acceptors = append(acceptors, a)
		}
	}
	for i, b := range compiled {
		g := newValueGen(uint64(i))
		for range 3 {
			data, err := json.Marshal(g.value(b.schema, 0))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(uint16(i), data)
		}
	}
	f.Fuzz(func(t *testing.T, pick uint16, data []byte) {
		i := int(pick) % len(compiled)
		v, ok := DecodeJSON(data)
		if ok && acceptors[i].Accepts(v) && !kinAccepts(compiled[i].schema, v) {
			t.Fatalf("%s: the acceptor accepts %s, kin-openapi does not", compiled[i].name, data)
		}
	})
}
