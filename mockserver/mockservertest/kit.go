package mockservertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mocks"
	"github.com/standin/standin/openapi"
)

// Run runs the test kit that every API in standin's list gets, each part
// a subtest of t:
//
//   - routes: the handler the API builds routes every operation of its
//     spec to that operation, and has no other routes;
//   - hostile: malformed, mistyped, oversized, unauthenticated, unroutable
//     and path-traversing requests to every operation;
//   - badinput: one violation of each constraint of the spec at a time, on
//     an otherwise valid request, is refused as invalid, naming the field
//     and the rule;
//   - property: requests the spec calls valid, naming things that exist
//     in the seeded state, succeed; a refusal is a finding unless the API
//     declares it as one of its business rules (TestHooks.BusinessRules);
//   - snapshot: the seeded state survives an export and import unchanged,
//     and a snapshot without its top-level maps still imports.
//   - reads: every GET operation, sent a request that names seeded
//     things, makes no Store.Update (reads take no write lock and create
//     no namespace).
//
// Throughout, every reply is checked against the spec with the contracts
// validator (status declared, content type, body schema; a refusal of a
// request that names no operation against the API's error schemas), no
// reply is a 5xx, and no refusal changes the state.
func Run(t *testing.T, mock *mockserver.Mock) {
	t.Helper()
	k := newKit(t, mock)
	t.Run("routes", k.routes)
	t.Run("hostile", k.hostile)
	t.Run("badinput", k.badInput)
	t.Run("property", k.property)
	t.Run("snapshot", k.snapshot)
	t.Run("reads", k.reads)
}

// kit is one API under test: built on its own, for its handler and
// envelope, and served by a server with the default configuration.
type kit struct {
	mock  *mockserver.Mock
	api   mockserver.API
	spec  *openapi3.T
	ops   []openapi.Operation
	store mockserver.Store
	root  http.Handler // the API at the root of its own handler: paths as in the spec
	full  http.Handler // every API under its prefix, and the admin API
	check *contracts.Validator

	refusals []refusalSchema         // what the API's refusals may look like
	codeKey  string                  // top-level property of a refusal body that holds the error code
	status   map[mockserver.Kind]int // the API's status for each of the core's refusal kinds

	// base is the API's state in a namespace that was seeded, logged in
	// and looked at: every test case starts from a copy of it.
	base  json.RawMessage
	auth  http.Header
	known map[string][]string

	seq atomic.Int64
}

// refusalSchema is one media type and schema the spec declares for a 4xx
// or default response.
type refusalSchema struct {
	mediaType string
	schema    *openapi3.Schema
}

func newKit(tb testing.TB, mock *mockserver.Mock) *kit {
	tb.Helper()
	catalog := mocks.Catalog{mock}
	cfg := catalog.Default()
	settings := cfg.APIs[mock.Name]
	api, err := mock.Build(mockserver.Setup{Store: mockserver.NewMemoryStore(), DataSet: settings.DataSet, Seed: settings.Seed}, settings.Options)
	if err != nil {
		tb.Fatalf("build %s: %v", mock.Name, err)
	}
	srv, err := catalog.New(cfg, nil)
	if err != nil {
		tb.Fatalf("serve %s: %v", mock.Name, err)
	}
	root, err := srv.RootHandler(mock.Name)
	if err != nil {
		tb.Fatal(err)
	}
	spec, err := api.Document()
	if err != nil {
		tb.Fatal(err)
	}
	check, err := contracts.NewValidator(spec)
	if err != nil {
		tb.Fatal(err)
	}
	k := &kit{
		mock: mock, api: api, spec: spec, ops: openapi.Operations(spec),
		store: srv.Store(), root: root, full: srv.Handler(), check: check,
	}
	k.refusals = refusalSchemas(spec)
	k.status = map[mockserver.Kind]int{}
	for kind, status := range map[mockserver.Kind]int{
		mockserver.KindNotFound: http.StatusNotFound, mockserver.KindMethodNotAllowed: http.StatusMethodNotAllowed,
		mockserver.KindTooLarge: http.StatusRequestEntityTooLarge, mockserver.KindInvalid: http.StatusBadRequest,
		mockserver.KindUnauthorized: http.StatusUnauthorized,
	} {
		k.status[kind] = api.Envelope.Complete(&mockserver.Error{Status: status, Kind: kind}).Status
	}
	k.codeKey = probeCodeKey(api.Envelope)
	if k.codeKey == "" && len(mock.Test.BusinessRules) > 0 {
		tb.Fatalf("%s declares business rules, but its envelope renders no error code in a top-level property", mock.Name)
	}
	k.prepare(tb)
	return k
}

// probeCodeKey renders a refusal with a marker code in env and returns
// the top-level property of the body that holds it, "" if none.
func probeCodeKey(env mockserver.Envelope) string {
	const marker = "standin-kit-probe"
	rec := httptest.NewRecorder()
	env.Render(rec, httptest.NewRequest(http.MethodGet, "/", nil), &mockserver.Error{
		Status: http.StatusBadRequest, Kind: mockserver.KindRule, Code: marker, Message: "probe"})
	var body map[string]any
	if json.Unmarshal(rec.Body.Bytes(), &body) != nil {
		return ""
	}
	for _, key := range slices.Sorted(maps.Keys(body)) {
		if body[key] == marker {
			return key
		}
	}
	return ""
}

// refusalSchemas collects the schemas of every 4xx and default response
// of doc: a refusal of a request that names no operation (an unknown path,
// a method the path does not have) must match one of them.
func refusalSchemas(doc *openapi3.T) []refusalSchema {
	var out []refusalSchema
	seen := map[refusalSchema]bool{}
	for _, op := range openapi.Operations(doc) {
		for status, resp := range op.Op.Responses.Map() {
			if (status != "default" && !strings.HasPrefix(status, "4")) || resp.Value == nil {
				continue
			}
			for mt, media := range resp.Value.Content {
				if media.Schema == nil || media.Schema.Value == nil {
					continue
				}
				rs := refusalSchema{mediaType: mt, schema: media.Schema.Value}
				if !seen[rs] {
					seen[rs] = true
					out = append(out, rs)
				}
			}
		}
	}
	return out
}

// prepare seeds the kit's base namespace, logs in and looks up what
// exists there, and keeps the resulting state for the test cases.
func (k *kit) prepare(tb testing.TB) {
	tb.Helper()
	const ns = "kit-base"
	Touch(tb, k.store, ns, k.mock.Name)
	h := k.validating(tb, k.root, "")
	if k.mock.Test.Login != nil {
		auth, err := k.mock.Test.Login(h, ns)
		if err != nil {
			tb.Fatalf("log in to %s: %v", k.mock.Name, err)
		}
		k.auth = auth
	}
	k.known = map[string][]string{}
	add := func(known map[string][]string) {
		for name, values := range known {
			if len(values) > 0 || strings.Contains(name, ":") {
				k.known[name] = values
			}
		}
	}
	var made map[string][]string
	if k.mock.Test.Prepare != nil {
		var err error
		if made, err = k.mock.Test.Prepare(h, k.auth, ns); err != nil {
			tb.Fatalf("prepare %s for the test kit: %v", k.mock.Name, err)
		}
	}
	if k.mock.Test.Known != nil {
		known, err := k.mock.Test.Known(h, k.auth, ns)
		if err != nil {
			tb.Fatalf("look up what exists in %s: %v", k.mock.Name, err)
		}
		add(known)
	}
	add(made)
	raw, err := k.export(ns)
	if err != nil {
		tb.Fatal(err)
	}
	k.base = raw
}

// export returns the API's state in namespace ns as JSON.
func (k *kit) export(ns string) (json.RawMessage, error) {
	snap, err := k.store.Export(context.Background(), ns)
	if err != nil {
		return nil, err
	}
	return snap[ns][k.mock.Name], nil
}

// fork returns a new namespace that holds a copy of the base state; it is
// dropped when tb ends.
func (k *kit) fork(tb testing.TB) string {
	tb.Helper()
	ns := fmt.Sprintf("kit-%d", k.seq.Add(1))
	if err := k.store.Import(context.Background(), ns, mockserver.Snapshot{ns: {k.mock.Name: k.base}}); err != nil {
		tb.Fatalf("copy the base state to %s: %v", ns, err)
	}
	tb.Cleanup(func() { _ = k.store.Reset(context.Background(), ns) })
	return ns
}

// authFor returns the headers that authenticate op: the Auth hook's for
// it, else Login's.
func (k *kit) authFor(op openapi.Operation) http.Header {
	if h, ok := k.mock.Test.Auth[op.Op.OperationID]; ok {
		return h
	}
	return k.auth
}

// request builds a request for target (relative to the API root) in
// namespace ns, with body sent as is (none when nil) and the headers of
// auth.
func (k *kit) request(method, target string, body []byte, contentType, ns string, auth http.Header) *http.Request {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req := httptest.NewRequest(method, "/", rd)
	if u, err := url.ParseRequestURI(target); err == nil {
		req.URL = u
	} else {
		req.URL = &url.URL{Path: target}
	}
	req.RequestURI = req.URL.RequestURI()
	if body != nil && contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set(mockserver.NamespaceHeader, ns)
	for name, values := range auth {
		req.Header[http.CanonicalHeaderKey(name)] = slices.Clone(values)
	}
	return req
}

// exchange serves req with h, whose API root is at prefix, and returns
// the reply and what is wrong with it: a 5xx, a reply the spec does not
// allow, or a refusal that changed the state of namespace ns.
func (k *kit) exchange(h http.Handler, prefix string, req *http.Request, ns string) (Reply, []string) {
	before, err := k.export(ns)
	if err != nil {
		return Reply{}, []string{err.Error()}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := Reply{Status: rec.Code, ContentType: rec.Header().Get("Content-Type"), Raw: rec.Body.String()}
	_ = json.Unmarshal(rec.Body.Bytes(), &r.Body)
	problems := k.validate(req, rec.Result(), prefix)
	if r.Status >= 500 {
		problems = append(problems, fmt.Sprintf("answered %d: %.300s", r.Status, r.Raw))
	}
	if r.Status >= 400 {
		after, err := k.export(ns)
		switch {
		case err != nil:
			problems = append(problems, err.Error())
		case !bytes.Equal(before, after):
			problems = append(problems, fmt.Sprintf("refused with %d but changed the state", r.Status))
		}
	}
	return r, problems
}

// send is exchange on the API root that reports what is wrong to t.
func (k *kit) send(t testing.TB, req *http.Request, ns string) Reply {
	t.Helper()
	r, problems := k.exchange(k.root, "", req, ns)
	for _, p := range problems {
		t.Errorf("%s %s: %s", req.Method, clipText(req.URL.RequestURI(), 200), p)
	}
	return r
}

// fixedReply is a RoundTripper that answers with a recorded response, so
// that the contracts validator can check it.
type fixedReply struct{ resp *http.Response }

func (f fixedReply) RoundTrip(*http.Request) (*http.Response, error) { return f.resp, nil }

// validate checks one reply against the spec: through the contracts
// validator for a request that names an operation, against the API's
// refusal schemas for one that names none.
func (k *kit) validate(req *http.Request, resp *http.Response, prefix string) []string {
	var problems []string
	unrouted := false
	tr := k.check.Transport(fixedReply{resp}, prefix, func(v contracts.Violation) {
		if strings.HasPrefix(v.Message, "operation not in spec") {
			unrouted = true
			return
		}
		problems = append(problems, "reply breaks the spec: "+v.String())
	})
	if _, err := tr.RoundTrip(req); err != nil {
		return append(problems, err.Error())
	}
	if unrouted {
		body, _ := io.ReadAll(resp.Body)
		if err := k.isRefusal(resp.StatusCode, resp.Header.Get("Content-Type"), body); err != nil {
			problems = append(problems, fmt.Sprintf("answered %d to a request for no operation of the spec, %v", resp.StatusCode, err))
		}
	}
	return problems
}

// isRefusal checks a reply to a request for no operation: a 4xx whose
// body matches one of the API's refusal schemas.
func (k *kit) isRefusal(status int, contentType string, body []byte) error {
	if status < 400 || status >= 500 {
		return fmt.Errorf("which is not a refusal")
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("with content type %q", contentType)
	}
	var reasons []string
	for _, rs := range k.refusals {
		if rs.mediaType != mt {
			continue
		}
		var v any = string(body)
		if strings.HasSuffix(mt, "json") {
			if err := json.Unmarshal(body, &v); err != nil {
				reasons = append(reasons, "not JSON")
				continue
			}
		}
		err := rs.schema.VisitJSON(v)
		if err == nil {
			return nil
		}
		for _, is := range openapi.SchemaIssues(err) {
			reasons = append(reasons, strings.TrimPrefix(is.Path()+" "+is.Reason, " "))
		}
	}
	if len(reasons) == 0 {
		return fmt.Errorf("in %q, which no error response of the spec has: %.200s", mt, body)
	}
	return fmt.Errorf("with a body that matches no error schema of the spec (%s): %.200s", strings.Join(reasons, "; "), body)
}

// validating wraps h, whose API root is at prefix, so that every reply it
// gives is checked against the spec, reporting to tb: for the requests the
// test hooks send.
func (k *kit) validating(tb testing.TB, h http.Handler, prefix string) http.Handler {
	var mu sync.Mutex
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		problems := k.validate(r, rec.Result(), prefix)
		if rec.Code >= 500 {
			problems = append(problems, fmt.Sprintf("answered %d: %.300s", rec.Code, rec.Body))
		}
		mu.Lock()
		for _, p := range problems {
			tb.Errorf("test hook: %s %s: %s", r.Method, r.URL.RequestURI(), p)
		}
		mu.Unlock()
		for name, values := range rec.Header() {
			w.Header()[name] = values
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// clipText shortens s to n bytes for messages.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
