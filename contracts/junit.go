package contracts

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// The JUnit XML schema as Jenkins, GitLab and GitHub reporters read it.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Time       string          `xml:"time,attr"`
		Properties []junitProperty `xml:"properties>property,omitempty"`
		Cases      []junitCase     `xml:"testcase"`
		SystemOut  *junitText      `xml:"system-out,omitempty"`
	}
	junitProperties struct {
		Property []junitProperty `xml:"property"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name       string           `xml:"name,attr"`
		Classname  string           `xml:"classname,attr"`
		Time       string           `xml:"time,attr"`
		Properties *junitProperties `xml:"properties,omitempty"` // nil writes no empty element
		Failure    *junitFailure    `xml:"failure,omitempty"`
		Skipped    *junitSkipped    `xml:"skipped,omitempty"`
		SystemOut  *junitText       `xml:"system-out,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",cdata"`
	}
	// junitText is multi-line text, kept readable in CDATA.
	junitText struct {
		Text string `xml:",cdata"`
	}
	junitSkipped struct {
		Message string `xml:"message,attr,omitempty"`
	}
)

// Failure types of the JUnit report.
const (
	junitAssertion = "assertion" // the scenario's own expectations
	junitContract  = "contract"  // responses that broke the spec
)

// WriteJUnit writes the report as JUnit XML: one <testsuite> per scenario,
// named "api/scenario", holding one <testcase> per step with classname
// "api.scenario". A failed step has a single <failure>, as most consumers
// expect, listing all its problems; its type is "contract" if a response
// broke the spec, which usually explains any failed assertion, else
// "assertion".
func (r *Report) WriteJUnit(w io.Writer) error {
	out := junitSuites{Name: r.Target, Time: seconds(r.Duration)}
	for _, sc := range r.Scenarios {
		suite := junitSuite{
			Name:       sc.API + "/" + sc.Name,
			Time:       seconds(sc.Duration),
			Properties: []junitProperty{{Name: "target", Value: r.Target}},
			SystemOut:  junitLines(sc.Logs),
		}
		for _, st := range sc.Steps {
			tc := junitCase{
				Name:      st.Name,
				Classname: sc.API + "." + sc.Name,
				Time:      seconds(st.Duration),
				SystemOut: junitLines(st.Logs),
			}
			switch st.Status {
			case Failed:
				suite.Failures++
				tc.Failure = junitFailureOf(st)
				tc.Properties = junitViolationProperties(st.Violations)
			case Skipped:
				suite.Skipped++
				tc.Skipped = &junitSkipped{Message: st.SkipReason}
			}
			suite.Tests++
			suite.Cases = append(suite.Cases, tc)
		}
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Skipped += suite.Skipped
		out.Suites = append(out.Suites, suite)
	}
	if r.Interrupted != "" {
		// An interrupted run is not a pass even if nothing failed: say so
		// where every consumer will look.
		out.Errors++
		out.Tests++
		out.Suites = append(out.Suites, junitSuite{
			Name: "run", Tests: 1, Errors: 1, Time: seconds(0),
			Cases: []junitCase{{
				Name: "complete", Classname: "run", Time: seconds(0),
				Failure: &junitFailure{Message: "interrupted: " + r.Interrupted, Type: "interrupted"},
			}},
		})
	}

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("contracts: write JUnit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("contracts: write JUnit report: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("contracts: write JUnit report: %w", err)
	}
	return nil
}

func junitFailureOf(st StepResult) *junitFailure {
	text := strings.Join(st.problems(), "\n\n")
	if st.Response != nil {
		text += "\n\nresponse: " + st.Response.String()
	}
	f := &junitFailure{Type: junitAssertion, Text: xmlSafe(text)}
	switch {
	case len(st.Violations) > 0:
		f.Type = junitContract
		f.Message = st.Violations[0].String()
	case len(st.Failures) > 0:
		f.Message = firstLine(st.Failures[0])
	}
	f.Message = clip(f.Message, maxLineLen)
	return f
}

// junitViolationProperties lists, for each violation in order, a property
// "rule" and, when the violation points into the body, a property
// "pointer" after it, so that consumers can group failures by them.
func junitViolationProperties(vs []Violation) *junitProperties {
	if len(vs) == 0 {
		return nil
	}
	out := &junitProperties{}
	for _, v := range vs {
		out.Property = append(out.Property, junitProperty{Name: "rule", Value: cmp.Or(v.Rule, "other")})
		if v.Pointer != "" {
			out.Property = append(out.Property, junitProperty{Name: "pointer", Value: xmlSafe(v.Pointer)})
		}
	}
	return out
}

func junitLines(lines []string) *junitText {
	if len(lines) == 0 {
		return nil
	}
	return &junitText{Text: xmlSafe(strings.Join(lines, "\n"))}
}

// xmlSafe replaces the characters XML 1.0 forbids, which encoding/xml
// would write unchanged into CDATA, with U+FFFD.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t', r == '\n', r == '\r',
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}

// seconds formats d as JUnit wants times: seconds with a decimal point.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}
