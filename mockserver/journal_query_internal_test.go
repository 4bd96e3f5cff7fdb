package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver/webhooks"
)

// t0 is when the entries of queryServer start.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// queryServer returns a server whose journal holds the entries below, one
// a minute from t0, as if rocketchat and smartlink were mounted.
func queryServer(t *testing.T, size int) *Server {
	t.Helper()
	s := New(Options{JournalSize: size})
	s.apis = []*mounted{{api: API{Name: "rocketchat"}}, {api: API{Name: "smartlink"}}}
	for i, e := range []Entry{
		{Method: "GET", Path: "/rocketchat/api/v1/channels.list", Status: 200, API: "rocketchat", Namespace: "default"},
		{Method: "POST", Path: "/rocketchat/api/v1/chat.postMessage", Status: 200, API: "rocketchat", Namespace: "ns1"},
		{Method: "GET", Path: "/rocketchat/api/v1/channels.info", Status: 404, API: "rocketchat", Namespace: "ns1"},
		{Method: "POST", Path: "/smartlink/v1/apps/a1/members", Status: 201, API: "smartlink", Namespace: "default"},
		{Method: "POST", Path: "/hooks/smartlink", Status: 500, API: "smartlink", Namespace: "default", Direction: DirectionOutbound},
		{Method: "DELETE", Path: "/smartlink/v1/apps/a1/members/m1", Status: 204, API: "smartlink", Namespace: "ns2"},
		{Method: "GET", Path: "/rocketchat/api/v1/users.info", Status: 401, API: "rocketchat", Namespace: "default"},
		{Method: "POST", Path: "/hooks", Status: 0, API: "smartlink", Namespace: "ns2", Direction: DirectionOutbound},
	} {
		e.Time = t0.Add(time.Duration(i) * time.Minute)
		s.journal.add(e)
	}
	return s
}

// admin serves one admin request (with body, if not empty) and returns
// the status and body.
func admin(s *Server, method, target, body string) (int, string) {
	var r *http.Request
	if body != "" {
		r = httptest.NewRequest(method, target, strings.NewReader(body))
	} else {
		r = httptest.NewRequest(method, target, nil)
	}
	w := httptest.NewRecorder()
	s.serveAdmin(w, r)
	return w.Code, w.Body.String()
}

type journalPage struct {
	Entries  []Entry `json:"entries"`
	Next     uint64  `json:"next"`
	LastSeq  uint64  `json:"lastSeq"`
	Size     int     `json:"size"`
	Dropped  uint64  `json:"dropped"`
	Complete bool    `json:"complete"`
	Cleared  uint64  `json:"clearedThrough"`
}

func getJournal(t *testing.T, s *Server, query string) journalPage {
	t.Helper()
	code, body := admin(s, http.MethodGet, "/__standin/journal"+query, "")
	if code != http.StatusOK {
		t.Fatalf("GET /__standin/journal%s: %d %s", query, code, body)
	}
	var p journalPage
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("GET /__standin/journal%s: %v: %s", query, err, body)
	}
	return p
}

func seqs(es []Entry) []uint64 {
	out := []uint64{}
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}

func TestJournalFilterParameters(t *testing.T) {
	s := queryServer(t, 100)
	tests := []struct {
		query string
		want  []uint64
	}{
		{"", []uint64{1, 2, 3, 4, 5, 6, 7, 8}},
		{"?method=POST", []uint64{2, 4, 5, 8}},
		{"?method=post", []uint64{2, 4, 5, 8}},
		{"?method=GET,DELETE", []uint64{1, 3, 6, 7}},
		{"?method=GET&method=DELETE", []uint64{1, 3, 6, 7}},
		{"?path=/rocketchat/api/v1/channels.*", []uint64{1, 3}},
		{"?path=/rocketchat/api/v1/channels.list", []uint64{1}},
		{"?path=/rocketchat/**", []uint64{1, 2, 3, 7}},
		{"?path=/smartlink/v1/apps/*/members", []uint64{4}},
		{"?path=/smartlink/**/members/*", []uint64{6}},
		{"?path=/smartlink/v1/apps/*", nil}, // "*" stays within a segment
		{"?path=/rocketchat/api/v1/{users,chat}.*", []uint64{2, 7}},
		{"?status=404", []uint64{3}},
		{"?status=2xx", []uint64{1, 2, 4, 6}},
		{"?status=4XX", []uint64{3, 7}},
		{"?status=400-499", []uint64{3, 7}},
		{"?status=201-404", []uint64{3, 4, 6, 7}},
		{"?status=404,5xx", []uint64{3, 5}},
		{"?status=0", []uint64{8}},
		{"?api=smartlink", []uint64{4, 5, 6, 8}},
		{"?api=rocketchat,smartlink", []uint64{1, 2, 3, 4, 5, 6, 7, 8}},
		{"?namespace=ns1", []uint64{2, 3}},
		{"?namespace=ns1,ns2", []uint64{2, 3, 6, 8}},
		{"?direction=outbound", []uint64{5, 8}},
		{"?direction=inbound", []uint64{1, 2, 3, 4, 6, 7}},
		{"?since=2026-03-01T12:02:00Z", []uint64{3, 4, 5, 6, 7, 8}},
		{"?until=2026-03-01T12:02:00Z", []uint64{1, 2}},
		{"?since=2026-03-01T12:02:00Z&until=2026-03-01T12:04:00.5Z", []uint64{3, 4, 5}},
		{"?since=2026-03-01T13:01:30%2B01:00", []uint64{3, 4, 5, 6, 7, 8}}, // 12:01:30Z
		{"?after=5", []uint64{6, 7, 8}},
		{"?after=8", nil},
		{"?after=0", []uint64{1, 2, 3, 4, 5, 6, 7, 8}},
		{"?limit=3", []uint64{6, 7, 8}},         // the most recent 3
		{"?after=2&limit=3", []uint64{3, 4, 5}}, // the first 3 after 2
		{"?after=2&limit=2&method=GET", []uint64{3, 7}},
		{"?method=POST&status=2xx&api=smartlink", []uint64{4}},
		{"?method=POST&limit=2", []uint64{5, 8}},
		{"?api=&namespace=&method=", []uint64{1, 2, 3, 4, 5, 6, 7, 8}}, // empty fields filter nothing
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			p := getJournal(t, s, tt.query)
			if got := seqs(p.Entries); !slices.Equal(got, append([]uint64{}, tt.want...)) {
				t.Errorf("seqs = %v, want %v", got, tt.want)
			}
			if p.LastSeq != 8 || p.Size != 100 || p.Dropped != 0 || !p.Complete {
				t.Errorf("stats = lastSeq %d size %d dropped %d complete %v, want 8 100 0 true", p.LastSeq, p.Size, p.Dropped, p.Complete)
			}

			// count answers as many as the list shows, without the limit.
			if strings.Contains(tt.query, "limit") {
				return
			}
			code, body := admin(s, http.MethodGet, "/__standin/journal/count"+tt.query, "")
			var c struct {
				Count    int  `json:"count"`
				Complete bool `json:"complete"`
			}
			if code != http.StatusOK || json.Unmarshal([]byte(body), &c) != nil || c.Count != len(tt.want) || !c.Complete {
				t.Errorf("count: %d %s, want count %d", code, body, len(tt.want))
			}
		})
	}
}

// A duration in since or until counts back from now.
func TestJournalSinceDuration(t *testing.T) {
	s := New(Options{})
	now := time.Now()
	for _, ago := range []time.Duration{time.Hour, 10 * time.Minute, time.Minute, 0} {
		s.journal.add(Entry{Time: now.Add(-ago), Path: "/" + ago.String()})
	}
	if got := seqs(getJournal(t, s, "?since=5m").Entries); !slices.Equal(got, []uint64{3, 4}) {
		t.Errorf("since=5m: %v, want [3 4]", got)
	}
	if got := seqs(getJournal(t, s, "?until=30m").Entries); !slices.Equal(got, []uint64{1}) {
		t.Errorf("until=30m: %v, want [1]", got)
	}
	if got := seqs(getJournal(t, s, "?since=2h&until=5m").Entries); !slices.Equal(got, []uint64{1, 2}) {
		t.Errorf("since=2h&until=5m: %v, want [1 2]", got)
	}
}

func TestJournalGlob(t *testing.T) {
	tests := []struct {
		glob, path string
		want       bool
	}{
		{"/rocketchat/api/v1/channels.*", "/rocketchat/api/v1/channels.list", true},
		{"/rocketchat/api/v1/channels.*", "/rocketchat/api/v1/channels.list/x", false},
		{"/rocketchat/api/v1/channels.*", "/rocketchat/api/v1/groups.list", false},
		{"/rocketchat/*/v1/*", "/rocketchat/api/v1/me", true},
		{"/rocketchat/**", "/rocketchat/api/v1/me", true},
		{"/rocketchat/**", "/rocketchat", true},
		{"/**/members", "/smartlink/v1/apps/a/members", true},
		{"/smartlink/**/members", "/smartlink/members", true},
		{"/smartlink/**/members", "/smartlink/v1/apps/a/members/m", false},
		{"/ethora/v1/users/?", "/ethora/v1/users/7", true},
		{"/ethora/v1/users/?", "/ethora/v1/users/77", false},
		{"/ethora/v1/users/[0-9]*", "/ethora/v1/users/42", true},
		{"/ethora/v1/users/[0-9]*", "/ethora/v1/users/me", false},
		{"/a/{b,c}", "/a/c", true},
		{"/a.b", "/a.b", true},
		{"/a.b", "/axb", false}, // "." is no wildcard
		{"/a\\*", "/a*", true},
		{"/a\\*", "/ab", false},
		{"/x", "/x/", false},
	}
	for _, tt := range tests {
		if err := checkJournalPath(tt.glob); err != nil {
			t.Errorf("checkJournalPath(%q): %v", tt.glob, err)
		}
		f := JournalFilter{Path: tt.glob}
		if got := f.Match(Entry{Path: tt.path}); got != tt.want {
			t.Errorf("%q matches %q = %v, want %v", tt.glob, tt.path, got, tt.want)
		}
	}
}

func TestParseStatusRange(t *testing.T) {
	for in, want := range map[string]StatusRange{
		"404": {404, 404}, "0": {0, 0}, "1xx": {100, 199}, "5XX": {500, 599}, "400-499": {400, 499}, "200 - 204": {200, 204}, "999": {999, 999},
	} {
		if got, err := parseStatusRange(in); err != nil || got != want {
			t.Errorf("parseStatusRange(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "4x", "4xxx", "0xx", "99", "1000", "40", "-1", "abc", "500-400", "400-", "-499", "4xx-5xx", "404.0", "+404", "0404"} {
		if got, err := parseStatusRange(in); err == nil {
			t.Errorf("parseStatusRange(%q) = %v, want an error", in, got)
		}
	}
}

// Bad queries get a 400 naming the parameter; unknown ones are never
// ignored.
func TestJournalQueryRefused(t *testing.T) {
	s := queryServer(t, 100)
	tests := []struct {
		query string
		want  []string // in the error
	}{
		{"?nope=1", []string{`unknown parameter "nope"`, "valid: after, api, direction, limit, method, namespace, path, since, status, until"}},
		{"?apis=rocketchat&stat=4xx", []string{`unknown parameters "apis", "stat"`, "valid:"}},
		{"?Method=GET", []string{`"Method"`}},
		{"?status=4x", []string{"status", `"4x"`, "4xx"}},
		{"?status=404,abc", []string{"status", `"abc"`}},
		{"?method=G%20T", []string{"method", "HTTP method"}},
		{"?api=nope", []string{"api", `"nope"`, "rocketchat, smartlink"}},
		{"?namespace=a/b", []string{"namespace", `"a/b"`}},
		{"?direction=in", []string{"direction", "inbound", "outbound"}},
		{"?since=yesterday", []string{"since", "RFC 3339", "5m"}},
		{"?until=-5m", []string{"until"}},
		{"?since=5m&until=10m", []string{"until", "after since"}},
		{"?after=-1", []string{"after"}},
		{"?after=x", []string{"after"}},
		{"?limit=0", []string{"limit"}},
		{"?limit=x", []string{"limit"}},
		{"?path=channels.*", []string{"path", `start with "/"`}},
		{"?path=/a/[b", []string{"path", "not a valid glob"}},
		{"?path=/a&path=/b", []string{"path is given 2 times"}},
		{"?limit=1&limit=2", []string{"limit is given 2 times"}},
		{"?path=/" + strings.Repeat("a", 600), []string{"path is 601 bytes"}},
		{"?path=/{a,b}{a,b}{a,b}{a,b}{a,b}", []string{"path has more than 4"}},
		{"?status=" + strings.Repeat("404,", 40), []string{"status lists 41 values"}},
	}
	for _, tt := range tests {
		t.Run(tt.query[:min(len(tt.query), 40)], func(t *testing.T) {
			code, body := admin(s, http.MethodGet, "/__standin/journal"+tt.query, "")
			if code != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400; body %s", code, body)
			}
			var e struct{ Error string }
			if err := json.Unmarshal([]byte(body), &e); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Error, w) {
					t.Errorf("error %q does not say %q", e.Error, w)
				}
			}
		})
	}
	// count has no limit.
	code, body := admin(s, http.MethodGet, "/__standin/journal/count?limit=5", "")
	if code != http.StatusBadRequest || !strings.Contains(body, `unknown parameter \"limit\"`) || strings.Contains(body, "limit,") {
		t.Errorf("count?limit=5: %d %s, want 400 naming limit as unknown", code, body)
	}
}

type verifyAnswer struct {
	OK       bool   `json:"ok"`
	Count    int    `json:"count"`
	Expected string `json:"expected"`
	Error    string `json:"error"`
	Nearest  []struct {
		Seq     uint64   `json:"seq"`
		Path    string   `json:"path"`
		Differs []string `json:"differs"`
	} `json:"nearest"`
	Complete bool   `json:"complete"`
	Dropped  uint64 `json:"dropped"`
}

func verify(t *testing.T, s *Server, body string) (int, verifyAnswer) {
	t.Helper()
	code, raw := admin(s, http.MethodPost, "/__standin/journal/verify", body)
	var a verifyAnswer
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		t.Fatalf("verify %s: %d %s: %v", body, code, raw, err)
	}
	if code == http.StatusOK || code == http.StatusConflict {
		if a.OK != (code == http.StatusOK) {
			t.Errorf("verify %s: status %d with ok %v", body, code, a.OK)
		}
	}
	return code, a
}

func TestJournalVerify(t *testing.T) {
	s := queryServer(t, 100)
	ok := []struct {
		body     string
		count    int
		expected string
	}{
		{`{"method": "POST", "path": "/rocketchat/api/v1/chat.postMessage"}`, 1, "at least 1"},
		{`{"method": "POST", "path": "/rocketchat/api/v1/chat.postMessage", "exactly": 1}`, 1, "exactly 1"},
		{`{"path": "/rocketchat/**", "atLeast": 4}`, 4, "at least 4"},
		{`{"path": "/rocketchat/**", "atMost": 4}`, 4, "at most 4"},
		{`{"path": "/rocketchat/**", "atLeast": 2, "atMost": 4}`, 4, "at least 2 and at most 4"},
		{`{"status": "5xx", "direction": "outbound", "exactly": 1}`, 1, "exactly 1"},
		{`{"status": 404, "exactly": 1}`, 1, "exactly 1"},
		{`{"status": [404, "5xx"], "method": ["GET", "POST"], "exactly": 2}`, 2, "exactly 2"},
		{`{"namespace": "ns1,ns2", "api": ["smartlink"], "exactly": 2}`, 2, "exactly 2"},
		{`{"since": "2026-03-01T12:06:00Z", "exactly": 2}`, 2, "exactly 2"},
		{`{"after": 6, "exactly": 2}`, 2, "exactly 2"},
		{`{"path": "/nowhere", "exactly": 0}`, 0, "exactly 0"},
		{`{"exactly": 8}`, 8, "exactly 8"},
	}
	for _, tt := range ok {
		code, a := verify(t, s, tt.body)
		if code != http.StatusOK || a.Count != tt.count || a.Expected != tt.expected || !a.Complete || a.Error != "" || a.Nearest != nil {
			t.Errorf("verify %s: %d %+v, want 200 with count %d, expected %q", tt.body, code, a, tt.count, tt.expected)
		}
	}

	t.Run("too few", func(t *testing.T) {
		// chat.postMessage was posted in ns1, not ns2; the nearest entry is
		// that request, differing in namespace only.
		code, a := verify(t, s, `{"method": "POST", "path": "/rocketchat/api/v1/chat.postMessage", "namespace": "ns2", "api": "rocketchat", "exactly": 1}`)
		if code != http.StatusConflict || a.Count != 0 || a.Expected != "exactly 1" {
			t.Fatalf("%d %+v, want 409 with count 0", code, a)
		}
		for _, w := range []string{"found 0 entries", "method=POST", "namespace=ns2", "path=/rocketchat/api/v1/chat.postMessage", "expected exactly 1"} {
			if !strings.Contains(a.Error, w) {
				t.Errorf("error %q does not say %q", a.Error, w)
			}
		}
		if len(a.Nearest) == 0 || a.Nearest[0].Seq != 2 || !slices.Equal(a.Nearest[0].Differs, []string{"namespace"}) {
			t.Fatalf("nearest = %+v, want entry 2 first, differing in namespace", a.Nearest)
		}
		// Then the POST in ns2 (two misses), then those with three misses,
		// newest first among equals: five in all.
		var got []uint64
		for _, n := range a.Nearest {
			got = append(got, n.Seq)
		}
		if !slices.Equal(got, []uint64{2, 8, 7, 6, 5}) {
			t.Errorf("nearest seqs = %v, want [2 8 7 6 5]", got)
		}
		if !slices.Equal(a.Nearest[1].Differs, []string{"path", "api"}) {
			t.Errorf("entry 8 differs in %q, want [path api]", a.Nearest[1].Differs)
		}
	})
	t.Run("too many", func(t *testing.T) {
		code, a := verify(t, s, `{"method": "GET", "atMost": 1}`)
		if code != http.StatusConflict || a.Count != 3 || a.Expected != "at most 1" || !strings.Contains(a.Error, "found 3 entries matching method=GET; expected at most 1") {
			t.Fatalf("%d %+v, want 409 with count 3", code, a)
		}
		var got []uint64
		for _, n := range a.Nearest {
			got = append(got, n.Seq)
			if len(n.Differs) != 0 {
				t.Errorf("a matching entry differs in %q", n.Differs)
			}
		}
		if !slices.Equal(got, []uint64{7, 3, 1}) {
			t.Errorf("nearest = %v, want the matches newest first [7 3 1]", got)
		}
	})
	t.Run("none", func(t *testing.T) {
		code, a := verify(t, s, `{}`)
		if code != http.StatusOK || a.Count != 8 {
			t.Errorf("verify {}: %d %+v, want 200, count 8", code, a)
		}
		code, a = verify(t, s, `{"exactly": 0}`)
		if code != http.StatusConflict || !strings.Contains(a.Error, "matching any entry") {
			t.Errorf("verify exactly 0: %d %+v, want 409", code, a)
		}
	})

	for _, body := range []string{
		``, `[]`, `null x`, `{"method": "GET"} {}`, `{"methods": "GET"}`, `{"exactly": 1, "atLeast": 1}`, `{"atLeast": 3, "atMost": 2}`,
		`{"exactly": -1}`, `{"status": "4yy"}`, `{"api": "nope"}`, `{"status": {"a": 1}}`, `{"after": -1}`, `{"limit": 3}`,
		`{"path": "x"}`, `{"exactly": 1.5}`, `{"since": "soon"}`,
	} {
		code, raw := admin(s, http.MethodPost, "/__standin/journal/verify", body)
		if code != http.StatusBadRequest || !strings.Contains(raw, `"error"`) {
			t.Errorf("verify %s: %d %s, want 400", body, code, raw)
		}
	}
}

// A ring that has wrapped says so: dropped counts what it pushed out, and
// complete is false for a query that could have matched them.
func TestJournalSaysWhatItDropped(t *testing.T) {
	s := queryServer(t, 5) // entries 4 to 8 kept, 1 to 3 dropped (12:00 to 12:02)
	tests := []struct {
		query    string
		complete bool
	}{
		{"", false},
		{"?limit=6", false}, // the five kept match; older ones might have
		{"?limit=5", true},  // the newest five are all there
		{"?method=GET&limit=1", true},
		{"?method=GET&limit=2", false},
		{"?after=2", false},
		{"?after=3", true},
		{"?since=2026-03-01T12:02:00Z", false},
		{"?since=2026-03-01T12:02:00.001Z", true},
	}
	for _, tt := range tests {
		p := getJournal(t, s, tt.query)
		if p.Dropped != 3 || p.Complete != tt.complete || p.Size != 5 {
			t.Errorf("%s: dropped %d complete %v size %d, want 3 %v 5", tt.query, p.Dropped, p.Complete, p.Size, tt.complete)
		}
		if strings.Contains(tt.query, "limit") {
			continue
		}
		code, body := admin(s, http.MethodGet, "/__standin/journal/count"+tt.query, "")
		var c JournalStats
		if code != http.StatusOK || json.Unmarshal([]byte(body), &c) != nil || c.Complete != tt.complete || c.Dropped != 3 {
			t.Errorf("count%s: %d %s, want complete %v", tt.query, code, body, tt.complete)
		}
	}
	code, a := verify(t, s, `{"method": "GET", "atLeast": 3}`)
	if code != http.StatusConflict || a.Complete || a.Dropped != 3 || !strings.Contains(a.Error, "dropped 3 older entries") {
		t.Errorf("verify on a wrapped ring: %d %+v, want 409 saying 3 were dropped", code, a)
	}
	if p := getJournal(t, s, "?after=100"); p.Next != 8 || len(p.Entries) != 0 {
		t.Errorf("after beyond the newest (a restart): next = %d, want 8", p.Next)
	}
}

// Clear forgets entries, but the numbering goes on, so that a reader
// polling with after never misses what comes next; what was cleared is not
// "dropped".
func TestJournalClearKeepsNumbering(t *testing.T) {
	s := queryServer(t, 3)
	if p := getJournal(t, s, ""); p.Cleared != 0 {
		t.Errorf("never cleared: clearedThrough %d, want 0", p.Cleared)
	}
	s.journal.Clear()
	// A live view holding entries 1 to 8 learns they are gone.
	if p := getJournal(t, s, "?after=8"); p.Cleared != 8 || len(p.Entries) != 0 {
		t.Errorf("cleared at 8: clearedThrough %d, entries %v, want 8 and none", p.Cleared, seqs(p.Entries))
	}
	s.journal.add(Entry{Path: "/9"})
	p := getJournal(t, s, "?after=8")
	if got := seqs(p.Entries); !slices.Equal(got, []uint64{9}) || p.Next != 9 || !p.Complete || p.Dropped != 0 {
		t.Errorf("after a clear: entries %v next %d complete %v dropped %d, want [9] 9 true 0", got, p.Next, p.Complete, p.Dropped)
	}
	for i := 10; i <= 13; i++ {
		s.journal.add(Entry{Path: "/" + strconv.Itoa(i)})
	}
	p = getJournal(t, s, "")
	if got := seqs(p.Entries); !slices.Equal(got, []uint64{11, 12, 13}) || p.Dropped != 2 || p.Complete {
		t.Errorf("wrapped after a clear: entries %v dropped %d complete %v, want [11 12 13] 2 false", got, p.Dropped, p.Complete)
	}
	if p := getJournal(t, s, "?after=10"); !p.Complete {
		t.Errorf("after=10 on a ring holding 11 to 13: complete = false")
	}
}

// Paging forward with after and a small limit walks every entry once, in
// order, also across the chunks a query copies at a time.
func TestJournalPagesForward(t *testing.T) {
	s := New(Options{JournalSize: 2000})
	for i := range 1500 {
		s.journal.add(Entry{Path: "/" + strconv.Itoa(i), Method: []string{"GET", "POST"}[i%2]})
	}
	for _, limit := range []int{1, 7, 256, 300, 5000} {
		var got []uint64
		after := uint64(0)
		for range 2000 {
			p := getJournal(t, s, fmt.Sprintf("?after=%d&limit=%d&method=POST", after, limit))
			got = append(got, seqs(p.Entries)...)
			if p.Next == after {
				break
			}
			after = p.Next
		}
		if len(got) != 750 {
			t.Fatalf("limit %d: %d entries, want 750", limit, len(got))
		}
		for i, seq := range got {
			if seq != uint64(2*i+2) {
				t.Fatalf("limit %d: entry %d has seq %d, want %d", limit, i, seq, 2*i+2)
			}
		}
	}
	// Without after, the most recent limit, also across chunks.
	if got := seqs(getJournal(t, s, "?limit=600&method=GET").Entries); len(got) != 600 || got[0] != 301 || got[599] != 1499 {
		t.Errorf("the most recent 600 GETs: %d entries from %v", len(got), got[:1])
	}
}

// The journal's part of every request allocates nothing, filters or not.
func TestJournalAddDoesNotAllocate(t *testing.T) {
	j := NewJournal(10)
	e := Entry{Method: "GET", Path: "/x", Status: 200, Time: time.Now()}
	if n := testing.AllocsPerRun(1000, func() { j.add(e) }); n != 0 {
		t.Errorf("add allocates %v times", n)
	}
}

// A webhook attempt's entry names the cut response body, and keeps its
// headers with the secrets redacted.
func TestJournalAttemptTruncatedAndRedacted(t *testing.T) {
	s := New(Options{})
	ex := webhooks.Exchange{
		RequestHeader:     http.Header{"Authorization": {"Bearer sekrit"}, "X-Standin-Event": {"app.created"}},
		RequestBody:       []byte(`{"event":"app.created"}`),
		ResponseHeader:    http.Header{"Set-Cookie": {"s=cookie-sekrit"}},
		ResponseBody:      []byte(strings.Repeat("r", webhooks.ResponseBodyLimit)),
		ResponseTruncated: true,
	}
	s.journalAttempt(webhooks.Attempt{API: "smartlink", Namespace: "default", URL: "http://127.0.0.1:9/hooks", Status: 200}, ex)
	e := s.journal.Last(1, nil)[0]
	if !slices.Contains(e.Truncated, "responseBody") || slices.Contains(e.Truncated, "requestBody") {
		t.Errorf("truncated = %q, want responseBody alone", e.Truncated)
	}
	if e.RequestHeaders.Get("Authorization") != redacted || e.RequestHeaders.Get("X-Standin-Event") != "app.created" || e.ResponseHeaders.Get("Set-Cookie") != redacted {
		t.Errorf("headers = %v / %v, want secrets redacted, the rest kept", e.RequestHeaders, e.ResponseHeaders)
	}
	ex.ResponseTruncated = false
	s.journalAttempt(webhooks.Attempt{API: "smartlink", Namespace: "default", URL: "http://127.0.0.1:9/hooks", Status: 200}, ex)
	if e := s.journal.Last(1, nil)[0]; len(e.Truncated) != 0 {
		t.Errorf("an uncut answer: truncated = %q", e.Truncated)
	}
}

// A body within the limit that redaction makes longer than it is cut, and
// says so.
func TestJournalBodyCutAfterRedaction(t *testing.T) {
	body := "{" + strings.Repeat(`"token":1,`, 400) + `"x":1}` // 4006 bytes, 8406 redacted
	if len(body) > journalBodyLimit {
		t.Fatalf("body of %d bytes is over the limit already", len(body))
	}
	var b entryBuilder
	got := b.body("requestBody", []byte(body))
	if len(got) > journalBodyLimit || strings.Contains(got, ":1,") {
		t.Errorf("body kept as %d bytes: %.60s…", len(got), got)
	}
	if !slices.Equal(b.truncated, []string{"requestBody"}) {
		t.Errorf("truncated = %q, want [requestBody]", b.truncated)
	}
	var b2 entryBuilder
	if b2.body("requestBody", []byte(`{"token":1}`)); len(b2.truncated) != 0 {
		t.Errorf("a short body: truncated = %q", b2.truncated)
	}
}
