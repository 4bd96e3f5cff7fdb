package openapi

import (
	"errors"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// SchemaIssue is one reason a value failed its schema, found by digging
// through kin-openapi's error tree down to the innermost schema errors.
type SchemaIssue struct {
	Pointer []string // JSON pointer of the offending value, from the validated root
	Rule    string   // the schema keyword that failed, e.g. "type", "required"
	Reason  string   // kin-openapi's explanation
}

// Path returns the pointer as "/a/0/b" (RFC 6901), or "" for the root.
func (i SchemaIssue) Path() string {
	if len(i.Pointer) == 0 {
		return ""
	}
	esc := strings.NewReplacer("~", "~0", "/", "~1")
	parts := make([]string, len(i.Pointer))
	for k, p := range i.Pointer {
		parts[k] = esc.Replace(p)
	}
	return "/" + strings.Join(parts, "/")
}

// SchemaIssues returns the innermost schema errors within err. Errors of
// allOf, anyOf and oneOf only say that a composition failed; their causes
// say which value broke which rule, so those are reported instead
// (kin-openapi already gives the causes the full path).
func SchemaIssues(err error) []SchemaIssue {
	return collect(nil, nil, err)
}

func collect(dst []SchemaIssue, prefix []string, err error) []SchemaIssue {
	switch e := err.(type) {
	case nil:
		return dst
	case *openapi3.SchemaError:
		ptr := append(append([]string(nil), prefix...), e.JSONPointer()...)
		if e.Origin != nil {
			if inner := collect(nil, prefix, e.Origin); len(inner) > 0 {
				return append(dst, inner...)
			}
		}
		return append(dst, SchemaIssue{Pointer: ptr, Rule: e.SchemaField, Reason: e.Reason})
	case openapi3.MultiError:
		for _, err := range e {
			dst = collect(dst, prefix, err)
		}
		return dst
	case interface{ Unwrap() []error }:
		for _, err := range e.Unwrap() {
			dst = collect(dst, prefix, err)
		}
		return dst
	}
	if next := errors.Unwrap(err); next != nil {
		return collect(dst, prefix, next)
	}
	return dst
}
