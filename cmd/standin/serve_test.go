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

	"github.com/standin/standin/mockserver"
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
		`data set "default", seed 1, username admin, password admin`,
		"admin       " + s.base + "/__standin/health  (no admin token; loopback hosts only)",
		"inspector   " + s.base + "/__standin/ui\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout does not show %q:\n%s", want, out)
		}
	}
	// Requests are logged to stderr, never to stdout; the records are
	// written every few milliseconds, not one by one.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(s.stderr.String(), "/rocketchat/api/v1/login"); {
		if time.Now().After(deadline) {
			t.Errorf("stderr does not log the login request:\n%s", s.stderr)
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if strings.Contains(s.stdout.String(), "/rocketchat/api/v1/login") {
		t.Errorf("stdout logs requests:\n%s", s.stdout)
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
	data := "addr: 127.0.0.1:0\napis:\n  rocketchat:\n    enabled: true\n    dataSet: empty\n    seed: 5\n    rootAddr: 127.0.0.1:0\n    options:\n      admin:\n        username: boss\n        password: s3cret\n"
	if err := os.WriteFile(cfg, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, "--config", cfg, "--quiet")
	out := s.stdout.String()
	if !strings.Contains(out, `data set "empty", seed 5, username boss, password s3cret`) {
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
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	// --quiet drops the per-request records (looked for once serve has
	// written all it gathered).
	if strings.Contains(s.stderr.String(), "/api/v1/login") {
		t.Errorf("--quiet still logs requests:\n%s", s.stderr)
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
	if stdout != string(catalog().DefaultYAML()) {
		t.Errorf("--print-config does not print the default configuration:\n%s", stdout)
	}
	cfg, err := catalog().Parse([]byte(stdout))
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

// send makes one request to url with the given Host (empty: the URL's)
// and headers, and returns the response with its body read.
func send(t *testing.T, method, url, host string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// The checks against a running `standin serve`: a page on another
// origin gets no CORS headers from the admin API, a request for a foreign
// Host (DNS rebinding) is refused, and the APIs still answer preflights.
func TestServeAdminGuard(t *testing.T) {
	unsetEnv(t, "STANDIN_ADMIN_TOKEN")
	s := startServe(t, "--addr", "127.0.0.1:0", "--quiet")

	resp, body := send(t, http.MethodPost, s.base+"/__standin/reset", "", map[string]string{"Origin": "https://evil.example"})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("reset from 127.0.0.1: %d %s", resp.StatusCode, body)
	}
	for k := range resp.Header {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Errorf("reset with Origin https://evil.example answered %s: %q", k, resp.Header.Get(k))
		}
	}

	resp, body = send(t, http.MethodPost, s.base+"/__standin/reset", "attacker.example", nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "admin.hosts") {
		t.Errorf("reset with Host attacker.example: %d %s, want 403 naming admin.hosts", resp.StatusCode, body)
	}
	resp, body = send(t, http.MethodGet, s.base+"/__standin/snapshot", "attacker.example:80", nil)
	if resp.StatusCode != http.StatusForbidden || strings.Contains(body, "secret") {
		t.Errorf("snapshot with Host attacker.example: %d %.200s, want 403 and no state", resp.StatusCode, body)
	}

	for name, path := range map[string]string{"rocketchat": "/rocketchat/api/v1/login", "ethora": "/ethora/v1/users/client"} {
		resp, body = send(t, http.MethodOptions, s.base+path, "", map[string]string{
			"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-auth-token",
		})
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
			resp.Header.Get("Access-Control-Allow-Headers") != "content-type,x-auth-token" {
			t.Errorf("%s preflight from http://localhost:3000: %d %v %s, want 204 allowing the origin and headers", name, resp.StatusCode, resp.Header, body)
		}
	}
}

func TestServeAdminToken(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "standin.yaml")
	if err := os.WriteFile(cfg, []byte("admin:\n  token: from-config\n  hosts: [standin]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		env   string
		args  []string
		token string // the one that works
	}{
		{"flag", "", []string{"--admin-token", "from-flag"}, "from-flag"},
		{"env", "from-env", nil, "from-env"},
		{"flag over env", "from-env", []string{"--admin-token", "from-flag"}, "from-flag"},
		{"config", "", []string{"--config", cfg}, "from-config"},
		{"env over config", "from-env", []string{"--config", cfg}, "from-env"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv("STANDIN_ADMIN_TOKEN", tt.env)
			} else {
				unsetEnv(t, "STANDIN_ADMIN_TOKEN")
			}
			s := startServe(t, append([]string{"--addr", "127.0.0.1:0", "--quiet"}, tt.args...)...)
			if out := s.stdout.String(); !strings.Contains(out, "protected by the admin token") || strings.Contains(out, tt.token) {
				t.Errorf("banner does not say the admin API is protected, or shows the token:\n%s", out)
			}
			for _, wrong := range []string{"", "wrong", "from-config", "from-env", "from-flag"} {
				if wrong == tt.token {
					continue
				}
				h := map[string]string{}
				if wrong != "" {
					h["Authorization"] = "Bearer " + wrong
				}
				if resp, body := send(t, http.MethodPost, s.base+"/__standin/reset", "", h); resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("reset with token %q: %d %s, want 401", wrong, resp.StatusCode, body)
				}
			}
			if resp, body := send(t, http.MethodPost, s.base+"/__standin/reset", "", map[string]string{"Authorization": "Bearer " + tt.token}); resp.StatusCode != http.StatusOK {
				t.Errorf("reset with the token: %d %s", resp.StatusCode, body)
			}
			if resp, body := send(t, http.MethodGet, s.base+"/__standin/journal", "", map[string]string{"X-Standin-Admin-Token": tt.token}); resp.StatusCode != http.StatusOK {
				t.Errorf("journal with X-Standin-Admin-Token: %d %s", resp.StatusCode, body)
			}
			if code, body := get(t, s.base+"/__standin/health"); code != http.StatusOK {
				t.Errorf("health without the token: %d %s, want 200", code, body)
			}
		})
	}

	// admin.hosts from the file admits its host and says so.
	unsetEnv(t, "STANDIN_ADMIN_TOKEN")
	s := startServe(t, "--addr", "127.0.0.1:0", "--quiet", "--config", cfg)
	if !strings.Contains(s.stdout.String(), "loopback hosts and standin") {
		t.Errorf("banner does not show admin.hosts:\n%s", s.stdout)
	}
	if resp, body := send(t, http.MethodPost, s.base+"/__standin/reset", "standin:8080", map[string]string{"Authorization": "Bearer from-config"}); resp.StatusCode != http.StatusOK {
		t.Errorf("reset with Host standin (in admin.hosts): %d %s", resp.StatusCode, body)
	}
}

func TestAdminHostsNote(t *testing.T) {
	for _, tt := range []struct {
		addr  string
		hosts []string
		note  bool
	}{
		{"127.0.0.1:8080", nil, false},
		{"[::1]:8080", nil, false},
		{"0.0.0.0:8080", nil, true},
		{"[::]:8080", nil, true},
		{"10.0.0.5:8080", nil, true},
		{"0.0.0.0:8080", []string{"10.0.0.5"}, false},
	} {
		note := adminHostsNote(tt.addr, mockserver.AdminOptions{Hosts: tt.hosts})
		if (note != "") != tt.note || (tt.note && !strings.Contains(note, "admin.hosts")) {
			t.Errorf("adminHostsNote(%s, hosts %v) = %q, want a note: %v", tt.addr, tt.hosts, note, tt.note)
		}
	}
}

// server.readTimeout reaches every listener serve opens: a body sent one
// byte every 5 s is cut off on the main address and on a root address.
func TestServeSlowBodyCutOff(t *testing.T) {
	unsetEnv(t, "STANDIN_ADDR")
	cfg := filepath.Join(t.TempDir(), "standin.yaml")
	data := "addr: 127.0.0.1:0\nserver:\n  readTimeout: 500ms\napis:\n  rocketchat:\n    rootAddr: 127.0.0.1:0\n"
	if err := os.WriteFile(cfg, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, "--config", cfg, "--quiet")
	root := regexp.MustCompile(`(?m)^  rocketchat at the root http://(127\.0\.0\.1:[1-9][0-9]*)$`).FindStringSubmatch(s.stdout.String())
	if root == nil {
		t.Fatalf("stdout does not show the root address:\n%s", s.stdout)
	}
	for addr, path := range map[string]string{strings.TrimPrefix(s.base, "http://"): "/rocketchat/api/v1/login", root[1]: "/api/v1/login"} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		head := "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
		if _, err := io.WriteString(conn, head); err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		go func() { // one byte every 5 s
			for {
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Second):
					if _, err := conn.Write([]byte(" ")); err != nil {
						return
					}
				}
			}
		}()
		// Generous: the cut comes after 500ms, the body would take 8 minutes.
		_ = conn.SetReadDeadline(time.Now().Add(4 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		close(stop)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Errorf("%s: a slow body still holds the connection after %s", addr, time.Since(start))
			}
			continue // closed without an answer: cut off all the same
		}
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("%s: a body cut off by the read timeout was answered %d", addr, resp.StatusCode)
		}
	}
}
