package mockserver_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
)

// BenchmarkMemoryStoreNamespaces measures the store's per-request cost
// with many live namespaces, which must not grow with their number:
//
//	go test ./mockserver -run '^$' -bench MemoryStoreNamespaces -benchmem
//
// update: an increment in a namespace that holds state; view-new: a read
// in a namespace that holds none; refused-new: a refused first update;
// create-evict: a new namespace at the limit each time, the least recently
// used one having just gone idle (one sweep step per request).
func BenchmarkMemoryStoreNamespaces(b *testing.B) {
	refused := errors.New("refused")
	for _, live := range []int{1000, 100000} {
		setup := func(b *testing.B, limits mockserver.NamespaceLimits) limitedStore {
			s := newLimitedStore(limits)
			for i := range live {
				if err := s.increment(fmt.Sprintf("live-%d", i)); err != nil {
					b.Fatal(err)
				}
				s.clock.Advance(time.Millisecond)
			}
			return s
		}
		b.Run(fmt.Sprintf("live=%d/update", live), func(b *testing.B) {
			s := setup(b, mockserver.NamespaceLimits{Max: live, IdleTimeout: time.Hour})
			i := 0
			for b.Loop() {
				if err := s.increment(fmt.Sprintf("live-%d", i%live)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(fmt.Sprintf("live=%d/view-new", live), func(b *testing.B) {
			s := setup(b, mockserver.NamespaceLimits{Max: live, IdleTimeout: time.Hour})
			i := 0
			for b.Loop() {
				_ = s.c.View(nsCtx(fmt.Sprintf("new-%d", i)), func(*counter) error { return nil })
				i++
			}
		})
		b.Run(fmt.Sprintf("live=%d/refused-new", live), func(b *testing.B) {
			s := setup(b, mockserver.NamespaceLimits{Max: live + 1, IdleTimeout: time.Hour})
			i := 0
			for b.Loop() {
				_ = s.c.Update(nsCtx(fmt.Sprintf("new-%d", i)), func(*counter) error { return refused })
				i++
			}
		})
		b.Run(fmt.Sprintf("live=%d/create-evict", live), func(b *testing.B) {
			// The namespaces were made a millisecond apart: with an idle
			// time of live milliseconds, each step of the clock idles one.
			s := setup(b, mockserver.NamespaceLimits{Max: live, IdleTimeout: time.Duration(live) * time.Millisecond})
			i := 0
			for b.Loop() {
				if err := s.increment(fmt.Sprintf("new-%d", i)); err != nil {
					b.Fatal(err)
				}
				s.clock.Advance(time.Millisecond)
				i++
			}
		})
	}
}
