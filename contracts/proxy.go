package contracts

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/openapi"
)

// ProxyAdminPrefix is where a Proxy answers for itself instead of passing
// the request on: GET ProxyAdminPrefix+"report" is the report so far, as
// JSON. No spec of standin's has a path there.
const ProxyAdminPrefix = "/__standin-proxy/"

// maxProxyBody is the most of a body the proxy reads to check it; a longer
// body is passed on whole, unchecked and unrecorded, and counted in
// ProxyReport.Unchecked.
const maxProxyBody = 32 << 20

// maxProxyViolations caps the violations a report lists (the counts go on).
const maxProxyViolations = 1000

// ProxyOptions configure a Proxy.
type ProxyOptions struct {
	// Target is the API's base URL upstream, such as
	// http://127.0.0.1:8080/rocketchat: a request for /api/v1/me at the
	// proxy goes to Target's path + /api/v1/me.
	Target *url.URL
	// Transport sends requests upstream; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Record, if set, receives every exchange as a line of JSON (an
	// Exchange), secrets redacted; see Redactor.
	Record io.Writer
	// Public are credentials everybody knows (a mock's defaults), by key:
	// recorded as "[credential:KEY]" rather than redacted, so that a
	// replay can send them again.
	Public map[string]string
	// OnViolation, if set, is called with each violation as it is found.
	OnViolation func(ProxyViolation)
}

// Proxy is a reverse proxy in front of one API that checks every request
// and every response against the API's spec and passes them on unchanged.
// A request for an operation the spec lacks is a violation (a client that
// calls it has drifted from the spec, or the spec from the server). It
// counts requests, responses and violations per operation; Report returns
// the counts. It is safe for concurrent use.
type Proxy struct {
	v       *Validator
	rp      *httputil.ReverseProxy
	opts    ProxyOptions
	maxBody int // maxProxyBody, less in tests

	mu         sync.Mutex
	ops        map[string]*OperationCount
	violations []ProxyViolation
	upstream   int // requests that got no answer upstream
	unchecked  int // exchanges with a body too long to check
	undeclared map[UndeclaredField]bool
	seq        int
	red        *Redactor
	recErr     error
}

// ProxyViolation is a violation the proxy saw, on the request or on the
// response (Side).
type ProxyViolation struct {
	Side string `json:"side"` // "request" or "response"
	Violation
}

// The sides of an exchange, as ProxyViolation.Side names them.
const (
	SideRequest  = "request"
	SideResponse = "response"
)

// UndeclaredField is a member of a response body that the operation's
// schema does not declare (and does not forbid): no violation, but a
// field a client may come to rely on without the spec saying so.
type UndeclaredField struct {
	Operation string `json:"operation"`
	Status    int    `json:"status"`
	Pointer   string `json:"pointer"` // "-" stands for any array index
}

// OperationCount is what the proxy saw of one operation, or of one method
// and path the spec lacks (Operation then is "METHOD /path").
type OperationCount struct {
	Operation          string `json:"operation"`
	Known              bool   `json:"known"` // the spec declares it
	Requests           int    `json:"requests"`
	Responses          int    `json:"responses"`
	RequestViolations  int    `json:"requestViolations"`
	ResponseViolations int    `json:"responseViolations"`
}

// ProxyReport is what a Proxy saw: totals, counts per operation (sorted by
// name), and the violations (at most 1000, in the order seen).
type ProxyReport struct {
	API            string `json:"api,omitempty"`
	Target         string `json:"target"`
	Requests       int    `json:"requests"`
	Responses      int    `json:"responses"`
	UpstreamErrors int    `json:"upstreamErrors"`
	// Unchecked counts exchanges passed on but not checked nor
	// recorded: a body longer than 32 MiB.
	Unchecked          int              `json:"unchecked"`
	RequestViolations  int              `json:"requestViolations"`
	ResponseViolations int              `json:"responseViolations"`
	Operations         []OperationCount `json:"operations"`
	Violations         []ProxyViolation `json:"violations"`
	// Undeclared lists, once each, the response members the spec does
	// not declare.
	Undeclared []UndeclaredField `json:"undeclared"`
	// RecordError says why recording stopped, if it did.
	RecordError string `json:"recordError,omitempty"`
}

// ViolationCount is the number of request and response violations.
func (r ProxyReport) ViolationCount() int { return r.RequestViolations + r.ResponseViolations }

// NewProxy returns a proxy for the API that doc describes.
func NewProxy(doc *openapi3.T, opts ProxyOptions) (*Proxy, error) {
	if opts.Target == nil || opts.Target.Scheme == "" || opts.Target.Host == "" {
		return nil, errors.New("contracts: proxy needs an absolute target URL")
	}
	v, err := cachedValidator(doc)
	if err != nil {
		return nil, err
	}
	p := &Proxy{v: v, opts: opts, ops: map[string]*OperationCount{}, maxBody: maxProxyBody, undeclared: map[UndeclaredField]bool{}}
	if opts.Record != nil {
		p.red = NewRedactor(opts.Public)
	}
	target := *opts.Target
	target.Path = strings.TrimSuffix(target.Path, "/")
	target.RawPath = ""
	p.rp = &httputil.ReverseProxy{
		// Rewrite, unlike Director, adds no X-Forwarded-* headers: the
		// request goes on as the client sent it, to another host.
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme, pr.Out.URL.Host = target.Scheme, target.Host
			pr.Out.URL.Path = target.Path + pr.In.URL.Path
			pr.Out.URL.RawPath = ""
			if pr.In.URL.RawPath != "" {
				pr.Out.URL.RawPath = target.Path + pr.In.URL.RawPath
			}
			pr.Out.Host = ""
		},
		Transport:      opts.Transport,
		ModifyResponse: p.response,
		ErrorHandler:   p.upstreamError,
	}
	return p, nil
}

// proxied is one request on its way through the proxy.
type proxied struct {
	req        *http.Request // as the client sent it, path relative to the API root
	body       []byte
	op         string
	known      bool
	unchecked  bool // a body too long to check
	violations []ProxyViolation
}

type proxiedKey struct{}

// ServeHTTP checks r, passes it upstream and checks the answer.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, ProxyAdminPrefix) {
		p.admin(w, r)
		return
	}
	body, whole, err := peek(&r.Body, p.maxBody)
	if err != nil {
		http.Error(w, "standin proxy: read request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	ex := &proxied{req: r.Clone(context.Background()), body: body, unchecked: !whole}
	ex.req.Body = nil
	ex.op, ex.known = p.operationName(ex.req)
	var vs []Violation
	if whole {
		vs = p.v.CheckRequest(ex.req, body)
	}
	for _, v := range vs {
		ex.violations = append(ex.violations, ProxyViolation{Side: SideRequest, Violation: v})
	}
	p.mu.Lock()
	c := p.count(ex)
	c.Requests++
	c.RequestViolations += len(vs)
	p.mu.Unlock()
	p.report(ex.violations...)
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), proxiedKey{}, ex)))
}

// operationName names the operation of a request: its operationId, or
// "METHOD /path" when the spec has none.
func (p *Proxy) operationName(r *http.Request) (string, bool) {
	route, _, err := openapi.FindRoute(p.v.router, r)
	if err != nil {
		return r.Method + " " + r.URL.Path, false
	}
	if id := route.Operation.OperationID; id != "" {
		return id, true
	}
	return route.Method + " " + route.Path, true
}

// count returns the counters of ex's operation; p.mu is held.
func (p *Proxy) count(ex *proxied) *OperationCount {
	c := p.ops[ex.op]
	if c == nil {
		c = &OperationCount{Operation: ex.op, Known: ex.known}
		p.ops[ex.op] = c
	}
	return c
}

func (p *Proxy) report(vs ...ProxyViolation) {
	if len(vs) == 0 {
		return
	}
	p.mu.Lock()
	for _, v := range vs {
		if len(p.violations) < maxProxyViolations {
			p.violations = append(p.violations, v)
		}
	}
	p.mu.Unlock()
	if p.opts.OnViolation != nil {
		for _, v := range vs {
			p.opts.OnViolation(v)
		}
	}
}

// response checks an upstream answer and records the exchange.
func (p *Proxy) response(resp *http.Response) error {
	ex, _ := resp.Request.Context().Value(proxiedKey{}).(*proxied)
	if ex == nil {
		return nil
	}
	raw, whole, err := peek(&resp.Body, p.maxBody)
	if err != nil {
		return err
	}
	body, decodeErr := decodeContent(resp.Header.Get("Content-Encoding"), raw)
	if !whole || ex.unchecked {
		p.mu.Lock()
		p.count(ex).Responses++
		p.unchecked++
		p.mu.Unlock()
		return nil
	}
	var vs []ProxyViolation
	if ex.known {
		var checked []Violation
		if decodeErr != nil {
			checked = []Violation{{Method: ex.req.Method, Path: ex.req.URL.Path, Status: resp.StatusCode,
				Operation: ex.op, Rule: RuleDecode, Message: decodeErr.Error()}}
		} else {
			check := *resp
			check.Header = resp.Header.Clone()
			check.Header.Del("Content-Encoding")
			checked = p.v.check(ex.req, &check, body, "")
		}
		for _, v := range checked {
			vs = append(vs, ProxyViolation{Side: SideResponse, Violation: v})
		}
		if decodeErr == nil {
			p.noteUndeclared(ex, resp, body)
		}
	}
	p.mu.Lock()
	c := p.count(ex)
	c.Responses++
	c.ResponseViolations += len(vs)
	p.mu.Unlock()
	p.report(vs...)
	p.record(ex, resp, body, append(slices.Clip(ex.violations), vs...))
	return nil
}

// noteUndeclared notes the members of a JSON answer that its schema does
// not declare.
func (p *Proxy) noteUndeclared(ex *proxied, resp *http.Response, body []byte) {
	ct, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";")
	if !strings.Contains(ct, "json") {
		return
	}
	route, _, err := openapi.FindRoute(p.v.router, ex.req)
	if err != nil {
		return
	}
	schema := responseSchema(route.Operation, resp.StatusCode, strings.TrimSpace(ct))
	var v any
	if schema == nil || json.Unmarshal(body, &v) != nil {
		return
	}
	ptrs := undeclared(schema, v)
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, ptr := range ptrs {
		p.undeclared[UndeclaredField{Operation: ex.op, Status: resp.StatusCode, Pointer: ptr}] = true
	}
}

// decodeContent undoes a gzip content encoding, so that the body can be
// checked; other encodings are refused.
func decodeContent(encoding string, raw []byte) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
		return raw, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		defer zr.Close()
		return readLimited(zr)
	}
	return nil, fmt.Errorf("body in content encoding %q cannot be checked", encoding)
}

// peek reads up to maxProxyBody bytes of *body and puts back a body that
// reads the same bytes as the original. It reports whether what it read
// is the whole body.
func peek(body *io.ReadCloser, limit int) ([]byte, bool, error) {
	rc := *body
	if rc == nil || rc == http.NoBody {
		return nil, true, nil
	}
	b, err := io.ReadAll(io.LimitReader(rc, int64(limit)+1))
	if err != nil {
		_ = rc.Close()
		return nil, false, err
	}
	if len(b) <= limit {
		_ = rc.Close()
		*body = io.NopCloser(bytes.NewReader(b))
		if len(b) == 0 {
			*body = http.NoBody
		}
		return b, true, nil
	}
	*body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), rc), rc}
	return nil, false, nil
}

func readLimited(r io.Reader) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, maxProxyBody))
}

func (p *Proxy) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	p.mu.Lock()
	p.upstream++
	p.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusBadGateway)
	fmt.Fprintf(w, "standin proxy: no answer from %s: %v\n", p.opts.Target, err)
}

// record writes ex as one line of the record, if there is one.
func (p *Proxy) record(ex *proxied, resp *http.Response, body []byte, vs []ProxyViolation) {
	if p.opts.Record == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.recErr != nil {
		return
	}
	p.seq++
	e := Exchange{
		Seq:             p.seq,
		Operation:       ex.op,
		Method:          ex.req.Method,
		Path:            ex.req.URL.EscapedPath(),
		Query:           ex.req.URL.RawQuery,
		RequestHeaders:  recordedHeaders(ex.req.Header),
		Status:          resp.StatusCode,
		ResponseHeaders: recordedHeaders(resp.Header),
		Violations:      len(vs),
	}
	e.ResponseHeaders.Del("Content-Encoding") // the body is recorded decoded
	e.RequestBody, e.RequestBodyBase64 = bodyText(ex.body)
	e.ResponseBody, e.ResponseBodyBase64 = bodyText(body)
	p.red.Exchange(&e)
	line, err := json.Marshal(e)
	if err == nil {
		_, err = p.opts.Record.Write(append(line, '\n'))
	}
	p.recErr = err
}

// Report returns what the proxy has seen so far.
func (p *Proxy) Report() ProxyReport {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := ProxyReport{Target: p.opts.Target.String(), UpstreamErrors: p.upstream, Unchecked: p.unchecked, Operations: []OperationCount{},
		Violations: slices.Clone(p.violations)}
	if r.Violations == nil {
		r.Violations = []ProxyViolation{}
	}
	for _, c := range p.ops {
		r.Operations = append(r.Operations, *c)
		r.Requests += c.Requests
		r.Responses += c.Responses
		r.RequestViolations += c.RequestViolations
		r.ResponseViolations += c.ResponseViolations
	}
	slices.SortFunc(r.Operations, func(a, b OperationCount) int { return cmp.Compare(a.Operation, b.Operation) })
	r.Undeclared = []UndeclaredField{}
	for f := range p.undeclared {
		r.Undeclared = append(r.Undeclared, f)
	}
	slices.SortFunc(r.Undeclared, func(a, b UndeclaredField) int {
		return cmp.Or(cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Status, b.Status), cmp.Compare(a.Pointer, b.Pointer))
	})
	if p.recErr != nil {
		r.RecordError = p.recErr.Error()
	}
	return r
}

func (p *Proxy) admin(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != ProxyAdminPrefix+"report" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"error":"not found: the proxy answers GET `+ProxyAdminPrefix+`report"}`+"\n")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = p.Report().WriteJSON(w)
}

// WriteJSON writes r as indented JSON.
func (r ProxyReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes r for people: a line of totals, a table of operations
// and every violation on a line of its own.
func (r ProxyReport) WriteText(w io.Writer) error {
	var b bytes.Buffer
	name := r.API
	if name == "" {
		name = r.Target
	}
	fmt.Fprintf(&b, "%s: %d requests, %d responses, %d request violations, %d response violations, %d without an answer\n",
		name, r.Requests, r.Responses, r.RequestViolations, r.ResponseViolations, r.UpstreamErrors)
	width := len("operation")
	names := make([]string, len(r.Operations))
	for i, c := range r.Operations {
		names[i] = c.Operation
		if !c.Known {
			names[i] += " (not in spec)"
		}
		width = max(width, len(names[i]))
	}
	fmt.Fprintf(&b, "  %-*s  %8s  %9s  %18s  %19s\n", width, "operation", "requests", "responses", "request violations", "response violations")
	for i, c := range r.Operations {
		fmt.Fprintf(&b, "  %-*s  %8d  %9d  %18d  %19d\n", width, names[i], c.Requests, c.Responses, c.RequestViolations, c.ResponseViolations)
	}
	for _, v := range r.Violations {
		fmt.Fprintf(&b, "  %s %s\n", v.Side, v.Violation)
		if v.Pointer != "" || v.Rule != "" {
			fmt.Fprintf(&b, "      at %q, rule %q\n", v.Pointer, v.Rule)
		}
	}
	if n := r.ViolationCount(); n > len(r.Violations) {
		fmt.Fprintf(&b, "  (%d more violations not listed)\n", n-len(r.Violations))
	}
	if len(r.Undeclared) > 0 {
		fmt.Fprintf(&b, "  response fields the spec does not declare (allowed, so no violation):\n")
		for _, f := range r.Undeclared {
			fmt.Fprintf(&b, "    %s %d %s\n", f.Operation, f.Status, f.Pointer)
		}
	}
	if r.Unchecked > 0 {
		fmt.Fprintf(&b, "  %d exchanges with a body over 32 MiB passed on unchecked\n", r.Unchecked)
	}
	if r.RecordError != "" {
		fmt.Fprintf(&b, "  recording stopped: %s\n", r.RecordError)
	}
	_, err := w.Write(b.Bytes())
	return err
}
