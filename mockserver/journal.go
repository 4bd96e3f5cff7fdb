package mockserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/standin/standin/mockserver/webhooks"
)

// What one journal entry keeps at most, so that the journal stays small
// (about 20 KiB an entry at worst, 20 MiB for the default 1000 entries)
// whatever the requests look like. A cut field is named in
// Entry.Truncated.
const (
	journalBodyLimit        = 4096 // bytes of each body
	journalPathLimit        = 2048 // bytes of the path, and of the query
	journalWordLimit        = 128  // bytes of the method and the namespace
	journalHeaderValues     = 32   // header values of each header set
	journalHeaderValueLimit = 512  // bytes of each header value
	journalHeaderLimit      = 4096 // bytes of names and values of each header set
)

// redacted replaces a secret in the journal.
const redacted = "[redacted]"

// Entry is one request as the journal remembers it. Secrets are redacted:
// the values of sensitive headers (Authorization, Cookie, Set-Cookie, and
// any whose name mentions a token, secret, key or password), of sensitive
// query parameters, and of sensitive keys at any depth of a JSON body
// (password, secret, token, authToken, appSecret, apiKey, ...).
//
// A webhook attempt is an outbound entry: Direction "outbound", Method
// POST, URL the subscription's target (without user information, its
// sensitive query parameters redacted), Path and Query its parts, the
// receiver's status (0 if none came), the attempt's latency as Duration,
// what was sent and received, and Error when the attempt failed. Requests
// the server answered have no Direction.
type Entry struct {
	Seq             uint64        `json:"seq"`
	Time            time.Time     `json:"time"`
	Direction       string        `json:"direction,omitempty"`
	URL             string        `json:"url,omitempty"`
	API             string        `json:"api,omitempty"`
	Namespace       string        `json:"namespace"`
	Method          string        `json:"method"`
	Path            string        `json:"path"`
	Query           string        `json:"query,omitempty"`
	Status          int           `json:"status"`
	Duration        time.Duration `json:"durationNs"`
	RequestHeaders  http.Header   `json:"requestHeaders,omitempty"`
	RequestBody     string        `json:"requestBody,omitempty"`
	ResponseHeaders http.Header   `json:"responseHeaders,omitempty"`
	ResponseBody    string        `json:"responseBody,omitempty"`
	Error           string        `json:"error,omitempty"`
	// Truncated names the fields cut to the journal's limits, e.g.
	// ["query", "requestBody"].
	Truncated []string `json:"truncated,omitempty"`
	// Faults are what latency and fault rules did to the request, e.g.
	// [{"rule": "f1", "action": "delay", "detail": "300ms"}]; a dropped
	// request has Status 0.
	Faults []FaultHit `json:"faults,omitempty"`

	// pending holds the query, headers and bodies of a request as they
	// came (capped, not yet redacted) until the entry is read: the journal
	// redacts when it is asked, not on every request. Every way out of the
	// journal goes through shown.
	pending *pendingParts
}

// pendingParts are what shown makes an entry's redacted fields from.
type pendingParts struct {
	query                 string // capped to journalPathLimit
	reqHeader, respHeader http.Header
	reqBody, respBody     []byte // at most journalBodyLimit (and a few) bytes
	cut                   []string
}

// shown returns e as the journal shows it: its query, headers and bodies
// capped and redacted, the fields cut named in Truncated in the order of
// the entry's fields.
func (e Entry) shown() Entry {
	p := e.pending
	if p == nil {
		return e
	}
	e.pending = nil
	b := entryBuilder{truncated: slices.Clone(p.cut)}
	if p.query != "" {
		e.Query = redactQuery(p.query)
	}
	if p.reqHeader != nil {
		e.RequestHeaders = b.headers("requestHeaders", p.reqHeader)
	}
	e.RequestBody = b.body("requestBody", p.reqBody)
	if p.respHeader != nil {
		e.ResponseHeaders = b.headers("responseHeaders", p.respHeader)
	}
	e.ResponseBody = b.body("responseBody", p.respBody)
	slices.SortStableFunc(b.truncated, func(x, y string) int {
		return slices.Index(entryFields, x) - slices.Index(entryFields, y)
	})
	e.Truncated = b.truncated
	return e
}

// entryFields are the fields of an Entry that may be cut, in their order.
var entryFields = []string{"namespace", "method", "path", "query", "requestHeaders", "requestBody", "responseHeaders", "responseBody"}

// pendingHeaders returns h to keep for shown when it is within the
// journal's header limits, so that shown cuts nothing of it; else nil,
// and the caller keeps the capped and redacted headers at once. It keeps
// h itself, not a copy: a request's headers, and a response's once it is
// written, are not changed after the request.
func pendingHeaders(h http.Header) (http.Header, bool) {
	values, size := 0, 0
	for name, vs := range h {
		for _, v := range vs {
			if len(v) > journalHeaderValueLimit {
				return nil, false
			}
			values++
			size += min(len(name), journalHeaderValueLimit) + len(v)
		}
	}
	if values > journalHeaderValues || size > journalHeaderLimit {
		return nil, false
	}
	return h, true
}

// pendingBody returns the part of body an entry keeps until shown: at most
// journalBodyLimit+1 bytes (one more than the journal shows, so that shown
// knows it was cut), body itself when it is that short and its memory
// small, else a copy, so that an entry never holds a large request alive.
func pendingBody(body []byte) []byte {
	if len(body) <= journalBodyLimit && cap(body) <= 2*journalBodyLimit {
		return body
	}
	return bytes.Clone(body[:min(len(body), journalBodyLimit+1)])
}

// Journal keeps the last N requests in a ring buffer. It is safe for
// concurrent use.
//
// Entries are numbered (Entry.Seq) from 1 in the order they were added,
// and the numbering never starts over, not even after Clear, so that a
// reader paging forward with JournalFilter.After never sees an entry twice
// nor misses one the journal still holds.
type Journal struct {
	mu   sync.Mutex
	ring []Entry
	next uint64 // sequence number of the newest entry (0: none yet)
	base uint64 // next when the journal was last cleared: the ring's first entry is base+1

	// What the ring pushed out since it started or was last cleared: how
	// many entries, the newest of their sequence numbers (0: none), and
	// the latest of their times.
	dropped     uint64
	droppedSeq  uint64
	droppedTime time.Time
}

// NewJournal returns a journal that keeps the last size entries.
func NewJournal(size int) *Journal {
	return &Journal{ring: make([]Entry, 0, max(size, 1))}
}

func (j *Journal) add(e Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.next++
	e.Seq = j.next
	if len(j.ring) < cap(j.ring) {
		j.ring = append(j.ring, e)
		return
	}
	old := &j.ring[j.index(j.next)]
	j.dropped++
	j.droppedSeq = old.Seq
	if old.Time.After(j.droppedTime) {
		j.droppedTime = old.Time
	}
	*old = e
}

// index returns where the entry numbered seq is (or goes) in the ring.
func (j *Journal) index(seq uint64) uint64 {
	return (seq - 1 - j.base) % uint64(cap(j.ring))
}

// Last returns up to n of the most recent entries that match keep (nil keeps
// all), oldest first.
func (j *Journal) Last(n int, keep func(Entry) bool) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Entry, 0, min(n, len(j.ring)))
	size := uint64(len(j.ring))
	for i := uint64(0); i < size && len(out) < n; i++ {
		e := j.ring[j.index(j.next-i)]
		if keep == nil || keep(e) {
			out = append(out, e)
		}
	}
	for i := range out {
		out[i] = out[i].shown()
	}
	for l, r := 0, len(out)-1; l < r; l, r = l+1, r-1 {
		out[l], out[r] = out[r], out[l]
	}
	return out
}

// Clear forgets every entry. The numbering goes on where it was.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.ring) // let the entries' memory go
	j.ring = j.ring[:0]
	j.base = j.next
	j.dropped, j.droppedSeq, j.droppedTime = 0, 0, time.Time{}
}

// DirectionOutbound marks the journal entries of webhook attempts.
const DirectionOutbound = "outbound"

// journalAttempt adds a webhook attempt (or an event dropped before any)
// to the journal as an outbound entry.
func (s *Server) journalAttempt(a webhooks.Attempt, ex webhooks.Exchange) {
	if s.journal == nil {
		return
	}
	var b entryBuilder
	e := Entry{
		Time: a.Time, Direction: DirectionOutbound, API: a.API, Method: http.MethodPost, Status: a.Status, Duration: a.Latency,
		Namespace:       b.text("namespace", a.Namespace, journalWordLimit),
		RequestHeaders:  b.headers("requestHeaders", ex.RequestHeader),
		RequestBody:     b.body("requestBody", ex.RequestBody),
		ResponseHeaders: b.headers("responseHeaders", ex.ResponseHeader),
		ResponseBody:    b.body("responseBody", ex.ResponseBody),
		Error:           b.text("error", a.Error, journalBodyLimit),
	}
	if ex.ResponseTruncated {
		b.cut("responseBody")
	}
	if u, err := url.Parse(a.URL); err == nil {
		e.Path = b.text("path", u.Path, journalPathLimit)
		e.Query = b.query(u.RawQuery)
		target := url.URL{Scheme: u.Scheme, Host: u.Host, Path: e.Path}
		e.URL = target.String()
		if e.Query != "" {
			e.URL += "?" + e.Query
		}
	}
	e.Truncated = b.truncated
	s.journal.add(e)
}

// entryBuilder makes an Entry's capped and redacted fields, noting which
// were cut.
type entryBuilder struct{ truncated []string }

// text returns s cut to limit bytes (at a character boundary) and copied,
// so that the entry never keeps a large request's memory alive.
func (b *entryBuilder) text(field, s string, limit int) string {
	if len(s) <= limit {
		return strings.Clone(s)
	}
	b.cut(field)
	return strings.Clone(prefix(s, limit))
}

func (b *entryBuilder) cut(field string) {
	if !slices.Contains(b.truncated, field) {
		b.truncated = append(b.truncated, field)
	}
}

// query returns the raw query cut to its limit, with the values of
// sensitive parameters redacted.
func (b *entryBuilder) query(q string) string {
	q = b.text("query", q, journalPathLimit)
	if q == "" {
		return ""
	}
	return redactQuery(q)
}

// redactQuery returns the raw query q with the values of sensitive
// parameters redacted (q itself when it has none).
func redactQuery(q string) string {
	parts := strings.Split(q, "&")
	changed := false
	for i, p := range parts {
		k, _, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		if uk, err := url.QueryUnescape(k); err == nil && SecretKey(uk) {
			parts[i], changed = k+"="+redacted, true
		}
	}
	if !changed {
		return q
	}
	return strings.Join(parts, "&")
}

// redactURLText returns s with the sensitive query parameters of a URL in
// it redacted: a signed URL in a body ("…/files/f?signature=…") is a
// credential for as long as it lasts.
func redactURLText(s string) (string, bool) {
	before, q, ok := strings.Cut(s, "?")
	if !ok || strings.ContainsAny(before, " \n") {
		return s, false
	}
	q, frag, _ := strings.Cut(q, "#")
	r := redactQuery(q)
	if r == q {
		return s, false
	}
	if frag != "" {
		r += "#" + frag
	}
	return before + "?" + r, true
}

// headers returns a capped copy of h with sensitive values redacted: at
// most journalHeaderValues values of at most journalHeaderValueLimit bytes,
// journalHeaderLimit bytes in all, by name in alphabetical order.
func (b *entryBuilder) headers(field string, h http.Header) http.Header {
	if len(h) == 0 {
		return nil
	}
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	slices.Sort(names)
	out := make(http.Header, min(len(names), journalHeaderValues))
	count, size := 0, 0
	for _, name := range names {
		secret := SecretHeader(name)
		for _, v := range h[name] {
			if secret {
				v = redacted
			} else if len(v) > journalHeaderValueLimit {
				v = prefix(v, journalHeaderValueLimit)
				b.cut(field)
			}
			n := min(len(name), journalHeaderValueLimit)
			if count == journalHeaderValues || size+n+len(v) > journalHeaderLimit {
				b.cut(field)
				return out
			}
			key := name
			if _, ok := out[key]; !ok {
				key = strings.Clone(prefix(name, journalHeaderValueLimit))
			}
			out[key] = append(out[key], strings.Clone(v))
			count++
			size += n + len(v)
		}
	}
	return out
}

// body returns what the journal shows of a body: at most journalBodyLimit
// bytes, JSON with its sensitive values redacted, other text as it is,
// binary data as its size. A body cut to the limit is named in truncated,
// also when redaction made it longer than the limit.
func (b *entryBuilder) body(field string, body []byte) string {
	if len(body) > journalBodyLimit {
		b.cut(field)
		body = body[:journalBodyLimit]
	}
	shown := redactJSON(body)
	if len(shown) > journalBodyLimit {
		b.cut(field)
	}
	return clip(shown)
}

// prefix returns s cut to at most n bytes, at a character boundary.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for i := 0; i < utf8.UTFMax && len(s) > 0; i++ {
		if r, size := utf8.DecodeLastRuneInString(s); r != utf8.RuneError || size != 1 {
			break
		}
		s = s[:len(s)-1]
	}
	return s
}

// clip returns b as text, cut to the journal's body limit.
func clip(b []byte) string {
	if len(b) > journalBodyLimit {
		b = b[:journalBodyLimit]
		// Step back to the start of a character, so that a cut never
		// turns text into "binary".
		for i := 0; i < utf8.UTFMax && len(b) > 0 && !utf8.Valid(b); i++ {
			b = b[:len(b)-1]
		}
	}
	if !utf8.Valid(b) {
		return "(binary, " + strconv.Itoa(len(b)) + " bytes)"
	}
	return string(b)
}

// redactJSON returns body with the value of every sensitive key, at any
// depth, replaced by "[redacted]" (booleans and nulls are kept: they hold
// no secret). A body that does not start like JSON is returned as it is; so
// is JSON without sensitive keys, byte for byte. JSON that has them is
// written compactly; where it is cut short or broken, what could be read
// is kept and the rest is dropped, so that a cut-off secret never shows.
func redactJSON(body []byte) []byte {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '[') || !mentionsSecret(trimmed) {
		return body
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	writeString := func(s string) {
		_ = enc.Encode(s)
		out.Truncate(out.Len() - 1) // the encoder's newline
	}

	type frame struct {
		object bool
		n      int // keys and values read at this level
	}
	var stack []frame
	secret, found := false, false // the next value is a secret; one was
	var read int64                // bytes of trimmed read as whole tokens
	for {
		tok, err := dec.Token()
		if err != nil {
			// Cut short or broken: keep the body if nothing secret was
			// read and none can be in what is left.
			if !found && !secret && !mentionsSecret(trimmed[read:]) {
				return body
			}
			return out.Bytes()
		}
		read = dec.InputOffset()
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			out.WriteByte(byte(d))
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				break
			}
			continue
		}
		if top := len(stack) - 1; top >= 0 {
			f := &stack[top]
			f.n++
			switch {
			case f.object && f.n%2 == 1: // a key
				if f.n > 1 {
					out.WriteByte(',')
				}
				name, _ := tok.(string)
				writeString(name)
				secret = SecretKey(name)
				continue
			case f.object:
				out.WriteByte(':')
			case f.n > 1:
				out.WriteByte(',')
			}
		}
		if secret {
			secret = false
			if _, isBool := tok.(bool); !isBool && tok != nil {
				found = true
				writeString(redacted)
				if _, ok := tok.(json.Delim); ok && !skipValue(dec) {
					return out.Bytes()
				}
				read = dec.InputOffset()
				continue
			}
		}
		switch v := tok.(type) {
		case json.Delim:
			out.WriteByte(byte(v))
			stack = append(stack, frame{object: v == '{'})
		case string:
			if r, ok := redactURLText(v); ok {
				v, found = r, true
			}
			writeString(v)
		case json.Number:
			out.WriteString(v.String())
		case bool:
			out.WriteString(strconv.FormatBool(v))
		case nil:
			out.WriteString("null")
		}
	}
	if !found {
		return body
	}
	return out.Bytes()
}

// skipValue reads the rest of a composite value whose opening delimiter
// was just read. It reports whether the value ended.
func skipValue(dec *json.Decoder) bool {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return true
}
