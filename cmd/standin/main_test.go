package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a bytes.Buffer that a command may write to from several
// goroutines while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runCmd runs the CLI with args and returns what it printed.
func runCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut syncBuffer
	err = run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

// wantExit fails unless err asks for exit status code.
func wantExit(t *testing.T, err error, code int) {
	t.Helper()
	var got exitCode
	if !errors.As(err, &got) {
		t.Fatalf("error = %v, want exitCode(%d)", err, code)
	}
	if int(got) != code {
		t.Fatalf("exit status %d, want %d", got, code)
	}
}

// unsetEnv removes keys from the environment for the test, so that a
// developer's STANDIN_* variables do not change the outcome.
func unsetEnv(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		t.Setenv(k, "") // restores the old value after the test
		if err := os.Unsetenv(k); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRunDispatch(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int      // -1: nil error
		stdout []string // fragments; none: stdout must be empty
		stderr []string // fragments; none: stderr must be empty
	}{
		{"no args", nil, 2, nil, []string{usage}},
		{"empty args", []string{}, 2, nil, []string{usage}},
		{"unknown command", []string{"bogus"}, 2, nil, []string{`unknown command "bogus"`, usage}},
		{"flag as command", []string{"--addr"}, 2, nil, []string{`unknown command "--addr"`, usage}},
		{"case matters", []string{"Serve"}, 2, nil, []string{`unknown command "Serve"`, usage}},
		{"help", []string{"help"}, -1, []string{usage}, nil},
		{"-h", []string{"-h"}, -1, []string{usage}, nil},
		{"-help", []string{"-help"}, -1, []string{usage}, nil},
		{"--help", []string{"--help"}, -1, []string{usage}, nil},
		{"help of a command", []string{"help", "serve"}, -1, []string{"Usage: standin serve [flags]", serveSynopsis}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, tt.args...)
			if tt.code < 0 {
				if err != nil {
					t.Fatalf("run(%q) = %v, want nil", tt.args, err)
				}
			} else {
				wantExit(t, err, tt.code)
			}
			wantOutput(t, "stdout", stdout, tt.stdout)
			wantOutput(t, "stderr", stderr, tt.stderr)
		})
	}
}

// wantOutput checks that got holds every fragment of want, or is empty if
// want is.
func wantOutput(t *testing.T, name, got string, want []string) {
	t.Helper()
	if len(want) == 0 && got != "" {
		t.Errorf("%s = %q, want nothing", name, got)
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s = %q, want it to contain %q", name, got, w)
		}
	}
}

func TestUsageListsEveryCommand(t *testing.T) {
	for _, cmd := range []string{"serve", "conform", "validate", "fixtures", "load", "proxy", "apis", "token", "version"} {
		if !strings.Contains(usage, "standin "+cmd+" ") {
			t.Errorf("usage does not list %q", cmd)
		}
	}
}

func TestCommandHelp(t *testing.T) {
	tests := []struct {
		cmd      string
		synopsis string
		flags    []string
	}{
		{"serve", serveSynopsis, []string{"-addr", "-config", "-data-set", "-seed", "-print-config", "-log-format", "-quiet"}},
		{"conform", conformSynopsis, []string{"-target", "-api", "-junit", "-json", "-run", "-cred", "-namespace", "-timeout"}},
		{"validate", validateSynopsis, []string{"-api"}},
		{"fixtures", fixturesSynopsis, []string{"-data-set", "-seed", "-list", "-api", "-schema", "-count"}},
		{"load", loadSynopsis, []string{"-target", "-api", "-workers", "-requests", "-duration", "-namespace", "-json", "-allow-remote", "-cred"}},
	}
	for _, tt := range tests {
		for _, h := range [][]string{{tt.cmd, "-h"}, {tt.cmd, "--help"}, {tt.cmd, "-help"}, {"help", tt.cmd}} {
			t.Run(strings.Join(h, " "), func(t *testing.T) {
				stdout, stderr, err := runCmd(t, h...)
				if h[0] == "help" {
					if err != nil {
						t.Fatalf("run(%q) = %v, want nil (exit 0)", h, err)
					}
				} else if !errors.Is(err, flag.ErrHelp) {
					t.Fatalf("run(%q) = %v, want flag.ErrHelp (exit 0)", h, err)
				}
				if stderr != "" {
					t.Errorf("stderr = %q, want nothing: help that was asked for goes to stdout", stderr)
				}
				if !strings.HasPrefix(stdout, "Usage: standin "+tt.cmd+" [flags]\n") {
					t.Errorf("stdout starts %q, want the command's usage line", firstLine(stdout))
				}
				if !strings.Contains(stdout, tt.synopsis) {
					t.Errorf("stdout does not hold the synopsis of %s:\n%s", tt.cmd, stdout)
				}
				for _, f := range tt.flags {
					if !strings.Contains(stdout, "  "+f+" ") && !strings.Contains(stdout, "  "+f+"\n") {
						t.Errorf("stdout does not document %s:\n%s", f, stdout)
					}
				}
			})
		}
	}
}

func TestCommandUsageErrors(t *testing.T) {
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"serve", "--no-such-flag"}, "no-such-flag"},
		{[]string{"serve", "extra"}, "unexpected arguments: [extra]"},
		{[]string{"serve", "--seed", "minus-one"}, "seed"},
		{[]string{"conform", "--bogus"}, "bogus"},
		{[]string{"conform", "--target", "http://127.0.0.1:1", "--api", "rocketchat", "x"}, "unexpected arguments: [x]"},
		{[]string{"conform", "--timeout", "soon"}, "timeout"},
		{[]string{"validate", "--bogus"}, "bogus"},
		{[]string{"validate", "--api", "rocketchat", "spec.yaml"}, "not both"},
		{[]string{"fixtures", "--bogus"}, "bogus"},
		{[]string{"fixtures", "--seed", "x"}, "seed"},
		{[]string{"fixtures", "default"}, "unexpected arguments: [default]"},
		{[]string{"load", "--workers", "many"}, "workers"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			stdout, stderr, err := runCmd(t, tt.args...)
			wantExit(t, err, 2)
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr = %q, want it to mention %q", stderr, tt.stderr)
			}
			// One line of error and one of help: not the usage, which
			// lists every flag (and, for conform, configuration keys).
			hint := "run \"standin " + tt.args[0] + " -h\" for help\n"
			if !strings.HasSuffix(stderr, hint) {
				t.Errorf("stderr = %q, want it to end with %q", stderr, hint)
			}
			if n := strings.Count(stderr, "\n"); n != 2 {
				t.Errorf("stderr has %d lines, want the error and the hint:\n%s", n, stderr)
			}
			if strings.Contains(stderr, "Usage:") {
				t.Errorf("stderr holds the usage after a flag error:\n%s", stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
		})
	}
}

// A flag error of conform names no configuration or credential keys,
// which its help lists.
func TestFlagErrorNamesNoConfigKeys(t *testing.T) {
	_, stderr, err := runCmd(t, "conform", "--bogus")
	wantExit(t, err, 2)
	for _, a := range apis {
		for _, c := range a.mock.Credentials(a.mock.DefaultOptions()) {
			if strings.Contains(stderr, c.Value) || strings.Contains(stderr, c.Hint) {
				t.Errorf("stderr names %s's credential %s:\n%s", a.mock.Name, c.Key, stderr)
			}
		}
	}
}

func TestHelpOfUnknownCommand(t *testing.T) {
	stdout, stderr, err := runCmd(t, "help", "bogus")
	wantExit(t, err, 2)
	wantOutput(t, "stdout", stdout, nil)
	wantOutput(t, "stderr", stderr, []string{`unknown command "bogus"`, usage})
}

func TestExitCodeError(t *testing.T) {
	if got := exitCode(2).Error(); got != "exit status 2" {
		t.Errorf("exitCode(2).Error() = %q", got)
	}
	var code exitCode
	if !errors.As(error(exitCode(1)), &code) || code != 1 {
		t.Errorf("errors.As on exitCode(1) gave %d", code)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// serve --config with a mistake names the file, the line and the key path
// in one line.
func TestServeConfigErrorNamesLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("addr: 127.0.0.1:0\napis:\n  ethora:\n    options:\n      jobDelay: abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := runCmd(t, "serve", "--config", path)
	want := path + `:5: apis.ethora.options.jobDelay: want a duration like 30s or 500ms, got "abc"`
	if err == nil || err.Error() != want {
		t.Errorf("serve --config: %v, want %s", err, want)
	}
}
