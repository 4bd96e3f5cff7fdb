package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadUsageErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"unknown api", []string{"--api", "slack"}, `got "slack"`},
		{"bad target", []string{"--target", "127.0.0.1:8080"}, "--target must be an http(s) URL"},
		// 192.0.2.0/24 is TEST-NET-1: refused before any request is sent.
		{"remote target", []string{"--target", "http://192.0.2.1/rocketchat"}, "--allow-remote"},
		{"remote by name", []string{"--target", "http://example.com/rocketchat"}, "--allow-remote"},
		{"unbounded", []string{"--requests", "0", "--duration", "0"}, "must be bounded"},
		{"negative bounds", []string{"--requests", "-1", "--duration", "-1s"}, "must be bounded"},
		{"bad cred", []string{"--cred", "x"}, "want KEY=VALUE"},
		{"extra argument", []string{"now"}, "unexpected arguments: [now]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, append([]string{"load"}, tt.args...)...)
			wantExit(t, err, 2)
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
		})
	}
}

func TestLoopback(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"http://127.0.0.1:8080/rocketchat", true},
		{"http://127.9.9.9/", true},
		{"http://localhost:8080", true},
		{"http://[::1]:8080/x", true},
		{"https://127.0.0.1", true},
		{"http://192.0.2.1/rocketchat", false},
		{"http://10.0.0.1:8080", false},
		{"http://example.com", false},
		{"http://localhost.example.com", false},
		{"http://127.0.0.1.example.com", false},
		{"http://[::ffff:192.0.2.1]/", false},
		{"://bad", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := loopback(tt.url); got != tt.want {
			t.Errorf("loopback(%q) = %v, want %v", tt.url, got, tt.want)
		}
	}
}

func TestLoadAgainstMock(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	target := mockTarget(t, catalog().Default(), nil)
	jsonPath := filepath.Join(t.TempDir(), "load.json")
	stdout, stderr, err := runCmd(t, "load", "--target", target, "--requests", "120", "--workers", "3", "--duration", "60s", "--json", jsonPath)
	if err != nil {
		t.Fatalf("load = %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	if !strings.HasPrefix(stdout, "target "+target+", 3 workers, 120 requests in ") || !strings.Contains(firstLine(stdout), ", 0 errors") {
		t.Errorf("first line = %q, want the target, 3 workers, 120 requests and 0 errors", firstLine(stdout))
	}
	if !strings.Contains(stdout, "operation") || !strings.Contains(stdout, "p99") {
		t.Errorf("stdout has no per-operation table:\n%s", stdout)
	}
	raw, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Target     string `json:"target"`
		Workers    int    `json:"workers"`
		Requests   int    `json:"requests"`
		Errors     int    `json:"errors"`
		Operations []struct {
			Name     string `json:"name"`
			Requests int    `json:"requests"`
		} `json:"operations"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatalf("JSON report does not parse: %v\n%s", err, raw)
	}
	if rep.Target != target || rep.Workers != 3 || rep.Requests != 120 || rep.Errors != 0 {
		t.Errorf("JSON report %+v, want target %s, 3 workers, 120 requests, 0 errors", rep, target)
	}
	sum := 0
	for _, o := range rep.Operations {
		sum += o.Requests
		if !strings.Contains(stdout, o.Name) {
			t.Errorf("operation %s of the JSON report is not in the text report", o.Name)
		}
	}
	if len(rep.Operations) == 0 || sum != rep.Requests {
		t.Errorf("operations %+v add up to %d requests, want %d", rep.Operations, sum, rep.Requests)
	}
}

// A wrong password stops the run before it starts: no virtual user can log in.
func TestLoadWrongPassword(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	target := mockTarget(t, catalog().Default(), nil)
	_, _, err := runCmd(t, "load", "--target", target, "--requests", "10", "--cred", "password=wrong")
	if err == nil {
		t.Fatal("load with a wrong password = nil error")
	}
}

// A load run says which target it uses when none is given, and prints
// progress to stderr while it lasts, unless -quiet.
func TestLoadProgressAndDefaultTarget(t *testing.T) {
	unsetEnv(t, credentialEnv...)
	target := mockTarget(t, catalog().Default(), nil)
	args := []string{"load", "--target", target, "--requests", "0", "--duration", "1200ms", "--workers", "1", "--progress", "300ms"}
	_, stderr, err := runCmd(t, args...)
	if err != nil {
		t.Fatalf("load: %v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) < 2 {
		t.Fatalf("stderr has %d lines in a 1.2 s run with progress every 300 ms, want at least 2:\n%s", len(lines), stderr)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "load: ") || !strings.Contains(l, " requests, ") || !strings.Contains(l, " errors, ") || !strings.HasSuffix(l, " requests/s") {
			t.Errorf("progress line %q, want requests, errors and a rate", l)
		}
	}
	_, stderr, err = runCmd(t, append(args, "-quiet")...)
	if err != nil || stderr != "" {
		t.Errorf("-quiet: %v, stderr %q; want nothing", err, stderr)
	}

	// No --target: the default, named. (The run itself fails at once if
	// nothing serves there; only the message matters here.)
	_, stderr, _ = runCmd(t, "load", "--api", "ethora", "--requests", "0", "--duration", "0")
	if !strings.Contains(stderr, "load: no --target given, using http://127.0.0.1:8080/ethora") {
		t.Errorf("stderr = %q, want it to name the default target", stderr)
	}
}
