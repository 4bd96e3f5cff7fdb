package ucsrooms_test

import (
	"testing"

	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/mockserver/ucsrooms"
)

// FuzzRequest throws arbitrary methods, paths and bodies at the mock with
// alice's token and holds it to what every request must meet: never a
// 5xx, every reply as the spec allows, a refused request leaves the state
// as it was. The corpus starts with a valid request to each operation.
func FuzzRequest(f *testing.F) { mockservertest.Fuzz(f, ucsrooms.Mock) }
