package openapi

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// An Acceptor is a request schema (a body's, a query parameter's)
// compiled to answer one question fast: does kin-openapi's request
// validation accept this value? It says yes only where kin-openapi's
// VisitJSON, visiting as a request, would return nil and leave the value
// as it is (no default to fill in); "no" means "not known", and the
// caller validates with kin-openapi, whose errors name the field and the
// rule. A valid request so skips the schema walk that sorts every
// object's member names and allocates its settings on each call; a
// refused value costs the acceptor's walk, a small one, on top of
// kin-openapi's.
//
// NewAcceptor compiles only the keywords whose meaning it reproduces
// (types, nullable, string enums, string formats, lengths, bounds, items,
// properties, required, additionalProperties, member counts, readOnly,
// default); a schema using
// any other (allOf, oneOf, pattern, multipleOf, a number format, ...) has
// no Acceptor, and its bodies are validated by kin-openapi alone.
// FuzzAcceptorAgreesWithKinOpenAPI holds every request body schema of the
// specs to "accepted implies kin-openapi accepts".
type Acceptor struct {
	root *acceptNode
}

// kinds is a set of JSON value types.
type kinds uint8

const (
	kindNull kinds = 1 << iota
	kindBoolean
	kindInteger // a number that is whole, for "type: integer"
	kindNumber
	kindString
	kindArray
	kindObject

	kindAll = kindBoolean | kindInteger | kindNumber | kindString | kindArray | kindObject
)

var kindNames = map[string]kinds{
	openapi3.TypeNull:    kindNull,
	openapi3.TypeBoolean: kindBoolean,
	openapi3.TypeInteger: kindInteger,
	openapi3.TypeNumber:  kindNumber | kindInteger,
	openapi3.TypeString:  kindString,
	openapi3.TypeArray:   kindArray,
	openapi3.TypeObject:  kindObject,
}

// acceptNode is one compiled schema.
type acceptNode struct {
	kinds kinds
	enum  []string // when not nil, the strings the value must be one of

	// strings
	minLength, maxLength int64 // in runes; maxLength < 0 for none
	format               openapi3.StringFormatValidator

	// numbers
	min, max *float64

	// arrays
	minItems, maxItems int64 // maxItems < 0 for none
	items              *acceptNode

	// objects
	minProps, maxProps int64 // maxProps < 0 for none
	properties         map[string]*acceptNode
	required           []string
	absentOnly         []string // readOnly members: kin-openapi refuses them in requests
	defaulted          []string // members kin-openapi would fill in when absent or null
	additional         *acceptNode
	closed             bool // additionalProperties: false
}

// acceptKeywords are the keywords NewAcceptor compiles, or which do not
// change what a request validation accepts. A schema with a keyword not
// listed here (x- extensions aside) has no Acceptor: that keeps an
// upgrade of kin-openapi that learns a keyword from being silently
// ignored here.
var acceptKeywords = map[string]bool{
	"type": true, "nullable": true, "enum": true, "format": true,
	"minLength": true, "maxLength": true, "minimum": true, "maximum": true,
	"items": true, "minItems": true, "maxItems": true,
	"properties": true, "required": true, "additionalProperties": true,
	"minProperties": true, "maxProperties": true,
	"readOnly": true, "writeOnly": true, "default": true,
	"title": true, "description": true, "example": true, "deprecated": true,
	"externalDocs": true, "xml": true,
}

// NewAcceptor compiles s, the schema of a request body or parameter of an
// OpenAPI 3.0 document, with the string format validators the caller's validation
// passes to kin-openapi (openapi3.WithStringFormatValidators), which come
// before kin-openapi's global ones. It returns nil when s uses a keyword
// it does not compile. The schema must not change afterwards.
func NewAcceptor(s *openapi3.Schema, formats map[string]openapi3.StringFormatValidator) *Acceptor {
	c := acceptCompiler{formats: formats, done: map[*openapi3.Schema]*acceptNode{}}
	root := c.compile(s)
	if root == nil {
		return nil
	}
	return &Acceptor{root: root}
}

type acceptCompiler struct {
	formats map[string]openapi3.StringFormatValidator
	done    map[*openapi3.Schema]*acceptNode // compiled or being compiled: recursive schemas
}

func (c *acceptCompiler) compile(s *openapi3.Schema) *acceptNode {
	if s == nil {
		return nil
	}
	if n, ok := c.done[s]; ok {
		return n
	}
	if !onlyAcceptKeywords(s) {
		return nil
	}
	n := &acceptNode{maxLength: -1, maxItems: -1, maxProps: -1}
	c.done[s] = n
	if s.Type == nil {
		n.kinds = kindAll
	} else {
		for _, t := range *s.Type {
			k, ok := kindNames[t]
			if !ok {
				return c.fail(s)
			}
			n.kinds |= k
		}
	}
	if s.Nullable {
		n.kinds |= kindNull
	}
	if s.Enum != nil {
		n.enum = make([]string, 0, len(s.Enum))
		for _, v := range s.Enum {
			str, ok := v.(string)
			if !ok {
				return c.fail(s)
			}
			n.enum = append(n.enum, str)
		}
	}
	if s.Format != "" {
		// kin-openapi checks a format on the type it visits the value
		// as; only strings' are reproduced.
		if n.kinds&^(kindString|kindNull) != 0 {
			return c.fail(s)
		}
		if f, ok := c.formats[s.Format]; ok {
			n.format = f
		} else if f, ok := openapi3.SchemaStringFormats[s.Format]; ok {
			n.format = f
		}
	}
	n.minLength = int64(s.MinLength)
	if s.MaxLength != nil {
		n.maxLength = int64(*s.MaxLength)
	}
	n.min, n.max = s.Min, s.Max
	n.minItems = int64(s.MinItems)
	if s.MaxItems != nil {
		n.maxItems = int64(*s.MaxItems)
	}
	if s.Items != nil {
		if n.items = c.compile(s.Items.Value); n.items == nil {
			return c.fail(s)
		}
	}
	n.minProps = int64(s.MinProps)
	if s.MaxProps != nil {
		n.maxProps = int64(*s.MaxProps)
	}
	if len(s.Properties) > 0 {
		n.properties = make(map[string]*acceptNode, len(s.Properties))
	}
	for name, ref := range s.Properties {
		p := c.compile(ref.Value)
		if p == nil {
			return c.fail(s)
		}
		n.properties[name] = p
		if ref.Value.ReadOnly {
			n.absentOnly = append(n.absentOnly, name)
		}
		if ref.Value.Default != nil {
			n.defaulted = append(n.defaulted, name)
		}
	}
	n.required = s.Required
	if ap := s.AdditionalProperties; ap.Has != nil && !*ap.Has {
		n.closed = true
	} else if ap.Schema != nil {
		if n.additional = c.compile(ap.Schema.Value); n.additional == nil {
			return c.fail(s)
		}
	}
	return n
}

// fail forgets the node of s: a schema that refers to s does not compile
// either.
func (c *acceptCompiler) fail(s *openapi3.Schema) *acceptNode {
	c.done[s] = nil
	return nil
}

// onlyAcceptKeywords reports whether s itself (not the schemas below it)
// uses only the keywords in acceptKeywords: its JSON rendering, with the
// schemas below it left out, is what kin-openapi knows of it.
func onlyAcceptKeywords(s *openapi3.Schema) bool {
	own := *s
	own.Properties, own.Items = nil, nil
	own.AdditionalProperties = openapi3.AdditionalProperties{}
	data, err := json.Marshal(&own)
	if err != nil {
		return false
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return false
	}
	for k := range keys {
		if !acceptKeywords[k] && !strings.HasPrefix(k, "x-") {
			return false
		}
	}
	return true
}

// Accepts reports whether v, a value decoded from JSON with numbers as
// json.Number, is known to pass kin-openapi's request validation against
// the compiled schema, with nothing for it to fill in.
func (a *Acceptor) Accepts(v any) bool {
	return a.root.accepts(v)
}

func (n *acceptNode) accepts(v any) bool {
	if v == nil {
		// kin-openapi lets null through before any other keyword when
		// the schema is nullable (or lists the null type), and refuses
		// it otherwise.
		return n.kinds&kindNull != 0
	}
	if n.enum != nil {
		s, ok := v.(string)
		if !ok || !slices.Contains(n.enum, s) {
			return false
		}
	}
	switch v := v.(type) {
	case bool:
		return n.kinds&kindBoolean != 0
	case json.Number:
		f, err := v.Float64()
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
		return n.acceptsNumber(f)
	case string:
		return n.acceptsString(v)
	case []any:
		return n.acceptsArray(v)
	case map[string]any:
		return n.acceptsObject(v)
	}
	return false
}

func (n *acceptNode) acceptsNumber(f float64) bool {
	switch {
	case n.kinds&kindNumber != 0:
	case n.kinds&kindInteger != 0:
		if math.Trunc(f) != f {
			return false
		}
	default:
		return false
	}
	if n.min != nil && !(*n.min <= f) {
		return false
	}
	return n.max == nil || *n.max >= f
}

func (n *acceptNode) acceptsString(s string) bool {
	if n.kinds&kindString == 0 {
		return false
	}
	if n.minLength != 0 || n.maxLength >= 0 {
		// kin-openapi means to count UTF-16 code units, but it asks
		// utf16.IsSurrogate of the runes of a Go string, which are never
		// surrogates: it counts runes, and so does this.
		length := int64(utf8.RuneCountInString(s))
		if length < n.minLength || (n.maxLength >= 0 && length > n.maxLength) {
			return false
		}
	}
	return n.format == nil || n.format.Validate(s) == nil
}

func (n *acceptNode) acceptsArray(items []any) bool {
	if n.kinds&kindArray == 0 {
		return false
	}
	if count := int64(len(items)); count < n.minItems || (n.maxItems >= 0 && count > n.maxItems) {
		return false
	}
	if n.items != nil {
		for _, item := range items {
			if !n.items.accepts(item) {
				return false
			}
		}
	}
	return true
}

func (n *acceptNode) acceptsObject(members map[string]any) bool {
	if n.kinds&kindObject == 0 {
		return false
	}
	for _, name := range n.absentOnly {
		if _, ok := members[name]; ok {
			return false
		}
	}
	for _, name := range n.defaulted {
		if members[name] == nil {
			return false
		}
	}
	if count := int64(len(members)); count < n.minProps || (n.maxProps >= 0 && count > n.maxProps) {
		return false
	}
	for name, v := range members {
		if p, ok := n.properties[name]; ok {
			if !p.accepts(v) {
				return false
			}
			continue
		}
		if n.closed || (n.additional != nil && !n.additional.accepts(v)) {
			return false
		}
	}
	for _, name := range n.required {
		if _, ok := members[name]; !ok {
			return false
		}
	}
	return true
}
