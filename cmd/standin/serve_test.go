package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver/mocks"
)

// serving is a `standin serve` running in a goroutine.
type serving struct {
	base           string // http://127.0.0.1:PORT from the first line
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	done           chan error
}

var servingLine = regexp.MustCompile(`(?m)^standin serving on (http://\S+)$`)

// startServe runs serve with args until the test ends, and waits for it to
// say where it listens.
func startServe(t *testing.T, args ...string) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &serving{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- run(ctx, append([]string{"serve"}, args...), s.stdout, s.stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			t.Errorf("serve did not stop within 10s of its context's end")
		}
	})
	deadline := time.After(10 * time.Second)
	for {
		if m := servingLine.FindStringSubmatch(s.stdout.String()); m != nil {
			s.base = m[1]
			return s
		}
		select {
		case err := <-s.done:
			s.done <- err // for Cleanup and stop
			t.Fatalf("serve %q ended before serving: %v\nstdout: %s\nstderr: %s", args, err, s.stdout, s.stderr)
		case <-deadline:
			t.Fatalf("serve %q printed no serving line within 10s\nstdout: %s\nstderr: %s", args, s.stdout, s.stderr)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// stop cancels serve's context and returns what run returned.
func (s *serving) stop(t *testing.T) error {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.done <- err
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("serve did not stop within 10s of its context's end")
		return nil
	}
}

var client = &http.Client{Timeout: 10 * time.Second}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func postLogin(t *testing.T, url, user, password string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"user": user, "password": password})
	resp, err := client.Post(url, "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var loopbackPort = regexp.MustCompile(`^http://127\.0\.0\.1:([1-9][0-9]*)$`)

func TestServe(t *testing.T) {
	s := startServe(t, "--addr", "127.0.0.1:0")
	if !loopbackPort.MatchString(s.base) {
		t.Fatalf("serving on %q, want http://127.0.0.1:PORT with the port chosen", s.base)
	}
	if code, body := get(t, s.base+"/__standin/health"); code != http.StatusOK {
		t.Errorf("health: %d %s", code, body)
	}
	code, body := postLogin(t, s.base+"/rocketchat/api/v1/login", "admin", "admin")
	if code != http.StatusOK {
		t.Errorf("login admin/admin: %d %s", code, body)
	}
	var login struct {
		Status string `json:"status"`
		Data   struct {
			AuthToken string `json:"authToken"`
			UserID    string `json:"userId"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &login); err != nil || login.Status != "success" || login.Data.AuthToken == "" {
		t.Errorf("login body %s: want status success and a token (%v)", body, err)
	}
	if code, _ := postLogin(t, s.base+"/rocketchat/api/v1/login", "admin", "wrong"); code != http.StatusUnauthorized {
		t.Errorf("login admin/wrong: %d, want 401", code)
	}

	out := s.stdout.String()
	for _, want := range []string{
		s.base + "/rocketchat",
		`data set "default", seed 1, admin admin/admin`,
		"admin       " + s.base + "/__standin/health",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout does not show %q:\n%s", want, out)
		}
	}
	// Requests are logged to stderr, never to stdout.
	if !strings.Contains(s.stderr.String(), "/rocketchat/api/v1/login") {
		t.Errorf("stderr does not log the login request:\n%s", s.stderr)
	}

	if err := s.stop(t); err != nil {
		t.Fatalf("serve after cancel = %v, want nil", err)
	}
	if !strings.HasSuffix(s.stdout.String(), "standin stopped\n") {
		t.Errorf("stdout does not end with \"standin stopped\":\n%s", s.stdout)
	}
	if _, err := client.Get(s.base + "/__standin/health"); err == nil {
		t.Errorf("the address still answers after serve returned")
	}
}

func TestServeAddrFromEnv(t *testing.T) {
	t.Setenv("STANDIN_ADDR", "127.0.0.1:0")
	s := startServe(t)
	if !loopbackPort.MatchString(s.base) {
		t.Fatalf("with STANDIN_ADDR=127.0.0.1:0 serving on %q, want http://127.0.0.1:PORT", s.base)
	}
	if code, body := get(t, s.base+"/__standin/health"); code != http.StatusOK {
		t.Errorf("health: %d %s", code, body)
	}
}

// --addr wins over STANDIN_ADDR, which wins over the config file.
func TestServeAddrPrecedence(t *testing.T) {
	t.Setenv("STANDIN_ADDR", "not-an-address")
	s := startServe(t, "--addr", "127.0.0.1:0")
	if !loopbackPort.MatchString(s.base) {
		t.Fatalf("serving on %q, want --addr to override STANDIN_ADDR", s.base)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}

	cfg := filepath.Join(t.TempDir(), "standin.yaml")
	if err := os.WriteFile(cfg, []byte("addr: not-an-address-either\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("STANDIN_ADDR", "127.0.0.1:0")
	s = startServe(t, "--config", cfg)
	if !loopbackPort.MatchString(s.base) {
		t.Fatalf("serving on %q, want STANDIN_ADDR to override the config", s.base)
	}

	t.Setenv("STANDIN_ADDR", "not-an-address")
	_, _, err := runCmd(t, "serve")
	if err == nil || !strings.Contains(err.Error(), "not-an-address") {
		t.Errorf("serve with STANDIN_ADDR=not-an-address = %v, want a listen error naming it", err)
	}
}

func TestServeConfigFile(t *testing.T) {
	unsetEnv(t, "STANDIN_ADDR")
	cfg := filepath.Join(t.TempDir(), "standin.yaml")
	data := "addr: 127.0.0.1:0\napis:\n  rocketchat:\n    enabled: true\n    dataSet: empty\n    seed: 5\n    rootAddr: 127.0.0.1:0\n    admin:\n      username: boss\n      password: s3cret\n"
	if err := os.WriteFile(cfg, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, "--config", cfg, "--quiet")
	out := s.stdout.String()
	if !strings.Contains(out, `data set "empty", seed 5, admin boss/s3cret`) {
		t.Errorf("stdout does not show the configured API:\n%s", out)
	}
	root := regexp.MustCompile(`(?m)^  rocketchat at the root http://(127\.0\.0\.1:[1-9][0-9]*)$`).FindStringSubmatch(out)
	if root == nil {
		t.Fatalf("stdout does not show the root address:\n%s", out)
	}
	if code, body := postLogin(t, s.base+"/rocketchat/api/v1/login", "boss", "s3cret"); code != http.StatusOK {
		t.Errorf("login boss/s3cret under the prefix: %d %s", code, body)
	}
	if code, body := postLogin(t, "http://"+root[1]+"/api/v1/login", "boss", "s3cret"); code != http.StatusOK {
		t.Errorf("login boss/s3cret at the root address: %d %s", code, body)
	}
	// --quiet drops the per-request records.
	if strings.Contains(s.stderr.String(), "/api/v1/login") {
		t.Errorf("--quiet still logs requests:\n%s", s.stderr)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Get("http://" + root[1] + "/api/v1/info"); err == nil {
		t.Errorf("the root address still answers after serve returned")
	}
}

// --data-set and --seed override every API's configuration.
func TestServeDataSetFlags(t *testing.T) {
	s := startServe(t, "--addr", "127.0.0.1:0", "--data-set", "empty", "--seed", "9")
	if !strings.Contains(s.stdout.String(), `data set "empty", seed 9`) {
		t.Errorf("stdout does not show the flags' data set and seed:\n%s", s.stdout)
	}
}

func TestServeJSONLogs(t *testing.T) {
	s := startServe(t, "--addr", "127.0.0.1:0", "--log-format", "json")
	postLogin(t, s.base+"/rocketchat/api/v1/login", "admin", "admin")
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(s.stderr.String()))
	found := false
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("--log-format json wrote a non-JSON line %q: %v", sc.Text(), err)
		}
		if rec["path"] == "/rocketchat/api/v1/login" {
			found = true
		}
	}
	if !found {
		t.Errorf("no JSON record of the login request in:\n%s", s.stderr)
	}
}

func TestServePrintConfig(t *testing.T) {
	stdout, stderr, err := runCmd(t, "serve", "--print-config")
	if err != nil {
		t.Fatalf("serve --print-config = %v (%s)", err, stderr)
	}
	if stdout != string(mocks.DefaultYAML()) {
		t.Errorf("--print-config does not print the default configuration:\n%s", stdout)
	}
	cfg, err := mocks.Parse([]byte(stdout))
	if err != nil {
		t.Fatalf("mocks.Parse(--print-config output) = %v", err)
	}
	if cfg.Addr != "127.0.0.1:8080" || !cfg.APIs["rocketchat"].Enabled {
		t.Errorf("printed config parses to %+v", cfg)
	}
}

func TestServeErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	typo := filepath.Join(t.TempDir(), "typo.yaml")
	if err := os.WriteFile(typo, []byte("adress: 127.0.0.1:0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []string // fragments of the error
	}{
		{"unknown data set", []string{"--data-set", "nope"}, []string{`"nope"`, "dataSet"}},
		{"log format", []string{"--log-format", "xml"}, []string{"--log-format", `"xml"`}},
		{"missing config", []string{"--config", missing}, []string{missing}},
		{"config typo", []string{"--config", typo}, []string{typo, "adress"}},
		{"bad address", []string{"--addr", "127.0.0.1:notaport"}, []string{"notaport"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := runCmd(t, append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...)...)
			if err == nil {
				t.Fatalf("serve %q = nil error", tt.args)
			}
			var code exitCode
			if errors.As(err, &code) || errors.Is(err, flag.ErrHelp) {
				t.Errorf("serve %q = %v, want an ordinary error", tt.args, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("serve %q = %q, want it to mention %q", tt.args, err, w)
				}
			}
			if strings.Contains(stdout, "standin serving") {
				t.Errorf("serve %q claims to serve: %s", tt.args, stdout)
			}
		})
	}
}

func TestServeAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var stdout, stderr syncBuffer
	err = run(ctx, []string{"serve", "--addr", ln.Addr().String()}, &stdout, &stderr)
	if err == nil || ctx.Err() != nil {
		t.Fatalf("serve on a busy address = %v (context %v), want an immediate error", err, ctx.Err())
	}
	if strings.Contains(stdout.String(), "standin serving") {
		t.Errorf("serve on a busy address claims to serve: %s", stdout.String())
	}
}

// A root address that cannot be bound fails the whole command and releases
// the main address it had already bound.
func TestServeRootAddrInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mainAddr := free.Addr().String()
	free.Close()

	cfg := filepath.Join(t.TempDir(), "standin.yaml")
	data := "apis:\n  rocketchat:\n    enabled: true\n    dataSet: default\n    rootAddr: " + busy.Addr().String() + "\n"
	if err := os.WriteFile(cfg, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "serve", "--addr", mainAddr, "--config", cfg); err == nil {
		t.Fatal("serve with a busy root address = nil error")
	}
	ln, err := net.Listen("tcp", mainAddr)
	if err != nil {
		t.Fatalf("the main address %s is still held after serve failed: %v", mainAddr, err)
	}
	ln.Close()
}

// A context that is already done stops serve right after it starts.
func TestServeCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, &stdout, &stderr) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve with a done context = %v, want nil", err)
		}
		if !strings.HasSuffix(stdout.String(), "standin stopped\n") {
			t.Errorf("stdout = %q, want it to end with standin stopped", stdout.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve with a done context did not return within 10s")
	}
}
