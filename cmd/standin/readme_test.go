package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// tableAfter returns the rows of the Markdown table that follows the line
// marker in text, without its header and separator rows.
func tableAfter(t *testing.T, text, marker string) []string {
	t.Helper()
	_, rest, ok := strings.Cut(text, marker)
	if !ok {
		t.Fatalf("README has no %q", marker)
	}
	var rows []string
	for _, line := range strings.Split(rest, "\n")[1:] {
		if !strings.HasPrefix(line, "|") {
			break
		}
		rows = append(rows, line)
	}
	if len(rows) < 2 {
		t.Fatalf("README has no table after %q", marker)
	}
	return rows[2:]
}

// The README's API table and scenario tables say what the API list says:
// every API, in order, with its base URL and default credentials, and
// every scenario of each.
func TestREADMEMatchesTheAPIList(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)

	var want []string
	for _, a := range apis {
		var creds []string
		for _, c := range a.mock.Credentials(a.mock.DefaultOptions()) {
			creds = append(creds, fmt.Sprintf("`%s` %s", c.Key, c.Value))
		}
		want = append(want, fmt.Sprintf("| %s | `%s` | `http://127.0.0.1:8080%s` | %s |", a.mock.Title, a.mock.Name, a.mock.Prefix, strings.Join(creds, ", ")))
	}
	if got := tableAfter(t, readme, "<!-- apis:"); !slices.Equal(got, want) {
		t.Errorf("README's API table:\n%s\nwant, from the API list:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	for _, a := range apis {
		var names []string
		for _, row := range tableAfter(t, readme, "<!-- scenarios:"+a.mock.Name+" -->") {
			cell := strings.TrimSpace(strings.Split(row, "|")[1])
			names = append(names, strings.Trim(cell, "`"))
		}
		var want []string
		for _, sc := range a.scenarios() {
			want = append(want, sc.Name)
		}
		if !slices.Equal(names, want) {
			t.Errorf("README's %s scenarios %v, want %v", a.mock.Name, names, want)
		}
	}
}
