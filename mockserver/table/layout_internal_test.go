package table

import (
	"reflect"
	"testing"
)

// TestTreeItemsHaveOneLayout guards the binary's size: Go compiles a
// generic type's code once per layout of its type argument, so the items
// of the trees (row, ukey) must have the same field types whatever the
// record type. A field typed by V (a *V instead of the unsafe.Pointer)
// would compile btree's code once per record type again: 12 MB more.
func TestTreeItemsHaveOneLayout(t *testing.T) {
	type small struct{ N int }
	type large struct {
		Name string
		Tags []string
		M    map[string]int
	}
	same := func(what string, a, b reflect.Type) {
		t.Helper()
		if a.NumField() != b.NumField() {
			t.Fatalf("%s: %d fields for %v, %d for %v", what, a.NumField(), a, b.NumField(), b)
		}
		for i := range a.NumField() {
			if fa, fb := a.Field(i), b.Field(i); fa.Type != fb.Type {
				t.Errorf("%s: field %s is %v for %v but %v for %v: the tree's code would be compiled once per record type",
					what, fa.Name, fa.Type, a, fb.Type, b)
			}
		}
	}
	same("row", reflect.TypeFor[row[small]](), reflect.TypeFor[row[large]]())
	same("ukey", reflect.TypeFor[ukey[small]](), reflect.TypeFor[ukey[large]]())
}
