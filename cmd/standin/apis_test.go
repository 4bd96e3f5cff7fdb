package main

import (
	"testing"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/contracts/contractstest"
	"github.com/standin/standin/mockserver/mockservertest"
)

// TestKit runs the test kit on every API in the list: its routes, hostile
// and bad input, spec-valid requests that must succeed, snapshots, every
// reply checked against its spec.
func TestKit(t *testing.T) {
	for _, a := range apis {
		t.Run(a.mock.Name, func(t *testing.T) {
			t.Parallel()
			mockservertest.Run(t, a.mock)
		})
	}
}

// TestScenariosPassAgainstTheMocks runs every API's conformance scenarios
// against its mock in process: all of them must pass.
func TestScenariosPassAgainstTheMocks(t *testing.T) {
	for _, a := range apis {
		t.Run(a.mock.Name, func(t *testing.T) {
			scenarios := a.scenarios()
			if len(scenarios) == 0 {
				t.Fatalf("%s has no scenarios", a.mock.Name)
			}
			contracts.RunT(t, contractstest.InProcess(t, a.mock, nil), scenarios...)
		})
	}
}

// TestScenariosCatchBrokenTargets runs every API's scenarios against
// targets broken in ways any suite must notice (every answer a 500, every
// answer 200 {}, no authentication): no scenario may pass whatever the
// target answers.
func TestScenariosCatchBrokenTargets(t *testing.T) {
	for _, a := range apis {
		t.Run(a.mock.Name, func(t *testing.T) {
			contractstest.RunBroken(t, a.mock, a.scenarios())
		})
	}
}
