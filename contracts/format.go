package contracts

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gavv/httpexpect/v2"
)

// Limits that keep failure messages readable: httpexpect prints whole
// values and diffs, which for a chat API's message list can run to pages.
const (
	maxLineLen      = 200 // characters per line
	maxMessageLines = 16  // lines per failure message
)

// failureFormatter renders httpexpect assertion failures without colours,
// names or dumps of the request and response: the step already names the
// request on the first line, and the dumps would dwarf the expectation.
var failureFormatter = &httpexpect.DefaultFormatter{
	DisableNames:     true,
	DisableAliases:   true,
	DisableRequests:  true,
	DisableResponses: true,
	ColorMode:        httpexpect.ColorModeNever,
	StacktraceMode:   httpexpect.StacktraceModeDisabled,
	LineWidth:        -1,
}

// formatFailure renders one failed assertion as "METHOD /path: what
// failed" followed by httpexpect's expected/actual lines, trimmed.
func formatFailure(ctx *httpexpect.AssertionContext, f *httpexpect.AssertionFailure, request string) string {
	msg := strings.TrimSpace(failureFormatter.FormatFailure(ctx, f))
	if msg == "" {
		msg = "assertion failed: " + f.Type.String()
	}
	if request != "" {
		msg = request + ": " + msg
	}
	return trimMessage(msg)
}

// trimMessage drops blank lines and caps the number and length of the
// others.
func trimMessage(msg string) string {
	var lines []string
	for _, l := range strings.Split(msg, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	var more int
	if len(lines) > maxMessageLines {
		more = len(lines) - maxMessageLines
		lines = lines[:maxMessageLines]
	}
	for i, l := range lines {
		lines[i] = clip(strings.TrimRight(l, " \t"), maxLineLen)
	}
	if more > 0 {
		lines = append(lines, fmt.Sprintf("... (%d more lines)", more))
	}
	return strings.Join(lines, "\n")
}

// clip shortens s to at most n characters, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-3]) + "..."
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
