package mockserver_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/standin/standin/mockserver"
)

// lastEntry returns the newest journal entry of srv.
func lastEntry(tb testing.TB, srv *mockserver.Server) mockserver.Entry {
	tb.Helper()
	es := srv.Journal().Last(1, nil)
	if len(es) != 1 {
		tb.Fatalf("journal has no entry")
	}
	return es[0]
}

// mustNotShow fails if any of the secrets appears anywhere in e.
func mustNotShow(tb testing.TB, e mockserver.Entry, secrets ...string) {
	tb.Helper()
	all := fmt.Sprintf("%+v", e)
	for _, s := range secrets {
		if strings.Contains(all, s) {
			tb.Errorf("journal entry shows %q: %s", s, all)
		}
	}
}

func TestJournalRedactsJSONBodies(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		secrets []string // must not show
		keep    []string // must show
	}{
		{"login", `{"user":"admin","password":"hunter2"}`, []string{"hunter2"}, []string{`"user":"admin"`, `"password":"[redacted]"`}},
		{"any case and depth", `{"a":{"b":[{"xmppPassword":"p-1","appSecret":"s-1","apiKey":"k-1","API_KEY":"k-2","Token":"t-1","authToken":"t-2","refreshToken":"t-3","client-secret":"s-2","safe":"v-1"}]}}`,
			[]string{"p-1", "s-1", "k-1", "k-2", "t-1", "t-2", "t-3", "s-2"}, []string{`"safe":"v-1"`, `"xmppPassword":"[redacted]"`}},
		{"composite secret values", `{"tokens":[{"token":"t-1"}],"secret":{"k":"s-1"},"password":12345678}`,
			[]string{"t-1", "s-1", "12345678"}, []string{`"tokens":"[redacted]"`, `"secret":"[redacted]"`}},
		{"resume token", `{"resume":"r-1"}`, []string{"r-1"}, []string{`"resume":"[redacted]"`}},
		{"array at the top", `[{"password":"p-1"},{"name":"n"}]`, []string{"p-1"}, []string{`{"name":"n"}`}},
		{"escaped key", `{"pass\u0077ord":"p-1"}`, []string{"p-1"}, nil},
		{"booleans and nulls kept", `{"requirePasswordChange":true,"setRandomPassword":false,"password":null}`, nil,
			[]string{`"requirePasswordChange":true`, `"setRandomPassword":false`, `"password":null`}},
		{"no secret: byte for byte", "{\n  \"name\": \"rex\",\n  \"age\": 3\n}", nil, []string{"{\n  \"name\": \"rex\",\n  \"age\": 3\n}"}},
		{"word in a value only: byte for byte", `{"text": "my token is here"}`, nil, []string{`{"text": "my token is here"}`}},
		{"broken JSON", `{"a":1,,"password":"p-1"}`, []string{"p-1"}, nil},
		{"cut inside a secret", `{"password":"p-1`, []string{"p-1"}, nil},
		{"signed URL in a value", `{"data":{"url":"http://h/ucs/files/f?room_id=r-1&signature=s-9&expires=5#x","note":"a?b"}}`, []string{"s-9"},
			[]string{`"url":"http://h/ucs/files/f?room_id=r-1&signature=[redacted]&expires=5#x"`, `"note":"a?b"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := demoServer(t, mockserver.Options{})
			call{method: http.MethodPost, target: "/demo/login", body: tt.body}.do(srv.Handler())
			e := lastEntry(t, srv)
			mustNotShow(t, e, tt.secrets...)
			for _, k := range tt.keep {
				if !strings.Contains(e.RequestBody, k) {
					t.Errorf("requestBody %q does not keep %q", e.RequestBody, k)
				}
			}
		})
	}
}

func TestJournalKeepsNonJSONBodies(t *testing.T) {
	for _, body := range []string{"user=admin&password=hunter2", "my password is hunter2", "password"} {
		srv := demoServer(t, mockserver.Options{})
		r := httptest.NewRequest(http.MethodPost, "/demo/login", strings.NewReader(body))
		r.Host = "localhost"
		r.Header.Set("Content-Type", "text/plain")
		srv.Handler().ServeHTTP(httptest.NewRecorder(), r)
		if e := lastEntry(t, srv); e.RequestBody != body {
			t.Errorf("requestBody = %q, want %q as sent", e.RequestBody, body)
		}
	}
}

func TestJournalRedactsResponses(t *testing.T) {
	srv := demoServer(t, mockserver.Options{})
	call{method: http.MethodPost, target: "/demo/login", body: `{"user":"a","password":"b"}`}.do(srv.Handler())
	e := lastEntry(t, srv)
	mustNotShow(t, e, demoToken)
	if !strings.Contains(e.ResponseBody, `"authToken":"[redacted]"`) || !strings.Contains(e.ResponseBody, `"userId":"u1"`) {
		t.Errorf("responseBody = %q, want the token redacted and the rest kept", e.ResponseBody)
	}

	call{method: http.MethodGet, target: "/demo/items"}.do(srv.Handler())
	e = lastEntry(t, srv)
	mustNotShow(t, e, "cookie-secret")
	if got := e.ResponseHeaders.Get("Set-Cookie"); got != "[redacted]" {
		t.Errorf("responseHeaders Set-Cookie = %q, want [redacted]", got)
	}
	if got := e.ResponseHeaders.Get("Content-Type"); got != "application/json" {
		t.Errorf("responseHeaders Content-Type = %q, want it kept", got)
	}
}

// A body cut to the journal's limit never shows the part of a secret
// before the cut, wherever the cut falls.
func TestJournalCutBodyHidesSecrets(t *testing.T) {
	srv := demoServer(t, mockserver.Options{})
	const before = len(`{"filler":"`) + len(`","password":"`)
	for _, n := range []int{100, 4096 - before - 20, 4096 - before - 5, 4096 - before, 4096 - before + 3, 4096 - before - 30} {
		call{method: http.MethodGet, target: "/demo/big?n=" + strconv.Itoa(n)}.do(srv.Handler())
		e := lastEntry(t, srv)
		for i := 3; i <= len("hunter2hunter2"); i++ {
			if strings.Contains(e.ResponseBody, "hunter2hunter2"[:i]) {
				t.Errorf("n=%d: responseBody shows %q of the password: ...%s", n, "hunter2hunter2"[:i], e.ResponseBody[max(0, len(e.ResponseBody)-60):])
				break
			}
		}
		if cut := slices.Contains(e.Truncated, "responseBody"); cut != (n+before+len(`hunter2hunter2"}`)+1 > 4096) {
			t.Errorf("n=%d: truncated = %q", n, e.Truncated)
		}
	}
}

func TestJournalRedactsHeadersAndQuery(t *testing.T) {
	srv := demoServer(t, mockserver.Options{})
	secrets := map[string]string{
		"Authorization":         "Bearer a-1",
		"Cookie":                "session=c-1",
		"X-Auth-Token":          "x-1",
		"X-Custom-Token":        "x-2",
		"X-Standin-Admin-Token": "x-3",
		"X-Api-Key":             "x-4",
		"X-Client-Secret":       "x-5",
		"Proxy-Authorization":   "Basic x-6",
		"X-Password":            "x-7",
	}
	header := map[string]string{"X-User-Id": "u-1", "X-Standin-Namespace": "ns1"}
	for k, v := range secrets {
		header[k] = v
	}
	call{method: http.MethodGet, target: "/demo/items?q=visible&token=q-1&access_token=q-2&api_key=q-3&password=q-4&signature=q-5&X-Amz-Signature=q-6&x=1", header: header}.do(srv.Handler())
	e := lastEntry(t, srv)
	var values []string
	for _, v := range secrets {
		values = append(values, strings.TrimPrefix(strings.TrimPrefix(v, "Bearer "), "Basic "))
	}
	mustNotShow(t, e, append(values, "q-1", "q-2", "q-3", "q-4", "q-5", "q-6")...)
	for k := range secrets {
		if got := e.RequestHeaders.Get(k); got != "[redacted]" {
			t.Errorf("requestHeaders %s = %q, want [redacted]", k, got)
		}
	}
	if got := e.RequestHeaders.Get("X-User-Id"); got != "u-1" {
		t.Errorf("requestHeaders X-User-Id = %q, want it kept", got)
	}
	if want := "q=visible&token=[redacted]&access_token=[redacted]&api_key=[redacted]&password=[redacted]&signature=[redacted]&X-Amz-Signature=[redacted]&x=1"; e.Query != want {
		t.Errorf("query = %q, want %q", e.Query, want)
	}
}

// entrySize is what an entry keeps, in bytes.
func entrySize(e mockserver.Entry) int {
	n := len(e.API) + len(e.Namespace) + len(e.Method) + len(e.Path) + len(e.Query) + len(e.RequestBody) + len(e.ResponseBody)
	for _, h := range []http.Header{e.RequestHeaders, e.ResponseHeaders} {
		for k, vs := range h {
			n += len(k)
			for _, v := range vs {
				n += len(v)
			}
		}
	}
	for _, t := range e.Truncated {
		n += len(t)
	}
	return n
}

// fresh returns a new string of n bytes ("q=" and NULs). It is made
// without copying, which the race detector makes slow at this size.
func fresh(n int) string {
	b := make([]byte, n)
	copy(b, "q=")
	return unsafe.String(&b[0], n)
}

// heapInUse returns the bytes of live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// The case: 1,000 requests with 1 MB query strings (and a 1 MB
// path, many large headers) must not make the journal take gigabytes.
func TestJournalCapsWhatEachEntryKeeps(t *testing.T) {
	const requests, mb = 1000, 1 << 20
	srv := demoServer(t, mockserver.Options{})
	h := srv.Handler()
	bigHeader := strings.Repeat("h", 64<<10)
	before := heapInUse()
	for i := range requests {
		// A fresh 1 MB string each time, so that an entry that kept a
		// slice of it would keep all of it alive.
		// The path is outside the APIs, so that the test spends its time
		// on the journal rather than on parsing queries.
		q := fresh(mb)
		r := (&http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/nowhere", RawQuery: q}, Host: "localhost",
			Header: http.Header{}, RemoteAddr: "127.0.0.1:1"}).WithContext(context.Background())
		if i%100 == 0 { // some requests also have a 1 MB path and many large headers
			r.URL.Path = "/" + strings.Repeat("p", mb)
			for j := range 200 {
				r.Header.Set("X-Big-"+strconv.Itoa(j), bigHeader)
			}
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	after := heapInUse()

	entries := srv.Journal().Last(requests, nil)
	if len(entries) != requests {
		t.Fatalf("journal kept %d entries, want %d", len(entries), requests)
	}
	total := 0
	for _, e := range entries {
		total += entrySize(e)
		if !slices.Contains(e.Truncated, "query") {
			t.Fatalf("entry %d: truncated = %q, want query", e.Seq, e.Truncated)
		}
	}
	t.Logf("%d entries keep %d bytes (%.1f KiB each); heap in use grew by %.1f MiB", len(entries), total, float64(total)/float64(len(entries))/1024, float64(int64(after)-int64(before))/(1<<20))
	if total > 4<<20 {
		t.Errorf("the journal keeps %d bytes for %d requests, want under 4 MiB", total, requests)
	}
	// Measured, not counted: an entry that kept a slice of its request
	// would keep the whole request alive, a gigabyte in all.
	if grew := int64(after) - int64(before); grew > 64<<20 {
		t.Errorf("heap in use grew by %d MiB after %d requests, want under 64 MiB", grew>>20, requests)
	}
	runtime.KeepAlive(srv)

	big := entries[0] // the first request had the large path and headers
	if len(big.Path) > 2048 || !slices.Contains(big.Truncated, "path") {
		t.Errorf("a 1 MB path is kept as %d bytes, truncated %q", len(big.Path), big.Truncated)
	}
	values, size := 0, 0
	for k, vs := range big.RequestHeaders {
		for _, v := range vs {
			values++
			size += len(k) + len(v)
		}
	}
	if values > 32 || size > 4096 || !slices.Contains(big.Truncated, "requestHeaders") {
		t.Errorf("200 headers of 64 KiB are kept as %d values, %d bytes, truncated %q", values, size, big.Truncated)
	}
}
