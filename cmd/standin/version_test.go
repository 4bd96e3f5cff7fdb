package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// standin version and --version print one line naming the Go version.
func TestVersionCommand(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		stdout, stderr, err := runCmd(t, args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if stderr != "" {
			t.Errorf("%v: stderr %q", args, stderr)
		}
		if !strings.HasPrefix(stdout, "standin ") || !strings.HasSuffix(stdout, " "+runtime.Version()+"\n") || strings.Count(stdout, "\n") != 1 {
			t.Errorf("%v printed %q, want one line from standin to %s", args, stdout, runtime.Version())
		}
	}
	_, _, err := runCmd(t, "version", "extra")
	wantExit(t, err, 2)
}

// The line names the revision, says when the checkout had changes, and
// says so when the build recorded no revision.
func TestVersionLine(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/standin/standin", Version: "(devel)"},
		Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "0123abcd"},
			{Key: "vcs.time", Value: "2026-11-29T22:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	if got, want := versionLine(info), "standin (devel) revision 0123abcd (modified) 2026-11-29T22:00:00Z go1.26.8"; got != want {
		t.Errorf("versionLine = %q, want %q", got, want)
	}
	info.Settings[3].Value = "false"
	info.Main.Version = "v1.2.3"
	if got, want := versionLine(info), "standin v1.2.3 revision 0123abcd 2026-11-29T22:00:00Z go1.26.8"; got != want {
		t.Errorf("versionLine = %q, want %q", got, want)
	}
	info.Settings = nil
	if got, want := versionLine(info), "standin v1.2.3 revision unknown go1.26.8"; got != want {
		t.Errorf("versionLine = %q, want %q", got, want)
	}
}
