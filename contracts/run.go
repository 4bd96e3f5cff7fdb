package contracts

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gavv/httpexpect/v2"
	"github.com/standin/standin/openapi"
)

// Run runs scenarios against t one after another and reports every step.
// Once ctx is done, the step in flight fails (its request is cancelled) and
// all later steps are skipped; the report then says it was interrupted.
func Run(ctx context.Context, t Target, scenarios ...Scenario) *Report {
	return run(ctx, t, observer{}, RunOptions{}, scenarios)
}

// RunOptions are the options of RunWith.
type RunOptions struct {
	// OnScenario, if set, is called with each scenario's result as soon as
	// the scenario ends, before the next one starts, to show progress
	// (see TextWriter).
	OnScenario func(ScenarioResult)
}

// RunWith runs scenarios as Run does, with options.
func RunWith(ctx context.Context, t Target, opts RunOptions, scenarios ...Scenario) *Report {
	return run(ctx, t, observer{}, opts, scenarios)
}

// RunT runs scenarios under go test: each scenario is a subtest and each of
// its steps a subtest of that, failing with the step's failures and
// violations, or skipped. A step left out by -run still runs, since later
// steps depend on it, and its failures are reported on the scenario.
func RunT(t *testing.T, target Target, scenarios ...Scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			obs := observer{
				step: func(name string, run func(echo func(string)) StepResult) StepResult {
					var res StepResult
					ran := false
					t.Run(name, func(t *testing.T) {
						ran = true
						res = run(func(msg string) { t.Log(msg) })
						reportStep(t, res)
					})
					if !ran {
						res = run(nil)
						if res.Status == Failed {
							t.Errorf("step %q (not selected by -run) failed:\n%s", name, strings.Join(res.problems(), "\n"))
						}
					}
					return res
				},
				fail: func(msg string) { t.Error(msg) },
				log:  func(msg string) { t.Log(msg) },
			}
			runScenario(t.Context(), target, obs, sc)
		})
	}
}

// reportStep reports a finished step to its subtest.
func reportStep(t *testing.T, res StepResult) {
	t.Helper()
	switch res.Status {
	case Failed:
		for _, p := range res.problems() {
			t.Error(p)
		}
	case Skipped:
		t.Skip(res.SkipReason)
	}
}

func run(ctx context.Context, t Target, obs observer, opts RunOptions, scenarios []Scenario) *Report {
	rep := &Report{Target: t.name(), Started: time.Now(), Scenarios: []ScenarioResult{}}
	interrupted := false
	for _, sc := range scenarios {
		res, intr := runScenario(ctx, t, obs, sc)
		rep.Scenarios = append(rep.Scenarios, res)
		interrupted = interrupted || intr
		if opts.OnScenario != nil {
			opts.OnScenario(res)
		}
	}
	rep.Duration = time.Since(rep.Started)
	if interrupted {
		rep.Interrupted = context.Cause(ctx).Error()
	}
	return rep
}

// runScenario runs one scenario and reports whether cancellation cut it
// short.
func runScenario(ctx context.Context, t Target, obs observer, sc Scenario) (ScenarioResult, bool) {
	start := time.Now()
	res := &ScenarioResult{API: sc.API, Name: sc.Name, Doc: sc.Doc, Steps: []StepResult{}}
	s := &S{
		ctx:    ctx,
		target: t,
		obs:    obs,
		jar:    httpexpect.NewCookieJar(),
		res:    res,
	}
	if u, err := url.Parse(t.BaseURL); err != nil {
		s.failOutside(fmt.Sprintf("target base URL %q: %v", t.BaseURL, err))
	} else {
		s.prefix = strings.TrimSuffix(u.Path, "/")
	}

	doc, err := sc.Spec, error(nil)
	if doc == nil {
		doc, err = openapi.Load(sc.API)
	}
	if err == nil {
		s.checker, err = cachedValidator(doc)
	}
	if err != nil {
		s.failOutside(fmt.Sprintf("cannot check responses: %v", err))
	}

	if sc.Run == nil {
		s.failOutside("scenario has no Run function")
	} else {
		func() {
			defer func() {
				if p := recover(); p != nil {
					s.failOutside(panicMessage(p))
				}
			}()
			sc.Run(s)
		}()
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	res.Duration = time.Since(start)
	return *res, s.interrupted
}
