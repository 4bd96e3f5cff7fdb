package mockserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mockservertest"
)

// limitedStore is a counter store with namespace limits and a clock the
// test moves; its counters start at 5, and initials counts how often the
// initial state was built.
type limitedStore struct {
	*mockserver.MemoryStore
	c        *mockserver.State[counter]
	clock    *mockservertest.Clock
	initials *atomic.Int64
}

func newLimitedStore(limits mockserver.NamespaceLimits) limitedStore {
	clock := mockservertest.NewClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	st := mockserver.NewMemoryStoreWith(mockserver.MemoryOptions{Namespaces: limits, Now: clock.Now})
	var initials atomic.Int64
	c := mockserver.NewState(st, "counter", func() *counter { initials.Add(1); return &counter{N: 5} }, (*counter).check)
	return limitedStore{MemoryStore: st, c: c, clock: clock, initials: &initials}
}

func (s limitedStore) increment(ns string) error { return increment(nsCtx(ns), s.c) }

// namespaces returns the namespaces that hold state, as an export shows
// them.
func (s limitedStore) namespaces(t testing.TB) []string {
	t.Helper()
	snap, err := s.Export(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for ns := range snap {
		names = append(names, ns)
	}
	return names
}

// wantTooMany fails t unless err is the refusal of a namespace beyond a
// limit of max: a 429 of KindTooManyNamespaces naming the limit and its
// configuration key.
func wantTooMany(t testing.TB, err error, max int) {
	t.Helper()
	var e *mockserver.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want a *mockserver.Error", err)
	}
	if e.Status != http.StatusTooManyRequests || e.Kind != mockserver.KindTooManyNamespaces {
		t.Errorf("refusal %d %q, want 429 %q", e.Status, e.Kind, mockserver.KindTooManyNamespaces)
	}
	for _, part := range []string{fmt.Sprint(max), "namespaces.max"} {
		if !strings.Contains(e.Message, part) {
			t.Errorf("message %q does not name %q", e.Message, part)
		}
	}
	if e.Details["limit"] != max {
		t.Errorf("details %v, want limit %d", e.Details, max)
	}
}

func TestDefaultNamespaceLimits(t *testing.T) {
	if got, want := mockserver.NewMemoryStore().Limits(), (mockserver.NamespaceLimits{Max: 1000, IdleTimeout: time.Hour}); got != want {
		t.Errorf("NewMemoryStore limits %+v, want %+v", got, want)
	}
	if got := mockserver.DefaultNamespaceLimits(); got != (mockserver.NamespaceLimits{Max: 1000, IdleTimeout: time.Hour}) {
		t.Errorf("DefaultNamespaceLimits() = %+v", got)
	}
	for _, bad := range []mockserver.NamespaceLimits{{Max: -1}, {IdleTimeout: -time.Second}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("Validate(%+v) accepted a negative limit", bad)
		}
	}
	if err := (mockserver.NamespaceLimits{}).Validate(); err != nil {
		t.Errorf("Validate(no limits): %v", err)
	}
}

// TestMemoryStoreViewCreatesNothing: a read in a namespace that holds no
// state runs on the initial state, built once and shared, and leaves no
// namespace behind.
func TestMemoryStoreViewCreatesNothing(t *testing.T) {
	s := newLimitedStore(mockserver.NamespaceLimits{Max: 10, IdleTimeout: time.Hour})
	for i := range 500 {
		if got := count(t, s.c, fmt.Sprintf("reader-%d", i)); got != 5 {
			t.Fatalf("a new namespace reads %d, want the initial 5", got)
		}
	}
	if n := s.NamespaceCount(); n != 0 {
		t.Errorf("%d namespaces hold state after 500 reads, want 0", n)
	}
	if names := s.namespaces(t); len(names) != 0 {
		t.Errorf("export after reads holds %v, want nothing", names)
	}
	if n := s.initials.Load(); n != 1 {
		t.Errorf("the initial state was built %d times for 500 reads, want once", n)
	}
}

// TestMemoryStoreRefusedUpdateCreatesNothing: an Update refused in a
// namespace that holds no state leaves nothing behind, not even when its
// function panics; in a namespace that holds state it leaves that state.
func TestMemoryStoreRefusedUpdateCreatesNothing(t *testing.T) {
	s := newLimitedStore(mockserver.NamespaceLimits{Max: 1, IdleTimeout: time.Hour})
	refused := errors.New("refused")
	for i := range 100 {
		ns := fmt.Sprintf("refused-%d", i)
		if err := s.c.Update(nsCtx(ns), func(*counter) error { return refused }); !errors.Is(err, refused) {
			t.Fatalf("Update: err = %v, want fn's", err)
		}
	}
	func() {
		defer func() { _ = recover() }()
		_ = s.c.Update(nsCtx("panics"), func(*counter) error { panic("boom") })
	}()
	if n := s.NamespaceCount(); n != 0 {
		t.Errorf("%d namespaces hold state after refused updates, want 0", n)
	}
	// The limit of one is still free.
	if err := s.increment("kept"); err != nil {
		t.Fatalf("first namespace after refused updates: %v", err)
	}
	if err := s.c.Update(nsCtx("kept"), func(*counter) error { return refused }); !errors.Is(err, refused) {
		t.Fatal(err)
	}
	if got := count(t, s.c, "kept"); got != 6 {
		t.Errorf("kept = %d after a refused update, want 6", got)
	}
	// A refused first update of another API in a namespace that holds
	// state leaves the namespace as it was.
	other := mockserver.NewState(s.MemoryStore, "other", func() *counter { return &counter{} }, nil)
	if err := other.Update(nsCtx("kept"), func(*counter) error { return refused }); !errors.Is(err, refused) {
		t.Fatal(err)
	}
	snap, err := s.Export(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if want := (mockserver.Snapshot{"kept": {"counter": json.RawMessage(`{"n":6}`)}}); !reflect.DeepEqual(snap, want) {
		t.Errorf("export = %s, want %s", mustJSON(t, snap), mustJSON(t, want))
	}
}

// TestMemoryStoreUpdateStartsFromAFreshState: the first Update of a
// namespace works on a state of its own, never on the one reads share.
func TestMemoryStoreUpdateStartsFromAFreshState(t *testing.T) {
	s := newLimitedStore(mockserver.NamespaceLimits{})
	_ = count(t, s.c, "reader") // builds the shared initial state
	if err := s.increment("writer"); err != nil {
		t.Fatal(err)
	}
	if err := s.increment("writer"); err != nil {
		t.Fatal(err)
	}
	if got := count(t, s.c, "writer"); got != 7 {
		t.Errorf("writer = %d, want 7", got)
	}
	if got := count(t, s.c, "reader"); got != 5 {
		t.Errorf("a namespace without state reads %d after another's updates, want 5", got)
	}
	if err := s.increment("second"); err != nil {
		t.Fatal(err)
	}
	if got := count(t, s.c, "second"); got != 6 {
		t.Errorf("second = %d, want 6: its first update must start from the initial state", got)
	}
}

func TestMemoryStoreNamespaceLimit(t *testing.T) {
	s := newLimitedStore(mockserver.NamespaceLimits{Max: 3, IdleTimeout: time.Hour})
	for _, ns := range []string{"a", "b", "c"} {
		if err := s.increment(ns); err != nil {
			t.Fatalf("namespace %s within the limit: %v", ns, err)
		}
	}
	wantTooMany(t, s.increment("d"), 3)
	if got := count(t, s.c, "d"); got != 5 {
		t.Errorf("a read past the limit = %d, want the initial 5", got)
	}
	// The default namespace is not counted and always works; namespaces
	// that hold state go on working.
	if err := s.increment(mockserver.DefaultNamespace); err != nil {
		t.Errorf("default namespace at the limit: %v", err)
	}
	if err := s.increment("a"); err != nil {
		t.Errorf("a namespace that holds state, at the limit: %v", err)
	}
	if n := s.NamespaceCount(); n != 4 {
		t.Errorf("%d namespaces hold state, want a, b, c and default", n)
	}

	// A reset frees a place.
	if err := s.Reset(context.Background(), "c"); err != nil {
		t.Fatal(err)
	}
	if err := s.increment("d"); err != nil {
		t.Fatalf("d after c was reset: %v", err)
	}
	wantTooMany(t, s.increment("e"), 3)
}

func TestMemoryStoreImportRespectsTheLimit(t *testing.T) {
	state := func(n int) map[string]json.RawMessage {
		return map[string]json.RawMessage{"counter": json.RawMessage(fmt.Sprintf(`{"n":%d}`, n))}
	}
	s := newLimitedStore(mockserver.NamespaceLimits{Max: 2, IdleTimeout: time.Hour})
	for _, ns := range []string{"a", "b", mockserver.DefaultNamespace} {
		if err := s.increment(ns); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := s.Export(context.Background(), "")

	// A namespace beyond the limit.
	wantTooMany(t, s.Import(context.Background(), "c", mockserver.Snapshot{"c": state(1)}), 2)
	// The whole store, with more namespaces than the limit.
	wantTooMany(t, s.Import(context.Background(), "", mockserver.Snapshot{"x": state(1), "y": state(2), "z": state(3)}), 2)
	if after, _ := s.Export(context.Background(), ""); !reflect.DeepEqual(after, before) {
		t.Errorf("refused imports changed the state: %s, was %s", mustJSON(t, after), mustJSON(t, before))
	}

	// Into a namespace that holds state, the default one, or with as
	// many namespaces as the limit: accepted.
	if err := s.Import(context.Background(), "a", mockserver.Snapshot{"a": state(10)}); err != nil {
		t.Errorf("import into a namespace that holds state: %v", err)
	}
	if err := s.Import(context.Background(), mockserver.DefaultNamespace, mockserver.Snapshot{mockserver.DefaultNamespace: state(11)}); err != nil {
		t.Errorf("import into the default namespace: %v", err)
	}
	if err := s.Import(context.Background(), "", mockserver.Snapshot{"x": state(1), "y": state(2), mockserver.DefaultNamespace: state(3)}); err != nil {
		t.Errorf("import of the limit's worth of namespaces and the default one: %v", err)
	}
	if n := s.NamespaceCount(); n != 3 {
		t.Errorf("%d namespaces after the import, want x, y and default", n)
	}
	wantTooMany(t, s.increment("w"), 2)
}

// TestMemoryStoreIdleNamespacesAreDropped: a namespace untouched for the
// idle time is dropped and starts over from the initial state; one touched
// meanwhile (by a read, an update or an import) stays; the default
// namespace is never dropped.
func TestMemoryStoreIdleNamespacesAreDropped(t *testing.T) {
	s := newLimitedStore(mockserver.NamespaceLimits{Max: 3, IdleTimeout: time.Hour})
	holding := func(want ...string) { // checked through exports, which touch nothing
		t.Helper()
		got := s.namespaces(t)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("at %s, namespaces holding state = %v, want %v", s.clock.Now().Format("15:04"), got, want)
		}
	}
	imported := mockserver.Snapshot{"imported": {"counter": json.RawMessage(`{"n":40}`)}}
	def := mockserver.DefaultNamespace

	for _, ns := range []string{"idle", "read", "written", def} { // 10:00
		if err := s.increment(ns); err != nil {
			t.Fatal(err)
		}
	}
	s.clock.Advance(30 * time.Minute) // 10:30
	_ = count(t, s.c, "read")
	if err := s.increment("written"); err != nil {
		t.Fatal(err)
	}
	wantTooMany(t, s.Import(context.Background(), "imported", imported), 3)

	s.clock.Advance(30 * time.Minute) // 11:00: "idle" untouched for an hour
	holding("read", "written", def)
	if got := count(t, s.c, "idle"); got != 5 {
		t.Errorf("a dropped namespace reads %d, want the initial 5", got)
	}
	if err := s.Import(context.Background(), "imported", imported); err != nil {
		t.Fatalf("import once a namespace was dropped: %v", err)
	}

	s.clock.Advance(29 * time.Minute) // 11:29
	holding("read", "written", "imported", def)
	s.clock.Advance(time.Minute) // 11:30: "read" and "written" untouched since 10:30
	holding("imported", def)
	if got := count(t, s.c, "written"); got != 5 {
		t.Errorf("a dropped namespace reads %d, want the initial 5", got)
	}
	if err := s.increment("written"); err != nil {
		t.Fatal(err)
	}
	if got := count(t, s.c, "written"); got != 6 {
		t.Errorf("first update after being dropped: %d, want 6 (from the initial state)", got)
	}

	s.clock.Advance(30 * time.Minute) // 12:00: "imported" untouched since 11:00
	holding("written", def)
	s.clock.Advance(10 * time.Hour)
	if n := s.NamespaceCount(); n != 1 {
		t.Errorf("%d namespaces after ten idle hours, want the default one", n)
	}
	holding(def)
	if got := count(t, s.c, def); got != 6 {
		t.Errorf("default after eleven idle hours = %d, want 6", got)
	}
}

// TestMemoryStoreViewsShareTheLock: a read never takes a write lock, so
// that a long listing never stalls another read of the same namespace.
func TestMemoryStoreViewsShareTheLock(t *testing.T) {
	for _, ns := range []string{"holds-state", "holds-none"} {
		t.Run(ns, func(t *testing.T) {
			s := newLimitedStore(mockserver.NamespaceLimits{Max: 10, IdleTimeout: time.Hour})
			if ns == "holds-state" {
				if err := s.increment(ns); err != nil {
					t.Fatal(err)
				}
			}
			holding, release := make(chan struct{}), make(chan struct{})
			done := make(chan error, 1)
			go func() {
				done <- s.c.View(nsCtx(ns), func(*counter) error {
					close(holding)
					<-release
					return nil
				})
			}()
			<-holding
			other := make(chan int, 1)
			go func() { other <- count(t, s.c, ns) }()
			select {
			case <-other:
			case <-time.After(10 * time.Second):
				close(release)
				t.Fatal("a read waited for another read of the same namespace")
			}
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestMemoryStoreFailedFirstUpdateLosesNoChange: when the first update of
// a namespace fails while another waits for it, the other's change is
// kept, not written into the state the failure threw away.
func TestMemoryStoreFailedFirstUpdateLosesNoChange(t *testing.T) {
	refused := errors.New("refused")
	for i := range 200 {
		s := newLimitedStore(mockserver.NamespaceLimits{Max: 10, IdleTimeout: time.Hour})
		ns := fmt.Sprintf("race-%d", i)
		inside, release := make(chan struct{}), make(chan struct{})
		failed := make(chan error, 1)
		go func() {
			failed <- s.c.Update(nsCtx(ns), func(*counter) error {
				close(inside)
				<-release
				return refused
			})
		}()
		<-inside
		incremented := make(chan error, 1)
		go func() { incremented <- s.increment(ns) }()
		for range i % 5 {
			runtime.Gosched()
		}
		close(release)
		if err := <-failed; !errors.Is(err, refused) {
			t.Fatal(err)
		}
		if err := <-incremented; err != nil {
			t.Fatal(err)
		}
		if got := count(t, s.c, ns); got != 6 {
			t.Fatalf("run %d: %s = %d after one increment racing a failed first update, want 6", i, ns, got)
		}
	}
}

// TestMemoryStoreNamespacesConcurrently creates, refuses, reads, resets
// and ages namespaces from many goroutines: no more namespaces than the
// limit ever hold state, no refusal but the limit's, and, without resets
// or idle time, every successful increment is counted.
func TestMemoryStoreNamespacesConcurrently(t *testing.T) {
	const max, names, goroutines, each = 8, 20, 16, 300
	refused := errors.New("refused")
	t.Run("exact", func(t *testing.T) {
		s := newLimitedStore(mockserver.NamespaceLimits{Max: max})
		var succeeded [names]atomic.Int64
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(g), 1))
				for range each {
					i := rng.IntN(names)
					ns := fmt.Sprintf("ns-%d", i)
					switch rng.IntN(3) {
					case 0:
						err := s.increment(ns)
						if err == nil {
							succeeded[i].Add(1)
						} else if !errors.Is(err, &mockserver.Error{Status: http.StatusTooManyRequests, Kind: mockserver.KindTooManyNamespaces}) {
							t.Error(err)
						}
					case 1:
						if err := s.c.Update(nsCtx(ns), func(*counter) error { return refused }); !errors.Is(err, refused) && mockserver.AsError(err).Kind != mockserver.KindTooManyNamespaces {
							t.Error(err)
						}
					default:
						_ = count(t, s.c, ns)
					}
				}
			})
		}
		wg.Wait()
		held := 0
		for i := range names {
			ns := fmt.Sprintf("ns-%d", i)
			n := succeeded[i].Load()
			if n > 0 {
				held++
			}
			if got := count(t, s.c, ns); int64(got) != 5+n {
				t.Errorf("%s = %d, want 5 + %d successful increments", ns, got, n)
			}
		}
		if held > max || s.NamespaceCount() != held {
			t.Errorf("%d namespaces were incremented, %d hold state; want the same, at most %d", held, s.NamespaceCount(), max)
		}
	})
	t.Run("churn", func(t *testing.T) {
		s := newLimitedStore(mockserver.NamespaceLimits{Max: max, IdleTimeout: time.Minute})
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(g), 2))
				for range each {
					ns := fmt.Sprintf("ns-%d", rng.IntN(names))
					var err error
					switch rng.IntN(6) {
					case 0:
						err = s.increment(ns)
					case 1:
						err = s.c.Update(nsCtx(ns), func(*counter) error { return refused })
					case 2:
						_ = count(t, s.c, ns)
					case 3:
						err = s.Reset(context.Background(), ns)
					case 4:
						s.clock.Advance(time.Duration(rng.IntN(20)) * time.Second)
					default:
						_, err = s.Export(context.Background(), ns)
					}
					if err != nil && !errors.Is(err, refused) && mockserver.AsError(err).Kind != mockserver.KindTooManyNamespaces {
						t.Error(err)
					}
					if n := s.NamespaceCount(); n > max {
						t.Errorf("%d namespaces hold state, over the limit of %d", n, max)
					}
				}
			})
		}
		wg.Wait()
	})
}
