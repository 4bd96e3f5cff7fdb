package mockserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
)

type counter struct {
	N int `json:"n"`
}

// check refuses a negative count, so that tests can see a snapshot refused
// by its API's check.
func (c *counter) check() error {
	if c.N < 0 {
		return mockserver.Invalid("/n", "must not be negative, got %d", c.N)
	}
	return nil
}

// newCounterStore returns a store with the "counter" state registered, and
// the typed handle to it.
func newCounterStore() (*mockserver.MemoryStore, *mockserver.State[counter]) {
	st := mockserver.NewMemoryStore()
	return st, mockserver.NewState(st, "counter", func() *counter { return &counter{} }, (*counter).check)
}

func nsCtx(ns string) context.Context {
	return mockserver.WithNamespace(context.Background(), ns)
}

func increment(ctx context.Context, c *mockserver.State[counter]) error {
	return c.Update(ctx, func(c *counter) error {
		n := c.N
		runtime.Gosched() // widen the window a missing lock would leave
		c.N = n + 1
		return nil
	})
}

func count(t testing.TB, c *mockserver.State[counter], ns string) int {
	t.Helper()
	var n int
	if err := c.View(nsCtx(ns), func(c *counter) error { n = c.N; return nil }); err != nil {
		t.Fatalf("View %q: %v", ns, err)
	}
	return n
}

// fill increments the counter of each namespace as often as it says.
func fill(t testing.TB, c *mockserver.State[counter], counts map[string]int) {
	t.Helper()
	for ns, n := range counts {
		for range n {
			if err := increment(nsCtx(ns), c); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestMemoryStoreSerializesUpdates(t *testing.T) {
	const goroutines, each = 32, 200
	_, c := newCounterStore()
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
				if err := increment(nsCtx(ns), c); err != nil {
					t.Error(err)
					return
				}
				_ = count(t, c, ns)
			}
		})
	}
	wg.Wait()
	if got, want := count(t, c, "a"), goroutines*each/2; got != want {
		t.Errorf("counter in a = %d, want %d", got, want)
	}
	if got, want := count(t, c, "b")+count(t, c, "c"), goroutines*each/2; got != want {
		t.Errorf("counters in b and c add up to %d, want %d", got, want)
	}
	if got := count(t, c, "untouched"); got != 0 {
		t.Errorf("counter in an untouched namespace = %d, want 0", got)
	}
}

func TestMemoryStoreNamespacesDoNotWaitForEachOther(t *testing.T) {
	_, c := newCounterStore()
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- c.Update(nsCtx("slow"), func(c *counter) error {
			close(holding)
			<-release
			c.N = 100
			return nil
		})
	}()
	<-holding

	other := make(chan error, 1)
	go func() { other <- increment(nsCtx("fast"), c) }()
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
	if got := count(t, c, "slow"); got != 100 {
		t.Errorf("slow = %d, want 100", got)
	}
	if got := count(t, c, "fast"); got != 1 {
		t.Errorf("fast = %d, want 1", got)
	}
}

func TestMemoryStoreErrors(t *testing.T) {
	st, c := newCounterStore()
	ctx := nsCtx("a")

	if err := st.Update(ctx, "a", "nope", func(any) error { return nil }); !errors.Is(err, mockserver.ErrUnknownState) {
		t.Errorf("Update of an unregistered API: err = %v, want ErrUnknownState", err)
	}
	if err := st.View(ctx, "a", "nope", func(any) error { return nil }); !errors.Is(err, mockserver.ErrUnknownState) {
		t.Errorf("View of an unregistered API: err = %v, want ErrUnknownState", err)
	}

	// fn's error comes back as it is.
	sentinel := errors.New("refused")
	if err := c.Update(ctx, func(*counter) error { return sentinel }); !errors.Is(err, sentinel) {
		t.Errorf("Update returned %v, want fn's error", err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	called := false
	if err := c.Update(cancelled, func(*counter) error { called = true; return nil }); !errors.Is(err, context.Canceled) || called {
		t.Errorf("Update with a cancelled context: err = %v, called = %v; want context.Canceled, not called", err, called)
	}
	if err := c.View(cancelled, func(*counter) error { called = true; return nil }); !errors.Is(err, context.Canceled) || called {
		t.Errorf("View with a cancelled context: err = %v, called = %v; want context.Canceled, not called", err, called)
	}

	// A handle of another type on the same API refuses the state instead
	// of panicking.
	if err := increment(ctx, c); err != nil {
		t.Fatal(err)
	}
	other := mockserver.NewState(st, "counter", func() *struct{ X int } { return &struct{ X int }{} }, nil)
	if err := other.View(ctx, func(*struct{ X int }) error { return nil }); err == nil {
		t.Error("View with the wrong state type: no error")
	}
	if err := other.Update(ctx, func(*struct{ X int }) error { return nil }); err == nil {
		t.Error("Update with the wrong state type: no error")
	}
}

func TestMemoryStoreDefaultNamespace(t *testing.T) {
	_, c := newCounterStore()
	if err := increment(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if got := count(t, c, mockserver.DefaultNamespace); got != 1 {
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
			st, c := newCounterStore()
			fill(t, c, map[string]int{"a": 1, "b": 2})
			if err := st.Reset(context.Background(), tt.ns); err != nil {
				t.Fatal(err)
			}
			for ns, want := range tt.want {
				if got := count(t, c, ns); got != want {
					t.Errorf("after Reset(%q), %s = %d, want %d", tt.ns, ns, got, want)
				}
			}
		})
	}
}

func TestMemoryStoreExportImportRoundTrip(t *testing.T) {
	st, c := newCounterStore()
	fill(t, c, map[string]int{"a": 3, "b": 1, mockserver.DefaultNamespace: 2})
	snap, err := st.Export(context.Background(), "")
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
	other, oc := newCounterStore()
	if err := increment(nsCtx("gone"), oc); err != nil {
		t.Fatal(err)
	}
	if err := other.Import(context.Background(), "", wire); err != nil {
		t.Fatalf("Import: %v", err)
	}
	again, err := other.Export(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, want) {
		t.Errorf("Export after Import = %s, want %s (Import replaces everything)", mustJSON(t, again), mustJSON(t, want))
	}
	// Imported state is live state.
	if err := increment(nsCtx("a"), oc); err != nil {
		t.Fatal(err)
	}
	if got := count(t, oc, "a"); got != 4 {
		t.Errorf("a after import and increment = %d, want 4", got)
	}
}

func TestMemoryStoreExportOneNamespace(t *testing.T) {
	st, c := newCounterStore()
	fill(t, c, map[string]int{"a": 3, "b": 1})
	for _, tt := range []struct {
		ns   string
		want mockserver.Snapshot
	}{
		{"a", mockserver.Snapshot{"a": {"counter": json.RawMessage(`{"n":3}`)}}},
		{"b", mockserver.Snapshot{"b": {"counter": json.RawMessage(`{"n":1}`)}}},
		{"untouched", mockserver.Snapshot{}},
	} {
		snap, err := st.Export(context.Background(), tt.ns)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(snap, tt.want) {
			t.Errorf("Export(%q) = %s, want %s", tt.ns, mustJSON(t, snap), mustJSON(t, tt.want))
		}
	}
}

func TestMemoryStoreImportOneNamespace(t *testing.T) {
	st, c := newCounterStore()
	fill(t, c, map[string]int{"a": 3, "b": 1, "c": 2})
	before, _ := st.Export(context.Background(), "")

	if err := st.Import(context.Background(), "b", mockserver.Snapshot{"b": {"counter": json.RawMessage(`{"n":10}`)}}); err != nil {
		t.Fatalf("Import(b): %v", err)
	}
	want := map[string]int{"a": 3, "b": 10, "c": 2}
	for ns, n := range want {
		if got := count(t, c, ns); got != n {
			t.Errorf("after importing b, %s = %d, want %d", ns, got, n)
		}
	}
	after, _ := st.Export(context.Background(), "")
	for _, ns := range []string{"a", "c"} {
		if !reflect.DeepEqual(after[ns], before[ns]) {
			t.Errorf("namespace %s changed by an import of b: %s, was %s", ns, mustJSON(t, after[ns]), mustJSON(t, before[ns]))
		}
	}

	// An empty snapshot for one namespace empties it and nothing else.
	if err := st.Import(context.Background(), "a", mockserver.Snapshot{}); err != nil {
		t.Fatalf("Import(a, {}): %v", err)
	}
	for ns, n := range map[string]int{"a": 0, "b": 10, "c": 2} {
		if got := count(t, c, ns); got != n {
			t.Errorf("after importing nothing into a, %s = %d, want %d", ns, got, n)
		}
	}
}

func TestMemoryStoreImportIsAllOrNothing(t *testing.T) {
	good := json.RawMessage(`{"n":7}`)
	tests := []struct {
		name   string
		ns     string // namespace imported into; "" for all
		snap   mockserver.Snapshot
		blame  string // the namespace the ImportError names
		api    string // the API it names
		path   string // the path it names
		reason string // a part of its message
	}{
		{name: "unknown API", snap: mockserver.Snapshot{"x": {"counter": good}, "y": {"nope": good}},
			blame: "y", api: "nope", reason: "no state kind registered"},
		{name: "invalid namespace", snap: mockserver.Snapshot{"x": {"counter": good}, "../y": {"counter": good}},
			blame: "../y", reason: "invalid namespace"},
		{name: "empty namespace", snap: mockserver.Snapshot{"x": {"counter": good}, "": {"counter": good}},
			blame: "", reason: "invalid namespace"},
		{name: "null namespace", snap: mockserver.Snapshot{"x": {"counter": good}, "y": nil},
			blame: "y", reason: "null"},
		{name: "undecodable state", snap: mockserver.Snapshot{"x": {"counter": good}, "y": {"counter": json.RawMessage(`{"n":"seven"}`)}},
			blame: "y", api: "counter", path: "/n", reason: "must be a number, not string"},
		{name: "null state", snap: mockserver.Snapshot{"x": {"counter": good}, "y": {"counter": json.RawMessage(`null`)}},
			blame: "y", api: "counter", reason: "null"},
		{name: "trailing data after a state", snap: mockserver.Snapshot{"x": {"counter": good}, "y": {"counter": json.RawMessage(`{"n":1} {"n":2}`)}},
			blame: "y", api: "counter", reason: "after the JSON value"},
		{name: "state refused by its check", snap: mockserver.Snapshot{"x": {"counter": good}, "y": {"counter": json.RawMessage(`{"n":-1}`)}},
			blame: "y", api: "counter", path: "/n", reason: "must not be negative"},
		{name: "another namespace than the one imported", ns: "x", snap: mockserver.Snapshot{"x": {"counter": good}, "y": {"counter": good}},
			blame: "y", reason: `"x"`},
		{name: "only another namespace", ns: "a", snap: mockserver.Snapshot{"y": {"counter": good}},
			blame: "y", reason: `"a"`},
		{name: "invalid namespace to import into", ns: "../a", snap: mockserver.Snapshot{},
			blame: "../a", reason: "invalid namespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, c := newCounterStore()
			fill(t, c, map[string]int{"a": 1, "x": 2})
			before, _ := st.Export(context.Background(), "")
			err := st.Import(context.Background(), tt.ns, tt.snap)
			var ie *mockserver.ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("Import err = %v, want an *ImportError", err)
			}
			if ie.Namespace != tt.blame || ie.API != tt.api || ie.Path != tt.path {
				t.Errorf("ImportError names namespace %q, API %q, path %q; want %q, %q, %q (%v)", ie.Namespace, ie.API, ie.Path, tt.blame, tt.api, tt.path, ie)
			}
			msg := err.Error()
			for _, part := range []string{`namespace "` + tt.blame + `"`, tt.api, tt.path, tt.reason} {
				if !strings.Contains(msg, part) {
					t.Errorf("message %q does not contain %q", msg, part)
				}
			}
			after, _ := st.Export(context.Background(), "")
			if !reflect.DeepEqual(after, before) {
				t.Errorf("state after a refused Import = %s, want %s", mustJSON(t, after), mustJSON(t, before))
			}
			if got := count(t, c, "a"); got != 1 {
				t.Errorf("a = %d after a refused Import, want 1", got)
			}
		})
	}
	t.Run("unknown API error", func(t *testing.T) {
		st, _ := newCounterStore()
		err := st.Import(context.Background(), "", mockserver.Snapshot{"y": {"nope": good}})
		if !errors.Is(err, mockserver.ErrUnknownState) {
			t.Errorf("err = %v, want it to wrap ErrUnknownState", err)
		}
	})
	t.Run("check error", func(t *testing.T) {
		st, _ := newCounterStore()
		err := st.Import(context.Background(), "", mockserver.Snapshot{"y": {"counter": json.RawMessage(`{"n":-3}`)}})
		var se *mockserver.StateError
		if !errors.As(err, &se) || se.Path != "/n" {
			t.Errorf("err = %v, want it to wrap the check's *StateError at /n", err)
		}
	})
}

func TestMemoryStoreRegisterReplaces(t *testing.T) {
	st, _ := newCounterStore()
	c := mockserver.NewState(st, "counter", func() *counter { return &counter{N: 40} }, nil)
	if got := count(t, c, "a"); got != 40 {
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
