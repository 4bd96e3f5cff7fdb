package openapi_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/standin/standin/openapi"
)

// FuzzDecodeJSONBodyAsKinOpenAPI: DecodeJSONBody gives the value and the
// error kin-openapi's JSONBodyDecoder gives, for any body.
func FuzzDecodeJSONBodyAsKinOpenAPI(f *testing.F) {
	for _, seed := range []string{
		`{"roomName":"general","username":"antonio.towne"}`,
		`{"a":1,"a":2,"n":-0.0e+5,"big":123456789012345678901234567890,"u":"\u00e9\ud83d\ude00\ud800"}`,
		`[1, "x", null, true, {"": []}] `,
		`{"a":1} trailing`,
		`{"a":1}{"b":2}`,
		"\"\xff\xfe\"",
		`{"a":01}`, `{`, ``, ` `, `nul`, `1e400`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gotErr := openapi.DecodeJSONBody(bytes.NewReader(data), nil, nil, nil)
		want, wantErr := openapi3filter.JSONBodyDecoder(bytes.NewReader(data), nil, nil, nil)
		if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
			t.Fatalf("%q: error %v, kin-openapi's %v", data, gotErr, wantErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %#v, kin-openapi's %#v", data, got, want)
		}
	})
}

// TestJSONTypesDecodeWithDecodeJSONBody: kin-openapi decodes the JSON
// media types with DecodeJSONBody.
func TestJSONTypesDecodeWithDecodeJSONBody(t *testing.T) {
	ours := reflect.ValueOf(openapi.DecodeJSONBody).Pointer()
	for _, ct := range []string{"application/json", "application/json+merge-patch", "application/merge-patch+json", "application/hal+json"} {
		if d := openapi3filter.RegisteredBodyDecoder(ct); d == nil || reflect.ValueOf(d).Pointer() != ours {
			t.Errorf("%s: kin-openapi decodes it with another decoder", ct)
		}
	}
}

// BenchmarkDecodeJSONBody decodes a channels.invite body as the mock's
// validator does, and with kin-openapi's own decoder.
func BenchmarkDecodeJSONBody(b *testing.B) {
	body := []byte(`{"roomName":"general","username":"antonio.towne"}`)
	for name, decode := range map[string]openapi3filter.BodyDecoder{"standin": openapi.DecodeJSONBody, "kin-openapi": openapi3filter.JSONBodyDecoder} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decode(bytes.NewReader(body), nil, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
