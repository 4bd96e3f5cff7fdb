package rocketchat_test

import (
	"context"
	"testing"

	"github.com/standin/standin/contracts/contractstest"
	"github.com/standin/standin/contracts/load"
	"github.com/standin/standin/contracts/rocketchat"
	mock "github.com/standin/standin/mockserver/rocketchat"
)

// TestLoadWorkload runs a short, count-bounded load against the in-process
// mock: every request of every operation must succeed.
func TestLoadWorkload(t *testing.T) {
	target := contractstest.InProcess(t, mock.Mock, nil)
	rep, err := load.Run(context.Background(), target, rocketchat.Load{}, load.Options{Workers: 4, Requests: 400})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests != 400 || rep.Errors != 0 {
		t.Fatalf("want 400 requests and no error, got %d and %d: %+v", rep.Requests, rep.Errors, rep.Operations)
	}
	for _, o := range rep.Operations {
		if o.Statuses[200] != o.Requests {
			t.Errorf("%s: every answer should be 200, got %v", o.Name, o.Statuses)
		}
	}
	if len(rep.Operations) != 7 {
		t.Errorf("the workload has 7 operations, the report %d", len(rep.Operations))
	}
}
