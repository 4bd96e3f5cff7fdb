package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

const versionSynopsis = `Prints the version of this build: the module version (or "(devel)" for a
build from a checkout), the VCS revision and time it was built from, whether
the checkout had changes, and the Go version ("go run" and "go build" record
the revision; "go test" does not).`

func printVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", versionSynopsis, stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(stdout, "standin: no build information (built without module support)")
		return nil
	}
	fmt.Fprintln(stdout, versionLine(info))
	return nil
}

// versionLine describes a build in one line, e.g.
// "standin (devel) revision 0123abcd (modified) 2026-11-29T22:00:00Z go1.26.8".
func versionLine(info *debug.BuildInfo) string {
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	version := info.Main.Version
	if version == "" {
		version = "(unknown)"
	}
	line := "standin " + version
	if rev := settings["vcs.revision"]; rev != "" {
		line += " revision " + rev
		if settings["vcs.modified"] == "true" {
			line += " (modified)"
		}
		if t := settings["vcs.time"]; t != "" {
			line += " " + t
		}
	} else {
		line += " revision unknown"
	}
	return line + " " + info.GoVersion
}
