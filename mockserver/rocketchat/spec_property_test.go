package rocketchat_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/openapi"
)

// TestSchemaValidRequestsAreNeverRefusedAsInvalid generates requests from
// the spec itself (bodies and query parameters that satisfy their schemas,
// with the fixtures generator) and sends them to the mock as the admin. The
// mock may refuse them on business grounds (unknown room, not allowed), but
// never as malformed and never with a 5xx: if it did, the spec and the mock
// would disagree about what a valid request is.
func TestSchemaValidRequestsAreNeverRefusedAsInvalid(t *testing.T) {
	doc, err := openapi.Load("rocketchat")
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "logout" {
				continue // it would end the admin's session for the next requests
			}
			t.Run(op.OperationID, func(t *testing.T) {
				h := newHarness(t)
				admin := h.admin()
				for seed := range uint64(15) {
					gen := fixtures.New(seed)
					q := url.Values{}
					for _, p := range op.Parameters {
						if p.Value.In != "query" || (!p.Value.Required && seed%2 == 1) {
							continue
						}
						v, err := gen.Value(p.Value.Schema)
						if err != nil {
							t.Fatalf("generate %s: %v", p.Value.Name, err)
						}
						for _, s := range queryValues(v) {
							q.Add(p.Value.Name, s)
						}
					}
					var body any
					if op.RequestBody != nil {
						mt := op.RequestBody.Value.Content.Get("application/json")
						if body, err = gen.Value(mt.Schema); err != nil {
							t.Fatalf("generate body: %v", err)
						}
					}
					target := path
					if len(q) > 0 {
						target += "?" + q.Encode()
					}
					r := admin.do(method, target, body)
					if r.Status >= 500 || r.Str("errorType") == "invalid-params" {
						t.Errorf("seed %d: %s %s %v: %d %s", seed, method, target, body, r.Status, r.Raw)
					}
				}
			})
		}
	}
}

// queryValues renders a generated value as query-string values: arrays as
// repeated keys, as the official client sends them.
func queryValues(v any) []string {
	switch x := v.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, fmt.Sprint(e))
		}
		return slices.DeleteFunc(out, func(s string) bool { return strings.TrimSpace(s) == "" })
	default:
		return []string{fmt.Sprint(x)}
	}
}
