// Package load drives a target with many concurrent virtual users and
// reports throughput and latency per operation. It measures; it asserts
// nothing about speed.
//
// A Workload says what one virtual user does; Run starts Options.Workers of
// them and stops at Options.Requests requests or Options.Duration,
// whichever comes first. A run is always bounded: it needs at least one of
// the two limits.
package load

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/standin/standin/contracts"
)

// Workload creates virtual users for a target.
type Workload interface {
	// NewWorker prepares one virtual user (for example, logs in).
	NewWorker(ctx context.Context, t contracts.Target) (Worker, error)
}

// Worker is one virtual user.
type Worker interface {
	// Next performs one request and says which operation it was and how it
	// went. status is the HTTP status, 0 if no response came.
	Next(ctx context.Context) (op string, status int, err error)
}

// Options bound and shape a run.
type Options struct {
	Workers  int           // concurrent virtual users; 0 means 4
	Requests int           // stop after this many requests in all; 0 means no count limit
	Duration time.Duration // stop after this long; 0 means no time limit
	// Progress, if set, is called every ProgressEvery (default 5s) while
	// the run lasts, with the requests and errors so far.
	Progress      func(Progress)
	ProgressEvery time.Duration
}

// Progress is how far a run has got.
type Progress struct {
	Requests, Errors int
	Elapsed          time.Duration
}

// ErrUnbounded is returned for options that set neither limit.
var ErrUnbounded = errors.New("load: a run needs a request count or a duration")

// Report is the outcome of a run. In JSON, keys are camelCase and
// durations are integer nanoseconds under keys ending in "Ns", as in the
// conformance reports and the request journal.
type Report struct {
	Target     string        `json:"target"`
	Workers    int           `json:"workers"`
	Requests   int           `json:"requests"`
	Errors     int           `json:"errors"`
	Elapsed    time.Duration `json:"elapsedNs"`
	Throughput float64       `json:"requestsPerSecond"`
	Operations []OpReport    `json:"operations"`
}

// OpReport is the figures of one operation.
type OpReport struct {
	Name     string          `json:"name"`
	Requests int             `json:"requests"`
	Errors   int             `json:"errors"` // transport errors and 5xx
	Statuses map[int]int     `json:"statuses"`
	P50      time.Duration   `json:"p50Ns"`
	P90      time.Duration   `json:"p90Ns"`
	P99      time.Duration   `json:"p99Ns"`
	Max      time.Duration   `json:"maxNs"`
	Samples  []time.Duration `json:"-"`
}

// Run drives t with w until a limit is reached or ctx is done.
func Run(ctx context.Context, t contracts.Target, w Workload, opts Options) (*Report, error) {
	if opts.Requests <= 0 && opts.Duration <= 0 {
		return nil, ErrUnbounded
	}
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Duration)
		defer cancel()
	}
	workers := make([]Worker, opts.Workers)
	for i := range workers {
		wk, err := w.NewWorker(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("load: starting virtual user %d: %w", i+1, err)
		}
		workers[i] = wk
	}

	var budget atomic.Int64
	budget.Store(int64(opts.Requests))
	type sample struct {
		op     string
		status int
		err    bool
		d      time.Duration
	}
	results := make([][]sample, len(workers))
	var wg sync.WaitGroup
	var done, failed atomic.Int64
	start := time.Now()
	stop := make(chan struct{})
	var reporter sync.WaitGroup
	if opts.Progress != nil {
		every := cmp.Or(opts.ProgressEvery, 5*time.Second)
		reporter.Go(func() {
			tick := time.NewTicker(every)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				case <-tick.C:
					opts.Progress(Progress{Requests: int(done.Load()), Errors: int(failed.Load()), Elapsed: time.Since(start)})
				}
			}
		})
	}
	for i, wk := range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				if opts.Requests > 0 && budget.Add(-1) < 0 {
					return
				}
				t0 := time.Now()
				op, status, err := wk.Next(ctx)
				d := time.Since(t0)
				if err != nil && ctx.Err() != nil {
					return // cut short by the deadline: not a sample
				}
				bad := err != nil || status >= 500
				results[i] = append(results[i], sample{op, status, bad, d})
				done.Add(1)
				if bad {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stop)
	reporter.Wait() // no progress after the run

	byOp := map[string]*OpReport{}
	rep := &Report{Target: t.BaseURL, Workers: opts.Workers, Elapsed: elapsed}
	for _, rs := range results {
		for _, s := range rs {
			o := byOp[s.op]
			if o == nil {
				o = &OpReport{Name: s.op, Statuses: map[int]int{}}
				byOp[s.op] = o
			}
			o.Requests++
			o.Statuses[s.status]++
			o.Samples = append(o.Samples, s.d)
			if s.err {
				o.Errors++
				rep.Errors++
			}
			rep.Requests++
		}
	}
	for _, o := range byOp {
		slices.Sort(o.Samples)
		o.P50, o.P90, o.P99 = quantile(o.Samples, 0.50), quantile(o.Samples, 0.90), quantile(o.Samples, 0.99)
		o.Max = o.Samples[len(o.Samples)-1]
		rep.Operations = append(rep.Operations, *o)
	}
	sort.Slice(rep.Operations, func(i, j int) bool { return rep.Operations[i].Name < rep.Operations[j].Name })
	if elapsed > 0 {
		rep.Throughput = float64(rep.Requests) / elapsed.Seconds()
	}
	return rep, nil
}

// quantile returns the q-quantile of sorted samples (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// WriteText writes the report as a table.
func (r *Report) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "target %s, %d workers, %d requests in %s: %.0f req/s, %d errors\n\n",
		r.Target, r.Workers, r.Requests, r.Elapsed.Round(time.Millisecond), r.Throughput, r.Errors)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\trequests\terrors\tp50\tp90\tp99\tmax\tstatuses\t")
	for _, o := range r.Operations {
		codes := make([]int, 0, len(o.Statuses))
		for c := range o.Statuses {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		var st string
		for _, c := range codes {
			st += fmt.Sprintf("%d×%d ", c, o.Statuses[c])
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t\n", o.Name, o.Requests, o.Errors,
			round(o.P50), round(o.P90), round(o.P99), round(o.Max), st)
	}
	return tw.Flush()
}

func round(d time.Duration) time.Duration { return d.Round(time.Microsecond) }

// WriteJSON writes the report as indented JSON; durations are in
// nanoseconds.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
