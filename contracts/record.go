package contracts

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/standin/standin/mockserver"
)

// Exchange is one request and its answer as a Proxy records them, one JSON
// object a line. Path is relative to the API root, escaped as sent; bodies
// are text, or base64 in the *Base64 fields when they are not UTF-8; the
// response body is recorded without its content encoding. Secrets are
// replaced by placeholders (see Redactor).
type Exchange struct {
	Seq                int         `json:"seq"`
	Operation          string      `json:"operation"`
	Method             string      `json:"method"`
	Path               string      `json:"path"`
	Query              string      `json:"query,omitempty"`
	RequestHeaders     http.Header `json:"requestHeaders,omitempty"`
	RequestBody        string      `json:"requestBody,omitempty"`
	RequestBodyBase64  string      `json:"requestBodyBase64,omitempty"`
	Status             int         `json:"status"`
	ResponseHeaders    http.Header `json:"responseHeaders,omitempty"`
	ResponseBody       string      `json:"responseBody,omitempty"`
	ResponseBodyBase64 string      `json:"responseBodyBase64,omitempty"`
	// Violations is how many violations the proxy found in the exchange.
	Violations int `json:"violations"`
}

// ReadExchanges reads a record written by a Proxy.
func ReadExchanges(r io.Reader) ([]Exchange, error) {
	var out []Exchange
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 4*maxProxyBody)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var e Exchange
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("contracts: record line %d: %w", line, err)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// unrecordedHeaders are left out of a record: hop-by-hop headers, and
// those the transport sets anew for every message.
var unrecordedHeaders = []string{
	"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Date", "Accept-Encoding",
}

func recordedHeaders(h http.Header) http.Header {
	out := h.Clone()
	for _, name := range unrecordedHeaders {
		out.Del(name)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// bodyText returns b as text, or as base64 when it is not UTF-8.
func bodyText(b []byte) (text, b64 string) {
	if utf8.Valid(b) {
		return string(b), ""
	}
	return "", base64.StdEncoding.EncodeToString(b)
}

// Placeholders of a record: a secret is recorded as "[redacted:N]" (the
// same secret, the same N throughout a record), a public credential as
// "[credential:KEY]".
var placeholderRE = regexp.MustCompile(`\[(?:redacted:[0-9]+|credential:[A-Za-z0-9_.-]+)\]`)

// Redactor replaces the secrets of exchanges with placeholders, the same
// secret with the same placeholder throughout, so that a replay can put
// live values back (see Replay): the values of sensitive headers
// (Authorization, Cookie, Set-Cookie, and any whose name mentions a
// token, secret, key or password; after a "Bearer ", "Basic " or "JWT "
// scheme), of sensitive query and form parameters, and of sensitive keys
// at any depth of a JSON body (password, secret, token, authToken,
// appSecret, apiKey, resume, ... as the journal of standin serve decides);
// then any other occurrence of a secret already seen, anywhere in the
// exchange. A secret that is one of the public credentials is recorded by
// its key instead. It is not safe for concurrent use.
type Redactor struct {
	public  map[string]string // value -> credential key
	secrets map[string]string // value -> placeholder
	n       int
}

// NewRedactor returns a Redactor that records the values of public (by
// key) as "[credential:KEY]".
func NewRedactor(public map[string]string) *Redactor {
	r := &Redactor{public: map[string]string{}, secrets: map[string]string{}}
	for _, k := range slices.Sorted(maps.Keys(public)) {
		if v := public[k]; v != "" {
			if _, dup := r.public[v]; !dup {
				r.public[v] = k
			}
		}
	}
	return r
}

// secret returns the placeholder of v.
func (r *Redactor) secret(v string) string {
	if v == "" || placeholderRE.MatchString(v) && placeholderRE.FindString(v) == v {
		return v
	}
	if p, ok := r.secrets[v]; ok {
		return p
	}
	var p string
	if k, ok := r.public[v]; ok {
		p = "[credential:" + k + "]"
	} else {
		r.n++
		p = "[redacted:" + strconv.Itoa(r.n) + "]"
	}
	r.secrets[v] = p
	return p
}

// Exchange redacts e in place.
func (r *Redactor) Exchange(e *Exchange) {
	r.headers(e.RequestHeaders)
	e.Query = r.form(e.Query)
	e.RequestBody = r.body(e.RequestHeaders.Get("Content-Type"), e.RequestBody)
	r.headers(e.ResponseHeaders)
	e.ResponseBody = r.body(e.ResponseHeaders.Get("Content-Type"), e.ResponseBody)

	// Any other occurrence of a secret seen so far, longest first (a
	// secret may contain a shorter one). Short values ("admin") are left
	// where no sensitive name marks them: they are words, not secrets.
	var pairs []string
	for _, v := range slices.SortedFunc(maps.Keys(r.secrets), func(a, b string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b))
	}) {
		if len(v) >= 8 {
			pairs = append(pairs, v, r.secrets[v])
		}
	}
	if len(pairs) == 0 {
		return
	}
	rep := strings.NewReplacer(pairs...)
	e.Path, e.Query = rep.Replace(e.Path), rep.Replace(e.Query)
	e.RequestBody, e.ResponseBody = rep.Replace(e.RequestBody), rep.Replace(e.ResponseBody)
	for _, h := range []http.Header{e.RequestHeaders, e.ResponseHeaders} {
		for _, vs := range h {
			for i := range vs {
				vs[i] = rep.Replace(vs[i])
			}
		}
	}
}

// authSchemes are the schemes kept in front of a redacted header value.
var authSchemes = []string{"Bearer ", "Basic ", "JWT ", "Token "}

func (r *Redactor) headers(h http.Header) {
	for _, name := range slices.Sorted(maps.Keys(h)) { // placeholders numbered in a stable order
		vs := h[name]
		if !mockserver.SecretHeader(name) {
			continue
		}
		for i, v := range vs {
			scheme := ""
			for _, s := range authSchemes {
				if len(v) > len(s) && strings.EqualFold(v[:len(s)], s) {
					scheme, v = v[:len(s)], v[len(s):]
					break
				}
			}
			if strings.EqualFold(scheme, "Basic ") {
				// user:password, in base64: the user stays readable,
				// the password is redacted, and the header stays Basic.
				if dec, err := base64.StdEncoding.DecodeString(v); err == nil && utf8.Valid(dec) {
					if user, pass, ok := strings.Cut(string(dec), ":"); ok {
						vs[i] = scheme + base64.StdEncoding.EncodeToString([]byte(user+":"+r.secret(pass)))
						continue
					}
				}
			}
			vs[i] = scheme + r.secret(v)
		}
	}
}

// form redacts the sensitive parameters of a query or form body, keeping
// the rest byte for byte.
func (r *Redactor) form(q string) string {
	if q == "" {
		return q
	}
	parts := strings.Split(q, "&")
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok || v == "" {
			continue
		}
		uk, err := url.QueryUnescape(k)
		if err != nil || !mockserver.SecretKey(uk) {
			continue
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		parts[i] = k + "=" + url.QueryEscape(r.secret(v))
	}
	return strings.Join(parts, "&")
}

func (r *Redactor) body(contentType, body string) string {
	if body == "" {
		return body
	}
	ct := strings.ToLower(contentType)
	switch {
	case strings.Contains(ct, "application/x-www-form-urlencoded"):
		return r.form(body)
	case strings.Contains(ct, "json") || ct == "":
		if out, ok := r.json(body); ok {
			return out
		}
	}
	return body
}

// json returns body with the string values of sensitive keys (and every
// string inside a sensitive key's object or array) replaced by their
// placeholders. It reports false when body is not JSON or holds nothing
// to redact.
func (r *Redactor) json(body string) (string, bool) {
	return rewriteJSON(body, func(s string, sensitive bool) string {
		if sensitive {
			return r.secret(s)
		}
		return s
	}, nil)
}

// rewriteJSON returns body with every string value (not key) replaced by
// fn's answer, and every number by num's if num is not nil; sensitive
// tells fn that the value is, or is inside, the value of a sensitive key.
// The rest is kept as it was, written compactly, in the same order. It
// reports false when body is not JSON or nothing changed, and then
// returns body itself.
func rewriteJSON(body string, fn func(s string, sensitive bool) string, num func(string) string) (string, bool) {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var out bytes.Buffer
	str := func(s string) {
		b, _ := json.Marshal(s)
		out.Write(b)
	}
	type frame struct {
		object bool
		n      int
	}
	var stack []frame
	secretNext, changed := false, false
	secretFrom := -1 // depth of the sensitive key's composite value, -1 if none
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return body, false
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			out.WriteByte(byte(d))
			stack = stack[:len(stack)-1]
			if len(stack) == secretFrom {
				secretFrom = -1
			}
			continue
		}
		if top := len(stack) - 1; top >= 0 {
			f := &stack[top]
			f.n++
			switch {
			case f.object && f.n%2 == 1:
				if f.n > 1 {
					out.WriteByte(',')
				}
				name, _ := tok.(string)
				str(name)
				secretNext = mockserver.SecretKey(name)
				continue
			case f.object:
				out.WriteByte(':')
			case f.n > 1:
				out.WriteByte(',')
			}
		}
		secret := secretNext || secretFrom >= 0
		secretNext = false
		switch v := tok.(type) {
		case json.Delim:
			if secret && secretFrom < 0 {
				secretFrom = len(stack)
			}
			out.WriteByte(byte(v))
			stack = append(stack, frame{object: v == '{'})
		case string:
			if v != "" {
				if n := fn(v, secret); n != v {
					v, changed = n, true
				}
			}
			str(v)
		case json.Number:
			n := v.String()
			if num != nil {
				if m := num(n); m != n && json.Valid([]byte(m)) {
					n, changed = m, true
				}
			}
			out.WriteString(n)
		case bool:
			out.WriteString(strconv.FormatBool(v))
		case nil:
			out.WriteString("null")
		}
	}
	if !changed {
		return body, false
	}
	return out.String(), true
}
