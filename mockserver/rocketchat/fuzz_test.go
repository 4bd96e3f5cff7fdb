package rocketchat_test

import (
	"testing"

	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/mockserver/rocketchat"
)

// FuzzRequest throws arbitrary methods, paths and bodies at the mock as
// the admin and holds it to what every request must meet: never a 5xx,
// every reply as the spec allows (refusals in Rocket.Chat's envelope), a
// refused request leaves the state as it was. The corpus starts with a
// valid request to each operation.
func FuzzRequest(f *testing.F) { mockservertest.Fuzz(f, rocketchat.Mock) }
