package main

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mocks"
	"github.com/standin/standin/mockserver/rocketchat"
)

// credentialEnv lists the variables conform reads credentials from.
var credentialEnv = []string{"STANDIN_USERNAME", "STANDIN_PASSWORD"}

// mockTarget serves cfg's mock on a loopback port for the test and returns
// the Rocket.Chat base URL. wrap, if not nil, wraps the mock's handler.
func mockTarget(t *testing.T, cfg mocks.Config, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	srv, err := catalog().New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	if !strings.HasPrefix(ts.URL, "http://127.0.0.1:") {
		t.Fatalf("test server on %s, want 127.0.0.1", ts.URL)
	}
	return ts.URL + "/rocketchat"
}

var summary = regexp.MustCompile(`(?m)^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped\n\z`)

// counts reads the last line of conform's text report.
func counts(t *testing.T, stdout string) (passed, failed, skipped int) {
	t.Helper()
	m := summary.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("stdout does not end with \"N passed, N failed, N skipped\":\n%s", stdout)
	}
	passed, _ = strconv.Atoi(m[1])
	failed, _ = strconv.Atoi(m[2])
	skipped, _ = strconv.Atoi(m[3])
	return passed, failed, skipped
}

// scenarioNames lists the "rocketchat/NAME" headings of a text report.
func scenarioNames(stdout string) []string {
	var names []string
	for _, l := range strings.Split(stdout, "\n") {
		if name, ok := strings.CutPrefix(l, "rocketchat/"); ok {
			names = append(names, name)
		}
	}
	return names
}

func TestConformUsageErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no flags", nil, "--api must be one of "},
		{"missing target", []string{"--api", "rocketchat"}, "--target must be an http(s) URL"},
		{"missing api", []string{"--target", "http://127.0.0.1:1/rocketchat"}, `got ""`},
		{"unknown api", []string{"--target", "http://127.0.0.1:1/rocketchat", "--api", "slack"}, `got "slack"`},
		{"no scheme", []string{"--target", "127.0.0.1:8080/rocketchat", "--api", "rocketchat"}, `got "127.0.0.1:8080/rocketchat"`},
		{"other scheme", []string{"--target", "ftp://127.0.0.1/rocketchat", "--api", "rocketchat"}, `got "ftp://127.0.0.1/rocketchat"`},
		{"no host", []string{"--target", "http:///rocketchat", "--api", "rocketchat"}, "--target must be an http(s) URL"},
		{"unparsable", []string{"--target", "http://127.0.0.1:port/", "--api", "rocketchat"}, "--target must be an http(s) URL"},
		{"bad regexp", []string{"--target", "http://127.0.0.1:1/rocketchat", "--api", "rocketchat", "--run", "auth("}, "--run: error parsing regexp"},
		{"run matches nothing", []string{"--target", "http://127.0.0.1:1/rocketchat", "--api", "rocketchat", "--run", "^nothing$"}, `--run "^nothing$" matches no scenario`},
		{"cred without =", []string{"--target", "http://127.0.0.1:1/rocketchat", "--api", "rocketchat", "--cred", "password"}, `want KEY=VALUE, got "password"`},
		{"cred without key", []string{"--target", "http://127.0.0.1:1/rocketchat", "--api", "rocketchat", "--cred", "=x"}, "want KEY=VALUE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, append([]string{"conform"}, tt.args...)...)
			wantExit(t, err, 2)
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing: no scenario may run", stdout)
			}
		})
	}
}

func TestConformAgainstMock(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	target := mockTarget(t, catalog().Default(), nil)
	dir := t.TempDir()
	junitPath, jsonPath := filepath.Join(dir, "j.xml"), filepath.Join(dir, "r.json")

	stdout, stderr, err := runCmd(t, "conform", "--target", target, "--api", "rocketchat", "--junit", junitPath, "--json", jsonPath)
	if err != nil {
		t.Fatalf("conform against the mock = %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	passed, failed, skipped := counts(t, stdout)
	if passed == 0 || failed != 0 || skipped != 0 {
		t.Errorf("%d passed, %d failed, %d skipped; want some passed and none failed or skipped", passed, failed, skipped)
	}
	if !strings.HasPrefix(stdout, "target: "+target+"\n") {
		t.Errorf("stdout starts %q, want the target", firstLine(stdout))
	}
	names := scenarioNames(stdout)
	for _, want := range []string{"auth", "bulk-invites", "invite-permissions", "owner-revocation"} {
		if !slices.Contains(names, want) {
			t.Errorf("scenario %s did not run; ran %v", want, names)
		}
	}

	raw, err := os.ReadFile(junitPath)
	if err != nil {
		t.Fatalf("JUnit report: %v", err)
	}
	var junit struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures string   `xml:"failures,attr"`
		Errors   string   `xml:"errors,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(raw, &junit); err != nil {
		t.Fatalf("JUnit report does not parse: %v\n%s", err, raw)
	}
	if junit.Failures != "0" || junit.Errors != "0" {
		t.Errorf("JUnit failures=%q errors=%q, want 0 and 0", junit.Failures, junit.Errors)
	}
	if junit.Tests != passed {
		t.Errorf("JUnit tests=%d, want the %d passed steps", junit.Tests, passed)
	}
	var suites []string
	for _, s := range junit.Suites {
		suites = append(suites, s.Name)
		for _, c := range s.Cases {
			if c.Failure != nil {
				t.Errorf("JUnit %s: %s has a failure", s.Name, c.Name)
			}
		}
	}
	if !slices.Contains(suites, "rocketchat/auth") {
		t.Errorf("JUnit suites %v, want rocketchat/auth among them", suites)
	}

	raw, err = os.ReadFile(jsonPath)
	if err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	var report struct {
		Target    string `json:"target"`
		Scenarios []struct {
			Name  string `json:"name"`
			Steps []struct {
				Status string `json:"status"`
			} `json:"steps"`
		} `json:"scenarios"`
	}
	if err := json.Unmarshal(raw, &report); err != nil {
		t.Fatalf("JSON report does not parse: %v\n%s", err, raw)
	}
	if report.Target != target {
		t.Errorf("JSON target = %q, want %q", report.Target, target)
	}
	steps := 0
	for _, sc := range report.Scenarios {
		for _, st := range sc.Steps {
			steps++
			if st.Status != "passed" {
				t.Errorf("JSON %s: a step is %q", sc.Name, st.Status)
			}
		}
	}
	if steps != passed || len(report.Scenarios) != len(names) {
		t.Errorf("JSON has %d scenarios and %d steps; the text report %d and %d", len(report.Scenarios), steps, len(names), passed)
	}
}

func TestConformRun(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	target := mockTarget(t, catalog().Default(), nil)
	tests := []struct {
		run  string
		want []string
	}{
		{"^auth$", []string{"auth"}},
		{"invite", []string{"bulk-invites", "invite-permissions"}},
		{"^owner-revocation$|^auth$", []string{"owner-revocation", "auth"}},
	}
	for _, tt := range tests {
		t.Run(tt.run, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, "conform", "--target", target, "--api", "rocketchat", "--run", tt.run)
			if err != nil {
				t.Fatalf("conform --run %s = %v\n%s\n%s", tt.run, err, stdout, stderr)
			}
			if got := scenarioNames(stdout); !slices.Equal(got, tt.want) {
				t.Errorf("--run %s ran %v, want %v", tt.run, got, tt.want)
			}
			if passed, failed, _ := counts(t, stdout); passed == 0 || failed != 0 {
				t.Errorf("--run %s: %d passed, %d failed", tt.run, passed, failed)
			}
		})
	}
}

// A trailing slash on the target is the same target.
func TestConformTargetTrailingSlash(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	target := mockTarget(t, catalog().Default(), nil)
	stdout, _, err := runCmd(t, "conform", "--target", target+"/", "--api", "rocketchat", "--run", "^auth$")
	if err != nil {
		t.Fatalf("conform with a trailing slash = %v\n%s", err, stdout)
	}
}

// A server that lets anyone drop any owner breaks owner-revocation.
func TestConformFailingStep(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	target := mockTarget(t, catalog().Default(), func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/api/v1/channels.removeOwner") {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"success":true}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	dir := t.TempDir()
	junitPath, jsonPath := filepath.Join(dir, "j.xml"), filepath.Join(dir, "r.json")
	stdout, _, err := runCmd(t, "conform", "--target", target, "--api", "rocketchat", "--junit", junitPath, "--json", jsonPath)
	wantExit(t, err, 1)
	if !strings.Contains(stdout, "channels.removeOwner") {
		t.Errorf("stdout does not point at channels.removeOwner:\n%s", stdout)
	}
	if !strings.Contains(stdout, "✗") {
		t.Errorf("stdout marks no failed step:\n%s", stdout)
	}
	if _, failed, _ := counts(t, stdout); failed == 0 {
		t.Errorf("summary counts no failure")
	}
	// Reports are written for failed runs too: that is when they matter.
	raw, err := os.ReadFile(junitPath)
	if err != nil {
		t.Fatal(err)
	}
	var junit struct {
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(raw, &junit); err != nil {
		t.Fatal(err)
	}
	if junit.Failures == 0 {
		t.Errorf("JUnit report of a failed run has failures=0")
	}
	raw, err = os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(raw) || !strings.Contains(string(raw), `"failed"`) {
		t.Errorf("JSON report of a failed run has no failed step")
	}
}

func TestConformCredentials(t *testing.T) {
	cfg := catalog().Default()
	rc := cfg.APIs["rocketchat"]
	opts := rc.Options.(rocketchat.Options)
	opts.Admin.Username, opts.Admin.Password = "boss", "s3=cret" // "=" in a value must survive --cred
	rc.Options = opts
	cfg.APIs["rocketchat"] = rc
	custom := mockTarget(t, cfg, nil)
	standard := mockTarget(t, catalog().Default(), nil)

	tests := []struct {
		name   string
		target string
		env    map[string]string // unset if absent
		creds  []string
		pass   bool
	}{
		{"defaults match serve", standard, nil, nil, true},
		{"wrong password flag", standard, nil, []string{"password=wrong"}, false},
		{"defaults do not match a custom admin", custom, nil, nil, false},
		{"flags", custom, nil, []string{"username=boss", "password=s3=cret"}, true},
		{"env", custom, map[string]string{"STANDIN_USERNAME": "boss", "STANDIN_PASSWORD": "s3=cret"}, nil, true},
		{"wrong env", standard, map[string]string{"STANDIN_PASSWORD": "wrong"}, nil, false},
		{"flag beats env", custom, map[string]string{"STANDIN_USERNAME": "boss", "STANDIN_PASSWORD": "wrong"}, []string{"password=s3=cret"}, true},
		{"env and default mix", standard, map[string]string{"STANDIN_USERNAME": "admin"}, nil, true},
		{"last flag wins", standard, nil, []string{"password=wrong", "password=admin"}, true},
		{"only part of the value", custom, nil, []string{"username=boss", "password=s3"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unsetEnv(t, credentialEnv...)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			args := []string{"conform", "--target", tt.target, "--api", "rocketchat", "--run", "^auth$"}
			for _, c := range tt.creds {
				args = append(args, "--cred", c)
			}
			stdout, stderr, err := runCmd(t, args...)
			if tt.pass {
				if err != nil {
					t.Fatalf("conform = %v, want a pass\n%s\n%s", err, stdout, stderr)
				}
				return
			}
			wantExit(t, err, 1)
			if _, failed, _ := counts(t, stdout); failed == 0 {
				t.Errorf("exit 1 but no failed step:\n%s", stdout)
			}
		})
	}
}

// The wrong password fails the whole suite, not only auth.
func TestConformWrongPasswordFullRun(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	target := mockTarget(t, catalog().Default(), nil)
	stdout, _, err := runCmd(t, "conform", "--target", target, "--api", "rocketchat", "--cred", "password=wrong")
	wantExit(t, err, 1)
	if passed, failed, _ := counts(t, stdout); failed == 0 || passed > failed {
		t.Errorf("wrong password: %d passed, %d failed; want mostly failures", passed, failed)
	}
}

func TestConformNamespace(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	var mu sync.Mutex
	seen := map[string]int{}
	target := mockTarget(t, catalog().Default(), func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen[r.Header.Get(mockserver.NamespaceHeader)]++
			mu.Unlock()
			next.ServeHTTP(w, r)
		})
	})
	if _, _, err := runCmd(t, "conform", "--target", target, "--api", "rocketchat", "--run", "^auth$", "--namespace", "ci-42"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "conform", "--target", target, "--api", "rocketchat", "--run", "^auth$"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if seen["ci-42"] == 0 || seen[""] == 0 || len(seen) != 2 {
		t.Errorf("requests per namespace header = %v, want some with ci-42 (first run) and some without (second)", seen)
	}
}

func TestConformVerbose(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	target := mockTarget(t, catalog().Default(), nil)
	quiet, _, err := runCmd(t, "conform", "--target", target, "--api", "rocketchat", "--run", "^auth$")
	if err != nil {
		t.Fatal(err)
	}
	verbose, _, err := runCmd(t, "conform", "--target", target, "--api", "rocketchat", "--run", "^auth$", "-v")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(verbose, "request") || !strings.Contains(verbose, "took ") || len(verbose) <= len(quiet) {
		t.Errorf("-v adds no detail:\n%s", verbose)
	}
}

// An unreachable target is a failed run, not a usage error.
func TestConformUnreachableTarget(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL + "/rocketchat"
	ts.Close()
	stdout, _, err := runCmd(t, "conform", "--target", url, "--api", "rocketchat", "--run", "^auth$", "--timeout", "30s")
	wantExit(t, err, 1)
	if _, failed, _ := counts(t, stdout); failed == 0 {
		t.Errorf("unreachable target: no failed step:\n%s", stdout)
	}
}

func TestConformReportNotWritable(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	target := mockTarget(t, catalog().Default(), nil)
	bad := filepath.Join(t.TempDir(), "no", "such", "dir", "j.xml")
	_, _, err := runCmd(t, "conform", "--target", target, "--api", "rocketchat", "--run", "^auth$", "--junit", bad)
	if err == nil || !strings.Contains(err.Error(), "j.xml") {
		t.Errorf("conform with an unwritable --junit = %v, want an error naming the file", err)
	}
}
