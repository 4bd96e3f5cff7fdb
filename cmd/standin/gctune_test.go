package main

import "testing"

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
