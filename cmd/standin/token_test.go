package main

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver/ucsrooms"
)

// standin token mints tokens the served mock accepts: a demo user's is the
// one the banner prints, any other name is a user of its own, --ttl makes
// it expire, and --config's secret signs it.
func TestTokenCommand(t *testing.T) {
	out, _, err := runCmd(t, "token", "ucsrooms", "--user", "alice")
	if err != nil {
		t.Fatal(err)
	}
	alice, _ := ucsrooms.DemoUserNamed("alice")
	if got, want := strings.TrimSpace(out), ucsrooms.Token(ucsrooms.Mock.DefaultOptions().(ucsrooms.Options), alice); got != want {
		t.Errorf("alice's token %q, want the banner's %q", got, want)
	}

	srv, err := catalog().New(catalog().Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	get := func(token string) int {
		req := httptest.NewRequest("GET", "/ucs/participant/room", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	for _, args := range [][]string{{"token", "ucsrooms", "--user", "dana"}, {"token", "ucsrooms", "--user", "dana", "--ttl", "1h"}} {
		out, _, err := runCmd(t, args...)
		if err != nil {
			t.Fatal(err)
		}
		if code := get(strings.TrimSpace(out)); code != http.StatusOK {
			t.Errorf("%v: the mock answers %d to its token", args, code)
		}
	}

	cfg := filepath.Join(t.TempDir(), "standin.yaml")
	if err := os.WriteFile(cfg, []byte("apis:\n  ucsrooms:\n    options:\n      jwtSecret: another-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCmd(t, "token", "ucsrooms", "--user", "bob", "--config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if code := get(strings.TrimSpace(out)); code != http.StatusUnauthorized {
		t.Errorf("a token signed with another config's secret: %d, want 401", code)
	}
	loaded, err := catalog().Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	other, err := catalog().New(loaded, nil)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/ucs/participant/room", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(out))
	rec := httptest.NewRecorder()
	other.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("the server with that config answers %d", rec.Code)
	}
}

// standin token refuses what it cannot do, with a usage status and a
// message.
func TestTokenCommandRefusals(t *testing.T) {
	for _, args := range [][]string{
		{"token"}, {"token", "nosuchapi", "--user", "a"}, {"token", "rocketchat", "--user", "admin"},
		{"token", "ucsrooms", "--user", "a", "--ttl", "-1h"}, {"token", "ucsrooms"},
		{"token", "ethora", "--ttl", "1h"},
	} {
		stdout, stderr, err := runCmd(t, args...)
		var code exitCode
		if !errors.As(err, &code) || code != 2 || stderr == "" || stdout != "" {
			t.Errorf("%v: %v, stdout %q, stderr %q; want exit status 2 with a message and no token", args, err, stdout, stderr)
		}
	}
}

// serveHTTP sends req to the mock served with the default configuration.
func serveHTTP(t *testing.T, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	srv, err := catalog().New(catalog().Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	return rec
}

// standin token ethora prints a server token without --user and a client
// token with it; the mock takes each where its kind is needed and refuses
// it where the other kind is.
func TestTokenCommandEthora(t *testing.T) {
	token := func(args ...string) string {
		t.Helper()
		out, stderr, err := runCmd(t, append([]string{"token", "ethora"}, args...)...)
		if err != nil || stderr != "" {
			t.Fatalf("token ethora %v: %v, stderr %q", args, err, stderr)
		}
		return strings.TrimSpace(out)
	}
	server, client := token(), token("--user", "admin")
	// A server operation: the app list, with the token as the SDK sends
	// it (Authorization: Bearer) and as older SDKs do (x-custom-token).
	listApps := func(header, value string) int {
		req := httptest.NewRequest("GET", "/ethora/v2/apps", nil)
		req.Header.Set(header, value)
		return serveHTTP(t, req).Code
	}
	// The client operation: a client token exchanged for a session.
	exchange := func(tok string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/ethora/v1/users/client", nil)
		req.Header.Set("x-custom-token", tok)
		return serveHTTP(t, req)
	}
	if code := listApps("Authorization", "Bearer "+server); code != http.StatusOK {
		t.Errorf("GET /v2/apps with the server token (Bearer): %d, want 200", code)
	}
	if code := listApps("x-custom-token", server); code != http.StatusOK {
		t.Errorf("GET /v2/apps with the server token (x-custom-token): %d, want 200", code)
	}
	if rec := exchange(client); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"uuid":"admin"`) {
		t.Errorf("POST /v1/users/client with admin's client token: %d %s, want 200 and admin's session", rec.Code, rec.Body)
	}
	if code := listApps("Authorization", "Bearer "+client); code != http.StatusUnauthorized {
		t.Errorf("GET /v2/apps with a client token: %d, want 401", code)
	}
	if rec := exchange(server); rec.Code != http.StatusUnauthorized {
		t.Errorf("POST /v1/users/client with the server token: %d, want 401", rec.Code)
	}
	if rec := exchange(token("--user", "nobody-here")); rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "USER_NOT_FOUND") {
		t.Errorf("a client token of no user: %d %s, want 401 USER_NOT_FOUND", rec.Code, rec.Body)
	}

	// --config's app signs the token: the default server refuses it.
	cfg := filepath.Join(t.TempDir(), "standin.yaml")
	if err := os.WriteFile(cfg, []byte("apis:\n  ethora:\n    options:\n      app:\n        secret: another-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := listApps("Authorization", "Bearer "+token("--config", cfg)); code != http.StatusUnauthorized {
		t.Errorf("a token of another config's secret: %d, want 401", code)
	}
}

// For the APIs whose tokens come from an API call, standin token prints
// the curl command that gets one, exit status 2; the command works.
func TestTokenCommandHowTo(t *testing.T) {
	tests := []struct {
		api    string
		status int
		want   string // in the answer to the printed curl command
	}{
		{"rocketchat", 200, `"authToken"`},
		{"chatkitty", 200, `"access_token"`},
		{"smartlink", 200, `[`},
	}
	for _, tt := range tests {
		t.Run(tt.api, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, "token", tt.api)
			wantExit(t, err, 2)
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			_, line, ok := strings.Cut(stderr, "\n  curl ")
			if !ok {
				t.Fatalf("stderr gives no curl command: %q", stderr)
			}
			req := curlRequest(t, "curl "+strings.TrimSpace(line))
			rec := serveHTTP(t, req)
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
				t.Errorf("%s %s: %d %s, want %d with %s", req.Method, req.URL, rec.Code, rec.Body, tt.status, tt.want)
			}
		})
	}
}

// curlRequest turns the curl command line the token command prints (-s,
// -X, -H, -d, -u; single quotes) into a request for the in-process mock,
// whose URL is http://127.0.0.1:8080.
func curlRequest(t *testing.T, line string) *http.Request {
	t.Helper()
	var words []string
	var w strings.Builder
	quoted, inWord := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	method, target, body := "", "", ""
	header := http.Header{}
	for i := 1; i < len(words); i++ {
		switch words[i] {
		case "-s":
		case "-X":
			i++
			method = words[i]
		case "-H":
			i++
			k, v, _ := strings.Cut(words[i], ":")
			header.Add(k, strings.TrimSpace(v))
		case "-d":
			i++
			body = words[i]
			if header.Get("Content-Type") == "" {
				header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
		case "-u":
			i++
			header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(words[i])))
		default:
			if strings.HasPrefix(words[i], "-") || target != "" {
				t.Fatalf("curl command %q: unexpected word %q", line, words[i])
			}
			target = words[i]
		}
	}
	path, ok := strings.CutPrefix(target, "http://127.0.0.1:8080")
	if !ok {
		t.Fatalf("curl command %q is not for the default server", line)
	}
	if method == "" {
		method = "GET"
		if body != "" {
			method = "POST"
		}
	}
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	return req
}
