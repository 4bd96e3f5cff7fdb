package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The README's code blocks are run, not just read: every ```sh block runs
// in bash against a fresh `standin serve`, every ```js block is a file of
// contracts/npm/<api>/ that node runs against it, every ```yaml block is
// loaded as a configuration file, every ```go block is a test file of the
// repository, and the plain block is the CLI's usage. So a command, a flag,
// a key or a snippet the README shows cannot drift from what standin does.
//
// In the sh blocks, `standin` and `go run ./cmd/standin` run this test
// binary as the CLI (see TestMain), `make run [ADDR=...]` is `standin serve`, and
// `make test` is this very test run, so it is not started again; any other
// go command runs in the repository's root. Every curl
// fails on an HTTP error (--fail-with-body). A command that serves (`standin
// serve`, `standin proxy` without a command after --) runs in the
// background until it prints where it listens, then gets SIGTERM (as
// from Ctrl-C) and must stop with status 0. Addresses of the README are mapped to live ones:
// 127.0.0.1:8080 to the test's server, any other --addr to a free port, and
// the staging hosts of the conform and proxy examples to the test's
// Rocket.Chat mock, with RC_PASSWORD=admin. A one-line command whose
// comment begins "# exits N" must exit with status N.

// readmeCLIEnv makes the test binary act as the standin command.
const readmeCLIEnv = "STANDIN_TEST_RUN_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(readmeCLIEnv) == "1" {
		os.Args = append([]string{"standin"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// readmeBlock is one fenced code block of the README.
type readmeBlock struct {
	lang string
	text string
	line int // of the opening fence
}

// readmeBlocks returns the fenced code blocks of the README, each with
// the indentation of its fence removed from its lines.
func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var blocks []readmeBlock
	var cur *readmeBlock
	var indent string
	for i, line := range strings.Split(string(raw), "\n") {
		trimmed := strings.TrimLeft(line, " ")
		if !strings.HasPrefix(trimmed, "```") {
			if cur != nil {
				cur.text += strings.TrimPrefix(line, indent) + "\n"
			}
			continue
		}
		if cur != nil {
			blocks = append(blocks, *cur)
			cur = nil
			continue
		}
		indent = line[:len(line)-len(trimmed)]
		cur = &readmeBlock{lang: strings.TrimSpace(strings.TrimPrefix(trimmed, "```")), line: i + 1}
	}
	if cur != nil {
		t.Fatalf("README.md:%d: code block never closed", cur.line)
	}
	return blocks
}

// readmeShellPrelude defines the commands the sh blocks use (see the
// comment at the top of this file).
const readmeShellPrelude = `set -euo pipefail
standin() {
  case "${1:-}" in
  serve)
    for a in "$@"; do [ "$a" = --print-config ] && { standin_cli "$@"; return; }; done
    standin_background "standin serving on" "$@" --addr 127.0.0.1:0 ;;
  proxy)
    for a in "$@"; do [ "$a" = -- ] && { standin_cli "$@"; return; }; done
    standin_background "standin proxy on" "$@" --addr 127.0.0.1:0 ;;
  *) standin_cli "$@" ;;
  esac
}
standin_cli() { command standin "$@"; }
# standin_background runs a command that serves until it prints its first
# line starting with $1, then stops it as Ctrl-C would; it must exit 0.
standin_background() {
  local ready=$1; shift
  local out; out=$(mktemp)
  command standin "$@" >"$out" 2>&1 &
  local pid=$! i
  for i in $(seq 1 600); do
    grep -q "^$ready" "$out" && break
    kill -0 "$pid" 2>/dev/null || { echo "standin $* stopped before serving:" >&2; cat "$out" >&2; wait "$pid"; return 1; }
    sleep 0.05
  done
  grep -q "^$ready" "$out" || { echo "standin $* did not serve within 30s:" >&2; cat "$out" >&2; kill "$pid"; return 1; }
  head -n 1 "$out"
  kill -TERM "$pid" # a background job of a script ignores Ctrl-C's SIGINT
  wait "$pid" || { echo "standin $* exited $? on SIGTERM:" >&2; cat "$out" >&2; return 1; }
}
go() {
  if [ "${1:-}" = run ] && [ "${2:-}" = ./cmd/standin ]; then shift 2; standin "$@"; return; fi
  (cd "$REPO" && command go "$@")
}
make() {
  case "$*" in
  run) standin serve ;;
  "run ADDR="*) standin serve --addr "${1#ADDR=}" ;;
  test) echo "(make test is the run this check is part of)" ;;
  *) echo "the README check has no rule for make $*" >&2; return 1 ;;
  esac
}
curl() { local rc=0; command curl --fail-with-body --max-time 60 "$@" || rc=$?; echo; return "$rc"; }
`

// readmeHosts are the README's addresses of servers other than the one
// the test starts, and what stands in for them.
var readmeHosts = []struct{ from, to string }{
	{"https://chat.staging.example.com", "http://127.0.0.1:8080/rocketchat"},
	{"https://chat.example.com", "http://127.0.0.1:8080/rocketchat"},
}

// readmeExits is a one-line command whose comment says the status it
// exits with: "standin conform ...   # exits 3: the target is unreachable".
var readmeExits = regexp.MustCompile(`(?m)^([^#\n]*[^\\\s])\s+# exits ([0-9]+)\b.*$`)

// readmeExpectExits makes each command marked "# exits N" succeed only if
// it exits with status N.
func readmeExpectExits(script string) string {
	return readmeExits.ReplaceAllString(script,
		`set +e; ( $1 ); rc=$$?; set -e; [ "$$rc" = $2 ] || { echo "README: a command exited $$rc where the README says $2" >&2; exit 1; }`)
}

var readmeAddrFlag = regexp.MustCompile(`(--addr\s+|STANDIN_ADDR=)[0-9.]+:[0-9]+`)

func TestREADMEShellBlocks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every command of the README")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash")
	}
	for _, tool := range []string{"curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the README's commands need %s: %v", tool, err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// standin on the PATH is this binary as the CLI, also for commands
	// the blocks start (sh -c '...'). Built with -race, it would sleep a
	// second at every exit for late race reports (GORACE atexit_sleep_ms,
	// 1000 by default): the blocks run standin some forty times. Races
	// while it runs are still reported, and fail the block.
	bin := t.TempDir()
	shim := "#!/bin/sh\n" + readmeCLIEnv + "=1 GORACE=\"${GORACE:+$GORACE }atexit_sleep_ms=0\" exec '" + self + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "standin"), []byte(shim), 0o755); err != nil {
		t.Fatal(err)
	}
	srv := startServe(t, "--addr", "127.0.0.1:0", "--quiet")
	host := strings.TrimPrefix(srv.base, "http://")
	ran := 0
	for _, b := range readmeBlocks(t) {
		if b.lang != "sh" {
			continue
		}
		ran++
		t.Run(fmt.Sprintf("README.md:%d", b.line), func(t *testing.T) {
			script := b.text
			for _, h := range readmeHosts {
				script = strings.ReplaceAll(script, h.from, h.to)
			}
			script = strings.ReplaceAll(script, "127.0.0.1:8080", host)
			// Any other address is the README's example of choosing one:
			// run it on a free port.
			script = readmeAddrFlag.ReplaceAllString(script, "${1}127.0.0.1:0")
			script = readmeExpectExits(script)
			dir := t.TempDir()
			// Paths the README names relative to the repository
			// (openapi/ucsrooms.yaml) resolve there too.
			for _, name := range []string{"openapi", "contracts"} {
				if err := os.Symlink(filepath.Join(repoRoot(t), name), filepath.Join(dir, name)); err != nil {
					t.Fatal(err)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "-c", readmeShellPrelude+script)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(),
				"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
				"STANDIN_ADDR=",
				"RC_USER=admin",
				"RC_PASSWORD=admin",
				"TOKEN=readme-admin-token",
				"REPO="+repoRoot(t),
			)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				t.Fatalf("README.md:%d: the block failed: %v\n--- block\n%s--- output\n%s", b.line, err, b.text, clipText(out.String(), 8000))
			}
		})
	}
	if ran == 0 {
		t.Fatal("found no sh block in the README")
	}
}

// repoRoot is the repository's root directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// clipText keeps the first n bytes of s.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "\n…"
}

// TestREADMEOtherBlocks checks the blocks that are not shell: a yaml block
// is a configuration file serve loads, a js block is a file of
// contracts/npm/<api>/ (which TestREADMEJavaScript runs), a go block is a
// test file of the repository, and the plain block lists the CLI's
// commands as its usage does.
func TestREADMEOtherBlocks(t *testing.T) {
	root := repoRoot(t)
	files, err := exec.Command("git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard", "*_test.go", "contracts/npm/*.mjs").Output()
	if err != nil {
		t.Skipf("needs the git checkout: %v", err)
	}
	byContent := map[string]string{}
	for _, f := range strings.Fields(string(files)) {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		byContent[string(data)] = f
	}
	for _, b := range readmeBlocks(t) {
		where := fmt.Sprintf("README.md:%d", b.line)
		switch b.lang {
		case "sh":
		case "yaml":
			path := filepath.Join(t.TempDir(), "standin.yaml")
			if err := os.WriteFile(path, []byte(b.text), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := catalog().Load(path); err != nil {
				t.Errorf("%s: the configuration does not load: %v", where, err)
			}
		case "js", "go":
			if _, ok := byContent[b.text]; !ok {
				t.Errorf("%s: the %s block is no file of the repository (contracts/npm/<api>/*.mjs or *_test.go): keep it a copy of the file that is run", where, b.lang)
			}
		case "":
			for _, line := range strings.Split(strings.TrimSpace(b.text), "\n") {
				if !strings.Contains(usage, strings.TrimSpace(line)) {
					t.Errorf("%s: %q is not in standin's usage:\n%s", where, line, usage)
				}
			}
		default:
			t.Errorf("%s: a %q block: the README check does not know how to run it", where, b.lang)
		}
	}
}

// TestREADMEJavaScript runs each js block of the README, a file of
// contracts/npm/<api>/, with node against a fresh server. It needs node and
// npm (and the npm registry, the first time); without them it is skipped,
// unless STANDIN_REQUIRE_NODE=1 (CI) makes that a failure.
func TestREADMEJavaScript(t *testing.T) {
	if testing.Short() {
		t.Skip("installs npm packages")
	}
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("STANDIN_REQUIRE_NODE") == "1" {
				t.Fatalf("STANDIN_REQUIRE_NODE=1 but %s is missing: %v", tool, err)
			}
			t.Skipf("needs %s: %v", tool, err)
		}
	}
	root := repoRoot(t)
	var scripts []string
	for _, b := range readmeBlocks(t) {
		if b.lang == "js" {
			scripts = append(scripts, b.text)
		}
	}
	found, _ := filepath.Glob(filepath.Join(root, "contracts/npm/*/*.mjs"))
	srv := startServe(t, "--addr", "127.0.0.1:0", "--quiet")
	host := strings.TrimPrefix(srv.base, "http://")
	for _, text := range scripts {
		var file string
		for _, f := range found {
			if data, err := os.ReadFile(f); err == nil && string(data) == text {
				file = f
			}
		}
		if file == "" {
			t.Errorf("a js block of the README is no file of contracts/npm/<api>/ (TestREADMEOtherBlocks says which)")
			continue
		}
		name, _ := filepath.Rel(root, file)
		t.Run(name, func(t *testing.T) {
			dir := filepath.Dir(file)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
				install := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
				install.Dir = dir
				if out, err := install.CombinedOutput(); err != nil {
					t.Fatalf("npm ci in %s: %v\n%s", dir, err, clipText(string(out), 4000))
				}
			}
			// The copy lives beside the original, where its imports
			// resolve, under a name git ignores.
			run := filepath.Join(dir, ".readme-run.mjs")
			if err := os.WriteFile(run, []byte(strings.ReplaceAll(text, "127.0.0.1:8080", host)), 0o600); err != nil {
				t.Fatal(err)
			}
			defer os.Remove(run)
			out, err := exec.CommandContext(ctx, "node", run).CombinedOutput()
			if err != nil {
				t.Fatalf("node %s: %v\n%s", name, err, clipText(string(out), 4000))
			}
			t.Logf("node %s: %s", name, out)
		})
	}
}
