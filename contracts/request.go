package contracts

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/standin/standin/openapi"
)

// requestOptions check a request's parameters and body against the spec.
// Credentials are the server's business: a request without them is still
// well formed, and the server's 401 is checked as a response.
var requestOptions = &openapi3filter.Options{
	AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
	MultiError:         true,
	SchemaValidationOptions: []openapi3.SchemaValidationOption{
		openapi3.DisableSchemaErrorDetails(),
	},
}

// CheckRequest returns the ways req breaks the spec: an operation the spec
// lacks (Rule RuleOperation), or parameters and a body that do not match
// the operation's. req's path must be relative to the API root (as the
// spec's paths are); body is the request's body, which req.Body need not
// hold any more. Status is 0 in the violations: no answer is involved.
func (v *Validator) CheckRequest(req *http.Request, body []byte) []Violation {
	base := Violation{Method: req.Method, Path: req.URL.Path, Rule: RuleOperation}
	route, params, err := openapi.FindRoute(v.router, req)
	if err != nil {
		base.Message = v.routeMessage(req, err)
		return []Violation{base}
	}
	base.Operation, base.Rule = route.Operation.OperationID, ""
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	err = openapi3filter.ValidateRequest(req.Context(), &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options:    requestOptions,
	})
	if err == nil {
		return nil
	}
	var out []Violation
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		for _, e := range multi {
			out = append(out, requestViolations(base, e)...)
		}
		return out
	}
	return requestViolations(base, err)
}

// requestViolations turns one error of openapi3filter.ValidateRequest into
// violations like base: one per schema error, each naming the parameter or
// the body, its JSON pointer in the body and the rule.
func requestViolations(base Violation, err error) []Violation {
	one := func(rule, msg string) []Violation {
		v := base
		v.Rule, v.Message = rule, clip(msg, maxLineLen)
		return []Violation{v}
	}
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return one("", firstLine(err.Error()))
	}
	where := "request"
	switch {
	case re.Parameter != nil:
		where = fmt.Sprintf("%s parameter %q", re.Parameter.In, re.Parameter.Name)
	case re.RequestBody != nil:
		where = "request body"
	}
	issues := openapi.SchemaIssues(err)
	switch {
	case len(issues) == 0 && errors.Is(err, openapi3filter.ErrInvalidRequired):
		return one("required", where+": is required")
	case len(issues) == 0 && errors.Is(err, openapi3filter.ErrInvalidEmptyValue):
		return one("allowEmptyValue", where+": must not be empty")
	case len(issues) == 0:
		msg := re.Reason
		if re.Err != nil {
			if msg != "" {
				msg += ": "
			}
			msg += firstLine(re.Err.Error())
		}
		return one(RuleDecode, where+": "+msg)
	}
	return schemaViolations(base, where, issues, re.RequestBody != nil)
}
