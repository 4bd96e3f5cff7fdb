package mockservertest

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
)

// Expectations of a hostile request besides the ones every request has
// (no 5xx, a reply the spec allows, a refusal that changes nothing).
const (
	anyAnswer = -1 // it may even succeed
	refused   = 0  // any 4xx
)

// hostileCase is one hostile request to an operation.
type hostileCase struct {
	name string
	req  func(ns string) *http.Request
	// full sends it to the server's handler, under the API's prefix and
	// beside the admin API, rather than to the API's own.
	full bool
	want int // the status it must get, or refused, or anyAnswer
}

// Sizes of what the hostile requests overdo.
const (
	oversizedBody = mockserver.DefaultBodyLimit + 1<<10
	hugeHeader    = 256 << 10
	hugeQuery     = 256 << 10
	deepNesting   = 5000
)

// hostile sends each operation a table of hostile requests: malformed and
// mistyped bodies, missing fields, oversized bodies, missing and wrong
// credentials, huge headers and queries, wrong methods, unknown routes and
// paths that climb out of the API with "..". None may be answered with a
// 5xx or a reply the spec does not allow, and a refusal must leave the
// state as it was; most must be refused, with the status the API gives
// the core's refusal.
func (k *kit) hostile(t *testing.T) {
	for _, op := range k.ops {
		t.Run(op.Op.OperationID, func(t *testing.T) {
			t.Parallel()
			ns := k.fork(t)
			for _, hc := range k.hostileCases(t, op) {
				req := hc.req(ns)
				h, prefix := k.root, ""
				if hc.full {
					h, prefix = k.full, k.mock.Prefix
				}
				r, problems := k.exchange(h, prefix, req, ns)
				for _, p := range problems {
					t.Errorf("%s: %s", hc.name, p)
				}
				switch {
				case hc.want == refused && (r.Status < 400 || r.Status >= 500):
					t.Errorf("%s: %s %s: got %d, want a refusal: %.300s", hc.name, req.Method, clipText(req.URL.RequestURI(), 120), r.Status, r.Raw)
				case hc.want > 0 && r.Status != hc.want:
					t.Errorf("%s: %s %s: got %d, want %d: %.300s", hc.name, req.Method, clipText(req.URL.RequestURI(), 120), r.Status, hc.want, r.Raw)
				}
			}
		})
	}
}

// hostileCases builds the table for op, around a valid request to it.
func (k *kit) hostileCases(t *testing.T, op openapi.Operation) []hostileCase {
	base, err := k.generate(op, 1, true)
	if err != nil {
		t.Fatalf("generate a request: %v", err)
	}
	invalid := k.status[mockserver.KindInvalid]
	with := func(body string, contentType string) func(string) *http.Request {
		return func(ns string) *http.Request {
			return k.request(op.Method, base.target(), []byte(body), contentType, ns, k.authFor(op))
		}
	}
	var cases []hostileCase
	add := func(name string, want int, req func(string) *http.Request) {
		cases = append(cases, hostileCase{name: name, want: want, req: req})
	}

	if mt, schema := jsonMediaType(op); schema != nil && schema.Value != nil {
		s := schema.Value
		object := s.Type.Is("object") && !s.Nullable
		ifObject := func(want int) int {
			if object {
				return want
			}
			return anyAnswer
		}
		add("malformed JSON", invalid, with(`{"a":`, mt))
		add("not JSON", refused, with("a=1&b=2", "application/x-www-form-urlencoded"))
		add("JSON null", ifObject(invalid), with("null", mt))
		add("array for an object", ifObject(invalid), with("[]", mt))
		add("deep nesting", ifObject(invalid), with(strings.Repeat("[", deepNesting)+strings.Repeat("]", deepNesting), mt))
		if wrong, ok := wrongTypes(s, base.body); ok {
			c := base.clone()
			c.body = wrong
			add("every property of the wrong type", invalid, with(string(c.encoded()), mt))
		}
		if _, required := objectShape(s); object && len(required) > 0 {
			add("no properties", invalid, with("{}", mt))
		}
		add("oversized body", k.status[mockserver.KindTooLarge],
			with(`{"a":"`+strings.Repeat("a", oversizedBody)+`"}`, mt))
	}

	if auth := k.authFor(op); op.Secured(k.spec) && len(auth) > 0 {
		add("no credentials", k.status[mockserver.KindUnauthorized], func(ns string) *http.Request {
			return k.request(op.Method, base.target(), base.encoded(), base.contentType, ns, nil)
		})
		bad := http.Header{}
		for name, values := range auth {
			for _, v := range values {
				bad.Add(name, mangle(v))
			}
		}
		add("wrong credentials", k.status[mockserver.KindUnauthorized], func(ns string) *http.Request {
			return k.request(op.Method, base.target(), base.encoded(), base.contentType, ns, bad)
		})
	}

	add("huge header", anyAnswer, func(ns string) *http.Request {
		req := k.request(op.Method, base.target(), base.encoded(), base.contentType, ns, k.authFor(op))
		req.Header.Set("X-Standin-Kit-Junk", strings.Repeat("j", hugeHeader))
		return req
	})
	add("huge query", anyAnswer, func(ns string) *http.Request {
		target := base.target()
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		return k.request(op.Method, target+sep+"standinKitJunk="+strings.Repeat("q", hugeQuery), base.encoded(), base.contentType, ns, k.authFor(op))
	})
	add("control bytes in the query", anyAnswer, func(ns string) *http.Request {
		target := base.target()
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		return k.request(op.Method, target+sep+"standinKit=%00%FF%0D%0A", base.encoded(), base.contentType, ns, k.authFor(op))
	})
	add("malformed namespace", refused, func(ns string) *http.Request {
		req := k.request(op.Method, base.target(), base.encoded(), base.contentType, ns, k.authFor(op))
		req.Header.Set(mockserver.NamespaceHeader, "no such namespace!")
		return req
	})
	if method := undeclaredMethod(k.spec, op.Path); method != "" {
		add("method "+method, k.status[mockserver.KindMethodNotAllowed], func(ns string) *http.Request {
			return k.request(method, base.target(), base.encoded(), base.contentType, ns, k.authFor(op))
		})
	}
	unknown := "/standin-kit-unknown" + base.target()
	add("unknown route", k.status[mockserver.KindNotFound], func(ns string) *http.Request {
		return k.request(op.Method, unknown, base.encoded(), base.contentType, ns, k.authFor(op))
	})
	for _, name := range slices.Sorted(maps.Keys(base.path)) {
		add("traversal in "+name, anyAnswer, func(ns string) *http.Request {
			c := base.clone()
			c.path[name] = "../../" + strings.TrimPrefix(mockserver.AdminPrefix, "/") + "/reset"
			return k.request(op.Method, c.target(), c.encoded(), c.contentType, ns, k.authFor(op))
		})
	}
	// ".." never leaves the API: not to the admin API, not to another
	// path of the API. Through the server's handler, with the prefix.
	path := strings.SplitN(base.target(), "?", 2)[0]
	climb := strings.Repeat("/..", strings.Count(path, "/")+1)
	for _, tc := range []struct{ method, to string }{
		{http.MethodPost, mockserver.AdminPrefix + "/reset"},
		{http.MethodGet, mockserver.AdminPrefix + "/snapshot"},
		{op.Method, "/" + k.mock.Name + path},
	} {
		cases = append(cases, hostileCase{
			name: "dot-dot to " + tc.to, full: true, want: k.status[mockserver.KindNotFound],
			req: func(ns string) *http.Request {
				return k.request(tc.method, k.mock.Prefix+path+climb+tc.to, base.encoded(), base.contentType, ns, k.authFor(op))
			},
		})
	}
	return cases
}

// mangle returns a credential that is not v but looks like one.
func mangle(v string) string {
	if v == "" {
		return "x"
	}
	b := []byte(v)
	slices.Reverse(b)
	if string(b) == v {
		return v + "x"
	}
	return string(b)
}

// undeclaredMethod returns a method that path does not have, "" if it
// has them all.
func undeclaredMethod(doc *openapi3.T, path string) string {
	item := doc.Paths.Value(path)
	if item == nil {
		return ""
	}
	for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodPost, http.MethodGet} {
		if item.GetOperation(m) == nil {
			return m
		}
	}
	return ""
}

// wrongTypes returns v, an object of schema s, with every property the
// schema types given a value of another type; false if there is none.
func wrongTypes(s *openapi3.Schema, v any) (any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	props, _ := objectShape(s)
	out := copyValue(m).(map[string]any)
	changed := false
	for name := range out {
		if w, ok := wrongType(props[name]); ok {
			out[name] = w
			changed = true
		}
	}
	return out, changed
}

// wrongType returns a value that is not of the schema's type.
func wrongType(s *openapi3.Schema) (any, bool) {
	if s == nil || s.Type == nil || len(s.Type.Slice()) != 1 {
		return nil, false
	}
	switch s.Type.Slice()[0] {
	case "string":
		return 12345, true
	case "integer", "number":
		return "standin-kit", true
	case "boolean":
		return "standin-kit", true
	case "array":
		return "standin-kit", true
	case "object":
		return "standin-kit", true
	}
	return nil, false
}

// Fuzz is the fuzz target every API gets: arbitrary methods, paths
// (relative to the API root) and bodies, sent with valid credentials in a
// namespace of their own, held to what every request must meet: no 5xx,
// a reply the spec allows (refusals in the API's envelope), and a refusal
// leaves the state as it was. The corpus starts with a valid request to
// each operation. A fake's fuzz test is:
//
//	func FuzzRequest(f *testing.F) { mockservertest.Fuzz(f, rocketchat.Mock) }
func Fuzz(f *testing.F, mock *mockserver.Mock) {
	k := newKit(f, mock)
	for i, op := range k.ops {
		c, err := k.generate(op, uint64(i), true)
		if err != nil {
			f.Fatalf("%s: %v", op.Op.OperationID, err)
		}
		f.Add(op.Method, c.target(), string(c.encoded()))
		f.Add(op.Method, c.target(), `{"a":`)
	}
	f.Add(http.MethodPost, "/../.."+mockserver.AdminPrefix+"/reset", "")
	f.Add(http.MethodGet, "/%2e%2e/%2e%2e"+mockserver.AdminPrefix+"/snapshot", "")
	ns := k.fork(f)
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !Sendable(method, path) {
			return
		}
		var raw []byte
		if body != "" {
			raw = []byte(body)
		}
		k.send(t, k.request(method, path, raw, "application/json", ns, k.auth), ns)
	})
}
