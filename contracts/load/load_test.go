package load_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/contracts/load"
)

// fakeWorkload answers without a network: every third request is a 503.
type fakeWorkload struct {
	calls   atomic.Int64
	workers atomic.Int64
	failNew bool
}

func (f *fakeWorkload) NewWorker(context.Context, contracts.Target) (load.Worker, error) {
	if f.failNew {
		return nil, errors.New("login refused")
	}
	f.workers.Add(1)
	return f, nil
}

func (f *fakeWorkload) Next(ctx context.Context) (string, int, error) {
	n := f.calls.Add(1)
	if n%3 == 0 {
		return "write", 503, nil
	}
	return "read", 200, ctx.Err()
}

func TestRunStopsAtTheRequestCount(t *testing.T) {
	w := &fakeWorkload{}
	rep, err := load.Run(context.Background(), contracts.Target{BaseURL: "http://fake"}, w, load.Options{Workers: 3, Requests: 300})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests != 300 || w.calls.Load() != 300 {
		t.Fatalf("want exactly 300 requests, report says %d, workload saw %d", rep.Requests, w.calls.Load())
	}
	if w.workers.Load() != 3 || rep.Workers != 3 {
		t.Errorf("want 3 virtual users, got %d (report %d)", w.workers.Load(), rep.Workers)
	}
	sum := 0
	for _, o := range rep.Operations {
		sum += o.Requests
		if o.P50 > o.P90 || o.P90 > o.P99 || o.P99 > o.Max {
			t.Errorf("%s: quantiles out of order: %v %v %v %v", o.Name, o.P50, o.P90, o.P99, o.Max)
		}
	}
	if sum != 300 || len(rep.Operations) != 2 {
		t.Errorf("operations should add up to 300 over read and write: %+v", rep.Operations)
	}
	if rep.Errors != 100 {
		t.Errorf("every third request answered 503: want 100 errors, got %d", rep.Errors)
	}
}

func TestRunStopsAtTheDuration(t *testing.T) {
	rep, err := load.Run(context.Background(), contracts.Target{}, &fakeWorkload{}, load.Options{Workers: 2, Duration: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests == 0 {
		t.Fatal("a 50ms run made no request")
	}
}

func TestRunRefuses(t *testing.T) {
	if _, err := load.Run(context.Background(), contracts.Target{}, &fakeWorkload{}, load.Options{}); !errors.Is(err, load.ErrUnbounded) {
		t.Errorf("an unbounded run must be refused, got %v", err)
	}
	_, err := load.Run(context.Background(), contracts.Target{}, &fakeWorkload{failNew: true}, load.Options{Requests: 1})
	if err == nil || !strings.Contains(err.Error(), "login refused") {
		t.Errorf("a worker that cannot start must fail the run with its reason, got %v", err)
	}
}

func TestReportFormats(t *testing.T) {
	rep, err := load.Run(context.Background(), contracts.Target{BaseURL: "http://fake"}, &fakeWorkload{}, load.Options{Workers: 1, Requests: 9})
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"9 requests", "3 errors", "read", "write", "503×3", "200×6"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back["requests"] != float64(9) {
		t.Errorf("JSON report does not round-trip: %v %s", err, js.String())
	}
	// Durations are integer nanoseconds under keys ending in "Ns", as in
	// the conformance reports and the journal.
	if ns, ok := back["elapsedNs"].(float64); !ok || ns <= 0 || ns != float64(rep.Elapsed) {
		t.Errorf("elapsedNs = %v, want %d", back["elapsedNs"], rep.Elapsed)
	}
	ops, _ := back["operations"].([]any)
	if len(ops) != len(rep.Operations) {
		t.Fatalf("JSON has %d operations, want %d: %s", len(ops), len(rep.Operations), js.String())
	}
	for i, o := range ops {
		obj, _ := o.(map[string]any)
		want := rep.Operations[i]
		for key, d := range map[string]time.Duration{"p50Ns": want.P50, "p90Ns": want.P90, "p99Ns": want.P99, "maxNs": want.Max} {
			if obj[key] != float64(d) {
				t.Errorf("%s %s = %v, want %d", want.Name, key, obj[key], d)
			}
		}
		for key := range obj {
			if strings.Contains(key, "_") {
				t.Errorf("JSON key %q is not camelCase", key)
			}
		}
	}
}
