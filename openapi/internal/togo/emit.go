package togo

import (
	"bytes"
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

const kinPath = "github.com/getkin/kin-openapi/openapi3"

// The map-like types keep their entries in an unexported map: they are
// built by package compiled's helpers, named here, from a map literal.
var mapLike = map[reflect.Type]string{
	reflect.TypeFor[openapi3.Paths]():     "newPaths",
	reflect.TypeFor[openapi3.Responses](): "newResponses",
	reflect.TypeFor[openapi3.Callback]():  "newCallback",
}

// writer writes Go expressions that build values of kin-openapi's
// document types. Its first error stops nothing but is kept: a value it
// cannot express (an unexported field set, a kind it does not know)
// makes the whole file fail rather than build another document.
type writer struct {
	buf bytes.Buffer
	err error
}

func (w *writer) printf(format string, args ...any) { fmt.Fprintf(&w.buf, format, args...) }

func (w *writer) fail(format string, args ...any) {
	if w.err == nil {
		w.err = fmt.Errorf(format, args...)
	}
}

// typeName is t as written in the generated file; a type it cannot write
// fails the file, as a value does.
func (w *writer) typeName(t reflect.Type) string {
	if t.Name() != "" {
		switch t.PkgPath() {
		case kinPath:
			return "openapi3." + t.Name()
		case "":
			return t.Name()
		}
		w.fail("a type from outside kin-openapi's openapi3: %s", t)
		return "invalid"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + w.typeName(t.Elem())
	case reflect.Slice:
		return "[]" + w.typeName(t.Elem())
	case reflect.Map:
		return "map[" + w.typeName(t.Key()) + "]" + w.typeName(t.Elem())
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any"
		}
	}
	w.fail("an unnamed type it cannot write: %s", t)
	return "invalid"
}

// value writes an expression that builds v.
func (w *writer) value(v reflect.Value) {
	t := v.Type()
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			w.printf("nil")
			return
		}
		elem := v.Elem()
		if helper, ok := mapLike[elem.Type()]; ok {
			w.mapLike(helper, elem)
			return
		}
		if elem.Kind() == reflect.Struct {
			w.printf("&")
			w.value(elem)
			return
		}
		w.printf("new(%s(", w.typeName(elem.Type()))
		w.value(elem)
		w.printf("))")
	case reflect.Struct:
		w.printf("%s{", w.typeName(t))
		for i := range t.NumField() {
			f, fv := t.Field(i), v.Field(i)
			if fv.IsZero() {
				continue
			}
			if !f.IsExported() {
				w.fail("%s.%s is set, and generated code cannot set it", t, f.Name)
				continue
			}
			w.printf("\n%s: ", f.Name)
			w.value(fv)
			w.printf(",")
		}
		w.printf("}")
	case reflect.Slice:
		if v.IsNil() {
			w.printf("nil")
			return
		}
		w.printf("%s{", w.typeName(t))
		for i := range v.Len() {
			w.value(v.Index(i))
			w.printf(", ")
		}
		w.printf("}")
	case reflect.Map:
		if v.IsNil() {
			w.printf("nil")
			return
		}
		if t.Key().Kind() != reflect.String {
			w.fail("a map keyed by %s", t.Key())
			return
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmp.Compare(a.String(), b.String()) })
		w.printf("%s{", w.typeName(t))
		for _, k := range keys {
			w.printf("\n%s: ", strconv.Quote(k.String()))
			w.value(v.MapIndex(k))
			w.printf(",")
		}
		w.printf("}")
	case reflect.Interface:
		if v.IsNil() {
			w.printf("nil")
			return
		}
		w.value(v.Elem())
	case reflect.String:
		if t.Name() == "string" {
			w.printf("%s", strconv.Quote(v.String()))
			return
		}
		w.printf("%s(%s)", w.typeName(t), strconv.Quote(v.String()))
	case reflect.Bool:
		w.printf("%t", v.Bool())
	case reflect.Float64:
		// float64(...) keeps a whole number a float64 inside an any.
		w.printf("float64(%s)", strconv.FormatFloat(v.Float(), 'g', -1, 64))
	case reflect.Int:
		w.printf("%d", v.Int())
	case reflect.Uint64:
		w.printf("uint64(%d)", v.Uint())
	default:
		w.fail("a value of kind %s (%s)", t.Kind(), t)
	}
}

// mapLike writes helper(extensions, entries) for a Paths, Responses or
// Callback.
func (w *writer) mapLike(helper string, v reflect.Value) {
	for i := range v.NumField() {
		if f := v.Type().Field(i); f.IsExported() && f.Name != "Extensions" && !v.Field(i).IsZero() {
			w.fail("%s.%s is set, and %s does not take it", v.Type(), f.Name, helper)
		}
	}
	entries := v.Addr().MethodByName("Map").Call(nil)[0]
	w.printf("%s(", helper)
	w.value(v.FieldByName("Extensions"))
	w.printf(", ")
	w.value(entries)
	w.printf(")")
}
