package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/standin/standin/fixtures"
)

// TestFixturesListMentionsScale: --list cannot list the scale:N sets (one
// for each N), so it names them beside the table, on stderr (stdout stays
// the table), with their bounds; the help of fixtures and serve name them
// too, and the example given is a data set fixtures accepts.
func TestFixturesListMentionsScale(t *testing.T) {
	stdout, stderr, err := runCmd(t, "fixtures", "--list")
	if err != nil {
		t.Fatalf("fixtures --list = %v (%s)", err, stderr)
	}
	if strings.Contains(stdout, "scale:") {
		t.Errorf("stdout holds the note, not only the table: %q", stdout)
	}
	for _, want := range []string{"scale:N", "N users", "N/100 rooms", "min(N, " + strconv.Itoa(fixtures.ScaleBigRoom) + ")",
		"from 1 to " + strconv.Itoa(fixtures.ScaleMax)} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the note on stderr does not say %q: %q", want, stderr)
		}
	}
	_, example, ok := strings.Cut(stderr, "--data-set ")
	if !ok {
		t.Fatalf("the note gives no example: %q", stderr)
	}
	example = strings.TrimRight(strings.Fields(example)[0], ".")
	if _, err := fixtures.Lookup(example); err != nil {
		t.Errorf("the note's example %q: %v", example, err)
	}

	help, _, _ := runCmd(t, "fixtures", "-h")
	if !strings.Contains(help, scaleNote) {
		t.Errorf("fixtures -h does not describe scale:N: %q", help)
	}
	help, _, _ = runCmd(t, "serve", "-h")
	if !strings.Contains(help, "scale:N") {
		t.Errorf("serve -h does not name scale:N: %q", help)
	}
}

// TestDefaultConfigDocumentsScale: the dataSet key's comment in the
// documented default configuration (serve --print-config) names scale:N
// and its bounds.
func TestDefaultConfigDocumentsScale(t *testing.T) {
	doc, stderr, err := runCmd(t, "serve", "--print-config")
	if err != nil {
		t.Fatalf("serve --print-config = %v (%s)", err, stderr)
	}
	_, after, ok := strings.Cut(doc, "#   dataSet")
	if !ok {
		t.Fatal("the default configuration does not document dataSet")
	}
	comment, _, _ := strings.Cut(after, "#   seed")
	for _, want := range []string{"scale:N", "N users", "N/100 rooms", "min(N, 10,000) members", "1 to 10,000,000"} {
		if !strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(comment, "#", "")), " "), want) {
			t.Errorf("dataSet's comment does not say %q:\n%s", want, comment)
		}
	}
}
