package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/bits"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
)

// DirectionInbound selects, in a JournalFilter, the requests the server
// answered (entries without a Direction).
const DirectionInbound = "inbound"

// StatusRange is an inclusive range of HTTP statuses: {404, 404}, {400, 499}.
type StatusRange struct{ Min, Max int }

// JournalFilter selects journal entries. Each field left at its zero value
// selects every entry; an entry matches when it matches every field set.
type JournalFilter struct {
	// Methods: any of them, in any case.
	Methods []string
	// Path is a glob over Entry.Path, the path as the client sent it with
	// the API's prefix: "*" matches within a segment, "/**/" any number of
	// segments, "?" one character, "[a-z]" a class and "{a,b}" either
	// alternative (github.com/bmatcuk/doublestar). Check it with
	// ValidJournalPath.
	Path string
	// Status: within any of the ranges.
	Status []StatusRange
	// APIs and Namespaces: any of them.
	APIs       []string
	Namespaces []string
	// Since and Until bound Entry.Time (when the request started):
	// Since <= Time < Until.
	Since, Until time.Time
	// Direction is DirectionInbound (requests the server answered) or
	// DirectionOutbound (webhook attempts).
	Direction string
	// After selects the entries numbered after it (Entry.Seq > After).
	After uint64
}

// The criteria of a JournalFilter, as bits of what an entry misses.
const (
	missMethod = 1 << iota
	missPath
	missStatus
	missAPI
	missNamespace
	missDirection
	missSince
	missUntil
	missAfter
)

// missNames names the criteria, in bit order, as the admin API's parameters.
var missNames = []string{"method", "path", "status", "api", "namespace", "direction", "since", "until", "after"}

// set returns the criteria f sets.
func (f *JournalFilter) set() int {
	var m int
	for bit, on := range []bool{len(f.Methods) > 0, f.Path != "", len(f.Status) > 0, len(f.APIs) > 0, len(f.Namespaces) > 0,
		f.Direction != "", !f.Since.IsZero(), !f.Until.IsZero(), f.After > 0} {
		if on {
			m |= 1 << bit
		}
	}
	return m
}

// misses returns the criteria of f that e does not meet (0 if e matches).
func (f *JournalFilter) misses(e *Entry) int {
	var m int
	if len(f.Methods) > 0 && !slices.ContainsFunc(f.Methods, func(s string) bool { return strings.EqualFold(s, e.Method) }) {
		m |= missMethod
	}
	if f.Path != "" && !doublestar.MatchUnvalidated(f.Path, e.Path) {
		m |= missPath
	}
	if len(f.Status) > 0 && !slices.ContainsFunc(f.Status, func(r StatusRange) bool { return r.Min <= e.Status && e.Status <= r.Max }) {
		m |= missStatus
	}
	if len(f.APIs) > 0 && !slices.Contains(f.APIs, e.API) {
		m |= missAPI
	}
	if len(f.Namespaces) > 0 && !slices.Contains(f.Namespaces, e.Namespace) {
		m |= missNamespace
	}
	switch f.Direction {
	case DirectionInbound:
		if e.Direction != "" {
			m |= missDirection
		}
	case "":
	default:
		if e.Direction != f.Direction {
			m |= missDirection
		}
	}
	if !f.Since.IsZero() && e.Time.Before(f.Since) {
		m |= missSince
	}
	if !f.Until.IsZero() && !e.Time.Before(f.Until) {
		m |= missUntil
	}
	if f.After > 0 && e.Seq <= f.After {
		m |= missAfter
	}
	return m
}

// Match reports whether e matches f.
func (f JournalFilter) Match(e Entry) bool { return f.misses(&e) == 0 }

// ValidJournalPath reports whether pattern is a glob JournalFilter.Path
// can hold.
func ValidJournalPath(pattern string) bool { return doublestar.ValidatePattern(pattern) }

// JournalStats tells how much of its history the journal holds, as of one
// query.
type JournalStats struct {
	// Size is how many entries the journal keeps at most.
	Size int `json:"size"`
	// LastSeq is the number of the newest entry (0: none yet).
	LastSeq uint64 `json:"lastSeq"`
	// ClearedThrough is the newest entry's number when the journal was
	// last cleared (0: never): the entries up to it are gone, so a reader
	// holding some of them (a live view) starts over when it changes.
	ClearedThrough uint64 `json:"clearedThrough"`
	// Dropped is how many entries the ring pushed out to make room for
	// newer ones since the server started or the journal was cleared.
	Dropped uint64 `json:"dropped"`
	// Complete is false when entries the query might have selected were
	// dropped: a count may be short, a list may have a gap.
	Complete bool `json:"complete"`
}

// journalChunk is how many entries a query copies at a time, holding the
// journal's lock only for that copy.
const journalChunk = 256

// view is the part of the journal a query reads: its numbering and what it
// dropped, taken under the lock.
type view struct {
	size        int
	last        uint64 // the newest entry's number
	cleared     uint64 // the newest number when the journal was last cleared
	dropped     uint64
	droppedSeq  uint64
	droppedTime time.Time
}

func (j *Journal) view() view {
	j.mu.Lock()
	defer j.mu.Unlock()
	return view{size: cap(j.ring), last: j.next, cleared: j.base, dropped: j.dropped, droppedSeq: j.droppedSeq, droppedTime: j.droppedTime}
}

// chunk copies into buf (of len 0) up to cap(buf) of the entries numbered
// lo to hi that the journal still holds, the oldest of them or, backward,
// the newest, in order; from and to are the numbers of the first and last
// copied. When the copy reaches down to lo and the ring pushed out some of
// the entries from lo on, gapTop is the highest number pushed out (else
// 0). droppedTime is the latest time of the entries pushed out.
func (j *Journal) chunk(buf []Entry, lo, hi uint64, backward bool) (es []Entry, from, to, gapTop uint64, droppedTime time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	kept := max(lo, j.next-uint64(len(j.ring))+1)
	if hi = min(hi, j.next); kept <= hi {
		n := uint64(cap(buf)) - 1
		if from, to = kept, min(hi, kept+n); backward {
			from, to = max(kept, hi-min(hi, n)), hi
		}
		for seq := from; seq <= to; seq++ {
			buf = append(buf, j.ring[j.index(seq)])
		}
	}
	if lo <= j.droppedSeq && (len(buf) == 0 || from == kept) {
		gapTop = min(j.droppedSeq, hi)
	}
	return buf, from, to, gapTop, j.droppedTime
}

// scan calls fn on the entries numbered after+1 to last that the journal
// holds, oldest first or, backward, newest first, until fn returns false.
// It copies a chunk at a time, releasing the lock in between, so that the
// requests being journaled meanwhile wait at most for one chunk's copy.
// gapTop is the highest number it needed but could not read because the
// ring had pushed it out (0: none); droppedTime the latest time of those
// pushed out.
func (j *Journal) scan(after, last uint64, backward bool, fn func(*Entry) bool) (gapTop uint64, droppedTime time.Time) {
	if last <= after {
		return 0, time.Time{}
	}
	buf := make([]Entry, 0, min(journalChunk, last-after))
	lo, hi := after+1, last
	for lo <= hi {
		es, from, to, gap, dt := j.chunk(buf[:0], lo, hi, backward)
		droppedTime = dt
		if !backward {
			gapTop = max(gapTop, gap) // the gap comes before es
		}
		for i := range es {
			e := &es[i]
			if backward {
				e = &es[len(es)-1-i]
			}
			if !fn(e) {
				return gapTop, droppedTime
			}
		}
		if backward {
			gapTop = max(gapTop, gap) // the gap comes after es, and fn wants more
		}
		if len(es) == 0 {
			break
		}
		if backward {
			hi = from - 1
		} else {
			lo = to + 1
		}
	}
	return gapTop, droppedTime
}

// complete reports whether a query of f whose scan could not read the
// entries up to gapTop has all it asked for: yes if they were all before
// f.After, or before f.Since.
func (f *JournalFilter) complete(gapTop uint64, droppedTime time.Time) bool {
	return gapTop <= f.After || (!f.Since.IsZero() && f.Since.After(droppedTime))
}

// Find returns up to limit entries that match f, oldest first: forward,
// the first limit of them (after f.After), so that a reader pages forward;
// otherwise the most recent limit. next is the After of the following
// page: the number of the last entry returned when a forward page is full,
// else the newest number.
func (j *Journal) Find(f JournalFilter, limit int, forward bool) (entries []Entry, next uint64, stats JournalStats) {
	v := j.view()
	stats = JournalStats{Size: v.size, LastSeq: v.last, ClearedThrough: v.cleared, Dropped: v.dropped}
	var gapTop uint64
	var dt time.Time
	if forward {
		gapTop, dt = j.scan(f.After, v.last, false, func(e *Entry) bool {
			if f.misses(e) == 0 {
				entries = append(entries, e.shown())
			}
			return len(entries) < limit
		})
	} else {
		gapTop, dt = j.scan(f.After, v.last, true, func(e *Entry) bool {
			if f.misses(e) == 0 {
				entries = append(entries, e.shown())
			}
			return len(entries) < limit
		})
		slices.Reverse(entries)
	}
	stats.Complete = f.complete(gapTop, dt)
	next = v.last // also when f.After is beyond it: the server restarted
	if forward && len(entries) == limit {
		next = entries[len(entries)-1].Seq
	}
	return entries, next, stats
}

// Count returns how many entries match f.
func (j *Journal) Count(f JournalFilter) (int, JournalStats) {
	n, _, _, stats := j.count(f, 0)
	return n, stats
}

// near is an entry close to a filter, and the criteria it misses.
type near struct {
	e      Entry
	misses int
}

// count counts the entries that match f and keeps up to keep of the
// newest matches and of the entries that miss the fewest criteria (at
// least one met), closest first.
func (j *Journal) count(f JournalFilter, keep int) (n int, matches, misses []near, stats JournalStats) {
	v := j.view()
	stats = JournalStats{Size: v.size, LastSeq: v.last, ClearedThrough: v.cleared, Dropped: v.dropped}
	set := bits.OnesCount(uint(f.set()))
	// Nearest needs every entry, so the scan ignores f.After and checks it
	// as a criterion.
	gapTop, dt := j.scan(0, v.last, true, func(e *Entry) bool {
		m := f.misses(e)
		if m == 0 {
			n++
			if len(matches) < keep {
				matches = append(matches, near{e: *e})
			}
			return true
		}
		if keep == 0 {
			return true
		}
		k := bits.OnesCount(uint(m))
		if k >= set {
			return true // meets none
		}
		// Newest first, so an entry replaces only a strictly closer one.
		i, _ := slices.BinarySearchFunc(misses, k, func(x near, k int) int {
			if bits.OnesCount(uint(x.misses)) <= k {
				return -1
			}
			return 1
		})
		if i < keep {
			if len(misses) == keep {
				misses = misses[:keep-1]
			}
			misses = slices.Insert(misses, i, near{e: *e, misses: m})
		}
		return true
	})
	stats.Complete = f.complete(gapTop, dt)
	return n, matches, misses, stats
}

// journalParams are the parameters of GET /__standin/journal, and
// journalCountParams those of GET /__standin/journal/count.
var (
	journalCountParams = []string{"after", "api", "direction", "method", "namespace", "path", "since", "status", "until"}
	journalParams      = append(slices.Clone(journalCountParams), "limit")
)

// journalListParams may be given as comma lists, or repeated.
var journalListParams = []string{"api", "method", "namespace", "status"}

// Limits on a filter, so that a query stays cheap whatever it asks.
const (
	journalFilterItems = 32  // values of each list
	journalGlobLimit   = 512 // bytes of the path glob
	journalGlobAlts    = 4   // {a,b} groups in the path glob
)

// parseJournalFilter reads a filter from the query q, refusing parameters
// not in valid, repeated single parameters and bad values, naming them.
// An empty value is no filter, as a form's empty field means. now is the
// time a duration in since or until counts back from. The parameters:
//
//	method=GET,POST          any of them, in any case
//	path=/rocketchat/api/v1/channels.*
//	                         a glob over the path as sent, with the API's prefix (see JournalFilter.Path)
//	status=404|4xx|400-499   or a comma list of them; 0 is a webhook attempt that got no answer
//	api=rocketchat,ethora    mounted APIs only
//	namespace=ns1,ns2
//	since=, until=           RFC 3339 times, or durations back from now (5m): since <= time < until
//	direction=inbound|outbound
//	after=SEQ                entries numbered after SEQ
//
// method, status, api and namespace may also be repeated.
func (s *Server) parseJournalFilter(q url.Values, valid []string, now time.Time) (JournalFilter, error) {
	var unknown []string
	for k := range q {
		if !slices.Contains(valid, k) {
			unknown = append(unknown, strconv.Quote(clipText(k, 64)))
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		word := "parameter"
		if len(unknown) > 1 {
			word += "s"
		}
		return JournalFilter{}, fmt.Errorf("unknown %s %s (valid: %s)", word, strings.Join(unknown, ", "), strings.Join(slices.Sorted(slices.Values(valid)), ", "))
	}
	one := func(name string) (string, error) {
		vs := q[name]
		if len(vs) > 1 && !slices.Contains(journalListParams, name) {
			return "", fmt.Errorf("%s is given %d times; give it once", name, len(vs))
		}
		return strings.TrimSpace(strings.Join(vs, ",")), nil
	}
	var f JournalFilter
	var err error
	for _, name := range valid {
		v, e := one(name)
		if e != nil {
			return f, e
		}
		if v == "" {
			continue
		}
		switch name {
		case "after":
			f.After, err = strconv.ParseUint(v, 10, 64)
			if err != nil {
				err = fmt.Errorf("after must be an entry's seq (a whole number, 0 or more), got %q", clipText(v, 64))
			}
		case "api":
			f.APIs, err = listOf(name, v, func(a string) error {
				if apis := s.APIs(); !slices.Contains(apis, a) {
					return fmt.Errorf("%q is not a mounted API (mounted: %s)", clipText(a, 64), strings.Join(apis, ", "))
				}
				return nil
			})
		case "direction":
			if v != DirectionInbound && v != DirectionOutbound {
				err = fmt.Errorf("direction must be %q (requests the mock answered) or %q (webhook attempts), got %q", DirectionInbound, DirectionOutbound, clipText(v, 64))
			}
			f.Direction = v
		case "method":
			f.Methods, err = listOf(name, v, func(m string) error {
				if strings.ContainsFunc(m, func(r rune) bool { return !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z') }) {
					return fmt.Errorf("%q is not an HTTP method such as GET", clipText(m, 64))
				}
				return nil
			})
		case "namespace":
			f.Namespaces, err = listOf(name, v, func(ns string) error {
				if !ValidNamespace(ns) {
					return fmt.Errorf("%q is not a namespace: 1 to 64 letters, digits, dots, dashes or underscores", clipText(ns, 80))
				}
				return nil
			})
		case "path":
			err = checkJournalPath(v)
			f.Path = v
		case "since", "until":
			var t time.Time
			t, err = parseJournalTime(name, v, now)
			if name == "since" {
				f.Since = t
			} else {
				f.Until = t
			}
		case "status":
			var items []string
			items, err = listOf(name, v, nil)
			for _, it := range items {
				r, e := parseStatusRange(it)
				if e != nil {
					err = e
					break
				}
				f.Status = append(f.Status, r)
			}
		}
		if err != nil {
			return f, err
		}
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		return f, fmt.Errorf("until (%s) must be after since (%s)", f.Until.Format(time.RFC3339Nano), f.Since.Format(time.RFC3339Nano))
	}
	return f, nil
}

// listOf splits the comma list v of the parameter name and checks each
// item with check (nil accepts any).
func listOf(name, v string, check func(string) error) ([]string, error) {
	items := strings.Split(v, ",")
	if len(items) > journalFilterItems {
		return nil, fmt.Errorf("%s lists %d values; at most %d", name, len(items), journalFilterItems)
	}
	out := items[:0]
	for _, it := range items {
		it = strings.TrimSpace(it)
		if it == "" {
			continue
		}
		if check != nil {
			if err := check(it); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
		out = append(out, it)
	}
	return out, nil
}

// checkJournalPath checks a path glob.
func checkJournalPath(p string) error {
	const syntax = `"*" matches within a segment, "/**/" across segments, "?" one character, [a-z] a class, {a,b} alternatives`
	switch {
	case len(p) > journalGlobLimit:
		return fmt.Errorf("path is %d bytes long; at most %d", len(p), journalGlobLimit)
	case !strings.HasPrefix(p, "/"):
		return fmt.Errorf("path must start with \"/\": the path as the client sent it, with the API's prefix, e.g. /rocketchat/api/v1/channels.*; got %q", clipText(p, 80))
	case strings.Count(p, "{") > journalGlobAlts:
		return fmt.Errorf("path has more than %d {a,b} groups", journalGlobAlts)
	case !ValidJournalPath(p):
		return fmt.Errorf("path %q is not a valid glob (%s)", clipText(p, 80), syntax)
	}
	return nil
}

// parseJournalTime reads since or until: an RFC 3339 time, or a Go
// duration meaning that long before now ("5m": five minutes ago).
func parseJournalTime(name, v string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return time.Time{}, fmt.Errorf("%s must be an RFC 3339 time such as 2026-01-02T15:04:05Z or a duration back from now such as 5m or 90s, got %q", name, clipText(v, 64))
	}
	return now.Add(-d), nil
}

// parseStatusRange reads "404", "4xx" or "400-499".
func parseStatusRange(v string) (StatusRange, error) {
	bad := fmt.Errorf("status %q must be a status (404), a class (4xx) or a range (400-499), or a comma list of them", clipText(v, 64))
	code := func(s string) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil && len(s) == 3 && n >= 100 && n <= 999 || s == "0"
	}
	if len(v) == 3 && (v[1:] == "xx" || v[1:] == "XX") && '1' <= v[0] && v[0] <= '9' {
		lo := int(v[0]-'0') * 100
		return StatusRange{lo, lo + 99}, nil
	}
	if a, b, ok := strings.Cut(v, "-"); ok {
		lo, ok1 := code(strings.TrimSpace(a))
		hi, ok2 := code(strings.TrimSpace(b))
		if !ok1 || !ok2 || hi < lo {
			return StatusRange{}, bad
		}
		return StatusRange{lo, hi}, nil
	}
	n, ok := code(v)
	if !ok {
		return StatusRange{}, bad
	}
	return StatusRange{n, n}, nil
}

// journalDisabled answers a journal request when the journal is off.
func journalDisabled(w http.ResponseWriter) {
	adminError(w, http.StatusNotFound, "the journal is disabled (journalSize: 0)")
}

// adminJournalCount answers GET /__standin/journal/count with how many
// entries match the filters of the query.
func (s *Server) adminJournalCount(w http.ResponseWriter, r *http.Request) {
	if s.journal == nil {
		journalDisabled(w)
		return
	}
	f, err := s.parseJournalFilter(r.URL.Query(), journalCountParams, time.Now())
	if err != nil {
		adminError(w, http.StatusBadRequest, "%v", err)
		return
	}
	n, stats := s.journal.Count(f)
	WriteJSON(w, http.StatusOK, struct {
		Count int `json:"count"`
		JournalStats
	}{n, stats})
}

// journalPattern is the body of POST /__standin/journal/verify: the
// filters of GET /__standin/journal/count and an expectation.
type journalPattern struct {
	Method    jsonList `json:"method"`
	Path      string   `json:"path"`
	Status    jsonList `json:"status"`
	API       jsonList `json:"api"`
	Namespace jsonList `json:"namespace"`
	Since     string   `json:"since"`
	Until     string   `json:"until"`
	Direction string   `json:"direction"`
	After     *uint64  `json:"after"`

	Exactly *int `json:"exactly"`
	AtLeast *int `json:"atLeast"`
	AtMost  *int `json:"atMost"`
}

// jsonList is a list given as a string (a comma list, as in the query), a
// number, or an array of them: "GET,POST", ["GET", "POST"], 404, [404, "5xx"].
type jsonList string

func (l *jsonList) UnmarshalJSON(b []byte) error {
	var items []any
	if len(b) > 0 && b[0] == '[' {
		if err := json.Unmarshal(b, &items); err != nil {
			return err
		}
	} else {
		var one any
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		items = []any{one}
	}
	parts := make([]string, 0, len(items))
	for _, it := range items {
		switch v := it.(type) {
		case string:
			parts = append(parts, v)
		case float64:
			parts = append(parts, strconv.FormatFloat(v, 'f', -1, 64))
		case nil:
		default:
			return fmt.Errorf("want a string, a number or an array of them, got %s", clipText(string(b), 64))
		}
	}
	*l = jsonList(strings.Join(parts, ","))
	return nil
}

// values returns the pattern's filters as query parameters, so that they
// are read and checked as GET /__standin/journal/count reads them.
func (p *journalPattern) values() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{
		"method": string(p.Method), "path": p.Path, "status": string(p.Status), "api": string(p.API),
		"namespace": string(p.Namespace), "since": p.Since, "until": p.Until, "direction": p.Direction,
	} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if p.After != nil {
		q.Set("after", strconv.FormatUint(*p.After, 10))
	}
	return q
}

// expectation returns the bounds of the pattern's count, and says them in
// words. Without any, at least 1 is expected.
func (p *journalPattern) expectation() (lo, hi int, words string, err error) {
	for name, v := range map[string]*int{"exactly": p.Exactly, "atLeast": p.AtLeast, "atMost": p.AtMost} {
		if v != nil && *v < 0 {
			return 0, 0, "", fmt.Errorf("%s must be 0 or more, got %d", name, *v)
		}
	}
	switch {
	case p.Exactly != nil && (p.AtLeast != nil || p.AtMost != nil):
		return 0, 0, "", fmt.Errorf(`give "exactly", or "atLeast" and/or "atMost", not both`)
	case p.Exactly != nil:
		return *p.Exactly, *p.Exactly, fmt.Sprintf("exactly %d", *p.Exactly), nil
	case p.AtLeast != nil && p.AtMost != nil:
		if *p.AtMost < *p.AtLeast {
			return 0, 0, "", fmt.Errorf("atMost (%d) is less than atLeast (%d)", *p.AtMost, *p.AtLeast)
		}
		return *p.AtLeast, *p.AtMost, fmt.Sprintf("at least %d and at most %d", *p.AtLeast, *p.AtMost), nil
	case p.AtMost != nil:
		return 0, *p.AtMost, fmt.Sprintf("at most %d", *p.AtMost), nil
	case p.AtLeast != nil:
		return *p.AtLeast, -1, fmt.Sprintf("at least %d", *p.AtLeast), nil
	}
	return 1, -1, "at least 1", nil
}

// journalNearest is how many entries a failed verify shows.
const journalNearest = 5

// nearEntry is an entry a failed verify shows, without its headers and
// bodies, and the criteria it misses.
type nearEntry struct {
	Seq       uint64    `json:"seq"`
	Time      time.Time `json:"time"`
	Direction string    `json:"direction,omitempty"`
	API       string    `json:"api,omitempty"`
	Namespace string    `json:"namespace"`
	Method    string    `json:"method"`
	Path      string    `json:"path"`
	Query     string    `json:"query,omitempty"`
	Status    int       `json:"status"`
	Differs   []string  `json:"differs"`
}

func nearEntries(ns []near) []nearEntry {
	out := make([]nearEntry, 0, len(ns))
	for _, n := range ns {
		e := n.e
		differs := []string{}
		for bit, name := range missNames {
			if n.misses&(1<<bit) != 0 {
				differs = append(differs, name)
			}
		}
		out = append(out, nearEntry{Seq: e.Seq, Time: e.Time, Direction: e.Direction, API: e.API, Namespace: e.Namespace,
			Method: e.Method, Path: e.Path, Query: e.Query, Status: e.Status, Differs: differs})
	}
	return out
}

// journalPatternLimit is the largest body POST /__standin/journal/verify
// reads.
const journalPatternLimit = 16 << 10

// adminJournalVerify answers POST /__standin/journal/verify: 200 when the
// number of entries matching the body's pattern meets its expectation,
// else 409 with the count, the expectation and the nearest entries.
func (s *Server) adminJournalVerify(w http.ResponseWriter, r *http.Request) {
	if s.journal == nil {
		journalDisabled(w)
		return
	}
	const shape = `body must be a JSON object of filters ("method", "path", "status", "api", "namespace", "since", "until", "direction", "after") and an expectation ("exactly", "atLeast", "atMost")`
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, journalPatternLimit))
	if err != nil {
		adminError(w, http.StatusBadRequest, "%s: %v", shape, err)
		return
	}
	var p journalPattern
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		adminError(w, http.StatusBadRequest, "%s: %v", shape, err)
		return
	}
	if dec.More() || len(bytes.TrimSpace(raw[dec.InputOffset():])) > 0 {
		adminError(w, http.StatusBadRequest, "%s: unexpected data after the JSON object", shape)
		return
	}
	f, err := s.parseJournalFilter(p.values(), journalCountParams, time.Now())
	if err != nil {
		adminError(w, http.StatusBadRequest, "%v", err)
		return
	}
	lo, hi, expected, err := p.expectation()
	if err != nil {
		adminError(w, http.StatusBadRequest, "%v", err)
		return
	}
	n, matches, misses, stats := s.journal.count(f, journalNearest)
	type answer struct {
		OK       bool        `json:"ok"`
		Count    int         `json:"count"`
		Expected string      `json:"expected"`
		Error    string      `json:"error,omitempty"`
		Nearest  []nearEntry `json:"nearest,omitempty"`
		JournalStats
	}
	if n >= lo && (hi < 0 || n <= hi) {
		WriteJSON(w, http.StatusOK, answer{OK: true, Count: n, Expected: expected, JournalStats: stats})
		return
	}
	entries := "entries"
	if n == 1 {
		entries = "entry"
	}
	msg := fmt.Sprintf("found %d %s matching %s; expected %s", n, entries, describeFilter(p.values()), expected)
	nearest := matches // too many: the newest of them
	if n < lo {
		nearest = misses // too few: those that missed on the fewest criteria
	}
	if !stats.Complete {
		msg += fmt.Sprintf(" (the journal, of size %d, has dropped %d older entries that may have matched)", stats.Size, stats.Dropped)
	}
	WriteJSON(w, http.StatusConflict, answer{Count: n, Expected: expected, Error: msg, Nearest: nearEntries(nearest), JournalStats: stats})
}

// describeFilter writes the filters q sets as "method=POST path=/x", or
// "any entry" when it sets none.
func describeFilter(q url.Values) string {
	if len(q) == 0 {
		return "any entry"
	}
	parts := make([]string, 0, len(q))
	for _, k := range slices.Sorted(maps.Keys(q)) {
		parts = append(parts, k+"="+strings.Join(q[k], ","))
	}
	return strings.Join(parts, " ")
}
