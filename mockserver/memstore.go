package mockserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
)

// MemoryStore is the default Store: all state in memory, one lock per API and
// namespace, so requests to different namespaces never wait for each other.
type MemoryStore struct {
	mu      sync.RWMutex
	kinds   map[string]StateKind
	entries map[entryKey]*entry
	seq     atomic.Uint64 // last version handed out, see Versions
}

type entryKey struct{ ns, api string }

type entry struct {
	mu    sync.RWMutex
	state any
	// version is the store's seq at the entry's last change (an Update
	// that succeeded, or the Import that made it); 0 while it holds its
	// initial state.
	version atomic.Uint64
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{kinds: map[string]StateKind{}, entries: map[entryKey]*entry{}}
}

// Register implements Store.
func (m *MemoryStore) Register(kind StateKind) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.kinds[kind.API] = kind
}

// entry returns the entry of (ns, api), creating it from the kind's initial
// state on first use.
func (m *MemoryStore) entry(ns, api string) (*entry, error) {
	k := entryKey{ns, api}
	m.mu.RLock()
	e, ok := m.entries[k]
	m.mu.RUnlock()
	if ok {
		return e, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[k]; ok {
		return e, nil
	}
	kind, ok := m.kinds[api]
	if !ok {
		return nil, fmt.Errorf("mockserver: %w for API %q", ErrUnknownState, api)
	}
	e = &entry{state: kind.Initial()}
	m.entries[k] = e
	return e, nil
}

// View implements Store.
func (m *MemoryStore) View(ctx context.Context, ns, api string, fn func(any) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e, err := m.entry(ns, api)
	if err != nil {
		return err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return fn(e.state)
}

// Update implements Store.
func (m *MemoryStore) Update(ctx context.Context, ns, api string, fn func(any) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e, err := m.entry(ns, api)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := fn(e.state); err != nil {
		return err
	}
	e.version.Store(m.seq.Add(1))
	return nil
}

// Versions returns, for each namespace changed since it was created (by
// an Update that succeeded or by an Import), a number that is larger after
// every later change of it. A namespace that is left out holds its initial
// state or nothing: never changed, or reset or dropped since. Numbers come
// from one counter for the whole store, so a namespace reset and changed
// again never gets a number it had before.
func (m *MemoryStore) Versions() map[string]uint64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	versions := map[string]uint64{}
	for k, e := range m.entries {
		if v := e.version.Load(); v > versions[k.ns] {
			versions[k.ns] = v
		}
	}
	return versions
}

// Reset implements Store.
func (m *MemoryStore) Reset(_ context.Context, ns string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := range m.entries {
		if ns == "" || k.ns == ns {
			delete(m.entries, k)
		}
	}
	return nil
}

// Export implements Store. Each namespace's state is encoded under its
// own lock, so an export never stalls requests to other namespaces.
func (m *MemoryStore) Export(ctx context.Context, ns string) (Snapshot, error) {
	m.mu.RLock()
	keys := make(map[entryKey]*entry, len(m.entries))
	for k, e := range m.entries {
		if ns == "" || k.ns == ns {
			keys[k] = e
		}
	}
	m.mu.RUnlock()

	snap := Snapshot{}
	for k, e := range keys {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e.mu.RLock()
		raw, err := json.Marshal(e.state)
		e.mu.RUnlock()
		if err != nil {
			return nil, fmt.Errorf("mockserver: export %s/%s: %w", k.ns, k.api, err)
		}
		if snap[k.ns] == nil {
			snap[k.ns] = map[string]json.RawMessage{}
		}
		snap[k.ns][k.api] = raw
	}
	return snap, nil
}

// ImportError reports which part of a snapshot could not be imported: the
// namespace, the API and, for a state that breaks an invariant, the JSON
// pointer of the first problem within that API's state.
type ImportError struct {
	Namespace, API, Path string
	Err                  error
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "snapshot: namespace %q", e.Namespace)
	if e.API != "" {
		fmt.Fprintf(&b, ", API %q", e.API)
	}
	if e.Path != "" {
		fmt.Fprintf(&b, ", at %s", e.Path)
		var se *StateError
		if errors.As(e.Err, &se) {
			fmt.Fprintf(&b, ": %s", se.Reason)
			return b.String()
		}
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *ImportError) Unwrap() error { return e.Err }

// Import implements Store.
func (m *MemoryStore) Import(_ context.Context, ns string, snap Snapshot) error {
	if ns != "" && !ValidNamespace(ns) {
		return &ImportError{Namespace: ns, Err: errors.New("invalid namespace name")}
	}
	m.mu.RLock()
	kinds := maps.Clone(m.kinds)
	m.mu.RUnlock()
	decoded := map[entryKey]*entry{}
	for name, apis := range snap {
		switch {
		case !ValidNamespace(name):
			return &ImportError{Namespace: name, Err: errors.New("invalid namespace name")}
		case ns != "" && name != ns:
			return &ImportError{Namespace: name, Err: fmt.Errorf("the import is for namespace %q only", ns)}
		case apis == nil:
			return &ImportError{Namespace: name, Err: errors.New("must be an object of API states, not null")}
		}
		for api, raw := range apis {
			kind, ok := kinds[api]
			if !ok {
				return &ImportError{Namespace: name, API: api, Err: ErrUnknownState}
			}
			state, err := kind.Decode(raw)
			if err != nil {
				ie := &ImportError{Namespace: name, API: api, Err: err}
				var se *StateError
				if errors.As(err, &se) {
					ie.Path = se.Path
				}
				return ie
			}
			e := &entry{state: state}
			e.version.Store(m.seq.Add(1))
			decoded[entryKey{name, api}] = e
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if ns == "" {
		m.entries = decoded
		return nil
	}
	for k := range m.entries {
		if k.ns == ns {
			delete(m.entries, k)
		}
	}
	maps.Copy(m.entries, decoded)
	return nil
}
