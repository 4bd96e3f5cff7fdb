package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/standin/standin/openapi"
)

// Validation's quick way lets a query parameter through only where
// kin-openapi's ValidateParameter finds nothing to refuse: for every query
// parameter of every spec, given not at all, empty, once with all sorts of
// values (its enum, formats, lengths, other words) and twice.
func TestQuickQueryParametersAsKinOpenAPI(t *testing.T) {
	faker := gofakeit.New(7)
	params, quickYes, kinYes := 0, 0, 0
	for _, op := range specOperations() {
		route := op.route
		for _, ref := range append(append(openapi3.Parameters{}, route.Operation.Parameters...), route.PathItem.Parameters...) {
			p := ref.Value
			if p.In != openapi3.ParameterInQuery {
				continue
			}
			params++
			var quick acceptors
			for _, q := range queryCandidates(faker, p) {
				in := &openapi3filter.RequestValidationInput{
					Request: httptest.NewRequest(route.Method, "http://h/x?"+q, nil),
					Route:   route,
					Options: validationOptions,
				}
				kin := openapi3filter.ValidateParameter(context.Background(), in, p) == nil
				raw := in.Request.URL.RawQuery
				if kin {
					kinYes++
				}
				if quick.acceptQuery(&input{r: httptest.NewRequest(route.Method, "http://h/x?"+q, nil), route: route}, p) {
					quickYes++
					if !kin || raw != q {
						t.Errorf("%s: ?%s let through, and kin-openapi refuses it or fills in a default", op.name, q)
					}
				}
			}
		}
	}
	t.Logf("%d query parameters; kin-openapi accepts %d of the queries, the quick way %d", params, kinYes, quickYes)
	if quickYes*2 < kinYes {
		t.Errorf("the quick way lets through %d of the %d queries kin-openapi accepts", quickYes, kinYes)
	}
}

func queryCandidates(faker *gofakeit.Faker, p *openapi3.Parameter) []string {
	values := []string{"a", "1", "true", "😀é", strings.Repeat("x", 300), faker.Email(), faker.Word(), "2026-01-02T03:04:05Z", "2026-01-02", "a b&c"}
	if s := p.Schema; s != nil && s.Value != nil {
		for _, e := range s.Value.Enum {
			values = append(values, fmt.Sprint(e))
		}
	}
	name := url.QueryEscape(p.Name)
	out := []string{"", "other=1", name + "=", name + "=a&" + name + "=b", name + "=&" + name + "=a"}
	for _, v := range values {
		out = append(out, name+"="+url.QueryEscape(v))
	}
	return out
}

// A body the quick way lets through reaches the handler as kin-openapi
// leaves it: readable again, with the same decoded value.
func TestQuickBodyLeavesTheBodyAsKinOpenAPI(t *testing.T) {
	doc := openapi.MustLoad("rocketchat")
	item := doc.Paths.Value("/api/v1/channels.invite")
	route := &routers.Route{Spec: doc, Path: "/api/v1/channels.invite", PathItem: item, Method: http.MethodPost, Operation: item.Post}
	body := []byte(`{"roomName":"general","usernames":["a","b"]}`)
	request := func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "http://h/api/v1/channels.invite", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json; charset=utf-8")
		return r
	}
	var quick acceptors
	fast, slow := request(), request()
	if e := validateRequest(context.Background(), fast, route, nil, body, &quick); e != nil {
		t.Fatal(e)
	}
	if e := validateRequest(context.Background(), slow, route, nil, body, nil); e != nil {
		t.Fatal(e)
	}
	if _, ok := fast.Body.(*validatedBody); !ok {
		t.Fatalf("the quick way was not taken: body %T", fast.Body)
	}
	fv, fok := fast.Body.(valued)
	sv, sok := slow.Body.(valued)
	if !fok || !sok || !reflect.DeepEqual(fv.ValidatedValue(), sv.ValidatedValue()) {
		t.Fatalf("validated values differ: %v and %v", fv, sv)
	}
	var got bytes.Buffer
	if _, err := got.ReadFrom(fast.Body); err != nil || !bytes.Equal(got.Bytes(), body) {
		t.Fatalf("body reads %q, %v; want %q", got.Bytes(), err, body)
	}
	// A body the compiled schema does not accept goes to kin-openapi,
	// whose message names the field and the rule.
	bad := []byte(`{"roomName":5}`)
	r := httptest.NewRequest(http.MethodPost, "http://h/api/v1/channels.invite", bytes.NewReader(bad))
	r.Header.Set("Content-Type", "application/json")
	e := validateRequest(context.Background(), r, route, nil, bad, &quick)
	if e == nil || e.Field != "body.roomName" || e.Rule != "type" {
		t.Fatalf("got %+v, want body.roomName refused by type", e)
	}
}

// The quick way answers every JSON body of every spec as kin-openapi
// does: the same error, field, rule and message, or the same value for the
// handler. The bodies are right and wrong in the usual ways: other JSON
// types, each member of the wrong type or null.
func TestQuickBodiesAsKinOpenAPI(t *testing.T) {
	ops, bodies, quickDone := 0, 0, 0
	for _, op := range specOperations() {
		if op.body == nil {
			continue
		}
		ops++
		var quick acceptors
		for _, body := range candidateBodies(op.body.Content.Get("application/json").Schema.Value) {
			bodies++
			done, diff := quickBodyAsKin(&quick, op, []byte(body))
			if done {
				quickDone++
			}
			if diff != "" {
				t.Errorf("%s %s: %s", op.name, body, diff)
			}
		}
	}
	t.Logf("%d operations, %d bodies, %d answered the quick way", ops, bodies, quickDone)
	if quickDone*2 < bodies {
		t.Errorf("the quick way answers %d of %d bodies", quickDone, bodies)
	}
}

func candidateBodies(s *openapi3.Schema) []string {
	out := []string{`{}`, `[]`, `null`, `1`, `"x"`, `true`, `{"unknown":1}`}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		key, _ := json.Marshal(name)
		for _, v := range []string{`5`, `"x"`, `null`, `[]`, `{}`, `[5]`, `true`} {
			out = append(out, "{"+string(key)+":"+v+"}")
		}
	}
	return out
}

// FuzzQuickBodiesAsKinOpenAPI holds the quick way to kin-openapi's answer
// for any body sent to any JSON operation of the five specs: the same
// refusal, or the same value for the handler.
func FuzzQuickBodiesAsKinOpenAPI(f *testing.F) {
	var ops []specOperation
	for _, op := range specOperations() {
		if op.body != nil {
			ops = append(ops, op)
		}
	}
	for i, op := range ops {
		bodies := candidateBodies(op.body.Content.Get("application/json").Schema.Value)
		for _, body := range bodies[:min(len(bodies), 10)] {
			f.Add(uint16(i), []byte(body))
		}
	}
	quick := make([]acceptors, len(ops))
	f.Fuzz(func(t *testing.T, pick uint16, body []byte) {
		i := int(pick) % len(ops)
		if _, diff := quickBodyAsKin(&quick[i], ops[i], body); diff != "" {
			t.Fatalf("%s %q: %s", ops[i].name, body, diff)
		}
	})
}

// specOperation is one operation of a spec, routed, with its JSON
// request body if it has one.
type specOperation struct {
	name  string // "api METHOD /path"
	route *routers.Route
	body  *openapi3.RequestBody // nil without an application/json body
}

// specOperations lists every operation of the five specs, in a fixed
// order.
func specOperations() []specOperation {
	var out []specOperation
	for _, api := range openapi.Names() {
		doc := openapi.MustLoad(api)
		for _, path := range doc.Paths.InMatchingOrder() {
			item := doc.Paths.Value(path)
			for _, method := range slices.Sorted(maps.Keys(item.Operations())) {
				op := item.GetOperation(method)
				so := specOperation{name: api + " " + method + " " + path,
					route: &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}}
				if op.RequestBody != nil && op.RequestBody.Value.Content.Get("application/json") != nil {
					so.body = op.RequestBody.Value
				}
				out = append(out, so)
			}
		}
	}
	return out
}

// valued is a body that carries the value validation decoded, as
// kin-openapi's KeepValidatedValue and the quick way leave it.
type valued interface{ ValidatedValue() any }

// quickBodyAsKin validates body for op both ways, kin-openapi's
// ValidateRequestBody and the quick way, and says how they differ when the
// quick way answers (done): in the refusal (its error, field, rule and
// message) or in the value left for the handler. Parameters are left out.
func quickBodyAsKin(quick *acceptors, op specOperation, body []byte) (done bool, diff string) {
	request := func() *http.Request {
		r := httptest.NewRequest(op.route.Method, "http://h/x", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		return r
	}
	in := &openapi3filter.RequestValidationInput{Request: request(), Route: op.route, Options: validationOptions}
	kinErr := openapi3filter.ValidateRequestBody(context.Background(), in, op.body)
	quickIn := &input{r: request(), route: op.route}
	done, quickErr := quick.body(quickIn, op.body, body)
	switch {
	case !done:
		return false, ""
	case (kinErr == nil) != (quickErr == nil):
		return true, fmt.Sprintf("kin-openapi %v, the quick way %v", kinErr, quickErr)
	case kinErr != nil:
		k, q := requestProblem(kinErr), requestProblem(quickErr)
		if k.Error() != q.Error() || k.Field != q.Field || k.Rule != q.Rule || k.Message != q.Message || kinErr.Error() != quickErr.Error() {
			return true, fmt.Sprintf("\n kin-openapi    %+v (%v)\n the quick way %+v (%v)", k, kinErr, q, quickErr)
		}
	default:
		kv, _ := in.Request.Body.(valued)
		qv, _ := quickIn.r.Body.(valued)
		if kv == nil || qv == nil || !reflect.DeepEqual(kv.ValidatedValue(), qv.ValidatedValue()) {
			return true, "the values left for the handler differ"
		}
	}
	return true, ""
}

// lookupQuery finds what url.ParseQuery finds for one parameter.
func FuzzLookupQueryAsParseQuery(f *testing.F) {
	for _, seed := range []struct{ raw, name string }{
		{"roomName=general", "roomName"}, {"a=1&a=2&b=3", "a"}, {"a=1;b=2&a=3", "a"}, {"a%3D=x&a%3d=y", "a="},
		{"a=%zz&a=ok", "a"}, {"+a+=b+c", " a "}, {"&&a&a=", "a"}, {"a=%E2%82%AC", "a"}, {"", "a"},
		{strings.Repeat("a=1&", 120), "a"},
	} {
		f.Add(seed.raw, seed.name)
	}
	f.Fuzz(func(t *testing.T, raw, name string) {
		first, count, ok := lookupQuery(raw, name)
		if !ok {
			if strings.Count(raw, "&") < maxLookedUp {
				t.Fatalf("%q: not looked through", raw)
			}
			return
		}
		values, _ := url.ParseQuery(raw)
		want := values[name]
		if count != len(want) || (count > 0 && first != want[0]) {
			t.Fatalf("%q, %q: %q %d, ParseQuery %q", raw, name, first, count, want)
		}
	})
}
