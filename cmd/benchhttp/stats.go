package main

import (
	"fmt"
	"sort"
	"time"
)

// median returns the median of xs (the mean of the two middle values for
// an even count), or 0 for none. xs is not modified.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// medianDuration is median for durations.
func medianDuration(ds []time.Duration) time.Duration {
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d)
	}
	return time.Duration(median(xs))
}

// pairedRatios divides each of num by the den measured in the same round;
// a round whose den is 0 gives 0.
func pairedRatios(num, den []float64) []float64 {
	n := min(len(num), len(den))
	out := make([]float64, n)
	for i := range n {
		if den[i] > 0 {
			out[i] = num[i] / den[i]
		}
	}
	return out
}

// loggingCost is the share of throughput logging costs in each round:
// 1 - logging/quiet, as a fraction (0.05 is 5 %).
func loggingCost(quiet, logging []float64) []float64 {
	r := pairedRatios(logging, quiet)
	for i := range r {
		r[i] = 1 - r[i]
	}
	return r
}

// target is one goal of the report and whether a figure meets it.
type target struct {
	Name  string `json:"name"`
	Goal  string `json:"goal"`
	Value string `json:"value"`
	Pass  bool   `json:"pass"`
	// PerRequest marks the targets of the request path (throughput, p99,
	// logging cost), whose miss has the report say where the time goes.
	PerRequest bool `json:"perRequest"`
}

func (t target) String() string {
	verdict := "FAIL"
	if t.Pass {
		verdict = "PASS"
	}
	return fmt.Sprintf("%s  %-40s %-12s %s", verdict, t.Name, t.Goal, t.Value)
}

// atLeast is the target "value >= goal" for a ratio to bare.
func atLeast(name string, value, goal float64) target {
	return target{Name: name, Goal: fmt.Sprintf(">= %.2fx", goal), Value: fmt.Sprintf("%.2fx", value), Pass: value >= goal}
}

// below is the target "value < goal" for a duration.
func below(name string, value, goal time.Duration) target {
	return target{Name: name, Goal: "< " + goal.String(), Value: fmtDuration(value), Pass: value > 0 && value < goal}
}

// costBelow is the target "cost < goal" for a fraction.
func costBelow(name string, cost, goal float64) target {
	return target{Name: name, Goal: fmt.Sprintf("< %.0f %%", goal*100), Value: fmt.Sprintf("%.1f %%", cost*100), Pass: cost < goal}
}

// bytesBelow is the target "value < goal" for a memory size in bytes.
func bytesBelow(name string, value, goal int64) target {
	return target{Name: name, Goal: fmt.Sprintf("< %d MiB", goal>>20), Value: fmt.Sprintf("%.1f MiB", float64(value)/(1<<20)), Pass: value > 0 && value < goal}
}

// fmtDuration prints a latency with three significant figures in a unit
// that suits it.
func fmtDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
	case d < time.Second:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
}
