package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/mockserver"
)

const conformSynopsis = `Replays the API's scenarios against a target and reports every step.
Every response is also checked against the API's spec. Each scenario's
result is printed as soon as it ends, the summary at the end; a failed
step shows the start (1 KiB) of the last response it got.

Before the run, one GET without credentials checks that the target is
there and is the named API (Rocket.Chat: GET /api/info).

Exit status: 0 every step passed, 1 a step failed (or the run was cut
short), 2 usage error (flags, --cred key, report file not writable),
3 the target is unreachable or is not the named API.

Credentials come from --cred KEY=VALUE, or STANDIN_<KEY> in the environment
(e.g. STANDIN_USERNAME), or the defaults of "standin serve":`

// credentialsHelp lists each API's credentials with their defaults, for
// the synopsis.
func credentialsHelp() string {
	var b strings.Builder
	for _, a := range apis {
		for _, c := range a.mock.Credentials(a.mock.DefaultOptions()) {
			fmt.Fprintf(&b, "\n  %-11s %-10s %s (default %q)", a.mock.Name, c.Key, c.Hint, c.Value)
		}
	}
	return b.String()
}

// Exit statuses of conform besides 0 (passed) and 2 (usage).
const (
	exitFailed      = exitCode(1) // a step failed, or the run was cut short
	exitUnreachable = exitCode(3) // the target is unreachable or not the API
)

func conform(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("conform", conformSynopsis+credentialsHelp(), stderr)
	target := fs.String("target", "", "base URL of the API, e.g. http://127.0.0.1:8080/rocketchat (required unless --list)")
	api := fs.String("api", "", "API to test: "+strings.Join(suiteNames(), ", ")+" (required)")
	list := fs.Bool("list", false, "list the API's scenarios (those --run selects), one a line with what each checks, and exit")
	junit := fs.String("junit", "", "also write a JUnit XML report to this file")
	jsonOut := fs.String("json", "", "also write a JSON report to this file")
	run := fs.String("run", "", "run only scenarios whose name matches this regular expression")
	namespace := fs.String("namespace", "", "send "+mockserver.NamespaceHeader+" with this value (isolates runs on a standin mock)")
	verbose := fs.Bool("v", false, "verbose: show every step's log lines, request counts and durations")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up on the whole run after this long")
	requestTimeout := fs.Duration("request-timeout", contracts.DefaultRequestTimeout, "give up on one request after this long (fails its step)")
	creds := credFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	suite, ok := lookupFlag(*api, stderr)
	if !ok {
		return exitCode(2)
	}
	scenarios, ok := selectScenarios(suite.scenarios(), *run, stderr)
	if !ok {
		return exitCode(2)
	}
	if *list {
		listScenarios(stdout, scenarios)
		return nil
	}
	if !checkTarget(*api, *target, stderr) || !checkCredentials(suite, creds, stderr) {
		return exitCode(2)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--timeout", *timeout}, {"--request-timeout", *requestTimeout}} {
		if d.v <= 0 {
			fmt.Fprintf(stderr, "%s must be more than 0, got %s\n", d.name, d.v)
			return exitCode(2)
		}
	}
	// Report files are opened before the run, so that a bad path costs
	// no run; they are written after it.
	reports, err := openReports(map[string]string{"--junit": *junit, "--json": *jsonOut})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitCode(2)
	}
	defer reports.discard()

	t := newTarget(*target, *namespace, creds, suite.defaultCredentials())
	t.RequestTimeout = *requestTimeout
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if msg := probeTarget(ctx, t, suite.mock); msg != "" {
		if ctx.Err() != nil { // Ctrl-C or --timeout during the probe
			fmt.Fprintf(stderr, "standin conform: interrupted before the run: %v\n", context.Cause(ctx))
			return exitFailed
		}
		fmt.Fprintf(stderr, "standin conform: %s\n", msg)
		return exitUnreachable
	}

	tw := contracts.NewTextWriter(stdout, *verbose)
	tw.Start(t.BaseURL)
	report := contracts.RunWith(ctx, t, contracts.RunOptions{OnScenario: tw.Scenario}, scenarios...)
	if err := tw.End(report); err != nil {
		return err
	}
	if err := reports.write("--junit", report.WriteJUnit); err != nil {
		return err
	}
	if err := reports.write("--json", report.WriteJSON); err != nil {
		return err
	}
	if !report.Passed() {
		return exitFailed
	}
	return nil
}

// selectScenarios keeps the scenarios whose name matches the --run
// expression, saying what is wrong when none can be run.
func selectScenarios(scenarios []contracts.Scenario, run string, stderr io.Writer) ([]contracts.Scenario, bool) {
	if run == "" {
		return scenarios, true
	}
	re, err := regexp.Compile(run)
	if err != nil {
		fmt.Fprintf(stderr, "--run: %v\n", err)
		return nil, false
	}
	scenarios = slices.DeleteFunc(scenarios, func(sc contracts.Scenario) bool { return !re.MatchString(sc.Name) })
	if len(scenarios) == 0 {
		fmt.Fprintf(stderr, "--run %q matches no scenario\n", run)
		return nil, false
	}
	return scenarios, true
}

// listScenarios prints one line per scenario: its name and what it
// checks.
func listScenarios(w io.Writer, scenarios []contracts.Scenario) {
	width := 0
	for _, sc := range scenarios {
		width = max(width, len(sc.Name))
	}
	for _, sc := range scenarios {
		if doc := strings.Join(strings.Fields(sc.Doc), " "); doc != "" {
			fmt.Fprintf(w, "%-*s  %s\n", width, sc.Name, doc)
		} else {
			fmt.Fprintln(w, sc.Name)
		}
	}
}

// checkCredentials refuses --cred keys that the API's scenarios do not
// take, naming those they do.
func checkCredentials(a api, creds map[string]string, stderr io.Writer) bool {
	var keys []string
	for _, c := range a.mock.Credentials(a.mock.DefaultOptions()) {
		keys = append(keys, c.Key)
	}
	for _, k := range slices.Sorted(maps.Keys(creds)) {
		if slices.Contains(keys, k) {
			continue
		}
		if len(keys) == 0 {
			fmt.Fprintf(stderr, "--cred %s: %s takes no credentials\n", k, a.mock.Name)
		} else {
			fmt.Fprintf(stderr, "--cred %s: %s has no credential %q; its keys are %s\n", k, a.mock.Name, k, strings.Join(keys, ", "))
		}
		return false
	}
	return true
}

// probeTarget checks, with one GET without credentials to the API's probe
// path, that the target answers and is the API m; it returns what is
// wrong in one line, or "". Any answer but 404 counts as the API: real
// servers answer a protected path with 401. On a 404 it asks the root of
// the target's host whether it is a standin server, to suggest the right
// base URL. An API without a probe path is only checked for an answer.
func probeTarget(ctx context.Context, t contracts.Target, m *mockserver.Mock) string {
	status, _, err := t.Probe(ctx, m.ProbePath)
	if err != nil {
		var unreachable *contracts.UnreachableError
		if errors.As(err, &unreachable) {
			return unreachable.Error()
		}
		return err.Error()
	}
	if status != http.StatusNotFound || m.ProbePath == "" {
		// Without a probe path, any answer of the base URL will do.
		return ""
	}
	title := cmp.Or(m.Title, m.Name)
	msg := fmt.Sprintf("no %s API at %s: ", title, t.BaseURL)
	if hint := standinHint(ctx, t, m.Name); hint != "" {
		return msg + hint
	}
	return msg + fmt.Sprintf("GET %s%s answered %d %s", t.BaseURL, m.ProbePath, status, http.StatusText(status))
}

// standinHint returns, when the root of the target's host is a standin
// server, where it serves the API called name: "standin serves rocketchat
// at URL; try --target URL", or which APIs it serves if not that one. It
// returns "" for other servers.
func standinHint(ctx context.Context, t contracts.Target, name string) string {
	u, err := url.Parse(t.BaseURL)
	if err != nil {
		return ""
	}
	root := t
	root.BaseURL = (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
	status, body, err := root.Probe(ctx, "/")
	if err != nil || status != http.StatusOK {
		return ""
	}
	var index struct {
		Service string `json:"service"`
		APIs    []struct {
			Name string `json:"name"`
			Path string `json:"path"`
		} `json:"apis"`
	}
	if json.Unmarshal(body, &index) != nil || index.Service != "standin" {
		return ""
	}
	var served []string
	for _, a := range index.APIs {
		if a.Name == name && strings.HasPrefix(a.Path, "/") {
			where := root.BaseURL + a.Path
			if where == t.BaseURL {
				return ""
			}
			return fmt.Sprintf("standin serves %s at %s; try --target %s", name, where, where)
		}
		served = append(served, a.Name+" at "+a.Path)
	}
	if len(served) == 0 {
		return fmt.Sprintf("the standin server at %s serves no API", root.BaseURL)
	}
	return fmt.Sprintf("the standin server at %s does not serve %s (it serves %s)", root.BaseURL, name, strings.Join(served, ", "))
}

// newTarget builds a target from the flags: credentials from --cred, then
// STANDIN_<KEY>, then the defaults.
func newTarget(base, namespace string, creds, defaults map[string]string) contracts.Target {
	for key, def := range defaults {
		if _, ok := creds[key]; ok {
			continue
		}
		if v, ok := os.LookupEnv("STANDIN_" + strings.ToUpper(key)); ok {
			creds[key] = v
		} else {
			creds[key] = def
		}
	}
	t := contracts.Target{BaseURL: strings.TrimSuffix(base, "/"), Credentials: creds}
	if namespace != "" {
		t.Header = http.Header{mockserver.NamespaceHeader: {namespace}}
	}
	return t
}

// credFlag registers the repeatable --cred flag.
func credFlag(fs *flag.FlagSet) map[string]string {
	creds := map[string]string{}
	fs.Func("cred", "credential KEY=VALUE for the scenarios (repeatable)", func(v string) error {
		k, val, ok := strings.Cut(v, "=")
		if !ok || k == "" {
			return fmt.Errorf("want KEY=VALUE, got %q", v)
		}
		creds[k] = val
		return nil
	})
	return creds
}

// lookupFlag returns the API that --api names, or says on stderr which
// names there are.
func lookupFlag(name string, stderr io.Writer) (api, bool) {
	a, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "--api must be one of %s, got %q\n", strings.Join(suiteNames(), ", "), name)
	}
	return a, ok
}

// checkTarget checks --target, printing what is wrong.
func checkTarget(api, target string, stderr io.Writer) bool {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fmt.Fprintf(stderr, "--target must be an http(s) URL such as http://127.0.0.1:8080/%s, got %q\n", api, target)
		return false
	}
	return true
}

// reportFiles are the report files of a run, opened before it.
type reportFiles map[string]*reportFile

type reportFile struct {
	path    string
	f       *os.File
	created bool // the run created it: remove it if no report is written
}

// openReports opens the report file of each flag with a path, creating it
// if needed but leaving its content until the report is written. The
// error names the flag and the file.
func openReports(paths map[string]string) (reportFiles, error) {
	files := reportFiles{}
	for _, flag := range slices.Sorted(maps.Keys(paths)) {
		path := paths[flag]
		if path == "" {
			continue
		}
		_, statErr := os.Stat(path)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o666)
		if err != nil {
			files.discard()
			return nil, fmt.Errorf("%s: cannot write the report: %w", flag, err)
		}
		files[flag] = &reportFile{path: path, f: f, created: errors.Is(statErr, fs.ErrNotExist)}
	}
	return files, nil
}

// write replaces the content of the flag's file, if it has one, with what
// write writes, and closes it.
func (files reportFiles) write(flag string, write func(io.Writer) error) error {
	r := files[flag]
	if r == nil {
		return nil
	}
	delete(files, flag)
	if err := r.f.Truncate(0); err != nil {
		r.f.Close()
		return fmt.Errorf("write %s: %w", r.path, err)
	}
	if err := write(r.f); err != nil {
		r.f.Close()
		return fmt.Errorf("write %s: %w", r.path, err)
	}
	if err := r.f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", r.path, err)
	}
	return nil
}

// discard closes the files not written, removing those the run created,
// so that a run that did not happen leaves no empty report behind.
func (files reportFiles) discard() {
	for flag, r := range files {
		r.f.Close()
		if r.created {
			os.Remove(r.path)
		}
		delete(files, flag)
	}
}

func suiteNames() []string { return catalog().Names() }

// writeReport writes a report to path with write; an empty path writes
// nothing.
func writeReport(path string, write func(io.Writer) error) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
