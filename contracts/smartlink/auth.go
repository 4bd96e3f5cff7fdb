package smartlink

import (
	"net/http"
	"strings"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/openapi"
)

// operations lists every operation of the spec, read from the spec itself
// so that a new operation is covered the day it is added. Every one needs
// the x-api-key.
func operations() ([]openapi.Operation, error) {
	doc, err := openapi.Load(API)
	if err != nil {
		return nil, err
	}
	return openapi.Operations(doc), nil
}

// send sends op with its path parameters filled in (1 for ids, "x" for
// clientIds), the search's required page, and an empty JSON body where the
// method takes one: authentication comes before everything else.
func send(e *httpexpect.Expect, op openapi.Operation) *httpexpect.Response {
	path := strings.NewReplacer("{id}", "1", "{clientId}", "x").Replace(op.Path)
	req := e.Request(op.Method, path).WithQuery("page", 1)
	if op.Method != http.MethodGet && op.Method != http.MethodDelete {
		req = req.WithJSON(map[string]any{})
	}
	return req.Expect()
}
