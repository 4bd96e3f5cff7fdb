package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// request is one of the measured requests, as sent to a server.
type request struct {
	Kind   string            `json:"kind"`
	Method string            `json:"method"`
	Target string            `json:"target"` // path and query
	Header map[string]string `json:"header,omitempty"`
	Body   string            `json:"body,omitempty"`
	// Want is the status every answer must have.
	Want int `json:"want"`
}

// loadResult is what one load run measured.
type loadResult struct {
	Generator string        `json:"generator"`
	Requests  int64         `json:"requests"`
	Non2xx    int64         `json:"non2xx"` // answers outside 200-399
	Errors    int64         `json:"errors"` // connect, read, write and timeout errors
	RPS       float64       `json:"rps"`
	P99       time.Duration `json:"p99"`
}

// unexpected counts the answers whose status class differs from want's.
func (r loadResult) unexpected(want int) int64 {
	if want >= 200 && want < 400 {
		return r.Non2xx + r.Errors
	}
	return r.Requests - r.Non2xx + r.Errors
}

// luaScript is the wrk script that sends req.
func luaScript(req request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "wrk.method = %s\n", luaString(req.Method))
	fmt.Fprintf(&b, "wrk.path = %s\n", luaString(req.Target))
	if req.Body != "" {
		fmt.Fprintf(&b, "wrk.body = %s\n", luaString(req.Body))
	}
	keys := make([]string, 0, len(req.Header))
	for k := range req.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "wrk.headers[%s] = %s\n", luaString(k), luaString(req.Header[k]))
	}
	return b.String()
}

// luaString quotes s as a Lua string literal: printable ASCII as is,
// anything else as a decimal escape, which every Lua reads.
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "\\%03d", c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// runWrk runs wrk (behind prefix, e.g. taskset -c 1) against base for d
// with conns connections, sending req.
func runWrk(ctx context.Context, prefix []string, base string, req request, conns int, d time.Duration, dir string) (loadResult, error) {
	script, err := os.CreateTemp(dir, "wrk-*.lua")
	if err != nil {
		return loadResult{}, err
	}
	defer os.Remove(script.Name())
	if _, err := script.WriteString(luaScript(req)); err != nil {
		script.Close()
		return loadResult{}, err
	}
	if err := script.Close(); err != nil {
		return loadResult{}, err
	}
	secs := max(1, int(d.Round(time.Second)/time.Second))
	args := append(append([]string(nil), prefix...), "wrk", "-t1", "-c"+strconv.Itoa(conns),
		fmt.Sprintf("-d%ds", secs), "--latency", "-s", script.Name(), base)
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return loadResult{}, fmt.Errorf("%s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	res, err := parseWrk(stdout.String())
	if err != nil {
		return loadResult{}, fmt.Errorf("wrk output: %w\n%s", err, stdout.String())
	}
	return res, nil
}

var (
	wrkRPS       = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	wrkP99       = regexp.MustCompile(`(?m)^\s+99%\s+([0-9.]+)(us|ms|s|m|h)\s*$`)
	wrkRequests  = regexp.MustCompile(`(?m)^\s+(\d+) requests in `)
	wrkNon2xx    = regexp.MustCompile(`(?m)^\s+Non-2xx or 3xx responses:\s+(\d+)`)
	wrkSocketErr = regexp.MustCompile(`(?m)^\s+Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// parseWrk reads the figures out of the output of wrk --latency.
func parseWrk(out string) (loadResult, error) {
	res := loadResult{Generator: "wrk"}
	m := wrkRPS.FindStringSubmatch(out)
	if m == nil {
		return res, errors.New("no Requests/sec line")
	}
	rps, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return res, fmt.Errorf("Requests/sec %q: %w", m[1], err)
	}
	res.RPS = rps
	m = wrkP99.FindStringSubmatch(out)
	if m == nil {
		return res, errors.New("no 99% latency line (was --latency given?)")
	}
	if res.P99, err = wrkDuration(m[1], m[2]); err != nil {
		return res, err
	}
	if m = wrkRequests.FindStringSubmatch(out); m == nil {
		return res, errors.New("no request count")
	}
	res.Requests, _ = strconv.ParseInt(m[1], 10, 64)
	if m = wrkNon2xx.FindStringSubmatch(out); m != nil {
		res.Non2xx, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m = wrkSocketErr.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			res.Errors += n
		}
	}
	return res, nil
}

// wrkDuration reads a latency as wrk prints it: a number and us, ms, s, m
// or h.
func wrkDuration(num, unit string) (time.Duration, error) {
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("latency %q: %w", num+unit, err)
	}
	scale := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour}[unit]
	if scale == 0 {
		return 0, fmt.Errorf("latency %q: unknown unit", num+unit)
	}
	return time.Duration(v * float64(scale)), nil
}

// goLoad is the built-in load generator, for when wrk is not installed:
// conns keep-alive connections, each sending req and reading the whole
// answer before the next, for d. Latencies are recorded per request.
func goLoad(ctx context.Context, base string, req request, conns int, d time.Duration) (loadResult, error) {
	u, err := url.Parse(base)
	if err != nil {
		return loadResult{}, err
	}
	raw := rawRequest(u.Host, req)
	var requests, non2xx, errs atomic.Int64
	samples := make([][]time.Duration, conns)
	deadline := time.Now().Add(d)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var conn net.Conn
			var br *bufio.Reader
			defer func() {
				if conn != nil {
					conn.Close()
				}
			}()
			var dialer net.Dialer
			for ctx.Err() == nil {
				if conn == nil {
					c, err := dialer.DialContext(ctx, "tcp", u.Host)
					if err != nil {
						if ctx.Err() == nil {
							errs.Add(1)
						}
						continue
					}
					conn, br = c, bufio.NewReader(c)
				}
				conn.SetDeadline(deadline.Add(2 * time.Second))
				t0 := time.Now()
				status, err := roundTrip(conn, br, raw)
				if err != nil {
					if time.Now().Before(deadline) {
						errs.Add(1)
					}
					conn.Close()
					conn = nil
					continue
				}
				samples[i] = append(samples[i], time.Since(t0))
				requests.Add(1)
				if status < 200 || status >= 400 {
					non2xx.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, s := range samples {
		all = append(all, s...)
	}
	res := loadResult{Generator: "go", Requests: requests.Load(), Non2xx: non2xx.Load(), Errors: errs.Load()}
	res.RPS = float64(res.Requests) / elapsed.Seconds()
	res.P99 = percentile(all, 0.99)
	return res, nil
}

// rawRequest is req as HTTP/1.1 bytes for host.
func rawRequest(host string, req request) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.Method, req.Target, host)
	for k, v := range req.Header {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v)
	}
	if req.Body != "" || req.Method == http.MethodPost {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(req.Body))
	}
	b.WriteString("\r\n")
	b.WriteString(req.Body)
	return b.Bytes()
}

// roundTrip writes raw on conn and reads the answer whole.
func roundTrip(conn net.Conn, br *bufio.Reader, raw []byte) (int, error) {
	if _, err := conn.Write(raw); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, err
	}
	if resp.Close {
		return resp.StatusCode, errors.New("server closed the connection")
	}
	return resp.StatusCode, nil
}

// percentile returns the p-th quantile (0 < p <= 1) of ds, nearest rank;
// ds is sorted in place.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	rank := int(p*float64(len(ds))+0.999999) - 1
	return ds[min(max(rank, 0), len(ds)-1)]
}

// runLoadCommand is the hidden "load" subcommand: the built-in generator
// in a process of its own, so that it can be pinned to a core like wrk.
// It reads the request as JSON from -request and prints the result as
// JSON.
func runLoadCommand(args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	base := fs.String("url", "", "server base URL")
	reqFile := fs.String("request", "", "request as JSON")
	conns := fs.Int("c", 32, "connections")
	d := fs.Duration("d", 10*time.Second, "duration")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := os.ReadFile(*reqFile)
	if err != nil {
		return err
	}
	var req request
	if err := json.Unmarshal(data, &req); err != nil {
		return fmt.Errorf("%s: %w", *reqFile, err)
	}
	res, err := goLoad(context.Background(), *base, req, *conns, *d)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// runGoLoad runs the "load" subcommand of this executable behind prefix.
func runGoLoad(ctx context.Context, prefix []string, base string, req request, conns int, d time.Duration, dir string) (loadResult, error) {
	self, err := os.Executable()
	if err != nil {
		return loadResult{}, err
	}
	f, err := os.CreateTemp(dir, "request-*.json")
	if err != nil {
		return loadResult{}, err
	}
	defer os.Remove(f.Name())
	if err := json.NewEncoder(f).Encode(req); err != nil {
		f.Close()
		return loadResult{}, err
	}
	if err := f.Close(); err != nil {
		return loadResult{}, err
	}
	args := append(append([]string(nil), prefix...), self, "load", "-url", base, "-request", f.Name(),
		"-c", strconv.Itoa(conns), "-d", d.String())
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return loadResult{}, fmt.Errorf("built-in load generator: %w: %s", err, stderr.String())
	}
	var res loadResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return loadResult{}, fmt.Errorf("built-in load generator output: %w", err)
	}
	return res, nil
}
