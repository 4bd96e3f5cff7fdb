package ethora_test

import (
	"testing"

	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/mockservertest"
)

// FuzzRequest throws arbitrary methods, paths and bodies at the mock with
// the default app's server token and holds it to what every request must
// meet: never a 5xx, every reply as the spec allows (refusals in Ethora's
// envelope, or the plain-text 422 of the v1 deletes), a refused request
// leaves the state as it was. The corpus starts with a valid request to
// each operation.
func FuzzRequest(f *testing.F) { mockservertest.Fuzz(f, ethora.Mock) }
