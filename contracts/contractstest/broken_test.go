package contractstest

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/mockserver/rocketchat"
)

// A suite that checks nothing passes against every broken target, and
// checkBroken must say so; a suite that checks credentials catches the
// target that drops the check.
func TestCheckBroken(t *testing.T) {
	vacuous := contracts.Scenario{API: rocketchat.Name, Name: "vacuous", Run: func(s *contracts.S) {
		s.Step("nothing", func(*httpexpect.Expect) {})
	}}
	for _, b := range BrokenTargets {
		t.Run(b.Name, func(t *testing.T) {
			if _, err := checkBroken(t, rocketchat.Mock, []contracts.Scenario{vacuous}, b); err == nil || !strings.Contains(err.Error(), "passed against") {
				t.Errorf("a suite that checks nothing passed the check: %v", err)
			}
		})
	}
	anonymous := contracts.Scenario{API: rocketchat.Name, Name: "anonymous", Run: func(s *contracts.S) {
		s.Step("me without credentials is refused", func(e *httpexpect.Expect) {
			e.GET("/api/v1/me").Expect().Status(http.StatusUnauthorized)
		})
	}}
	i := slices.IndexFunc(BrokenTargets, func(b Broken) bool { return b.Name == "no authentication" })
	if i < 0 {
		t.Fatal("no broken target drops authentication")
	}
	if caught, err := checkBroken(t, rocketchat.Mock, []contracts.Scenario{anonymous}, BrokenTargets[i]); err != nil || len(caught) != 1 {
		t.Errorf("a target without authentication must fail a scenario that checks for it: %q %v", caught, err)
	}
}
