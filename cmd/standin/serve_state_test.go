package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// rcClient is a Rocket.Chat client logged in as admin/admin on a serve.
type rcClient struct {
	base          string // http://ADDR/rocketchat/api/v1
	token, userID string
}

func rcLogin(t *testing.T, base string) *rcClient {
	t.Helper()
	code, body := postLogin(t, base+"/rocketchat/api/v1/login", "admin", "admin")
	var login struct {
		Data struct {
			AuthToken string `json:"authToken"`
			UserID    string `json:"userId"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &login); code != http.StatusOK || err != nil || login.Data.AuthToken == "" {
		t.Fatalf("login admin/admin: %d %s (%v)", code, body, err)
	}
	return &rcClient{base: base + "/rocketchat/api/v1", token: login.Data.AuthToken, userID: login.Data.UserID}
}

func (c *rcClient) do(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Auth-Token", c.token)
	req.Header.Set("X-User-Id", c.userID)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (c *rcClient) createChannel(t *testing.T, name string) {
	t.Helper()
	if code, body := c.do(t, http.MethodPost, "/channels.create", `{"name":"`+name+`"}`); code != http.StatusOK {
		t.Fatalf("channels.create %s: %d %s", name, code, body)
	}
}

func (c *rcClient) hasChannel(t *testing.T, name string) bool {
	t.Helper()
	code, body := c.do(t, http.MethodGet, "/channels.info?roomName="+url.QueryEscape(name), "")
	switch code {
	case http.StatusOK:
		return true
	case http.StatusBadRequest:
		return false
	}
	t.Fatalf("channels.info %s: %d %s", name, code, body)
	return false
}

// runRefused runs the CLI with args as runCmd does, but stops it after
// 10s, so that a serve that starts when it should refuse fails the test
// instead of hanging it.
func runRefused(t *testing.T, args ...string) (stdout string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out, errOut syncBuffer
	err = run(ctx, args, &out, &errOut)
	return out.String(), err
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A graceful stop writes the last changes, however long the interval:
// started again on the same directory, the server has them. The token of
// the login is state too, so the same client goes on.
func TestServeStateDirKeepsStateAcrossAStop(t *testing.T) {
	unsetEnv(t, "STANDIN_ADDR")
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "state")
	cfg := filepath.Join(tmp, "standin.yaml")
	// An hour's interval: only the write at shutdown can save the channel.
	writeFile(t, cfg, "addr: 127.0.0.1:0\nstate:\n  dir: "+filepath.Join(tmp, "other")+"\n  interval: 1h\n")

	s := startServe(t, "--config", cfg, "--state-dir", dir, "--quiet")
	if !strings.Contains(s.stdout.String(), "state       "+dir+"  (namespaces restored: 0; changes written every 1h0m0s and at shutdown") {
		t.Errorf("banner does not show the state directory of --state-dir:\n%s", s.stdout)
	}
	rc := rcLogin(t, s.base)
	rc.createChannel(t, "kept-across-stop")
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.stdout.String(), "standin stopped (state saved in "+dir+")") {
		t.Errorf("stdout does not say the state was saved:\n%s", s.stdout)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "default.json")); err != nil || !strings.Contains(string(data), "kept-across-stop") {
		t.Fatalf("default.json after the stop: %v, want the channel in it:\n%.300s", err, data)
	}
	if _, err := os.Stat(filepath.Join(tmp, "other")); err == nil {
		t.Errorf("the config's state.dir was used though --state-dir overrides it")
	}

	s2 := startServe(t, "--config", cfg, "--state-dir", dir, "--quiet")
	if !strings.Contains(s2.stdout.String(), "(namespaces restored: 1;") {
		t.Errorf("banner does not show the restored namespace:\n%s", s2.stdout)
	}
	rc.base = s2.base + "/rocketchat/api/v1"
	if !rc.hasChannel(t, "kept-across-stop") {
		t.Errorf("after a restart the channel is gone")
	}
}

// A state file that cannot be loaded stops the start with an error naming
// it, and nothing is served.
func TestServeStateDirBadFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "default.json"), `{"default":{"rocketchat":{"users":`)
	stdout, err := runRefused(t, "serve", "--addr", "127.0.0.1:0", "--state-dir", dir)
	if err == nil {
		t.Fatalf("serve with a cut state file = nil error")
	}
	var code exitCode
	if errors.As(err, &code) || errors.Is(err, flag.ErrHelp) {
		t.Errorf("serve with a cut state file = %v, want an ordinary error", err)
	}
	for _, w := range []string{dir, "default.json", "unexpected EOF", "fix the file or remove it"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
	if strings.Contains(stdout, "standin serving") {
		t.Errorf("serve claims to serve with a bad state file: %s", stdout)
	}
}

// --snapshot loads a snapshot, as GET /__standin/snapshot gave it, at
// start; with --state-dir it seeds a new directory only.
func TestServeSnapshot(t *testing.T) {
	tmp := t.TempDir()
	s := startServe(t, "--addr", "127.0.0.1:0", "--quiet")
	rcLogin(t, s.base).createChannel(t, "from-the-snapshot")
	code, snap := get(t, s.base+"/__standin/snapshot?namespace=default")
	if code != http.StatusOK {
		t.Fatalf("GET snapshot: %d %s", code, snap)
	}
	seed := filepath.Join(tmp, "seed.json")
	writeFile(t, seed, snap)

	s2 := startServe(t, "--addr", "127.0.0.1:0", "--quiet", "--snapshot", seed)
	if !strings.Contains(s2.stdout.String(), "snapshot    "+seed+" loaded (1 namespaces)") {
		t.Errorf("banner does not show the snapshot:\n%s", s2.stdout)
	}
	if !rcLogin(t, s2.base).hasChannel(t, "from-the-snapshot") {
		t.Errorf("--snapshot: the channel of the snapshot is not there")
	}

	// With a state directory: the snapshot seeds it once, then the
	// directory wins.
	dir := filepath.Join(tmp, "state")
	s3 := startServe(t, "--addr", "127.0.0.1:0", "--quiet", "--snapshot", seed, "--state-dir", dir)
	if !strings.Contains(s3.stdout.String(), "snapshot    "+seed+" loaded into the new state directory") {
		t.Errorf("banner does not show the snapshot seeding the directory:\n%s", s3.stdout)
	}
	rc := rcLogin(t, s3.base)
	if !rc.hasChannel(t, "from-the-snapshot") {
		t.Errorf("--snapshot with a new --state-dir: the channel of the snapshot is not there")
	}
	if code, body := rc.do(t, http.MethodPost, "/channels.delete", `{"roomName":"from-the-snapshot"}`); code != http.StatusOK {
		t.Fatalf("channels.delete: %d %s", code, body)
	}
	if err := s3.stop(t); err != nil {
		t.Fatal(err)
	}
	s4 := startServe(t, "--addr", "127.0.0.1:0", "--quiet", "--snapshot", seed, "--state-dir", dir)
	if !strings.Contains(s4.stdout.String(), "snapshot    "+seed+" not loaded: "+dir+" holds state already") {
		t.Errorf("banner does not say the snapshot was not loaded:\n%s", s4.stdout)
	}
	if rcLogin(t, s4.base).hasChannel(t, "from-the-snapshot") {
		t.Errorf("the channel deleted after seeding came back from the snapshot")
	}
}

func TestServeSnapshotErrors(t *testing.T) {
	tmp := t.TempDir()
	missing := filepath.Join(tmp, "missing.json")
	cut := filepath.Join(tmp, "cut.json")
	writeFile(t, cut, `{"default":{"rocketchat":`)
	refused := filepath.Join(tmp, "refused.json")
	writeFile(t, refused, `{"default":{"rocketchat":{"users":{"u1":null}}}}`)
	for _, tt := range []struct {
		name string
		args []string
		want []string
	}{
		{"missing", []string{"--snapshot", missing}, []string{"--snapshot", missing}},
		{"cut short", []string{"--snapshot", cut}, []string{"--snapshot " + cut, "unexpected EOF"}},
		{"refused", []string{"--snapshot", refused}, []string{"--snapshot " + refused, `namespace "default"`, `API "rocketchat"`}},
		{"refused as a seed", []string{"--snapshot", refused, "--state-dir", filepath.Join(tmp, "d")}, []string{"--snapshot " + refused, `API "rocketchat"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stdout, err := runRefused(t, append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...)...)
			if err == nil {
				t.Fatalf("serve %q = nil error", tt.args)
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
