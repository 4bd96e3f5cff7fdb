package main

import (
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// gcHeadroom is how far the heap may grow above what is live before the
// collector runs, at least: with Go's default (GOGC=100) a mock holding
// 10 MiB of specs and state collects every 10 MiB of garbage, a few hundred
// requests, and spends a quarter of a request's time in the collector.
// Large states keep the default's proportion (the heap at most twice what
// is live).
const gcHeadroom = 64 << 20

// tuneGC sets the collector's percentage from the live heap, now and then
// every interval until ctx is done, so that the heap may grow gcHeadroom
// above what is live, or by the default 100 % when that is more; never
// past 800 %. It puts the percentage back as it found it when it returns
// (serve runs in-process in tests). A GOGC set in the environment is left
// alone.
func tuneGC(ctx context.Context, interval time.Duration) {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	prev := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(prev)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	set := func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		debug.SetGCPercent(gcPercent(sample[0].Value.Uint64()))
	}
	set()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			set()
		}
	}
}

// gcPercent is the GOGC that lets a heap with live bytes in use grow by
// gcHeadroom, between 100 and 800.
func gcPercent(live uint64) int {
	if live == 0 {
		return 800
	}
	return int(min(max(gcHeadroom*100/live, 100), 800))
}
