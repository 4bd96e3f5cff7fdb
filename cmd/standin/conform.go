package main

import (
	"context"
	"flag"
	"fmt"
	"io"
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
Every response is also checked against the API's spec. Exits 0 only if every
step passed, 1 if any failed, 2 on a usage error.

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

func conform(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("conform", conformSynopsis+credentialsHelp(), stderr)
	target := fs.String("target", "", "base URL of the API, e.g. http://127.0.0.1:8080/rocketchat (required)")
	api := fs.String("api", "", "API to test: "+strings.Join(suiteNames(), ", ")+" (required)")
	junit := fs.String("junit", "", "also write a JUnit XML report to this file")
	jsonOut := fs.String("json", "", "also write a JSON report to this file")
	run := fs.String("run", "", "run only scenarios whose name matches this regular expression")
	namespace := fs.String("namespace", "", "send "+mockserver.NamespaceHeader+" with this value (isolates runs on a standin mock)")
	verbose := fs.Bool("v", false, "verbose: show every step's log lines")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long")
	creds := credFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !checkTarget(*api, *target, stderr) {
		return exitCode(2)
	}
	suite, _ := lookup(*api)
	scenarios := suite.scenarios()
	if *run != "" {
		re, err := regexp.Compile(*run)
		if err != nil {
			fmt.Fprintf(stderr, "--run: %v\n", err)
			return exitCode(2)
		}
		scenarios = slices.DeleteFunc(scenarios, func(sc contracts.Scenario) bool { return !re.MatchString(sc.Name) })
		if len(scenarios) == 0 {
			fmt.Fprintf(stderr, "--run %q matches no scenario\n", *run)
			return exitCode(2)
		}
	}
	t := newTarget(*target, *namespace, creds, suite.defaultCredentials())

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	report := contracts.Run(ctx, t, scenarios...)
	if err := report.WriteText(stdout, *verbose); err != nil {
		return err
	}
	if err := writeReport(*junit, report.WriteJUnit); err != nil {
		return err
	}
	if err := writeReport(*jsonOut, report.WriteJSON); err != nil {
		return err
	}
	if !report.Passed() {
		return exitCode(1)
	}
	return nil
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

// checkTarget checks --api and --target, printing what is wrong.
func checkTarget(api, target string, stderr io.Writer) bool {
	if _, ok := lookup(api); !ok {
		fmt.Fprintf(stderr, "--api must be one of %s, got %q\n", strings.Join(suiteNames(), ", "), api)
		return false
	}
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fmt.Fprintf(stderr, "--target must be an http(s) URL such as http://127.0.0.1:8080/%s, got %q\n", api, target)
		return false
	}
	return true
}

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

func suiteNames() []string { return catalog().Names() }
