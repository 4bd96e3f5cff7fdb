package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mocks"
	"github.com/standin/standin/mockserver/rocketchat"
	"github.com/standin/standin/openapi"
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
	// The failed step shows what the broken server answered.
	if want := "      response: 200 application/json to POST /api/v1/channels.removeOwner:\n" +
		"                {\"success\":true}\n"; !strings.Contains(stdout, want) {
		t.Errorf("stdout does not show the failed step's response %q:\n%s", want, stdout)
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

// conformStderrLine checks that stderr is one line containing want.
func conformStderrLine(t *testing.T, stderr, want string) {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
		t.Errorf("stderr is not one line:\n%s", stderr)
	}
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr = %q, want it to contain %q", stderr, want)
	}
}

// An unreachable target is exit status 3 and one line saying why, before
// any scenario runs.
func TestConformUnreachableTarget(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	ts := httptest.NewServer(http.NotFoundHandler())
	closed := ts.URL + "/rocketchat"
	ts.Close()
	tests := []struct {
		name, target, want string
	}{
		{"refused", "http://127.0.0.1:9/x", "standin conform: target http://127.0.0.1:9/x is unreachable: connection refused"},
		{"closed port", closed, "standin conform: target " + closed + " is unreachable: connection refused"},
		{"no such host", "http://standin-no-such-host.invalid/rocketchat", `standin conform: target http://standin-no-such-host.invalid/rocketchat is unreachable: `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, "conform", "--target", tt.target, "--api", "rocketchat")
			wantExit(t, err, 3)
			conformStderrLine(t, stderr, tt.want)
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing: no scenario may run", stdout)
			}
		})
	}
	// A name that does not resolve is named.
	_, stderr, _ := runCmd(t, "conform", "--target", "http://standin-no-such-host.invalid/rocketchat", "--api", "rocketchat")
	if !strings.Contains(stderr, `"standin-no-such-host.invalid"`) {
		t.Errorf("stderr = %q, want it to name the host", stderr)
	}
}

// A target that accepts connections but never answers is unreachable
// after --request-timeout.
func TestConformProbeTimeout(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	hung := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-hung
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(hung) })
	target := ts.URL + "/rocketchat"
	start := time.Now()
	stdout, stderr, err := runCmd(t, "conform", "--target", target, "--api", "rocketchat", "--request-timeout", "200ms")
	wantExit(t, err, 3)
	conformStderrLine(t, stderr, "standin conform: target "+target+" is unreachable: no answer within 200ms")
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	if took := time.Since(start); took < 200*time.Millisecond {
		t.Errorf("gave up after %s, before the 200ms --request-timeout", took)
	}
}

// A target that answers but is not the API is exit status 3, saying so; a
// standin server is asked where it serves the API.
func TestConformNotTheAPI(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	standin := strings.TrimSuffix(mockTarget(t, catalog().Default(), nil), "/rocketchat")
	noRocketChat := catalog().Default()
	rc := noRocketChat.APIs["rocketchat"]
	rc.Enabled = false
	noRocketChat.APIs["rocketchat"] = rc
	without := strings.TrimSuffix(mockTarget(t, noRocketChat, nil), "/rocketchat")
	other := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(other.Close)
	tests := []struct {
		name, target, want string
	}{
		{"standin, wrong prefix", standin + "/x",
			"standin conform: no Rocket.Chat API at " + standin + "/x: standin serves rocketchat at " + standin + "/rocketchat; try --target " + standin + "/rocketchat"},
		{"standin, another API's prefix", standin + "/ethora",
			"standin conform: no Rocket.Chat API at " + standin + "/ethora: standin serves rocketchat at " + standin + "/rocketchat; try --target " + standin + "/rocketchat"},
		{"standin, root", standin,
			"standin conform: no Rocket.Chat API at " + standin + ": standin serves rocketchat at " + standin + "/rocketchat; try --target " + standin + "/rocketchat"},
		{"standin without the API", without + "/rocketchat",
			"standin conform: no Rocket.Chat API at " + without + "/rocketchat: the standin server at " + without + " does not serve rocketchat (it serves ethora at /ethora, "},
		{"another server", other.URL + "/rocketchat",
			"standin conform: no Rocket.Chat API at " + other.URL + "/rocketchat: GET " + other.URL + "/rocketchat/api/info answered 404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, "conform", "--target", tt.target, "--api", "rocketchat")
			wantExit(t, err, 3)
			conformStderrLine(t, stderr, tt.want)
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing: no scenario may run", stdout)
			}
		})
	}
}

// The probe is no stricter than a real backend: a server that refuses
// every request without credentials is there, and the run goes on.
func TestConformProbeTakesRefusal(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"success":false,"error":"You must be logged in to do this."}`))
	}))
	t.Cleanup(ts.Close)
	stdout, stderr, err := runCmd(t, "conform", "--target", ts.URL, "--api", "rocketchat", "--run", "^auth$")
	wantExit(t, err, 1)
	if stderr != "" {
		t.Errorf("stderr = %q, want nothing", stderr)
	}
	if _, failed, _ := counts(t, stdout); failed == 0 {
		t.Errorf("no failed step against a server that refuses everything:\n%s", stdout)
	}
}

// Every API's probe path is a GET of its spec that the mock answers
// without credentials, and that no other API's mount answers.
func TestConformProbePaths(t *testing.T) {
	srv, err := catalog().New(catalog().Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	for _, a := range apis {
		t.Run(a.mock.Name, func(t *testing.T) {
			path := a.mock.ProbePath
			doc, err := openapi.Load(a.mock.Name)
			if err != nil {
				t.Fatal(err)
			}
			if item := doc.Paths.Value(path); item == nil || item.Get == nil {
				t.Fatalf("probe path %q is not a GET operation of the %s spec", path, a.mock.Name)
			}
			for _, b := range apis {
				target := contracts.Target{BaseURL: ts.URL + b.mock.Prefix}
				status, body, err := target.Probe(t.Context(), path)
				if err != nil {
					t.Fatal(err)
				}
				if b.mock.Name == a.mock.Name && status == http.StatusNotFound {
					t.Errorf("GET %s%s without credentials = 404 %s, want the API to be found", b.mock.Prefix, path, body)
				}
				if b.mock.Name != a.mock.Name && status != http.StatusNotFound {
					t.Errorf("GET %s%s (%s's probe at %s's mount) = %d, want 404", b.mock.Prefix, path, a.mock.Name, b.mock.Name, status)
				}
			}
		})
	}
}

func TestConformCredentialKeys(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	var requests atomic.Int64
	target := mockTarget(t, catalog().Default(), func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			next.ServeHTTP(w, r)
		})
	})
	for _, cred := range []string{"bogus=1", "user=nobody", "Username=admin"} {
		t.Run(cred, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, "conform", "--target", target, "--api", "rocketchat", "--cred", cred)
			wantExit(t, err, 2)
			key, _, _ := strings.Cut(cred, "=")
			conformStderrLine(t, stderr, "--cred "+key+": rocketchat has no credential \""+key+"\"; its keys are username, password")
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests reached the target, want none", n)
	}
	// The keys are each API's own.
	_, stderr, err := runCmd(t, "conform", "--target", target, "--api", "smartlink", "--cred", "password=x")
	wantExit(t, err, 2)
	conformStderrLine(t, stderr, "its keys are apiKey, apiKey2")
}

func TestConformList(t *testing.T) {
	suite, _ := lookup("rocketchat")
	all := suite.scenarios()
	stdout, stderr, err := runCmd(t, "conform", "--api", "rocketchat", "--list")
	if err != nil || stderr != "" {
		t.Fatalf("conform --list = %v, stderr %q", err, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != len(all) {
		t.Fatalf("--list printed %d lines, want one per scenario (%d):\n%s", len(lines), len(all), stdout)
	}
	for i, sc := range all {
		name, doc, _ := strings.Cut(lines[i], " ")
		if name != sc.Name || strings.TrimSpace(doc) != sc.Doc {
			t.Errorf("line %d = %q, want %s and its doc %q", i+1, lines[i], sc.Name, sc.Doc)
		}
	}

	stdout, _, err = runCmd(t, "conform", "--api", "rocketchat", "--list", "--run", "invite")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		names = append(names, strings.Fields(l)[0])
	}
	if want := []string{"bulk-invites", "invite-permissions"}; !slices.Equal(names, want) {
		t.Errorf("--list --run invite lists %v, want %v", names, want)
	}

	_, stderr, err = runCmd(t, "conform", "--list")
	wantExit(t, err, 2)
	if !strings.Contains(stderr, "--api must be one of") {
		t.Errorf("--list without --api: stderr = %q", stderr)
	}
}

// Report files are checked before the run: a bad path is a usage error
// and no request is sent.
func TestConformReportNotWritable(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	var requests atomic.Int64
	target := mockTarget(t, catalog().Default(), func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			next.ServeHTTP(w, r)
		})
	})
	dir := t.TempDir()
	for _, flag := range []string{"--junit", "--json"} {
		for name, bad := range map[string]string{"no such dir": filepath.Join(dir, "no", "such", "dir", "r.out"), "a directory": dir} {
			t.Run(flag+" "+name, func(t *testing.T) {
				ok := filepath.Join(dir, "ok.out")
				other := map[string]string{"--junit": "--json", "--json": "--junit"}[flag]
				stdout, stderr, err := runCmd(t, "conform", "--target", target, "--api", "rocketchat", flag, bad, other, ok)
				wantExit(t, err, 2)
				conformStderrLine(t, stderr, flag+": cannot write the report: open "+bad+":")
				if stdout != "" {
					t.Errorf("stdout = %q, want nothing: no scenario may run", stdout)
				}
				if _, err := os.Stat(ok); !os.IsNotExist(err) {
					t.Errorf("the good report file was left behind: %v", err)
				}
			})
		}
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests reached the target, want none", n)
	}
}

// A run that does not happen leaves no report file behind, and an
// existing one as it was.
func TestConformReportsOfNoRun(t *testing.T) {
	dir := t.TempDir()
	fresh, old := filepath.Join(dir, "j.xml"), filepath.Join(dir, "r.json")
	if err := os.WriteFile(old, []byte("last run"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := runCmd(t, "conform", "--target", "http://127.0.0.1:9/x", "--api", "rocketchat", "--junit", fresh, "--json", old)
	wantExit(t, err, 3)
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("%s exists after a run that did not happen: %v", fresh, err)
	}
	if raw, err := os.ReadFile(old); err != nil || string(raw) != "last run" {
		t.Errorf("%s = %q, %v; want it unchanged", old, raw, err)
	}
}

// Each scenario's result is printed as soon as it ends, while later
// scenarios still run, and the summary comes last.
func TestConformStreams(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	var stdout syncBuffer
	var mu sync.Mutex
	var seen []int // scenarios printed when each request arrived
	target := mockTarget(t, catalog().Default(), func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := len(scenarioNames(stdout.String()))
			mu.Lock()
			seen = append(seen, n)
			mu.Unlock()
			next.ServeHTTP(w, r)
		})
	})
	var stderr syncBuffer
	err := run(t.Context(), []string{"conform", "--target", target, "--api", "rocketchat", "--run", "^(auth|owner-revocation|bulk-invites)$"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("conform = %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []int{0, 1, 2} {
		if !slices.Contains(seen, want) {
			t.Errorf("no request arrived while %d scenarios were printed (seen %v): results are not printed as scenarios end", want, slices.Compact(seen))
		}
	}
	if !slices.IsSorted(seen) {
		t.Errorf("printed scenarios per request %v, want them growing", slices.Compact(seen))
	}
	out := stdout.String()
	counts(t, out) // the summary is the last line
	if got := scenarioNames(out); len(got) != 3 {
		t.Errorf("printed scenarios %v, want three", got)
	}
}

// --request-timeout bounds each request: a hanging answer fails its step,
// and the run goes on.
func TestConformRequestTimeout(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	hung := make(chan struct{})
	target := mockTarget(t, catalog().Default(), func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/api/v1/logout") {
				<-hung // until the test ends: the client must give up first
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	t.Cleanup(func() { close(hung) }) // before the server closes
	start := time.Now()
	stdout, _, err := runCmd(t, "conform", "--target", target, "--api", "rocketchat", "--run", "^auth$", "--request-timeout", "300ms", "--timeout", "20s")
	wantExit(t, err, 1)
	// The request gave up, not the run.
	if strings.Contains(stdout, "interrupted") {
		t.Errorf("the run was interrupted, not the request:\n%s", stdout)
	}
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("the run took %s, less than the 300ms a hanging request should have been given", took)
	}
	// The first step to log out fails on the timeout (the client says
	// "Client.Timeout exceeded", or "context deadline exceeded" when the
	// deadline passes before the request is written), and shows no
	// response: the one it waited for never came.
	want := regexp.MustCompile(`(?m)^  ✗ every protected operation refuses missing credentials\n` +
		`      POST /api/v1/logout: failed to send http request\n` +
		`        Post "` + regexp.QuoteMeta(target) + `/api/v1/logout": .*(Client\.Timeout exceeded|context deadline exceeded).*\n` +
		`      assertion:\n` +
		`        Request\("POST"\)\.Expect\(\)\n` +
		`  - `)
	if !want.MatchString(stdout) {
		t.Errorf("the step does not fail on the timeout as\n%s\n---\n%s", want, stdout)
	}
	if passed, failed, _ := counts(t, stdout); failed != 1 || passed == 0 {
		t.Errorf("%d passed, %d failed; want the step that logs out alone to fail", passed, failed)
	}
}

// A failed step's response is shown cut to 1 KiB.
func TestConformFailedStepBodyCut(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	padding := strings.Repeat("x", 4000)
	target := mockTarget(t, catalog().Default(), func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/api/v1/logout") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(`{"success":false,"error":"` + padding + `"}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	stdout, _, err := runCmd(t, "conform", "--target", target, "--api", "rocketchat", "--run", "^auth$")
	wantExit(t, err, 1)
	size := len(`{"success":false,"error":"` + padding + `"}`)
	for _, want := range []string{
		"response: 500 application/json to POST /api/v1/logout:\n",
		`{"success":false,"error":"xxxx`,
		fmt.Sprintf("... (cut: first 1024 of %d bytes)", size),
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, padding[:1500]) {
		t.Errorf("stdout shows more than 1 KiB of the body")
	}
}

func TestConformTimeoutFlags(t *testing.T) {
	for _, args := range [][]string{{"--timeout", "0s"}, {"--request-timeout", "0s"}, {"--request-timeout", "-1s"}} {
		stdout, stderr, err := runCmd(t, append([]string{"conform", "--target", "http://127.0.0.1:9/x", "--api", "rocketchat"}, args...)...)
		wantExit(t, err, 2)
		if !strings.Contains(stderr, args[0]+" must be more than 0") || stdout != "" {
			t.Errorf("%v: stderr %q, stdout %q", args, stderr, stdout)
		}
	}
}
