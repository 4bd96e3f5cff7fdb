package chatkitty_test

import (
	"testing"

	"github.com/standin/standin/mockserver/chatkitty"
	"github.com/standin/standin/mockserver/mockservertest"
)

// TestKit runs the core's test kit on the fake alone (cmd/standin runs it
// on every API of the list).
func TestKit(t *testing.T) { mockservertest.Run(t, chatkitty.Mock) }
