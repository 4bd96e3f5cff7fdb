package contracts

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gavv/httpexpect/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenReport runs a fixed mix of passing, failing and skipped steps and
// returns its report with times zeroed.
func goldenReport(t *testing.T) *Report {
	t.Helper()
	spec := petsSpec(t)
	scenarios := []Scenario{
		adopt(t),
		{
			API: "pets", Name: "release-unknown", Spec: spec,
			Doc: "Deleting a pet that does not exist is a declared error.",
			Run: func(s *S) {
				s.Step("delete unknown pet", func(e *httpexpect.Expect) {
					e.DELETE("/pets/999").Expect().Status(http.StatusNoContent)
				})
				s.Step("confirm", func(e *httpexpect.Expect) {
					e.GET("/pets/999").Expect().Status(http.StatusNotFound)
				})
			},
		},
		{
			API: "pets", Name: "wrong-name", Spec: spec,
			Run: func(s *S) {
				s.Step("fetch", func(e *httpexpect.Expect) {
					e.GET("/pets/1").Expect().Status(http.StatusOK).
						JSON().Object().Value("name").String().IsEqual("Fido")
				})
			},
		},
		{
			API: "pets", Name: "needs-token", Spec: spec,
			Run: func(s *S) {
				s.Logf("needs a token")
				token := s.Credential("token")
				s.Step("fetch with token", func(e *httpexpect.Expect) {
					e.GET("/pets/1").WithHeader("Authorization", "Bearer "+token).Expect()
				})
			},
		},
	}
	return normalize(Run(t.Context(), petsTarget(faultNone), scenarios...))
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./contracts/ -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (-update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestGolden(t *testing.T) {
	r := goldenReport(t)
	tests := []struct {
		file  string
		write func(w *bytes.Buffer) error
	}{
		{"report.txt", func(w *bytes.Buffer) error { return r.WriteText(w, false) }},
		{"report-verbose.txt", func(w *bytes.Buffer) error { return r.WriteText(w, true) }},
		{"report.json", func(w *bytes.Buffer) error { return r.WriteJSON(w) }},
		{"report.xml", func(w *bytes.Buffer) error { return r.WriteJUnit(w) }},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.write(&buf); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.file, buf.Bytes())
		})
	}
}

func TestWriteTextSummary(t *testing.T) {
	r := goldenReport(t)
	for _, verbose := range []bool{false, true} {
		var buf bytes.Buffer
		if err := r.WriteText(&buf, verbose); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		if last := lines[len(lines)-1]; last != "4 passed, 3 failed, 2 skipped" {
			t.Errorf("verbose=%v: last line = %q", verbose, last)
		}
	}
}

func TestWriteJSONRoundTrip(t *testing.T) {
	r := goldenReport(t)
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Report
		Summary jsonSummary `json:"summary"`
	}
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := back.Report.WriteJSON(&again); err != nil {
		t.Fatal(err)
	}
	if again.String() != buf.String() {
		t.Errorf("JSON does not round-trip:\n%s\n%s", buf.String(), again.String())
	}
	if want := (jsonSummary{Passed: 4, Failed: 3, Skipped: 2}); back.Summary != want {
		t.Errorf("summary = %+v, want %+v", back.Summary, want)
	}
}

// The JUnit schema as a consumer reads it, declared apart from the
// writer's types so that a mistake in those is not mirrored here.
type parsedSuites struct {
	XMLName  xml.Name      `xml:"testsuites"`
	Tests    int           `xml:"tests,attr"`
	Failures int           `xml:"failures,attr"`
	Errors   int           `xml:"errors,attr"`
	Skipped  int           `xml:"skipped,attr"`
	Time     float64       `xml:"time,attr"`
	Suites   []parsedSuite `xml:"testsuite"`
}

type parsedSuite struct {
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     float64      `xml:"time,attr"`
	Cases    []parsedCase `xml:"testcase"`
}

type parsedCase struct {
	Name      string  `xml:"name,attr"`
	Classname string  `xml:"classname,attr"`
	Time      float64 `xml:"time,attr"`
	Failures  []struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	} `xml:"failure"`
	Skipped []struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
}

func parseJUnit(t *testing.T, r *Report) parsedSuites {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	var ps parsedSuites
	if err := xml.Unmarshal(buf.Bytes(), &ps); err != nil {
		t.Fatalf("JUnit output does not parse: %v\n%s", err, buf.String())
	}
	// Counts must agree at every level.
	var tests, failures, errs, skipped int
	for _, s := range ps.Suites {
		var f, sk int
		for _, c := range s.Cases {
			if len(c.Failures) > 1 || len(c.Skipped) > 1 || (len(c.Failures) > 0 && len(c.Skipped) > 0) {
				t.Errorf("testcase %s/%s has %d failures and %d skipped", s.Name, c.Name, len(c.Failures), len(c.Skipped))
			}
			if len(c.Failures) > 0 && c.Failures[0].Type != "interrupted" {
				f++
			}
			sk += len(c.Skipped)
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Skipped != sk {
			t.Errorf("suite %s: tests=%d failures=%d skipped=%d; has %d cases, %d failed, %d skipped",
				s.Name, s.Tests, s.Failures, s.Skipped, len(s.Cases), f, sk)
		}
		tests += s.Tests
		failures += s.Failures
		errs += s.Errors
		skipped += s.Skipped
	}
	if ps.Tests != tests || ps.Failures != failures || ps.Errors != errs || ps.Skipped != skipped {
		t.Errorf("testsuites: tests=%d failures=%d errors=%d skipped=%d; suites sum to %d, %d, %d, %d",
			ps.Tests, ps.Failures, ps.Errors, ps.Skipped, tests, failures, errs, skipped)
	}
	return ps
}

func TestWriteJUnit(t *testing.T) {
	r := goldenReport(t)
	ps := parseJUnit(t, r)
	if len(ps.Suites) != len(r.Scenarios) {
		t.Fatalf("%d suites for %d scenarios", len(ps.Suites), len(r.Scenarios))
	}
	passed, failed, skipped := r.Counts()
	if ps.Tests != passed+failed+skipped || ps.Failures != failed || ps.Skipped != skipped || ps.Errors != 0 {
		t.Errorf("totals %d/%d/%d/%d, want %d/%d/%d/0", ps.Tests, ps.Failures, ps.Skipped, ps.Errors, passed+failed+skipped, failed, skipped)
	}
	for i, sc := range r.Scenarios {
		s := ps.Suites[i]
		if want := sc.API + "/" + sc.Name; s.Name != want {
			t.Errorf("suite name %q, want %q", s.Name, want)
		}
		for j, st := range sc.Steps {
			c := s.Cases[j]
			if c.Name != st.Name || c.Classname != sc.API+"."+sc.Name {
				t.Errorf("case %q (%s), want %q (%s.%s)", c.Name, c.Classname, st.Name, sc.API, sc.Name)
			}
			wantType := ""
			switch {
			case len(st.Violations) > 0:
				wantType = "contract"
			case len(st.Failures) > 0:
				wantType = "assertion"
			}
			if gotType := ""; len(c.Failures) > 0 {
				gotType = c.Failures[0].Type
				if gotType != wantType || c.Failures[0].Message == "" {
					t.Errorf("case %q: failure type %q message %q, want type %q", c.Name, gotType, c.Failures[0].Message, wantType)
				}
			} else if wantType != "" {
				t.Errorf("case %q: no <failure>, want one of type %q", c.Name, wantType)
			}
			if (st.Status == Skipped) != (len(c.Skipped) == 1) {
				t.Errorf("case %q: status %s but %d <skipped>", c.Name, st.Status, len(c.Skipped))
			}
		}
	}
}

func TestWriteJUnitInterrupted(t *testing.T) {
	r := &Report{Target: "t", Interrupted: "context canceled", Scenarios: []ScenarioResult{{
		API: "pets", Name: "x", Steps: []StepResult{{Name: "a", Status: Skipped, SkipReason: "run interrupted"}},
	}}}
	ps := parseJUnit(t, r)
	if ps.Errors != 1 {
		t.Errorf("an interrupted run has %d errors, want 1", ps.Errors)
	}
}

// errWriter fails every write.
type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWritersReportErrors(t *testing.T) {
	r := goldenReport(t)
	writers := map[string]func() error{
		"text":  func() error { return r.WriteText(errWriter{}, true) },
		"json":  func() error { return r.WriteJSON(errWriter{}) },
		"junit": func() error { return r.WriteJUnit(errWriter{}) },
	}
	for name, write := range writers {
		if err := write(); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: err = %v, want the writer's error", name, err)
		}
	}
}

// runTChildEnv marks the go test process that TestRunT starts to run
// TestRunTChild for real.
const runTChildEnv = "CONTRACTS_RUNT_CHILD"

// TestRunTChild is run by TestRunT in a child process, where its failures
// are the expected outcome.
func TestRunTChild(t *testing.T) {
	if os.Getenv(runTChildEnv) != "1" {
		t.Skip("run by TestRunT")
	}
	RunT(t, petsTarget(faultUndeclaredStatus), adopt(t), fetchRex(t))
}

func TestRunT(t *testing.T) {
	RunT(t, petsTarget(faultNone), adopt(t))

	if testing.Short() {
		t.Skip("starts a child go test process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunTChild$", "-test.v")
	cmd.Env = append(os.Environ(), runTChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("child run: err = %v, want a failing exit\n%s", err, out)
	}
	for _, want := range []string{
		"--- PASS: TestRunTChild/adopt/create",
		"--- FAIL: TestRunTChild/adopt/fetch",
		"--- SKIP: TestRunTChild/adopt/delete",
		"--- FAIL: TestRunTChild/fetch-rex/fetch",
		"contract: GET /pets/1 -> 418 (getPet): status is not declared for this operation",
		"--- SKIP: TestRunTChild/fetch-rex/after",
		`step "fetch" failed`,
		"created pet 2",
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

func TestWriteJUnitAwkwardText(t *testing.T) {
	awkward := "a ]]> b\x00c\x1bd <e> & \"f\"\nline two"
	r := &Report{Target: "t", Scenarios: []ScenarioResult{{
		API: "pets", Name: "x", Logs: []string{awkward},
		Steps: []StepResult{{Name: "a", Status: Failed, Failures: []string{awkward}, Logs: []string{awkward}}},
	}}}
	ps := parseJUnit(t, r)
	f := ps.Suites[0].Cases[0].Failures
	if len(f) != 1 {
		t.Fatalf("got %d failures, want 1", len(f))
	}
	want := "a ]]> b\uFFFDc\uFFFDd <e> & \"f\"\nline two"
	if f[0].Text != want {
		t.Errorf("failure text = %q, want %q", f[0].Text, want)
	}
	if f[0].Message != "a ]]> b\uFFFDc\uFFFDd <e> & \"f\"" {
		t.Errorf("failure message = %q", f[0].Message)
	}
}

// TestReportsCarryPointerAndRule checks that the JSON and JUnit reports
// give each violation's pointer and rule, and the text report counts the
// violations by rule.
func TestReportsCarryPointerAndRule(t *testing.T) {
	sc := Scenario{API: "pets", Name: "fetch", Spec: petsSpec(t), Run: func(s *S) {
		s.Step("fetch", func(e *httpexpect.Expect) { e.GET("/pets/1").Expect() })
	}}
	r := normalize(Run(t.Context(), petsTarget(faultMissingField), sc))

	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Scenarios []struct {
			Steps []struct {
				Violations []map[string]any `json:"violations"`
			} `json:"steps"`
		} `json:"scenarios"`
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if vs := back.Scenarios[0].Steps[0].Violations; len(vs) != 1 || vs[0]["pointer"] != "/name" || vs[0]["rule"] != "required" {
		t.Errorf("JSON violations = %v, want one with pointer /name and rule required", vs)
	}

	var xb bytes.Buffer
	if err := r.WriteJUnit(&xb); err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Suites []struct {
			Cases []struct {
				Properties []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:"value,attr"`
				} `xml:"properties>property"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(xb.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	var props []string
	for _, p := range suites.Suites[0].Cases[0].Properties {
		props = append(props, p.Name+"="+p.Value)
	}
	if want := []string{"rule=required", "pointer=/name"}; !slices.Equal(props, want) {
		t.Errorf("JUnit testcase properties = %q, want %q", props, want)
	}

	var tb bytes.Buffer
	if err := r.WriteText(&tb, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tb.String(), "\ncontract violations by rule: required 1\n") {
		t.Errorf("text report does not count violations by rule:\n%s", tb.String())
	}
}

// camelKey is the style of every JSON key the reports write: camelCase,
// with durations as integer nanoseconds under keys ending in "Ns".
var camelKey = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)

// jsonKeys calls f with every object key in v, at any depth.
func jsonKeys(v any, f func(key string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			f(k)
			jsonKeys(e, f)
		}
	case []any:
		for _, e := range v {
			jsonKeys(e, f)
		}
	}
}

func TestWriteJSONKeysAreCamelCase(t *testing.T) {
	r := goldenReport(t)
	r.Scenarios[1].Steps[0].Violations[0].Pointer = "/x" // every optional field set somewhere
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	jsonKeys(v, func(k string) {
		seen[k] = true
		if !camelKey.MatchString(k) {
			t.Errorf("JSON key %q is not camelCase", k)
		}
	})
	for _, k := range []string{"durationNs", "skipReason", "pointer", "rule"} {
		if !seen[k] {
			t.Errorf("JSON report has no key %q", k)
		}
	}
}
