package main

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	in := []float64{3, 1, 2}
	median(in)
	if in[0] != 3 || in[1] != 1 {
		t.Errorf("median reordered its input: %v", in)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// points builds the points of rounds with the given req/s per server, for
// one kind.
func points(kind string, bare, quiet, logging []float64, p99 time.Duration) []point {
	var ps []point
	for i := range bare {
		for srv, rps := range map[string]float64{serverBare: bare[i], serverQuiet: quiet[i], serverLogging: logging[i]} {
			ps = append(ps, point{Round: i + 1, Kind: kind, Server: srv, Result: loadResult{RPS: rps, P99: p99}})
		}
	}
	return ps
}

func TestSummarizePairsEachRoundWithItsBareRun(t *testing.T) {
	// Throughput drifts between rounds; the ratios are taken per round.
	var ps []point
	ps = append(ps, points(kindGet, []float64{100, 200, 50}, []float64{70, 120, 40}, []float64{63, 120, 30}, time.Millisecond)...)
	sum := summarize(ps)
	q := sum[kindGet][serverQuiet]
	if q.RPS != 70 {
		t.Errorf("quiet median RPS = %v, want 70", q.RPS)
	}
	// Ratios 0.7, 0.6, 0.8: median 0.7.
	if !near(q.Ratio, 0.7) {
		t.Errorf("quiet ratio = %v, want 0.7", q.Ratio)
	}
	if len(q.Ratios) != 3 || !near(q.Ratios[0], 0.7) || !near(q.Ratios[1], 0.6) || !near(q.Ratios[2], 0.8) {
		t.Errorf("quiet ratios per round = %v, want [0.7 0.6 0.8]", q.Ratios)
	}
	l := sum[kindGet][serverLogging]
	// Costs 1-63/70 = 0.1, 0, 0.25: median 0.1.
	if !near(l.LoggingCost, 0.1) {
		t.Errorf("logging cost = %v, want 0.1", l.LoggingCost)
	}
	if sum[kindGet][serverBare].Ratio != 1 {
		t.Errorf("bare ratio = %v, want 1", sum[kindGet][serverBare].Ratio)
	}

	// The median of paired ratios, not the ratio of medians: 10/100,
	// 180/200 and 45/50 are 0.1, 0.9 and 0.9, median 0.9, while the
	// medians' ratio would be 45/100.
	ps = points(kindValid, []float64{100, 200, 50}, []float64{10, 180, 45}, []float64{10, 180, 45}, time.Millisecond)
	if got := summarize(ps)[kindValid][serverQuiet].Ratio; !near(got, 0.9) {
		t.Errorf("paired ratio = %v, want 0.9", got)
	}
}

func TestSummarizeRatioToTheLimitedBare(t *testing.T) {
	// standin against the bare server with standin's limits, paired per
	// round: 70/80, 120/150, 40/40 are 0.875, 0.8 and 1, median 0.875;
	// the bare servers' own ratio is the limits' cost.
	ps := points(kindGet, []float64{100, 200, 50}, []float64{70, 120, 40}, []float64{63, 120, 30}, time.Millisecond)
	for i, rps := range []float64{80, 150, 40} {
		ps = append(ps, point{Round: i + 1, Kind: kindGet, Server: serverBareLimits, Result: loadResult{RPS: rps}})
	}
	sum := summarize(ps)
	if got := sum[kindGet][serverQuiet].RatioLimits; !near(got, 0.875) {
		t.Errorf("quiet / limited bare = %v, want 0.875", got)
	}
	if got := sum[kindGet][serverBareLimits].Ratio; !near(got, 0.8) {
		t.Errorf("limited bare / bare = %v, want 0.8 (0.8, 0.75, 0.8)", got)
	}
	if got := sum[kindGet][serverBareLimits].RatioLimits; got != 0 {
		t.Errorf("the limited bare server has no ratio to itself, got %v", got)
	}
}

func TestSummarizeMedianP99(t *testing.T) {
	var ps []point
	for i, p99 := range []time.Duration{3 * time.Millisecond, 9 * time.Millisecond, 4 * time.Millisecond} {
		ps = append(ps, point{Round: i + 1, Kind: kindInvalid, Server: serverQuiet, Result: loadResult{RPS: 1, P99: p99}})
	}
	if got := summarize(ps)[kindInvalid][serverQuiet].P99; got != 4*time.Millisecond {
		t.Errorf("median p99 = %v, want 4ms", got)
	}
}

func TestTargets(t *testing.T) {
	sum := map[string]map[string]summary{
		kindGet: {serverQuiet: {Ratio: 0.60, P99: 4 * time.Millisecond}, serverLogging: {LoggingCost: 0.099}},
		// 0.55 misses the valid goal of 0.60.
		kindValid: {serverQuiet: {Ratio: 0.55, P99: 5 * time.Millisecond}, serverLogging: {LoggingCost: 0.10}},
		// 0.50 meets the invalid goal of 0.50.
		kindInvalid: {serverQuiet: {Ratio: 0.50, P99: 100 * time.Microsecond}, serverLogging: {LoggingCost: -0.02}},
	}
	st := startupSummary{FirstAPI: 40 * time.Millisecond, AllAPIs: 100 * time.Millisecond, RSSIdle: 39 << 20}
	got := map[string]bool{}
	for _, tg := range targets(sum, st) {
		got[tg.Name] = tg.Pass
	}
	want := map[string]bool{
		"GET channels.info: standin / bare":        true,
		"POST invite valid: standin / bare":        false,
		"POST invalid: standin / bare":             true,
		"GET channels.info: p99 at 32 connections": true,
		"POST invite valid: p99 at 32 connections": false, // 5 ms is not under 5 ms
		"POST invalid: p99 at 32 connections":      true,
		"GET channels.info: logging cost":          true,
		"POST invite valid: logging cost":          false,
		"POST invalid: logging cost":               true,
		"start-up: exec to first API 2xx":          true,
		"start-up: exec to all five APIs 2xx":      false,
		"RSS idle, all five APIs":                  true,
	}
	if len(got) != len(want) {
		t.Errorf("targets %v, want %d of them", got, len(want))
	}
	for name, pass := range want {
		if p, ok := got[name]; !ok || p != pass {
			t.Errorf("target %q: pass = %v (present %v), want %v", name, p, ok, pass)
		}
	}
}

// Where the time goes is measured when a target of the request path is
// missed, not for a missed start-up or memory target.
func TestOnlyRequestTargetsAskWhereTheTimeGoes(t *testing.T) {
	fast := map[string]map[string]summary{}
	for _, kind := range kinds {
		fast[kind] = map[string]summary{serverQuiet: {Ratio: 0.9, P99: time.Millisecond}, serverLogging: {LoggingCost: 0.01}}
	}
	slowStart := startupSummary{FirstAPI: time.Second, AllAPIs: time.Second, RSSIdle: 1 << 30}
	if missedPerRequest(targets(fast, slowStart)) {
		t.Errorf("a missed start-up target asked for the breakdown")
	}
	for _, kind := range kinds {
		slow := map[string]map[string]summary{}
		for k, v := range fast {
			slow[k] = v
		}
		slow[kind] = map[string]summary{serverQuiet: {Ratio: 0.1, P99: time.Millisecond}, serverLogging: {LoggingCost: 0.01}}
		if !missedPerRequest(targets(slow, startupSummary{FirstAPI: time.Millisecond, AllAPIs: time.Millisecond, RSSIdle: 1})) {
			t.Errorf("%s too slow did not ask for the breakdown", kindTitle[kind])
		}
	}
}

func TestTargetMissingFigureFails(t *testing.T) {
	// A figure never measured (0) is no pass for "below" targets.
	for _, tg := range targets(nil, startupSummary{}) {
		if strings.Contains(tg.Name, "p99") || strings.HasPrefix(tg.Name, "start-up") || strings.HasPrefix(tg.Name, "RSS") {
			if tg.Pass {
				t.Errorf("%s passes without a figure", tg.Name)
			}
		}
	}
}

func TestStartupSummaryMedians(t *testing.T) {
	st := startupSummary{Runs: []startupRun{
		{Health: 30 * time.Millisecond, FirstAPI: 31 * time.Millisecond, AllAPIs: 40 * time.Millisecond, RSSIdle: 30 << 20},
		{Health: 10 * time.Millisecond, FirstAPI: 11 * time.Millisecond, AllAPIs: 90 * time.Millisecond, RSSIdle: 50 << 20},
		{Health: 20 * time.Millisecond, FirstAPI: 21 * time.Millisecond, AllAPIs: 20 * time.Millisecond, RSSIdle: 35 << 20},
	}}
	st.summarize()
	if st.Health != 20*time.Millisecond || st.FirstAPI != 21*time.Millisecond || st.AllAPIs != 40*time.Millisecond || st.RSSIdle != 35<<20 {
		t.Errorf("medians health %v, first %v, all %v, rss %d", st.Health, st.FirstAPI, st.AllAPIs, st.RSSIdle)
	}
}

// TestRoundsReverseTheOrder: every round measures each server once, odd
// rounds in the servers' order and even rounds in the reverse.
func TestRoundsReverseTheOrder(t *testing.T) {
	reversed := slices.Clone(servers)
	slices.Reverse(reversed)
	for round, want := range map[int][]string{1: servers, 2: reversed, 3: servers, 6: reversed} {
		if got := roundOrder(round); !slices.Equal(got, want) {
			t.Errorf("round %d: %v, want %v", round, got, want)
		}
	}
	if roundOrder(2); !slices.Equal(servers, []string{serverBare, serverBareLimits, serverQuiet, serverLogging}) {
		t.Errorf("roundOrder changed servers: %v", servers)
	}
}
