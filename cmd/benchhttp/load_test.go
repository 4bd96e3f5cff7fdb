package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const wrkOutput = `Running 10s test @ http://127.0.0.1:40123
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   712.31us  301.05us  12.10ms   91.20%
    Req/Sec    45.12k     1.02k   47.00k    72.00%
  Latency Distribution
     50%  655.00us
     75%  780.00us
     90%  950.00us
     99%    %s
  451234 requests in 10.00s, 120.50MB read
%sRequests/sec:  45110.27
Transfer/sec:     12.05MB
`

func wrkSample(p99, extra string) string {
	return strings.Replace(strings.Replace(wrkOutput, "%s", p99, 1), "%s", extra, 1)
}

func TestParseWrk(t *testing.T) {
	tests := []struct {
		name     string
		p99      string
		extra    string
		want     time.Duration
		non2xx   int64
		errCount int64
	}{
		{"microseconds", "1.23us", "", 1230 * time.Nanosecond, 0, 0},
		{"milliseconds", "4.56ms", "", 4560 * time.Microsecond, 0, 0},
		{"seconds", "1.50s", "", 1500 * time.Millisecond, 0, 0},
		{"non-2xx and socket errors", "987.00us",
			"  Socket errors: connect 1, read 2, write 3, timeout 4\n  Non-2xx or 3xx responses: 451234\n",
			987 * time.Microsecond, 451234, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseWrk(wrkSample(tt.p99, tt.extra))
			if err != nil {
				t.Fatal(err)
			}
			if res.RPS != 45110.27 {
				t.Errorf("RPS = %v, want 45110.27", res.RPS)
			}
			if res.P99 != tt.want {
				t.Errorf("P99 = %v, want %v", res.P99, tt.want)
			}
			if res.Requests != 451234 || res.Non2xx != tt.non2xx || res.Errors != tt.errCount {
				t.Errorf("requests, non-2xx, errors = %d, %d, %d; want 451234, %d, %d",
					res.Requests, res.Non2xx, res.Errors, tt.non2xx, tt.errCount)
			}
		})
	}
}

func TestParseWrkRefusesIncompleteOutput(t *testing.T) {
	full := wrkSample("1.00ms", "")
	for name, out := range map[string]string{
		"no latency distribution": strings.Replace(full, "     99%    1.00ms\n", "", 1),
		"no requests/sec":         strings.Replace(full, "Requests/sec:  45110.27\n", "", 1),
		"unknown unit":            strings.Replace(full, "1.00ms", "1.00fortnights", 1),
		"empty":                   "",
	} {
		if _, err := parseWrk(out); err == nil {
			t.Errorf("%s: parseWrk accepted it", name)
		}
	}
}

func TestUnexpectedCountsAnswersOfTheWrongClass(t *testing.T) {
	res := loadResult{Requests: 100, Non2xx: 3, Errors: 1}
	if got := res.unexpected(200); got != 4 {
		t.Errorf("want 200: unexpected = %d, want 4", got)
	}
	if got := res.unexpected(400); got != 98 {
		t.Errorf("want 400: unexpected = %d, want 98", got)
	}
}

func TestLuaScript(t *testing.T) {
	got := luaScript(request{Method: "POST", Target: "/api/v1/channels.invite",
		Header: map[string]string{"X-User-Id": "u1", "Content-Type": "application/json"},
		Body:   "{\"roomId\": \"a\\\\b\"}\n\xc3\xa9"})
	want := `wrk.method = "POST"
wrk.path = "/api/v1/channels.invite"
wrk.body = "{\"roomId\": \"a\\\\b\"}\010\195\169"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-User-Id"] = "u1"
`
	if got != want {
		t.Errorf("luaScript =\n%s\nwant\n%s", got, want)
	}
}

func TestGoLoadCountsRequestsAndNon2xx(t *testing.T) {
	var served, failed atomic.Int64
	var badBody atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if string(body) != `{"x":1}` || r.Method != "POST" || r.URL.RequestURI() != "/p?q=1" || r.Header.Get("X-Token") != "t" {
			badBody.Store(true)
		}
		if served.Add(1)%3 == 0 {
			failed.Add(1)
			w.WriteHeader(http.StatusBadRequest)
		}
		w.Write([]byte("answer"))
	}))
	defer srv.Close()
	req := request{Method: "POST", Target: "/p?q=1", Header: map[string]string{"X-Token": "t"}, Body: `{"x":1}`}
	res, err := goLoad(context.Background(), srv.URL, req, 4, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if badBody.Load() {
		t.Error("the server got a request other than the one given")
	}
	if res.Requests == 0 || res.Requests != served.Load() {
		t.Errorf("Requests = %d, server answered %d", res.Requests, served.Load())
	}
	if res.Non2xx != failed.Load() {
		t.Errorf("Non2xx = %d, server answered %d 400s", res.Non2xx, failed.Load())
	}
	if res.Errors != 0 {
		t.Errorf("Errors = %d, want 0", res.Errors)
	}
	if res.RPS <= 0 || res.P99 <= 0 {
		t.Errorf("RPS = %v, P99 = %v; want both positive", res.RPS, res.P99)
	}
}

func TestGoLoadCountsConnectionErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	res, err := goLoad(context.Background(), base, request{Method: "GET", Target: "/"}, 2, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 0 || res.Errors == 0 {
		t.Errorf("requests %d, errors %d against a closed port; want 0 and some", res.Requests, res.Errors)
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	if got := percentile(ds, 0.99); got != 99*time.Millisecond {
		t.Errorf("p99 of 1..100ms = %v, want 99ms", got)
	}
	if got := percentile(ds, 0.5); got != 50*time.Millisecond {
		t.Errorf("p50 of 1..100ms = %v, want 50ms", got)
	}
	if got := percentile(nil, 0.99); got != 0 {
		t.Errorf("p99 of nothing = %v, want 0", got)
	}
}
