package smartlink_test

import (
	"testing"

	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/mockserver/smartlink"
)

// FuzzRequest throws arbitrary methods, paths and bodies at the mock with
// the default organisation's key and holds it to what every request must
// meet: never a 5xx, every reply as the spec allows, a refused request
// leaves the state as it was.
func FuzzRequest(f *testing.F) { mockservertest.Fuzz(f, smartlink.Mock) }
