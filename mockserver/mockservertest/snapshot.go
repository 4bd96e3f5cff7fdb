package mockservertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/standin/standin/mockserver"
)

// snapshot checks the API's state through the store's export and import:
// the seeded state survives a round trip into another namespace
// unchanged, and works there; a snapshot that leaves out the state's
// top-level maps imports (the API's check fills them) and serves
// requests without a 5xx, and where the maps left out were empty anyway,
// the Login hook still works.
func (k *kit) snapshot(t *testing.T) {
	t.Run("round trip", func(t *testing.T) {
		snap, err := k.store.Export(t.Context(), "kit-base")
		if err != nil {
			t.Fatal(err)
		}
		seeded := snap["kit-base"][k.mock.Name]
		if len(seeded) == 0 {
			t.Fatalf("the export of the seeded namespace has no state of %s", k.mock.Name)
		}
		ns := fmt.Sprintf("kit-%d", k.seq.Add(1))
		t.Cleanup(func() { _ = k.store.Reset(t.Context(), ns) })
		if err := k.store.Import(t.Context(), ns, mockserver.Snapshot{ns: snap["kit-base"]}); err != nil {
			t.Fatalf("import the seeded state into %s: %v", ns, err)
		}
		again, err := k.export(ns)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(seeded, again) {
			t.Errorf("export, import, export changed the state:\nbefore: %.500s\nafter:  %.500s", seeded, again)
		}
		k.serves(t, ns, true)
	})
	t.Run("normalised", func(t *testing.T) {
		var state map[string]json.RawMessage
		if err := json.Unmarshal(k.base, &state); err != nil {
			t.Fatalf("the state of %s is not a JSON object: %v", k.mock.Name, err)
		}
		var tops, empty []string
		for _, key := range slices.Sorted(maps.Keys(state)) {
			switch v := bytes.TrimSpace(state[key]); {
			case bytes.Equal(v, []byte("{}")) || bytes.Equal(v, []byte("[]")):
				empty = append(empty, key)
				tops = append(tops, key)
			case len(v) > 0 && (v[0] == '{' || v[0] == '['):
				tops = append(tops, key)
			}
		}
		if len(tops) == 0 {
			t.Skipf("the state of %s has no top-level maps", k.mock.Name)
		}
		// A snapshot without a map the others refer to may be refused,
		// with a 400 that names the reference; one without maps that
		// were empty, or without any map, must import.
		try := func(name string, drop []string, mayRefuse, mustLogin bool) {
			t.Run(name, func(t *testing.T) {
				cut := maps.Clone(state)
				for _, key := range drop {
					delete(cut, key)
				}
				raw, err := json.Marshal(cut)
				if err != nil {
					t.Fatal(err)
				}
				ns := fmt.Sprintf("kit-%d", k.seq.Add(1))
				t.Cleanup(func() { _ = k.store.Reset(t.Context(), ns) })
				err = k.store.Import(t.Context(), ns, mockserver.Snapshot{ns: {k.mock.Name: raw}})
				var ie *mockserver.ImportError
				switch {
				case err != nil && mayRefuse && errors.As(err, &ie) && ie.Path != "":
					t.Logf("refused, as it may be: %v", err)
					return
				case err != nil:
					t.Fatalf("a state without %q does not import: %v", drop, err)
				}
				k.serves(t, ns, mustLogin)
			})
		}
		for _, key := range tops {
			wasEmpty := slices.Contains(empty, key)
			try("without "+key, []string{key}, !wasEmpty, wasEmpty)
		}
		try("without every empty map", empty, false, true)
		try("without every map", tops, false, false)
	})
}

// serves logs in to namespace ns with the Login hook (which must work if
// mustLogin) and sends a valid request to every GET operation: no reply
// may be a 5xx or break the spec.
func (k *kit) serves(t *testing.T, ns string, mustLogin bool) {
	t.Helper()
	auth := k.auth
	if k.mock.Test.Login != nil {
		got, err := k.mock.Test.Login(k.validating(t, k.root, ""), ns)
		switch {
		case err == nil:
			auth = got
		case mustLogin:
			t.Errorf("the Login hook fails: %v", err)
		default:
			t.Logf("the Login hook fails, as it may without the state it needs: %v", err)
		}
	}
	for i, op := range k.ops {
		if op.Method != http.MethodGet {
			continue
		}
		c, err := k.generate(op, uint64(i), false)
		if err != nil {
			t.Fatalf("%s: generate a request: %v", op.Op.OperationID, err)
		}
		k.send(t, k.request(op.Method, c.target(), c.encoded(), c.contentType, ns, auth), ns)
	}
}
