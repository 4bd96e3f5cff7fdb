package rocketchat_test

import (
	"testing"

	"github.com/standin/standin/contracts/contractstest"
	"github.com/standin/standin/contracts/rocketchat"
	mock "github.com/standin/standin/mockserver/rocketchat"
)

// TestLoadWorkload runs a short, count-bounded load against the in-process
// mock: every request of every operation must succeed.
func TestLoadWorkload(t *testing.T) {
	contractstest.RunLoad(t, mock.Mock, rocketchat.Load{}, 400, 200, 7)
}
