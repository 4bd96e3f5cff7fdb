package mocks_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/standin/standin/mockserver"
)

// TestNamespaceFloodRSS measures what a flood of requests, each in a new
// namespace, leaves in memory: it serves the default configuration on a
// loopback listener, sends STANDIN_RSS_N requests (50,000 by default) with
// distinct X-Standin-Namespace values from 4 clients, and logs the
// process's resident set after a garbage collection, with the answers'
// status codes and the namespaces the store holds. It is a measurement,
// not a check, and runs only when STANDIN_RSS=1:
//
//	STANDIN_RSS=1 go test ./mockserver/mocks -run 'TestNamespaceFloodRSS/anonymous' -v -count=1
//	STANDIN_RSS=1 go test ./mockserver/mocks -run 'TestNamespaceFloodRSS/login' -v -count=1
//
// Run one subtest per process: the resident set is the process's.
// "anonymous" sends requests that are refused (no token on Rocket.Chat's
// /me, a wrong password on its login, no token on Ethora's /v2/apps);
// "login" logs in as the seeded admin, which creates the namespace.
func TestNamespaceFloodRSS(t *testing.T) {
	if os.Getenv("STANDIN_RSS") != "1" {
		t.Skip("a measurement; set STANDIN_RSS=1 to run it")
	}
	n := 50000
	if v := os.Getenv("STANDIN_RSS_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatalf("STANDIN_RSS_N=%q: %v", v, err)
		}
	}
	type request struct{ method, path, body string }
	floods := []struct {
		name     string
		requests []request // one per namespace, in turn
	}{
		{"anonymous", []request{
			{"GET", "/rocketchat/api/v1/me", ""},
			{"POST", "/rocketchat/api/v1/login", `{"user":"admin","password":"wrong"}`},
			{"GET", "/ethora/v2/apps", ""},
		}},
		{"login", []request{
			{"POST", "/rocketchat/api/v1/login", `{"user":"admin","password":"admin"}`},
		}},
	}
	for _, flood := range floods {
		t.Run(flood.name, func(t *testing.T) {
			srv, err := cat.New(cat.Default(), nil)
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(srv.Handler())
			defer ts.Close()
			before := rss(t)

			var next atomic.Int64
			var mu sync.Mutex
			statuses := map[int]int{}
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
					for {
						i := int(next.Add(1)) - 1
						if i >= n {
							return
						}
						rq := flood.requests[i%len(flood.requests)]
						req, err := http.NewRequest(rq.method, ts.URL+rq.path, strings.NewReader(rq.body))
						if err != nil {
							t.Error(err)
							return
						}
						if rq.body != "" {
							req.Header.Set("Content-Type", "application/json")
						}
						req.Header.Set(mockserver.NamespaceHeader, fmt.Sprintf("flood-%d", i))
						resp, err := client.Do(req)
						if err != nil {
							t.Error(err)
							return
						}
						_, _ = io.Copy(io.Discard, resp.Body)
						_ = resp.Body.Close()
						mu.Lock()
						statuses[resp.StatusCode]++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			after := rss(t)

			// Still answering?
			resp, err := http.Get(ts.URL + "/__standin/health")
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			snap, err := srv.Store().Export(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d requests in distinct namespaces (%s), GOMAXPROCS=%d", n, flood.name, runtime.GOMAXPROCS(0))
			t.Logf("statuses: %v; health after: %d; namespaces in the store: %d", statuses, resp.StatusCode, len(snap))
			t.Logf("RSS after GC: before %s, after %s (peak %s)", mib(before.rss), mib(after.rss), mib(after.hwm))
		})
	}
}

type memory struct{ rss, hwm int64 }

// rss returns the process's resident set and its peak, in bytes, after a
// garbage collection that returns what it can to the system.
func rss(t *testing.T) memory {
	t.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	var m memory
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			m.rss = kb << 10
		case "VmHWM:":
			m.hwm = kb << 10
		}
	}
	return m
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
