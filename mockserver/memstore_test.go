package mockserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
)

type counter struct {
	N int `json:"n"`
}

var counterKind = mockserver.NewStateKind("counter", func() *counter { return &counter{} })

func newCounterStore() *mockserver.MemoryStore {
	st := mockserver.NewMemoryStore()
	st.Register(counterKind)
	return st
}

func nsCtx(ns string) context.Context {
	return mockserver.WithNamespace(context.Background(), ns)
}

func increment(ctx context.Context, st mockserver.Store) error {
	return mockserver.Update(ctx, st, "counter", func(c *counter) error {
		n := c.N
		runtime.Gosched() // widen the window a missing lock would leave
		c.N = n + 1
		return nil
	})
}

func count(t testing.TB, st mockserver.Store, ns string) int {
	t.Helper()
	var n int
	if err := mockserver.View(nsCtx(ns), st, "counter", func(c *counter) error { n = c.N; return nil }); err != nil {
		t.Fatalf("View %q: %v", ns, err)
	}
	return n
}

func TestMemoryStoreSerializesUpdates(t *testing.T) {
	const goroutines, each = 32, 200
	st := newCounterStore()
	namespaces := []string{"a", "b", "c"}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				// Every goroutine hits "a"; the others are spread around.
				ns := "a"
				if i%2 == 1 {
					ns = namespaces[1+g%2]
				}
				if err := increment(nsCtx(ns), st); err != nil {
					t.Error(err)
					return
				}
				_ = count(t, st, ns)
			}
		})
	}
	wg.Wait()
	if got, want := count(t, st, "a"), goroutines*each/2; got != want {
		t.Errorf("counter in a = %d, want %d", got, want)
	}
	if got, want := count(t, st, "b")+count(t, st, "c"), goroutines*each/2; got != want {
		t.Errorf("counters in b and c add up to %d, want %d", got, want)
	}
	if got := count(t, st, "untouched"); got != 0 {
		t.Errorf("counter in an untouched namespace = %d, want 0", got)
	}
}

func TestMemoryStoreNamespacesDoNotWaitForEachOther(t *testing.T) {
	st := newCounterStore()
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- mockserver.Update(nsCtx("slow"), st, "counter", func(c *counter) error {
			close(holding)
			<-release
			c.N = 100
			return nil
		})
	}()
	<-holding

	other := make(chan error, 1)
	go func() { other <- increment(nsCtx("fast"), st) }()
	select {
	case err := <-other:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		close(release)
		t.Fatal("an update in one namespace waited for an update in another")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := count(t, st, "slow"); got != 100 {
		t.Errorf("slow = %d, want 100", got)
	}
	if got := count(t, st, "fast"); got != 1 {
		t.Errorf("fast = %d, want 1", got)
	}
}

func TestMemoryStoreErrors(t *testing.T) {
	st := newCounterStore()
	ctx := nsCtx("a")

	if err := st.Update(ctx, "a", "nope", func(any) error { return nil }); !errors.Is(err, mockserver.ErrUnknownState) {
		t.Errorf("Update of an unregistered API: err = %v, want ErrUnknownState", err)
	}
	if err := st.View(ctx, "a", "nope", func(any) error { return nil }); !errors.Is(err, mockserver.ErrUnknownState) {
		t.Errorf("View of an unregistered API: err = %v, want ErrUnknownState", err)
	}

	// The typed helpers refuse a state of another type instead of panicking.
	if err := mockserver.View(ctx, st, "counter", func(*struct{ X int }) error { return nil }); err == nil {
		t.Error("View with the wrong state type: no error")
	}

	// fn's error comes back as it is.
	sentinel := errors.New("refused")
	if err := mockserver.Update(ctx, st, "counter", func(*counter) error { return sentinel }); !errors.Is(err, sentinel) {
		t.Errorf("Update returned %v, want fn's error", err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	called := false
	if err := mockserver.Update(cancelled, st, "counter", func(*counter) error { called = true; return nil }); !errors.Is(err, context.Canceled) || called {
		t.Errorf("Update with a cancelled context: err = %v, called = %v; want context.Canceled, not called", err, called)
	}
}

func TestMemoryStoreDefaultNamespace(t *testing.T) {
	st := newCounterStore()
	if err := increment(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	if got := count(t, st, mockserver.DefaultNamespace); got != 1 {
		t.Errorf("a context without a namespace did not use %q", mockserver.DefaultNamespace)
	}
}

func TestMemoryStoreReset(t *testing.T) {
	tests := []struct {
		ns   string
		want map[string]int
	}{
		{"a", map[string]int{"a": 0, "b": 2}},
		{"b", map[string]int{"a": 1, "b": 0}},
		{"zzz", map[string]int{"a": 1, "b": 2}},
		{"", map[string]int{"a": 0, "b": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.ns, func(t *testing.T) {
			st := newCounterStore()
			for ns, n := range map[string]int{"a": 1, "b": 2} {
				for range n {
					if err := increment(nsCtx(ns), st); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := st.Reset(context.Background(), tt.ns); err != nil {
				t.Fatal(err)
			}
			for ns, want := range tt.want {
				if got := count(t, st, ns); got != want {
					t.Errorf("after Reset(%q), %s = %d, want %d", tt.ns, ns, got, want)
				}
			}
		})
	}
}

func TestMemoryStoreExportImportRoundTrip(t *testing.T) {
	st := newCounterStore()
	for ns, n := range map[string]int{"a": 3, "b": 1, mockserver.DefaultNamespace: 2} {
		for range n {
			if err := increment(nsCtx(ns), st); err != nil {
				t.Fatal(err)
			}
		}
	}
	snap, err := st.Export(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := mockserver.Snapshot{
		"a":                         {"counter": json.RawMessage(`{"n":3}`)},
		"b":                         {"counter": json.RawMessage(`{"n":1}`)},
		mockserver.DefaultNamespace: {"counter": json.RawMessage(`{"n":2}`)},
	}
	if !reflect.DeepEqual(snap, want) {
		t.Fatalf("Export = %s, want %s", mustJSON(t, snap), mustJSON(t, want))
	}

	// Into a fresh store, through JSON as the admin API does.
	var wire mockserver.Snapshot
	if err := json.Unmarshal(mustJSON(t, snap), &wire); err != nil {
		t.Fatal(err)
	}
	other := newCounterStore()
	if err := increment(nsCtx("gone"), other); err != nil {
		t.Fatal(err)
	}
	if err := other.Import(context.Background(), wire); err != nil {
		t.Fatalf("Import: %v", err)
	}
	again, err := other.Export(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, want) {
		t.Errorf("Export after Import = %s, want %s (Import replaces everything)", mustJSON(t, again), mustJSON(t, want))
	}
	// Imported state is live state.
	if err := increment(nsCtx("a"), other); err != nil {
		t.Fatal(err)
	}
	if got := count(t, other, "a"); got != 4 {
		t.Errorf("a after import and increment = %d, want 4", got)
	}
}

func TestMemoryStoreImportIsAllOrNothing(t *testing.T) {
	good := json.RawMessage(`{"n":7}`)
	tests := []struct {
		name string
		snap mockserver.Snapshot
	}{
		{"unknown API", mockserver.Snapshot{"x": {"counter": good}, "y": {"nope": good}}},
		{"invalid namespace", mockserver.Snapshot{"x": {"counter": good}, "../y": {"counter": good}}},
		{"empty namespace", mockserver.Snapshot{"x": {"counter": good}, "": {"counter": good}}},
		{"undecodable state", mockserver.Snapshot{"x": {"counter": good}, "y": {"counter": json.RawMessage(`{"n":"seven"}`)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newCounterStore()
			if err := increment(nsCtx("a"), st); err != nil {
				t.Fatal(err)
			}
			before, _ := st.Export(context.Background())
			err := st.Import(context.Background(), tt.snap)
			var ie *mockserver.ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("Import err = %v, want an *ImportError", err)
			}
			if ie.Namespace == "x" {
				t.Errorf("ImportError blames the good namespace: %v", ie)
			}
			after, _ := st.Export(context.Background())
			if !reflect.DeepEqual(after, before) {
				t.Errorf("state after a refused Import = %s, want %s", mustJSON(t, after), mustJSON(t, before))
			}
			if got := count(t, st, "a"); got != 1 {
				t.Errorf("a = %d after a refused Import, want 1", got)
			}
		})
	}
	t.Run("unknown API error", func(t *testing.T) {
		err := newCounterStore().Import(context.Background(), mockserver.Snapshot{"y": {"nope": good}})
		if !errors.Is(err, mockserver.ErrUnknownState) {
			t.Errorf("err = %v, want it to wrap ErrUnknownState", err)
		}
	})
}

func TestMemoryStoreRegisterReplaces(t *testing.T) {
	st := newCounterStore()
	st.Register(mockserver.NewStateKind("counter", func() *counter { return &counter{N: 40} }))
	if got := count(t, st, "a"); got != 40 {
		t.Errorf("new namespace starts at %d, want the replacing kind's 40", got)
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
