package smartlink_test

import (
	"testing"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/contracts/contractstest"
	"github.com/standin/standin/contracts/smartlink"
	mock "github.com/standin/standin/mockserver/smartlink"
)

// TestScenarios runs every scenario against the mock, for quick runs of
// this package (cmd/standin runs those of every API).
func TestScenarios(t *testing.T) {
	contracts.RunT(t, contractstest.InProcess(t, mock.Mock, nil), smartlink.Scenarios()...)
}
