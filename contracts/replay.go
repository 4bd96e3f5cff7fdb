package contracts

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// ReplayOptions configure Replay.
type ReplayOptions struct {
	// Handler serves the API under Prefix (such as "/rocketchat"), or at
	// its root when Prefix is empty.
	Handler http.Handler
	Prefix  string
	// Header is added to every request (a namespace header, so that the
	// replay starts from a fresh, seeded state).
	Header http.Header
	// Public are the credentials a record names as "[credential:KEY]".
	Public map[string]string
	// Login are headers that authenticate with the default credentials.
	// A secret the client made itself (a token it signed) cannot be made
	// again from its placeholder: where such a placeholder is the whole
	// value of a header Login has, the replay sends Login's value, unless
	// the recorded answer was 401 (the server refused that secret, so the
	// replay sends the placeholder, which no server takes).
	Login http.Header
}

// ReplayFinding is an exchange whose replay broke the spec or got another
// status than the recorded one.
type ReplayFinding struct {
	Seq        int              `json:"seq"`
	Operation  string           `json:"operation"`
	Method     string           `json:"method"`
	Path       string           `json:"path"`
	Want       int              `json:"want"`   // the recorded status
	Status     int              `json:"status"` // the replay's
	Body       string           `json:"body,omitempty"`
	Violations []ProxyViolation `json:"violations,omitempty"`
}

func (f ReplayFinding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s %s (%s): ", f.Seq, f.Method, f.Path, f.Operation)
	if f.Status != f.Want {
		fmt.Fprintf(&b, "status %d, recorded %d; body %s", f.Status, f.Want, clip(f.Body, maxLineLen))
	}
	for i, v := range f.Violations {
		if i > 0 || f.Status != f.Want {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s violation: %s", v.Side, v.Message)
		if v.Pointer != "" {
			fmt.Fprintf(&b, " (at %s)", v.Pointer)
		}
	}
	return b.String()
}

// ReplayReport is what Replay found.
type ReplayReport struct {
	Exchanges int             `json:"exchanges"`
	Findings  []ReplayFinding `json:"findings"`
	Proxy     ProxyReport     `json:"proxy"`
}

// Replay sends the recorded exchanges, in order, through a Proxy on the
// spec doc to opts.Handler, and reports each one whose request or response
// breaks the spec or whose status differs from the recorded one.
//
// A record names things the server made during the recorded run (ids,
// tokens) that the replay's server makes anew. So Replay learns, from
// each answer, what its values are called in the record: it walks the
// recorded and the replayed JSON bodies side by side, and each recorded
// placeholder, and each recorded id-like string (eight characters or more,
// no spaces, with a digit or both cases), stands for the replay's value
// at the same place from then on; the first answer that shows a value
// decides. Later requests get the replay's
// values in their path segments, query and form values, JSON string
// values and headers. A placeholder first seen in a request (a password
// the client chose) is sent as it is; "[credential:KEY]" is opts.Public's
// KEY.
func Replay(ctx context.Context, doc *openapi3.T, exchanges []Exchange, opts ReplayOptions) (ReplayReport, error) {
	var current []ProxyViolation
	target, err := url.Parse("http://replay.invalid" + strings.TrimSuffix(opts.Prefix, "/"))
	if err != nil {
		return ReplayReport{}, err
	}
	p, err := NewProxy(doc, ProxyOptions{
		Target:      target,
		Transport:   handlerTransport{opts.Handler},
		OnViolation: func(v ProxyViolation) { current = append(current, v) },
	})
	if err != nil {
		return ReplayReport{}, err
	}
	s := &substitution{values: map[string]string{}, numbers: map[string]string{}}
	for k, v := range opts.Public {
		s.values["[credential:"+k+"]"] = v
	}
	rep := ReplayReport{Exchanges: len(exchanges), Findings: []ReplayFinding{}}
	for _, e := range exchanges {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		current = nil
		s.login(e, opts.Login)
		req, err := s.request(ctx, e)
		if err != nil {
			return rep, fmt.Errorf("contracts: replay #%d: %w", e.Seq, err)
		}
		for name, vs := range opts.Header {
			req.Header[name] = slices.Clone(vs)
		}
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, req)
		if rec.Code != e.Status || len(current) > 0 {
			rep.Findings = append(rep.Findings, ReplayFinding{
				Seq: e.Seq, Operation: e.Operation, Method: e.Method, Path: e.Path,
				Want: e.Status, Status: rec.Code, Body: rec.Body.String(), Violations: current,
			})
		}
		s.learn(e.ResponseBody, rec.Body.Bytes())
	}
	rep.Proxy = p.Report()
	return rep, nil
}

// handlerTransport sends requests to a handler in process.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	in := req.Clone(req.Context())
	in.RequestURI = in.URL.RequestURI()
	if in.Body == nil {
		in.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, in)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// substitution maps what the record calls things to what the replay's
// server calls them.
type substitution struct {
	values  map[string]string // placeholder or recorded id -> the replay's value
	numbers map[string]string // recorded numeric id -> the replay's
}

// login decides the placeholders of e's credential headers that only
// opts.Login can stand for (see ReplayOptions.Login).
func (s *substitution) login(e Exchange, login http.Header) {
	for name := range login {
		v := stripScheme(e.RequestHeaders.Get(name))
		if !isPlaceholder(v) {
			continue
		}
		if _, ok := s.values[v]; ok {
			continue
		}
		if e.Status != http.StatusUnauthorized {
			s.values[v] = stripScheme(login.Get(name))
		}
	}
}

func stripScheme(v string) string {
	for _, sc := range authSchemes {
		if len(v) > len(sc) && strings.EqualFold(v[:len(sc)], sc) {
			return v[len(sc):]
		}
	}
	return v
}

func isPlaceholder(v string) bool { return placeholderRE.FindString(v) == v && v != "" }

// text replaces the placeholders within v, and v itself if it is a
// recorded id.
func (s *substitution) text(v string) string {
	if n, ok := s.values[v]; ok {
		return n
	}
	return placeholderRE.ReplaceAllStringFunc(v, func(p string) string {
		if n, ok := s.values[p]; ok {
			return n
		}
		return p // a secret the client chose: sent as it is
	})
}

// form substitutes the values of a query or form body.
func (s *substitution) form(q string) string {
	if q == "" {
		return q
	}
	parts := strings.Split(q, "&")
	for i, part := range parts {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		uv, err := url.QueryUnescape(v)
		if err != nil {
			continue
		}
		if n := s.number(s.text(uv)); n != uv {
			parts[i] = k + "=" + url.QueryEscape(n)
		}
	}
	return strings.Join(parts, "&")
}

func (s *substitution) path(p string) string {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		u, err := url.PathUnescape(seg)
		if err != nil {
			continue
		}
		if n := s.number(s.text(u)); n != u {
			segs[i] = url.PathEscape(n)
		}
	}
	return strings.Join(segs, "/")
}

func (s *substitution) header(v string) string {
	if strings.HasPrefix(v, "Basic ") {
		if dec, err := base64.StdEncoding.DecodeString(v[len("Basic "):]); err == nil {
			if n := s.text(string(dec)); n != string(dec) {
				return "Basic " + base64.StdEncoding.EncodeToString([]byte(n))
			}
		}
	}
	for _, sc := range authSchemes {
		if len(v) > len(sc) && strings.EqualFold(v[:len(sc)], sc) {
			return v[:len(sc)] + s.text(v[len(sc):])
		}
	}
	return s.text(v)
}

func (s *substitution) body(contentType, body string) string {
	ct := strings.ToLower(contentType)
	switch {
	case body == "":
		return body
	case strings.Contains(ct, "application/x-www-form-urlencoded"):
		return s.form(body)
	case strings.Contains(ct, "json"):
		if out, ok := rewriteJSON(body, func(v string, _ bool) string { return s.text(v) }, s.number); ok {
			return out
		}
		return body
	}
	// Multipart and other text: placeholders only.
	return placeholderRE.ReplaceAllStringFunc(body, s.text)
}

// request builds the replay of e.
func (s *substitution) request(ctx context.Context, e Exchange) (*http.Request, error) {
	body := []byte(s.body(e.RequestHeaders.Get("Content-Type"), e.RequestBody))
	if e.RequestBodyBase64 != "" {
		raw, err := base64.StdEncoding.DecodeString(e.RequestBodyBase64)
		if err != nil {
			return nil, err
		}
		body = raw
	}
	target := s.path(e.Path)
	if e.Query != "" {
		target += "?" + s.form(e.Query)
	}
	var rd io.Reader = http.NoBody
	if len(body) > 0 {
		rd = bytes.NewReader(body)
	}
	req := httptest.NewRequestWithContext(ctx, e.Method, target, rd)
	for name, vs := range e.RequestHeaders {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = s.header(v)
		}
		req.Header[name] = out
	}
	return req, nil
}

// number returns the replay's id for a recorded numeric id.
func (s *substitution) number(n string) string {
	if m, ok := s.numbers[n]; ok {
		return m
	}
	return n
}

// learn walks a recorded body and the replay's answer side by side.
func (s *substitution) learn(recorded string, live []byte) {
	decode := func(b []byte) (any, bool) {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var v any
		return v, dec.Decode(&v) == nil
	}
	r, ok1 := decode([]byte(recorded))
	l, ok2 := decode(live)
	if ok1 && ok2 {
		s.walk("", r, l)
	}
}

// walk learns from r, the recorded value of key, and l, the replay's.
func (s *substitution) walk(key string, r, l any) {
	switch rv := r.(type) {
	case json.Number:
		// Numeric ids (ChatKitty's) under a key that names an id.
		lv, ok := l.(json.Number)
		if !ok || !idKey(key) {
			return
		}
		if _, known := s.numbers[rv.String()]; !known {
			s.numbers[rv.String()] = lv.String()
		}
	case string:
		lv, ok := l.(string)
		if !ok {
			return
		}
		if _, known := s.values[rv]; known {
			return
		}
		if isPlaceholder(rv) || idLike(rv) {
			s.values[rv] = lv // the same value too: a later answer may list it out of order
		}
	case map[string]any:
		lm, ok := l.(map[string]any)
		if !ok {
			return
		}
		for _, k := range slices.Sorted(maps.Keys(rv)) {
			if lv, ok := lm[k]; ok {
				s.walk(k, rv[k], lv)
			}
		}
	case []any:
		la, ok := l.([]any)
		if !ok {
			return
		}
		for i := range min(len(rv), len(la)) {
			s.walk(key, rv[i], la[i])
		}
	}
}

// idKey reports whether a JSON key names an id: "id", "_id", "userId",
// "memberIds", "channel_id".
func idKey(k string) bool {
	k = strings.TrimSuffix(k, "s")
	return k == "id" || strings.HasSuffix(k, "Id") || strings.HasSuffix(k, "ID") || strings.HasSuffix(k, "_id")
}

// idLike reports whether a recorded string may be a name the server made
// (an id, a token, a time): eight characters or more, no spaces, and a
// digit or both cases, so that words ("pending") are left alone.
func idLike(v string) bool {
	if utf8.RuneCountInString(v) < 8 {
		return false
	}
	digit, upper, lower := false, false, false
	for _, c := range v {
		switch {
		case unicode.IsSpace(c):
			return false
		case unicode.IsDigit(c):
			digit = true
		case unicode.IsUpper(c):
			upper = true
		case unicode.IsLower(c):
			lower = true
		}
	}
	return digit || (upper && lower)
}
