package rocketchat_test

import (
	"reflect"
	"testing"

	api "github.com/standin/standin/gen/rocketchat"
	"github.com/standin/standin/openapi/wirejson/wirejsontest"
)

// TestBodiesEncodeAsEncodingJSON: the generated code encodes the API's
// bodies through wirejson, which must write encoding/json's bytes for
// every request and response body type, filled with random values.
func TestBodiesEncodeAsEncodingJSON(t *testing.T) {
	types := wirejsontest.BodyTypes(reflect.TypeFor[api.ClientWithResponsesInterface]())
	t.Logf("%d body types", len(types))
	wirejsontest.CheckSameBytes(t, types, 20)
}
