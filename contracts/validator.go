package contracts

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/standin/standin/openapi"
)

// maxSchemaViolations caps the violations reported for one response body,
// so that a list of a thousand malformed items yields a readable report.
const maxSchemaViolations = 10

// Violation is one way in which a response broke the spec. It is the single
// record of contract failures that every report format is built from.
type Violation struct {
	// Step is the name of the step that sent the request; empty when the
	// violation was reported outside a scenario run.
	Step string `json:"step,omitempty"`
	// Method and Path name the request; Path is relative to the API root.
	Method string `json:"method"`
	Path   string `json:"path"`
	// Status is the response's status code.
	Status int `json:"status"`
	// Operation is the operationId of the matched operation, if any.
	Operation string `json:"operation,omitempty"`
	// Message says what is wrong, briefly.
	Message string `json:"message"`
	// Pointer is the JSON pointer (RFC 6901) of the offending value in the
	// response body, such as "/user/emails/0/address"; empty when the
	// violation is not about a value in the body, or is about the whole
	// body.
	Pointer string `json:"pointer,omitempty"`
	// Rule is the rule that was broken, for grouping: one of the Rule
	// constants, or the schema keyword that failed ("required", "type",
	// "pattern", "enum", "format", "additionalProperties", ...).
	Rule string `json:"rule,omitempty"`
}

// The rules a response can break besides a schema keyword, as
// Violation.Rule names them.
const (
	RuleOperation   = "operation"    // the request matches no operation of the spec
	RuleStatus      = "status"       // the status is not declared for the operation
	RuleContentType = "content-type" // the content type is not declared for the status
	RuleHeader      = "header"       // a declared header is missing or cannot be decoded
	RuleDecode      = "decode"       // the body cannot be read or decoded as its content type
)

// String formats v on one line: "GET /pets/1 -> 200 (getPet): message".
func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s -> %d", v.Method, v.Path, v.Status)
	if v.Operation != "" {
		fmt.Fprintf(&b, " (%s)", v.Operation)
	}
	b.WriteString(": ")
	b.WriteString(v.Message)
	return b.String()
}

// SpecError reports a spec that cannot be used to check responses.
type SpecError struct {
	API string // the spec's name, or its info.title when it has none
	Err error
}

func (e *SpecError) Error() string {
	return fmt.Sprintf("contracts: spec %q: %v", e.API, e.Err)
}

func (e *SpecError) Unwrap() error { return e.Err }

// Validator checks HTTP responses against an OpenAPI document. It is safe
// for concurrent use.
type Validator struct {
	router routers.Router
}

// NewValidator builds a Validator for doc. The document's servers are
// ignored: paths are matched relative to the prefix given to Transport.
// doc is not modified.
func NewValidator(doc *openapi3.T) (*Validator, error) {
	if doc == nil {
		return nil, &SpecError{Err: errors.New("no document")}
	}
	if len(doc.Servers) > 0 {
		// Route on a shallow copy without servers, leaving the caller's
		// (possibly shared) document alone.
		cp := *doc
		cp.Servers = nil
		doc = &cp
	}
	r, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, &SpecError{API: specTitle(doc), Err: err}
	}
	return &Validator{router: r}, nil
}

func specTitle(doc *openapi3.T) string {
	if doc.Info != nil {
		return doc.Info.Title
	}
	return ""
}

// validators caches one Validator per document: building the router
// validates the whole document, which is too slow to repeat per scenario.
var validators sync.Map // *openapi3.T -> *validatorOnce

type validatorOnce struct {
	once sync.Once
	v    *Validator
	err  error
}

func cachedValidator(doc *openapi3.T) (*Validator, error) {
	e, _ := validators.LoadOrStore(doc, &validatorOnce{})
	vo := e.(*validatorOnce)
	vo.once.Do(func() { vo.v, vo.err = NewValidator(doc) })
	return vo.v, vo.err
}

// Transport returns a RoundTripper that sends requests through next (nil
// means http.DefaultTransport) and checks every response against the spec,
// calling report once per violation before the response is returned.
//
// prefix is the path the API is mounted at (the path of the base URL, such
// as "/rocketchat"); it is stripped before routing. Responses are checked
// for a declared status, a declared content type and a body matching its
// schema; the body is read in full and restored. Requests are not checked:
// scenarios send malformed requests on purpose. A request for an operation
// the spec does not declare is itself a violation. report may be called
// from several goroutines at once if the transport is shared.
func (v *Validator) Transport(next http.RoundTripper, prefix string, report func(Violation)) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if report == nil {
		report = func(Violation) {}
	}
	return &validatingTransport{v: v, next: next, prefix: strings.TrimSuffix(prefix, "/"), report: report}
}

type validatingTransport struct {
	v      *Validator
	next   http.RoundTripper
	prefix string
	report func(Violation)
}

func (t *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, err := readBody(resp)
	if err != nil {
		return nil, fmt.Errorf("contracts: read response to %s %s: %w", req.Method, req.URL.Path, err)
	}
	for _, v := range t.v.check(req, resp, body, t.prefix) {
		t.report(v)
	}
	return resp, nil
}

// readBody reads resp.Body in full and replaces it with a fresh reader over
// the same bytes.
func readBody(resp *http.Response) ([]byte, error) {
	if resp.Body == nil || resp.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

// apiPath returns the path of u relative to prefix, and whether u lies
// under prefix at all.
func apiPath(u *url.URL, prefix string) (string, bool) {
	p := u.Path
	if prefix == "" {
		return p, true
	}
	rest, ok := strings.CutPrefix(p, prefix)
	if !ok || (rest != "" && rest[0] != '/') {
		return p, false
	}
	if rest == "" {
		rest = "/"
	}
	return rest, true
}

// check returns the violations of one exchange.
func (v *Validator) check(req *http.Request, resp *http.Response, body []byte, prefix string) []Violation {
	path, under := apiPath(req.URL, prefix)
	base := Violation{Method: req.Method, Path: path, Status: resp.StatusCode, Rule: RuleOperation}
	if !under {
		base.Message = fmt.Sprintf("operation not in spec: request is outside the API root %q", prefix)
		return []Violation{base}
	}

	routed := req.Clone(req.Context())
	u := *req.URL
	u.Path, u.RawPath = path, ""
	routed.URL = &u
	route, params, err := openapi.FindRoute(v.router, routed)
	if err != nil {
		base.Message = v.routeMessage(routed, err)
		return []Violation{base}
	}
	base.Operation = route.Operation.OperationID
	base.Rule = ""

	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    routed,
			PathParams: params,
			Route:      route,
		},
		Status: resp.StatusCode,
		Header: resp.Header,
		Body:   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			// A HEAD answer has no body whatever the spec's content says.
			ExcludeResponseBody: req.Method == http.MethodHead,
			MultiError:          true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{
				openapi3.DisableSchemaErrorDetails(),
			},
		},
	}
	err = openapi3filter.ValidateResponse(req.Context(), input)
	if err == nil {
		return nil
	}
	return responseViolations(base, err)
}

// routeMessage explains why req matched no operation. The legacy router
// tells a path without the method from an unknown path only for paths
// without parameters, so other methods are tried to tell them apart.
func (v *Validator) routeMessage(req *http.Request, err error) string {
	var re *routers.RouteError
	if !errors.As(err, &re) {
		return "operation not in spec: " + err.Error()
	}
	for _, m := range []string{
		http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodHead, http.MethodOptions, http.MethodTrace,
	} {
		if m == req.Method {
			continue
		}
		other := req.Clone(req.Context())
		other.Method = m
		if _, _, err := openapi.FindRoute(v.router, other); err == nil {
			return fmt.Sprintf("operation not in spec: the path declares no %s operation", req.Method)
		}
	}
	return "operation not in spec: no path matches"
}

// responseViolations turns an error of openapi3filter.ValidateResponse
// into violations like base: one per schema error, each with a short
// message naming where in the response the offending value is, its JSON
// pointer when it is in the body, and the rule it broke.
func responseViolations(base Violation, err error) []Violation {
	one := func(rule, msg string) []Violation {
		v := base
		v.Rule, v.Message = rule, clip(msg, maxLineLen)
		return []Violation{v}
	}
	var re *openapi3filter.ResponseError
	if !errors.As(err, &re) {
		return one("", err.Error())
	}
	switch {
	case re.Reason == "status is not supported":
		return one(RuleStatus, "status is not declared for this operation")
	case strings.HasPrefix(re.Reason, "response header Content-Type "):
		return one(RuleContentType, re.Reason)
	case re.Err == nil:
		rule := ""
		if strings.HasPrefix(re.Reason, "response header ") {
			rule = RuleHeader
		}
		return one(rule, re.Reason)
	}
	where, _, found := strings.Cut(re.Reason, " doesn't match schema")
	if !found {
		// Reading, decoding and header errors: the reason and its cause.
		rule := RuleDecode
		if strings.Contains(re.Reason, " header ") {
			rule = RuleHeader
		}
		return one(rule, re.Reason+": "+firstLine(re.Err.Error()))
	}
	issues := openapi.SchemaIssues(re.Err)
	if len(issues) == 0 {
		return one("", where+": "+firstLine(re.Err.Error()))
	}
	return schemaViolations(base, where, issues, where == "response body")
}

// schemaViolations turns the schema issues of one part of a request or a
// response (where) into violations like base, one per issue up to
// maxSchemaViolations and then one saying how many more there were; a
// violation in a body (inBody) carries the issue's JSON pointer.
func schemaViolations(base Violation, where string, issues []openapi.SchemaIssue, inBody bool) []Violation {
	var out []Violation
	for i, is := range issues {
		v := base
		if i == maxSchemaViolations {
			v.Message = fmt.Sprintf("%s: %d more schema errors not shown", where, len(issues)-i)
			out = append(out, v)
			break
		}
		v.Message, v.Rule = clip(schemaMessage(where, is), maxLineLen), is.Rule
		if inBody {
			v.Pointer = is.Path()
		}
		out = append(out, v)
	}
	return out
}

// schemaMessage formats an issue as "where /json/pointer: reason".
func schemaMessage(where string, is openapi.SchemaIssue) string {
	reason := is.Reason
	if reason == "" {
		reason = fmt.Sprintf("doesn't match schema %q", is.Rule)
	}
	if p := is.Path(); p != "" {
		return where + " " + p + ": " + reason
	}
	return where + ": " + reason
}
