package openapi_test

import (
	"regexp"
	"testing"

	"github.com/standin/standin/openapi"
)

// decision is how the specs word a behaviour taken where the public
// sources are silent.
var decision = regexp.MustCompile(`(?i)decisions? \(|\(inferred\)`)

// TestInferredOperationsAreMarked: an operation whose description records
// a decision carries x-inferred: true, and one that carries the mark says
// what was decided, so tools can list the inferred behaviour.
func TestInferredOperationsAreMarked(t *testing.T) {
	for _, name := range openapi.Names() {
		doc, err := openapi.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		marked := 0
		for _, op := range openapi.Operations(doc) {
			flag, _ := op.Op.Extensions["x-inferred"].(bool)
			says := decision.MatchString(op.Op.Description)
			switch {
			case says && !flag:
				t.Errorf("%s %s %s: its description records a decision but it lacks x-inferred: true", name, op.Method, op.Path)
			case flag && !says:
				t.Errorf("%s %s %s: x-inferred: true but its description says nothing of the decision", name, op.Method, op.Path)
			}
			if flag {
				marked++
			}
		}
		if marked == 0 {
			t.Errorf("%s: no operation is marked x-inferred", name)
		}
	}
}
