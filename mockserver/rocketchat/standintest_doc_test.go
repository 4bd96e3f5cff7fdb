package rocketchat_test

import (
	"os"
	"strings"
	"testing"
)

// TestStandintestDocShowsTheExample: the usage example of package
// standintest's doc comment is TestStandintestExample's body, so that the
// example a reader copies is one that runs.
func TestStandintestDocShowsTheExample(t *testing.T) {
	src, err := os.ReadFile("standintest_example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../standintest/doc.go")
	if err != nil {
		t.Fatal(err)
	}
	const head = "func TestStandintestExample(t *testing.T) {\n"
	_, body, ok := strings.Cut(string(src), head)
	if !ok {
		t.Fatalf("standintest_example_test.go has no %q", head)
	}
	body, _, _ = strings.Cut(body, "\n}\n")
	var want strings.Builder
	for line := range strings.Lines(body + "\n}\n") {
		if line == "\n" {
			want.WriteString("//\n")
			continue
		}
		want.WriteString("//\t" + line)
	}
	if !strings.Contains(string(doc), want.String()) {
		t.Errorf("the example in mockserver/standintest/doc.go is not TestStandintestExample's body; the doc should hold, after its func line:\n%s", want.String())
	}
}
