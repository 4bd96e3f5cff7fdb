package main

import (
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

// standin token refuses what it cannot do, with a usage status.
func TestTokenCommandRefusals(t *testing.T) {
	for _, args := range [][]string{
		{"token"}, {"token", "nosuchapi", "--user", "a"}, {"token", "rocketchat", "--user", "admin"},
		{"token", "ucsrooms", "--user", "a", "--ttl", "-1h"},
	} {
		_, stderr, err := runCmd(t, args...)
		var code exitCode
		if !errors.As(err, &code) || code != 2 || stderr == "" {
			t.Errorf("%v: %v, stderr %q; want exit status 2 with a message", args, err, stderr)
		}
	}
	if _, _, err := runCmd(t, "token", "ucsrooms"); err == nil {
		t.Error("a token for no user was printed")
	}
}
