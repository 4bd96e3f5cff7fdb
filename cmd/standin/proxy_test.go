package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/contracts"
)

var proxyLine = regexp.MustCompile(`(?m)^standin proxy on (http://\S+) -> `)

// `standin proxy` in front of the mock: traffic passes, an unknown path
// is a violation, the report comes as text and JSON when it stops, the
// record has one line an exchange with the login's token redacted, and
// --fail makes the violation exit status 1.
func TestProxyCommandReportsAndFails(t *testing.T) {
	cat := catalog()
	srv, err := cat.New(cat.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	upstream := httptest.NewServer(srv.Handler())
	defer upstream.Close()
	dir := t.TempDir()
	record, report := filepath.Join(dir, "rc.jsonl"), filepath.Join(dir, "rc.json")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"proxy", "--api", "rocketchat", "--target", upstream.URL + "/rocketchat",
			"--record", record, "--json", report, "--fail"}, &stdout, &stderr)
	}()
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; time.Sleep(5 * time.Millisecond) {
		if m := proxyLine.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no listening line; stdout %s stderr %s", stdout.String(), stderr.String())
		}
	}

	if status, body := postLogin(t, base+"/api/v1/login", "admin", "admin"); status != 200 || !strings.Contains(body, `"authToken"`) {
		t.Errorf("login through the proxy = %d %s", status, body)
	}
	if status, _ := get(t, base+"/api/v1/no.such.method"); status != 404 {
		t.Errorf("unknown method through the proxy: status %d, want the mock's 404", status)
	}
	cancel()
	err = <-done
	wantExit(t, err, 1)

	out := stdout.String()
	if !strings.Contains(out, "rocketchat: 2 requests, 2 responses, 1 request violations, 0 response violations") ||
		!strings.Contains(out, "GET /api/v1/no.such.method (not in spec)") {
		t.Errorf("text report:\n%s", out)
	}
	if !strings.Contains(stderr.String(), "request violation: GET /api/v1/no.such.method") {
		t.Errorf("stderr lacks the violation as it was found:\n%s", stderr.String())
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep contracts.ProxyReport
	if err := json.Unmarshal(raw, &rep); err != nil || rep.API != "rocketchat" || rep.Requests != 2 || rep.RequestViolations != 1 {
		t.Errorf("JSON report %s (%v)", raw, err)
	}
	f, err := os.Open(record)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	exchanges, err := contracts.ReadExchanges(f)
	if err != nil || len(exchanges) != 2 {
		t.Fatalf("record: %d exchanges, %v", len(exchanges), err)
	}
	login := exchanges[0]
	if login.RequestBody != `{"password":"[credential:password]","user":"admin"}` || !strings.Contains(login.ResponseBody, `"authToken":"[redacted:1]"`) {
		t.Errorf("login recorded as %s -> %s", login.RequestBody, login.ResponseBody)
	}
}

// With a command, the proxy gives it its URL in STANDIN_URL, stops when it
// exits, and exits with its status when it failed.
func TestProxyCommandRunsACommand(t *testing.T) {
	upstream := httptest.NewServer(nil)
	defer upstream.Close()
	stdout, _, err := runCmd(t, "proxy", "--api", "ethora", "--target", upstream.URL,
		"--", "sh", "-c", `case "$STANDIN_URL" in http://127.0.0.1:*) exit 3;; esac; exit 4`)
	wantExit(t, err, 3)
	if !strings.Contains(stdout, "ethora: 0 requests") {
		t.Errorf("stdout %s, want the report", stdout)
	}
	_, stderr, err := runCmd(t, "proxy", "--api", "ethora", "--target", upstream.URL, "--")
	wantExit(t, err, 2)
	if !strings.Contains(stderr, "no command after --") {
		t.Errorf("stderr %s", stderr)
	}
}

// An --api the build does not serve is a usage error naming the APIs, as
// for conform and load, not a crash.
func TestProxyUnknownAPI(t *testing.T) {
	_, stderr, err := runCmd(t, "proxy", "--api", "nope", "--target", "http://127.0.0.1:1/x")
	var code exitCode
	if !errors.As(err, &code) || code != 2 || !strings.Contains(stderr, `--api must be one of rocketchat`) {
		t.Errorf("proxy --api nope: err %v, stderr %q; want exit 2 naming the APIs", err, stderr)
	}
}
