// Package wirejsontest checks that wirejson writes, for a generated API's
// types, the bytes encoding/json writes.
package wirejsontest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/standin/standin/openapi/wirejson"
)

// BodyTypes returns the JSON body types of a generated client: the types
// of the JSON<status> fields of the responses the methods of its
// ClientWithResponsesInterface return, and the types of their body
// parameters. client is that interface's type, as given by
// reflect.TypeFor[api.ClientWithResponsesInterface](). The types come
// sorted by name, each once.
func BodyTypes(client reflect.Type) []reflect.Type {
	seen := map[reflect.Type]bool{}
	add := func(t reflect.Type) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.PkgPath() != "" && t.PkgPath() != client.PkgPath() {
			return // context.Context, io.Reader, a RequestEditorFn's package
		}
		seen[t] = true
	}
	for i := range client.NumMethod() {
		m := client.Method(i).Type
		for j := range m.NumIn() {
			if in := m.In(j); strings.HasSuffix(in.Name(), "JSONRequestBody") {
				add(in)
			}
		}
		out := m.Out(0)
		for out.Kind() == reflect.Pointer {
			out = out.Elem()
		}
		if out.Kind() != reflect.Struct {
			continue
		}
		for k := range out.NumField() {
			if f := out.Field(k); strings.HasPrefix(f.Name, "JSON") {
				add(f.Type)
			}
		}
	}
	types := make([]reflect.Type, 0, len(seen))
	for t := range seen {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool { return types[i].String() < types[j].String() })
	return types
}

// CheckSameBytes fills a value of each type with gofakeit, seeds 1 to
// rounds, and reports where wirejson.Marshal or wirejson.Encoder writes
// other bytes than encoding/json, or fails where encoding/json does not
// (or the other way round).
func CheckSameBytes(t testing.TB, types []reflect.Type, rounds int) {
	t.Helper()
	if len(types) == 0 {
		t.Fatal("no types to check")
	}
	for _, typ := range types {
		// A struct with the type as its one field lets gofakeit fill
		// slices, maps and scalars as well as structs.
		holder := reflect.StructOf([]reflect.StructField{{Name: "V", Type: typ}})
		for seed := 1; seed <= rounds; seed++ {
			p := reflect.New(holder)
			if err := gofakeit.New(uint64(seed)).Struct(p.Interface()); err != nil {
				t.Fatalf("%s: fill with seed %d: %v", typ, seed, err)
			}
			if err := SameBytes(p.Elem().Field(0).Interface()); err != nil {
				t.Errorf("%s, seed %d: %v", typ, seed, err)
			}
		}
	}
}

// SameBytes reports how wirejson's encodings of v differ from
// encoding/json's: by Marshal, and by an Encoder.
func SameBytes(v any) error {
	want, wantErr := json.Marshal(v)
	got, gotErr := wirejson.Marshal(v)
	if err := compare("Marshal", want, wantErr, got, gotErr); err != nil {
		return err
	}
	var wantStream, gotStream bytes.Buffer
	wantErr = json.NewEncoder(&wantStream).Encode(v)
	gotErr = wirejson.NewEncoder(&gotStream).Encode(v)
	return compare("Encoder", wantStream.Bytes(), wantErr, gotStream.Bytes(), gotErr)
}

func compare(what string, want []byte, wantErr error, got []byte, gotErr error) error {
	switch {
	case (wantErr == nil) != (gotErr == nil):
		return fmt.Errorf("%s: encoding/json's error %v, wirejson's %v", what, wantErr, gotErr)
	case wantErr != nil && wantErr.Error() != gotErr.Error():
		return fmt.Errorf("%s: encoding/json's error %q, wirejson's %q", what, wantErr, gotErr)
	case !bytes.Equal(want, got):
		return fmt.Errorf("%s: encoding/json wrote\n%s\nwirejson wrote\n%s", what, want, got)
	}
	return nil
}
