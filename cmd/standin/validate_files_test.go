package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/standin/standin/openapi"
)

// standin validate FILE... checks the given files, examples included, and
// exits 1 naming each that fails.
func TestValidateFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	raw, err := openapi.Raw("smartlink")
	if err != nil {
		t.Fatal(err)
	}
	good := write("smartlink.yaml", string(raw))
	const head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '%s'}\n              example: %s\n"
	badExample := write("bad-example.yaml", strings.Replace(strings.Replace(head, "%s", "#/components/schemas/N", 1), "%s", "abc", 1)+
		"components:\n  schemas:\n    N: {type: integer}\n")
	write("n.yaml", "N: {type: integer}\n")
	split := write("split.yaml", strings.Replace(strings.Replace(head, "%s", "n.yaml#/N", 1), "%s", "7", 1))
	remote := write("remote.yaml", strings.Replace(strings.Replace(head, "%s", "http://127.0.0.1:9/n.yaml#/N", 1), "%s", "7", 1))
	missing := filepath.Join(dir, "missing.yaml")

	stdout, stderr, err := runCmd(t, "validate", good, split)
	if err != nil {
		t.Fatalf("valid files: %v\n%s%s", err, stdout, stderr)
	}
	for _, f := range []string{good, split} {
		if !strings.Contains(stdout, "ok   "+f+": ") {
			t.Errorf("stdout has no ok line for %s:\n%s", f, stdout)
		}
	}
	if !strings.Contains(stdout, good+": 20 operations, ") {
		t.Errorf("stdout does not count smartlink's operations:\n%s", stdout)
	}

	stdout, _, err = runCmd(t, "validate", good, badExample, missing, remote)
	wantExit(t, err, 1)
	for _, want := range []string{"ok   " + good, "FAIL " + badExample + ": ", "invalid example", "FAIL " + missing + ": ", "FAIL " + remote + ": "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}
