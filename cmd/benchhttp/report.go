package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// report is everything one run measured; -json writes it as is.
type report struct {
	Started time.Time `json:"started"`
	Standin string    `json:"standin"`
	// StandinSize is the binary's size in bytes.
	StandinSize int64  `json:"standinSize"`
	GoVersion   string `json:"goVersion"`
	CPUs        int    `json:"cpus"`
	Generator   string `json:"generator"`
	Pinning     string `json:"pinning"`
	Duration    string `json:"duration"`
	Rounds      int    `json:"rounds"`
	Conns       int    `json:"connections"`
	// LoadAvg is /proc/loadavg before and after the throughput runs: other
	// work on the machine shows in the figures.
	LoadAvg  []string `json:"loadAvg,omitempty"`
	Subjects subjects `json:"subjects"`
	Points   []point  `json:"points"`
	// Summary holds the medians over rounds, by request kind and server.
	Summary  map[string]map[string]summary `json:"summary"`
	Startup  startupSummary                `json:"startup"`
	Targets  []target                      `json:"targets"`
	Profiles []profileTop                  `json:"profiles,omitempty"`
	// Breakdowns say where standin's time goes, by stage, per request
	// kind (with -profile, or when a request target is missed).
	Breakdowns []breakdown `json:"breakdowns,omitempty"`
	Warnings   []string    `json:"warnings,omitempty"`
}

// point is one load run: a round, a request kind, a server.
type point struct {
	Round      int        `json:"round"`
	Kind       string     `json:"kind"`
	Server     string     `json:"server"`
	Result     loadResult `json:"result"`
	Unexpected int64      `json:"unexpected"`
}

// summary is a server's medians over rounds for one request kind.
type summary struct {
	RPS float64       `json:"rps"`
	P99 time.Duration `json:"p99"`
	// Ratio is the median over rounds of RPS over the bare server's RPS
	// in the same round.
	Ratio float64 `json:"ratio"`
	// LoggingCost, for the logging server, is the median over rounds of
	// 1 - its RPS over standin --quiet's in the same round.
	LoggingCost float64 `json:"loggingCost,omitempty"`
	// Ratios are the ratios of each round, to judge the noise by.
	Ratios []float64 `json:"ratios"`
	// RatioLimits, for standin, is the median over rounds of RPS over
	// the RPS of the bare server with standin's connection limits.
	RatioLimits float64 `json:"ratioLimits,omitempty"`
}

// summarize computes the medians of points by kind and server.
func summarize(points []point) map[string]map[string]summary {
	type key struct{ kind, server string }
	rps := map[key][]float64{}
	p99 := map[key][]time.Duration{}
	for _, p := range points {
		k := key{p.Kind, p.Server}
		for len(rps[k]) < p.Round-1 { // a missing round counts as 0
			rps[k] = append(rps[k], 0)
		}
		rps[k] = append(rps[k], p.Result.RPS)
		p99[k] = append(p99[k], p.Result.P99)
	}
	out := map[string]map[string]summary{}
	for _, kind := range kinds {
		bare := rps[key{kind, serverBare}]
		quiet := rps[key{kind, serverQuiet}]
		for _, srv := range servers {
			k := key{kind, srv}
			if len(rps[k]) == 0 {
				continue
			}
			ratios := pairedRatios(rps[k], bare)
			s := summary{RPS: median(rps[k]), P99: medianDuration(p99[k]), Ratio: median(ratios), Ratios: ratios}
			if srv == serverLogging {
				s.LoggingCost = median(loggingCost(quiet, rps[k]))
			}
			if limited := rps[key{kind, serverBareLimits}]; (srv == serverQuiet || srv == serverLogging) && len(limited) > 0 {
				s.RatioLimits = median(pairedRatios(rps[k], limited))
			}
			if out[kind] == nil {
				out[kind] = map[string]summary{}
			}
			out[kind][srv] = s
		}
	}
	return out
}

// startupSummary is the start-up runs and their medians.
type startupSummary struct {
	Calls    []string      `json:"calls"`
	Runs     []startupRun  `json:"runs"`
	Health   time.Duration `json:"health"`
	FirstAPI time.Duration `json:"firstApi"`
	AllAPIs  time.Duration `json:"allApis"`
	RSSIdle  int64         `json:"rssIdle"`
	RSSAnon  int64         `json:"rssAnon"`
	RSSFile  int64         `json:"rssFile"`
}

func (s *startupSummary) summarize() {
	var health, first, all []time.Duration
	var rss, anon, file []float64
	for _, r := range s.Runs {
		health = append(health, r.Health)
		first = append(first, r.FirstAPI)
		all = append(all, r.AllAPIs)
		rss = append(rss, float64(r.RSSIdle))
		anon = append(anon, float64(r.RSSAnon))
		file = append(file, float64(r.RSSFile))
	}
	s.Health, s.FirstAPI, s.AllAPIs = medianDuration(health), medianDuration(first), medianDuration(all)
	s.RSSIdle, s.RSSAnon, s.RSSFile = int64(median(rss)), int64(median(anon)), int64(median(file))
}

// The targets.
const (
	goalValidRatio   = 0.60
	goalInvalidRatio = 0.50
	goalP99          = 5 * time.Millisecond
	goalLoggingCost  = 0.10
	goalStartup      = 100 * time.Millisecond
	goalRSSIdle      = 40 << 20
)

// targets checks the medians against the goals: standin --quiet's ratios
// to bare and p99 per request, logging's cost per request, start-up to the
// first API's 2xx and to all five's, idle RSS.
func targets(sum map[string]map[string]summary, st startupSummary) []target {
	var ts []target
	for _, kind := range kinds {
		goal := goalValidRatio
		if kind == kindInvalid {
			goal = goalInvalidRatio
		}
		ts = append(ts, atLeast(kindTitle[kind]+": standin / bare", sum[kind][serverQuiet].Ratio, goal))
	}
	for _, kind := range kinds {
		ts = append(ts, below(fmt.Sprintf("%s: p99 at 32 connections", kindTitle[kind]), sum[kind][serverQuiet].P99, goalP99))
	}
	for _, kind := range kinds {
		ts = append(ts, costBelow(kindTitle[kind]+": logging cost", sum[kind][serverLogging].LoggingCost, goalLoggingCost))
	}
	for i := range ts {
		ts[i].PerRequest = true
	}
	ts = append(ts,
		below("start-up: exec to first API 2xx", st.FirstAPI, goalStartup),
		below("start-up: exec to all five APIs 2xx", st.AllAPIs, goalStartup),
		bytesBelow("RSS idle, all five APIs", st.RSSIdle, goalRSSIdle))
	return ts
}

// print writes the report as tables.
func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\n## standin HTTP benchmark, %s\n\n", r.Started.Format(time.RFC3339))
	fmt.Fprintf(w, "binary %s (%d bytes), %s, %d CPUs\n", r.Standin, r.StandinSize, r.GoVersion, r.CPUs)
	fmt.Fprintf(w, "generator: %s, %s per run, %d round(s), medians shown\n", r.Generator, r.Duration, r.Rounds)
	fmt.Fprintf(w, "pinning: %s\n", r.Pinning)
	if len(r.LoadAvg) > 0 {
		fmt.Fprintf(w, "load average before / after the throughput runs: %s\n", strings.Join(r.LoadAvg, " / "))
	}
	fmt.Fprintf(w, "Rocket.Chat alone at the root of a port, validation, state and journal on, admin token;\n")
	fmt.Fprintf(w, "channel %q (%s), invited user %s (%s)\n\n", r.Subjects.ChannelName, r.Subjects.ChannelID, r.Subjects.Username, r.Subjects.UserID)
	fmt.Fprintf(w, "| server | %s | %s | %s | p99 GET / POST valid / POST invalid |\n", kindTitle[kindGet], kindTitle[kindValid], kindTitle[kindInvalid])
	fmt.Fprintf(w, "|---|---|---|---|---|\n")
	for _, srv := range servers {
		cells := []string{serverTitle[srv]}
		var p99s []string
		for _, kind := range kinds {
			s := r.Summary[kind][srv]
			cell := fmt.Sprintf("%.0f req/s", s.RPS)
			if srv != serverBare {
				cell += fmt.Sprintf(" (%.2fx)", s.Ratio)
			}
			cells = append(cells, cell)
			p99s = append(p99s, fmtDuration(s.P99))
		}
		cells = append(cells, strings.Join(p99s, " / "))
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	fmt.Fprintf(w, "\nratios to bare per round (noise shows as spread):\n")
	for _, srv := range servers[1:] {
		var cells []string
		for _, kind := range kinds {
			var rs []string
			for _, r := range r.Summary[kind][srv].Ratios {
				rs = append(rs, fmt.Sprintf("%.2f", r))
			}
			cells = append(cells, kindTitle[kind]+" "+strings.Join(rs, " "))
		}
		fmt.Fprintf(w, "  %-23s %s\n", serverTitle[srv]+":", strings.Join(cells, "; "))
	}
	var limited []string
	for _, kind := range kinds {
		limited = append(limited, fmt.Sprintf("%s %.2fx", kindTitle[kind], r.Summary[kind][serverQuiet].RatioLimits))
	}
	fmt.Fprintf(w, "\nstandin --quiet / bare with standin's connection limits (not a target: what remains once both pay the same timeouts): %s\n", strings.Join(limited, ", "))
	var costs []string
	for _, kind := range kinds {
		costs = append(costs, fmt.Sprintf("%s %.1f %%", kindTitle[kind], r.Summary[kind][serverLogging].LoggingCost*100))
	}
	fmt.Fprintf(w, "\nlogging cost (1 - logging/quiet, paired per round): %s\n", strings.Join(costs, ", "))
	st := r.Startup
	fmt.Fprintf(w, "\nstart-up (standin serve --addr 127.0.0.1:0 --quiet, all five APIs, default data, not pinned; median of %d):\n", len(st.Runs))
	fmt.Fprintf(w, "  exec -> /__standin/health 2xx  %s\n", fmtDuration(st.Health))
	fmt.Fprintf(w, "  exec -> first API 2xx          %s\n", fmtDuration(st.FirstAPI))
	fmt.Fprintf(w, "  exec -> all five APIs 2xx      %s\n", fmtDuration(st.AllAPIs))
	fmt.Fprintf(w, "  RSS idle (2 s after)           %.1f MiB: %.1f MiB heap and stacks (RssAnon), %.1f MiB pages of the binary (RssFile, a few MiB more or less with the page cache)\n",
		float64(st.RSSIdle)/(1<<20), float64(st.RSSAnon)/(1<<20), float64(st.RSSFile)/(1<<20))
	fmt.Fprintf(w, "  calls: %s\n", strings.Join(st.Calls, "; "))
	fmt.Fprintf(w, "\ntargets:\n")
	for _, t := range r.Targets {
		fmt.Fprintf(w, "  %s\n", t)
	}
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "WARNING: %s\n", warn)
	}
	if len(r.Breakdowns) > 0 {
		fmt.Fprintf(w, "\nwhere the time goes: one more standin --quiet run per request with a CPU profile, its samples\n")
		fmt.Fprintf(w, "counted by the innermost stage on their stack; µs of CPU a request, the server pinned and busy:\n")
		for _, b := range r.Breakdowns {
			b.print(w)
		}
	}
	for _, p := range r.Profiles {
		fmt.Fprintf(w, "\n### profile %s (%s)\n%s", p.Name, p.File, p.Top)
		if p.Cum != "" {
			fmt.Fprintf(w, "\n### profile %s, -cum\n%s", p.Name, p.Cum)
		}
	}
}
