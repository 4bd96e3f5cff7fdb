package mockservertest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/contracts"
)

// Conformance checks replies recorded in process against an API's spec
// with the contracts validator: declared status, body schema, content
// type. The fakes' own tests run every reply through it.
type Conformance struct {
	validator *contracts.Validator
	prefix    string
}

// NewConformance checks replies to requests under prefix (e.g.
// "/rocketchat") against doc.
func NewConformance(doc *openapi3.T, prefix string) (*Conformance, error) {
	v, err := contracts.NewValidator(doc)
	if err != nil {
		return nil, err
	}
	return &Conformance{validator: v, prefix: prefix}, nil
}

// Check returns how resp, the answer to req, breaks the spec. A request
// for no operation of the spec (an unknown path, a wrong method) is not
// checked: the test kit checks those refusals against the error schemas.
func (c *Conformance) Check(req *http.Request, resp *http.Response) []string {
	var problems []string
	tr := c.validator.Transport(recorded{resp}, c.prefix, func(v contracts.Violation) {
		if !strings.HasPrefix(v.Message, "operation not in spec") {
			problems = append(problems, v.String())
		}
	})
	if _, err := tr.RoundTrip(req); err != nil {
		problems = append(problems, err.Error())
	}
	return problems
}

// recorded answers every request with one recorded response.
type recorded struct{ resp *http.Response }

func (r recorded) RoundTrip(*http.Request) (*http.Response, error) { return r.resp, nil }

// RecordChecked serves req with h like Record, and fails tb for every way
// the reply breaks the spec that c checks.
func RecordChecked(tb testing.TB, h http.Handler, req *http.Request, c *Conformance) Reply {
	tb.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := Reply{Status: rec.Code, ContentType: rec.Header().Get("Content-Type"), Raw: rec.Body.String()}
	_ = json.Unmarshal(rec.Body.Bytes(), &r.Body)
	for _, p := range c.Check(req, rec.Result()) {
		tb.Errorf("%s %s: the reply breaks the spec: %s", req.Method, req.URL.RequestURI(), p)
	}
	return r
}
