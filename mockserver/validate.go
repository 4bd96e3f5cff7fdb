package mockserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/oapi-codegen/runtime/types"

	"github.com/standin/standin/openapi"
)

// validationOptions checks parameters and bodies; authentication is the
// API's own step, run before validation as the real servers do. The body's
// decoded value is kept on the request (KeepValidatedValue), and the
// generated handlers bind that value (oapi-codegen's runtime.BindJSONBody)
// instead of decoding the JSON a second time. It binds member names as
// they are, as the JavaScript servers read them, where encoding/json would
// also take "RoomName" for roomName.
var validationOptions = &openapi3filter.Options{
	KeepValidatedValue: true,
	SchemaValidationOptions: []openapi3.SchemaValidationOption{
		openapi3.DisableSchemaErrorDetails(),
		// A map set whole, not WithStringFormatValidator, which makes a
		// new map on every check (two per request).
		openapi3.WithStringFormatValidators(requestFormats),
	},
}

// requestFormats are the string formats checked beyond kin-openapi's own.
// kin-openapi leaves "email" unchecked, while the generated handlers refuse
// what oapi-codegen's Email type refuses; it is checked here with that same
// type, so that the refusal names the field. Read-only once set.
var requestFormats = map[string]openapi3.StringFormatValidator{
	"email": openapi3.NewCallbackValidator(func(v string) error {
		raw, _ := json.Marshal(v)
		var e types.Email
		if err := e.UnmarshalJSON(raw); err != nil {
			return errors.New("must be an e-mail address")
		}
		return nil
	}),
}

// acceptors holds, per JSON media type of a spec's request bodies and per
// query parameter, its schema compiled by openapi.NewAcceptor, or nil
// where there is no quick way (see body and acceptQuery); each is
// compiled the first time a request needs it.
type acceptors struct {
	compiled sync.Map // *openapi3.MediaType or *openapi3.Parameter -> *openapi.Acceptor
}

func (b *acceptors) get(key any, compile func() *openapi.Acceptor) *openapi.Acceptor {
	if a, ok := b.compiled.Load(key); ok {
		return a.(*openapi.Acceptor)
	}
	a, _ := b.compiled.LoadOrStore(key, compile())
	return a.(*openapi.Acceptor)
}

// acceptQuery is the quick way through a query parameter's validation:
// it reports true when kin-openapi's ValidateParameter would find nothing
// to refuse or fill in. It answers only for a form-style parameter whose
// schema is a string one openapi.NewAcceptor compiles, without a default,
// given once with a value or, when optional, not at all: kin-openapi then
// validates the raw value as it is. Otherwise it reports false and
// kin-openapi validates the parameter.
func (b *acceptors) acceptQuery(in *input, p *openapi3.Parameter) bool {
	if p.In != openapi3.ParameterInQuery {
		return false
	}
	a := b.get(p, func() *openapi.Acceptor {
		if p.Content != nil || p.Schema == nil || p.Schema.Value == nil || (p.Style != "" && p.Style != openapi3.SerializationForm) {
			return nil
		}
		s := p.Schema.Value
		if !s.Type.Is(openapi3.TypeString) || s.Default != nil {
			return nil
		}
		return openapi.NewAcceptor(s, requestFormats)
	})
	if a == nil {
		return false
	}
	value, count := in.queryValue(p.Name)
	if count == 0 {
		return !p.Required
	}
	return count == 1 && value != "" && a.Accepts(value)
}

// bodyVisitOptions are the options kin-openapi's ValidateRequestBody
// visits a JSON body's value with, given validationOptions: as a request,
// filling in defaults (it has an encoder for application/json to write
// them back with), then the schema options.
var bodyVisitOptions = append([]openapi3.SchemaValidationOption{
	openapi3.VisitAsRequest(),
	openapi3.DefaultsSet(func() {}),
}, validationOptions.SchemaValidationOptions...)

// body is the quick way through body validation for a body that r
// declares as application/json, which it decodes once. A value the
// operation's compiled schema accepts is left on r with the body, as
// kin-openapi's ValidateRequestBody leaves it for KeepValidatedValue; a
// value it does not accept is visited by kin-openapi's schema walk, with
// ValidateRequestBody's options, and refused with ValidateRequestBody's
// error. In both cases body reports done. It reports not done, for
// kin-openapi to validate the body, whenever it is not the same thing:
// another media type, a body that is not one JSON value, a schema that
// does not compile, a value with a default to fill in.
func (b *acceptors) body(in *input, rb *openapi3.RequestBody, body []byte) (done bool, err error) {
	r := in.r
	if len(body) == 0 || in.route.Spec.IsOpenAPI31OrLater() {
		return false, nil
	}
	ct := r.Header.Get("Content-Type")
	if media, _, _ := strings.Cut(ct, ";"); !strings.EqualFold(strings.TrimSpace(media), "application/json") {
		return false, nil
	}
	mt := rb.Content.Get(ct)
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil || len(mt.Encoding) != 0 ||
		mt.Schema.Value.Format == "binary" { // read as bytes, not JSON
		return false, nil
	}
	a := b.get(mt, func() *openapi.Acceptor { return openapi.NewAcceptor(mt.Schema.Value, requestFormats) })
	if a == nil {
		return false, nil
	}
	v, ok := openapi.DecodeJSON(body)
	if !ok {
		return false, nil
	}
	if a.Accepts(v) {
		vb := &validatedBody{value: v}
		vb.Reset(body)
		r.Body = vb
		return true, nil
	}
	if err := mt.Schema.Value.VisitJSON(v, bodyVisitOptions...); err != nil {
		reason := "doesn't match schema"
		if id := schemaID(mt.Schema); id != "" {
			reason += " " + id
		}
		return true, &openapi3filter.RequestError{Input: in.kin(), RequestBody: rb, Reason: reason, Err: err}
	}
	return false, nil
}

// schemaID names a schema in ValidateRequestBody's errors: its reference,
// or its title.
func schemaID(s *openapi3.SchemaRef) string {
	if id := strings.TrimSpace(s.Ref); id != "" {
		return id
	}
	return strings.TrimSpace(s.Value.Title)
}

// validatedBody is a body read whole that carries its validated value,
// which the generated handlers bind (oapi-codegen's runtime.BindJSONBody
// asks for ValidatedValue) instead of decoding the body again.
type validatedBody struct {
	bodyReader
	value any
}

func (b *validatedBody) ValidatedValue() any { return b.value }

// validateRequest checks r against route and turns the first violation into a
// *Error that names the field and the rule. body is the request body, read
// whole; quick, when not nil, lets a body and query parameters that their
// compiled schemas accept through without kin-openapi's schema walk.
func validateRequest(ctx context.Context, r *http.Request, route *routers.Route, params map[string]string, body []byte, quick *acceptors) *Error {
	in := input{r: r, route: route, params: params}
	// openapi3filter.ValidateRequest without its security step, which
	// reads and copies the body once more only to call a no-op: the
	// operation's own parameters, then the path item's it does not
	// override, then the body.
	op := route.Operation
	for _, p := range op.Parameters {
		if err := in.parameter(ctx, p.Value, quick); err != nil {
			return requestProblem(err)
		}
	}
	for _, p := range route.PathItem.Parameters {
		if op.Parameters.GetByInAndName(p.Value.In, p.Value.Name) != nil {
			continue
		}
		if err := in.parameter(ctx, p.Value, quick); err != nil {
			return requestProblem(err)
		}
	}
	if op.RequestBody != nil {
		if quick != nil {
			if done, err := quick.body(&in, op.RequestBody.Value, body); done {
				if err != nil {
					return requestProblem(err)
				}
				return nil
			}
		}
		if err := openapi3filter.ValidateRequestBody(ctx, in.kin(), op.RequestBody.Value); err != nil {
			return requestProblem(err)
		}
	}
	return nil
}

// input is what validation knows of a request. kin-openapi's
// RequestValidationInput is made only when kin-openapi is asked: the quick
// way needs at most the query, which the two then parse once.
type input struct {
	r      *http.Request
	route  *routers.Route
	params map[string]string
	query  url.Values
	in     *openapi3filter.RequestValidationInput
}

func (v *input) kin() *openapi3filter.RequestValidationInput {
	if v.in == nil {
		v.in = &openapi3filter.RequestValidationInput{
			Request:     v.r,
			PathParams:  v.params,
			QueryParams: v.query,
			Route:       v.route,
			Options:     validationOptions,
		}
	}
	return v.in
}

// parameter validates p: the quick way when it knows the answer (quick
// not nil), kin-openapi's ValidateParameter otherwise.
func (v *input) parameter(ctx context.Context, p *openapi3.Parameter, quick *acceptors) error {
	if quick != nil && quick.acceptQuery(v, p) {
		return nil
	}
	return openapi3filter.ValidateParameter(ctx, v.kin(), p)
}

// queryValue returns the first value of the query parameter name and how
// many times the query gives it. Until kin-openapi needs the whole query
// parsed, it looks for name alone.
func (v *input) queryValue(name string) (first string, count int) {
	if v.in == nil && v.query == nil {
		if first, count, ok := lookupQuery(v.r.URL.RawQuery, name); ok {
			return first, count
		}
	}
	values := v.queryParams()[name]
	if len(values) == 0 {
		return "", 0
	}
	return values[0], len(values)
}

// queryParams is the query parsed whole, once, shared with kin-openapi.
func (v *input) queryParams() url.Values {
	if v.in != nil {
		return v.in.GetQueryParams()
	}
	if v.query == nil {
		v.query = v.r.URL.Query()
	}
	return v.query
}

// maxLookedUp is how many parameters lookupQuery looks through; a longer
// query is left to url.ParseQuery, whose own limit on their number
// (GODEBUG urlmaxqueryparams) then decides.
const maxLookedUp = 100

// lookupQuery finds the values of the parameter name in the raw query as
// url.ParseQuery lists them (a pair with a semicolon or a bad escape is
// skipped), without building the map of every parameter: the first and
// how many. ok is false for a query of more than maxLookedUp parameters.
func lookupQuery(raw, name string) (first string, count int, ok bool) {
	if strings.Count(raw, "&") >= maxLookedUp {
		return "", 0, false
	}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" || strings.Contains(pair, ";") {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil || key != name {
			continue
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			continue
		}
		if count == 0 {
			first = value
		}
		count++
	}
	return first, count, true
}

// requestProblem describes a kin-openapi request error as a Problem.
func requestProblem(err error) *Error {
	p := &Error{Status: http.StatusBadRequest, Kind: KindInvalid, Err: err}
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		p.Message = err.Error()
		return p
	}
	switch {
	case re.Parameter != nil:
		p.Field = re.Parameter.In + "." + re.Parameter.Name
	case re.RequestBody != nil:
		p.Field = "body"
	}
	var pe *openapi3filter.ParseError
	issues := openapi.SchemaIssues(err)
	switch {
	case len(issues) > 0:
		// The first issue is the one a client fixes first; the rest
		// usually follow from the same mistake.
		is := issues[0]
		if len(is.Pointer) > 0 {
			p.Field += "." + strings.Join(is.Pointer, ".")
		}
		p.Rule = is.Rule
		p.Message = is.Reason
	case errors.Is(err, openapi3filter.ErrInvalidRequired):
		p.Rule = "required"
		p.Message = "is required"
	case errors.Is(err, openapi3filter.ErrInvalidEmptyValue):
		p.Rule = "allowEmptyValue"
		p.Message = "must not be empty"
	case errors.As(err, &pe):
		p.Rule = "syntax"
		p.Message = parseDetail(pe)
	default:
		p.Message = re.Reason
		if p.Message == "" && re.Err != nil {
			p.Message = re.Err.Error()
		}
	}
	if p.Rule == "required" {
		p.Message = "is required"
	}
	return p
}

func parseDetail(pe *openapi3filter.ParseError) string {
	root := pe.RootCause()
	if root == nil {
		return pe.Error()
	}
	msg := root.Error()
	switch pe.Kind {
	case openapi3filter.KindInvalidFormat:
		if pe.Reason != "" {
			return fmt.Sprintf("malformed value %q: %s", fmt.Sprint(pe.Value), pe.Reason)
		}
		return fmt.Sprintf("malformed value: %s", msg)
	case openapi3filter.KindUnsupportedFormat:
		return fmt.Sprintf("unsupported content: %s", msg)
	}
	return msg
}
