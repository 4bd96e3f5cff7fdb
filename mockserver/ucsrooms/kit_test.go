package ucsrooms_test

import (
	"testing"

	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/mockserver/ucsrooms"
)

// TestKit runs the core's test kit on the fake alone, for quick runs of
// this package (cmd/standin runs it on every API of the list).
func TestKit(t *testing.T) {
	mockservertest.Run(t, ucsrooms.Mock)
}
