package contracts

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Status is the outcome of a step.
type Status string

// The outcomes of a step.
const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Skipped Status = "skipped"
)

// Report is the outcome of one run of scenarios against a target.
type Report struct {
	Target   string        `json:"target"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"durationNs"`
	// Interrupted is why the run was cut short (its context's cause), or
	// empty if it ran to the end.
	Interrupted string           `json:"interrupted,omitempty"`
	Scenarios   []ScenarioResult `json:"scenarios"`
}

// ScenarioResult is the outcome of one scenario.
type ScenarioResult struct {
	API      string        `json:"api"`
	Name     string        `json:"name"`
	Doc      string        `json:"doc,omitempty"`
	Steps    []StepResult  `json:"steps"`
	Logs     []string      `json:"logs,omitempty"` // logged outside steps
	Duration time.Duration `json:"durationNs"`
}

// StepResult is the outcome of one step. Failures raised by a scenario
// outside its steps are reported as a failed step named "(scenario)".
type StepResult struct {
	Name       string        `json:"name"`
	Status     Status        `json:"status"`
	SkipReason string        `json:"skipReason,omitempty"`
	Failures   []string      `json:"failures,omitempty"`   // failed assertions, panics, Fail calls
	Violations []Violation   `json:"violations,omitempty"` // responses that broke the spec
	Logs       []string      `json:"logs,omitempty"`
	Requests   int           `json:"requests"`
	Duration   time.Duration `json:"durationNs"`
	// Response is the start of the last response a failed step got (nil
	// for other steps, and for a step that got none), to show what the
	// target said.
	Response *Response `json:"response,omitempty"`
}

// Response is what a report keeps of an answer: the request it answered,
// its status and content type, and its body cut at 1 KiB.
type Response struct {
	Request     string `json:"request"` // "METHOD /path", the path relative to the API root
	Status      int    `json:"status"`
	ContentType string `json:"contentType,omitempty"`
	// Body is the start of the body as text; empty when the body is not
	// UTF-8 text.
	Body string `json:"body"`
	// Size is the length of the whole body in bytes, as far as it was
	// read; more than len(Body) when the body was cut.
	Size int `json:"size"`
}

// String renders r as a report shows it: "200 application/json to POST
// /path" and, below, the body, with a note when it was cut.
func (r *Response) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", r.Status)
	if r.ContentType != "" {
		fmt.Fprintf(&b, " %s", r.ContentType)
	}
	fmt.Fprintf(&b, " to %s", r.Request)
	switch {
	case r.Size == 0:
		b.WriteString(", empty body")
	case r.Body == "":
		fmt.Fprintf(&b, ", %s of body that is not text", plural(r.Size, "byte"))
	default:
		b.WriteString(":\n")
		b.WriteString(printable(strings.TrimRight(strings.ReplaceAll(r.Body, "\r\n", "\n"), "\r\n")))
		if r.Size > len(r.Body) {
			fmt.Fprintf(&b, "\n... (cut: first %d of %s)", len(r.Body), plural(r.Size, "byte"))
		}
	}
	return b.String()
}

// problems lists the step's failures, then its violations, one message
// each; violations are marked "contract:".
func (r StepResult) problems() []string {
	out := make([]string, 0, len(r.Failures)+len(r.Violations))
	out = append(out, r.Failures...)
	for _, v := range r.Violations {
		out = append(out, "contract: "+v.String())
	}
	return out
}

// Counts returns how many steps passed, failed and were skipped.
func (r *Report) Counts() (passed, failed, skipped int) {
	for _, sc := range r.Scenarios {
		for _, st := range sc.Steps {
			switch st.Status {
			case Passed:
				passed++
			case Failed:
				failed++
			case Skipped:
				skipped++
			}
		}
	}
	return passed, failed, skipped
}

// Passed reports whether the run was complete and no step failed. Steps
// skipped after a failure do not count, as that failure already does.
func (r *Report) Passed() bool {
	_, failed, _ := r.Counts()
	return failed == 0 && r.Interrupted == ""
}

// printable replaces control characters but newlines and tabs, which a
// body could use to rewrite a terminal, with U+FFFD.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return '\uFFFD'
	}, s)
}

// Marks at the start of each step line of the text report.
var statusMarks = map[Status]string{Passed: "✓", Failed: "✗", Skipped: "-"}

// WriteText writes a report for people: each scenario with one line per
// step, the problems of failed steps indented below it with the start of
// the last response they got, and a last line "N passed, N failed, N
// skipped". verbose adds scenario docs, logs, request counts and
// durations. It writes what a TextWriter writes as the run goes.
func (r *Report) WriteText(w io.Writer, verbose bool) error {
	tw := NewTextWriter(w, verbose)
	tw.Start(r.Target)
	for _, sc := range r.Scenarios {
		tw.Scenario(sc)
	}
	return tw.End(r)
}

// TextWriter writes the text report of a run as it goes: Start before the
// first scenario, Scenario as each one ends (see RunOptions.OnScenario),
// End with the whole report. Together they write what Report.WriteText
// writes. It keeps the first write error, which End returns.
type TextWriter struct {
	tw      textWriter
	verbose bool
}

// NewTextWriter returns a TextWriter writing to w; verbose is as for
// Report.WriteText.
func NewTextWriter(w io.Writer, verbose bool) *TextWriter {
	return &TextWriter{tw: textWriter{w: w}, verbose: verbose}
}

// Start writes the report's first line, naming the target.
func (t *TextWriter) Start(target string) {
	t.tw.printf("target: %s\n", target)
}

// Scenario writes one scenario's heading and steps.
func (t *TextWriter) Scenario(sc ScenarioResult) {
	tw, verbose := &t.tw, t.verbose
	tw.printf("\n%s/%s\n", sc.API, sc.Name)
	if verbose && sc.Doc != "" {
		tw.indent("    ", sc.Doc)
	}
	if verbose {
		for _, l := range sc.Logs {
			tw.indent("    log: ", l)
		}
	}
	for _, st := range sc.Steps {
		mark := statusMarks[st.Status]
		if mark == "" {
			mark = "?"
		}
		tw.printf("  %s %s", mark, st.Name)
		switch {
		case st.Status == Skipped && st.SkipReason != "":
			tw.printf(" (skipped: %s)", st.SkipReason)
		case verbose && st.Status != Skipped && st.Name != outsideSteps:
			tw.printf(" (%s, %s)", plural(st.Requests, "request"), st.Duration.Round(time.Millisecond))
		}
		tw.printf("\n")
		for _, p := range st.problems() {
			tw.indent("      ", p)
		}
		if st.Response != nil {
			tw.indent("      response: ", st.Response.String())
		}
		if verbose {
			for _, l := range st.Logs {
				tw.indent("      log: ", l)
			}
		}
	}
}

// End writes the summary of r: how long it took (verbose), whether it was
// interrupted, the contract violations by rule and the counts. It returns
// the first error of any write.
func (t *TextWriter) End(r *Report) error {
	tw := &t.tw
	tw.printf("\n")
	if t.verbose {
		tw.printf("took %s\n", r.Duration.Round(time.Millisecond))
	}
	if r.Interrupted != "" {
		tw.printf("interrupted: %s\n", r.Interrupted)
	}
	if rules := r.violationRules(); rules != "" {
		tw.printf("contract violations by rule: %s\n", rules)
	}
	passed, failed, skipped := r.Counts()
	tw.printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if tw.err != nil {
		return fmt.Errorf("contracts: write text report: %w", tw.err)
	}
	return nil
}

// violationRules counts the violations of the run by rule, most often
// broken first: "type 3, required 1, status 1"; "" if there are none.
// Violations without a rule count as "other".
func (r *Report) violationRules() string {
	counts := map[string]int{}
	for _, sc := range r.Scenarios {
		for _, st := range sc.Steps {
			for _, v := range st.Violations {
				counts[cmp.Or(v.Rule, "other")]++
			}
		}
	}
	rules := slices.SortedFunc(maps.Keys(counts), func(a, b string) int {
		return cmp.Or(counts[b]-counts[a], strings.Compare(a, b))
	})
	parts := make([]string, len(rules))
	for i, rule := range rules {
		parts[i] = fmt.Sprintf("%s %d", rule, counts[rule])
	}
	return strings.Join(parts, ", ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// textWriter writes until the first error and keeps it.
type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

// indent writes text with the first line after lead and later lines
// aligned under it.
func (t *textWriter) indent(lead, text string) {
	pad := strings.Repeat(" ", len([]rune(lead)))
	for i, line := range strings.Split(text, "\n") {
		if i == 0 {
			t.printf("%s%s\n", lead, line)
		} else {
			t.printf("%s%s\n", pad, line)
		}
	}
}

// jsonSummary is added to the JSON report so that scripts need not count.
type jsonSummary struct {
	Passed  int  `json:"passed"`
	Failed  int  `json:"failed"`
	Skipped int  `json:"skipped"`
	OK      bool `json:"ok"`
}

// WriteJSON writes the report as indented JSON, with a "summary" object
// holding the counts and whether the run passed. Durations are in
// nanoseconds.
func (r *Report) WriteJSON(w io.Writer) error {
	passed, failed, skipped := r.Counts()
	out := struct {
		*Report
		Summary jsonSummary `json:"summary"`
	}{r, jsonSummary{passed, failed, skipped, r.Passed()}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("contracts: write JSON report: %w", err)
	}
	return nil
}
