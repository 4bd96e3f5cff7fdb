package chatkitty_test

import (
	"testing"

	"github.com/standin/standin/mockserver/chatkitty"
	"github.com/standin/standin/mockserver/mockservertest"
)

// FuzzRequest throws arbitrary methods, paths and bodies at the mock with
// the default application's token and holds it to what every request
// must meet: never a 5xx, every reply as the spec allows, a refused
// request leaves the state as it was.
func FuzzRequest(f *testing.F) { mockservertest.Fuzz(f, chatkitty.Mock) }
