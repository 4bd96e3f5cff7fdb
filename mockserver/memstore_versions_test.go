package mockserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/standin/standin/mockserver"
)

// Versions is what a state directory relies on to write only the
// namespaces that changed: a namespace appears once it is changed, its
// number grows with every change and never with a read or a refused
// change, and it disappears when the namespace is reset.
func TestMemoryStoreVersions(t *testing.T) {
	st, c := newCounterStore()
	ctx := context.Background()
	version := func(ns string) (uint64, bool) {
		v, ok := st.Versions()[ns]
		return v, ok
	}

	if v := st.Versions(); len(v) != 0 {
		t.Fatalf("Versions() of a new store = %v, want none", v)
	}
	count(t, c, "a") // creates "a" with its initial state
	if v, ok := version("a"); ok {
		t.Errorf("after a View, Versions()[a] = %d, want a namespace that was only read left out", v)
	}

	fill(t, c, map[string]int{"a": 1})
	v1, ok := version("a")
	if !ok || v1 == 0 {
		t.Fatalf("after an Update, Versions()[a] = %d, %v, want a positive number", v1, ok)
	}
	count(t, c, "a")
	if v, _ := version("a"); v != v1 {
		t.Errorf("after a View, Versions()[a] = %d, want %d unchanged", v, v1)
	}
	refused := c.Update(nsCtx("a"), func(*counter) error { return errors.New("no") })
	if v, _ := version("a"); refused == nil || v != v1 {
		t.Errorf("after a refused Update (%v), Versions()[a] = %d, want %d unchanged", refused, v, v1)
	}
	fill(t, c, map[string]int{"a": 1, "b": 2})
	v2, _ := version("a")
	if v2 <= v1 {
		t.Errorf("after a second Update, Versions()[a] = %d, want more than %d", v2, v1)
	}
	vb, _ := version("b")

	if err := st.Reset(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if v, ok := version("a"); ok {
		t.Errorf("after Reset(a), Versions()[a] = %d, want a left out", v)
	}
	if v, _ := version("b"); v != vb {
		t.Errorf("after Reset(a), Versions()[b] = %d, want %d unchanged", v, vb)
	}
	fill(t, c, map[string]int{"a": 1})
	if v, _ := version("a"); v <= v2 {
		t.Errorf("a reset and changed again: Versions()[a] = %d, want more than the %d it had before the reset", v, v2)
	}

	snap := mockserver.Snapshot{"c": {"counter": json.RawMessage(`{"n":5}`)}}
	if err := st.Import(ctx, "c", snap); err != nil {
		t.Fatal(err)
	}
	vc, ok := version("c")
	if !ok || vc == 0 {
		t.Errorf("after Import(c), Versions()[c] = %d, %v, want a positive number", vc, ok)
	}
	if err := st.Import(ctx, "c", mockserver.Snapshot{"c": {"counter": json.RawMessage(`{"n":-1}`)}}); err == nil {
		t.Fatal("Import of a refused state succeeded")
	}
	if v, _ := version("c"); v != vc {
		t.Errorf("after a refused Import, Versions()[c] = %d, want %d unchanged", v, vc)
	}

	if err := st.Reset(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if v := st.Versions(); len(v) != 0 {
		t.Errorf("after Reset of every namespace, Versions() = %v, want none", v)
	}
}
