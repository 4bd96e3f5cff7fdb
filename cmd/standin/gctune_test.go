package main

import (
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

func TestGCPercentGivesSmallHeapsHeadroom(t *testing.T) {
	for _, tt := range []struct {
		live uint64
		want int
	}{
		{0, 800},
		{4 << 20, 800},   // 64 MiB over 4 MiB would be 1600 %: capped
		{16 << 20, 400},  // 16 MiB live: 64 MiB of headroom
		{64 << 20, 100},  // the default's own headroom
		{512 << 20, 100}, // a large state keeps the default
	} {
		if got := gcPercent(tt.live); got != tt.want {
			t.Errorf("gcPercent(%d MiB) = %d, want %d", tt.live>>20, got, tt.want)
		}
	}
}

// tuneGC changes the collector only while serve runs, and not when the
// environment sets GOGC.
func TestTuneGCPutsThePercentageBack(t *testing.T) {
	if _, set := os.LookupEnv("GOGC"); set {
		t.Skip("GOGC is set: tuneGC leaves the collector alone")
	}
	before := debug.SetGCPercent(137)
	defer debug.SetGCPercent(before)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { tuneGC(ctx, time.Hour); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for readGCPercent() == 137 {
		if time.Now().After(deadline) {
			t.Fatal("tuneGC never set the percentage")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if got := readGCPercent(); got != 137 {
		t.Fatalf("after tuneGC returned the percentage is %d, want 137 back", got)
	}

	t.Setenv("GOGC", "100")
	debug.SetGCPercent(137)
	tuneGC(context.Background(), time.Hour) // returns at once
	if got := readGCPercent(); got != 137 {
		t.Fatalf("with GOGC set, tuneGC changed the percentage to %d", got)
	}
}

// readGCPercent reads the percentage without setting it (which would race
// with tuneGC's own setting).
func readGCPercent() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}
