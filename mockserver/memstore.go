package mockserver

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
)

// MemoryStore is the default Store: all state in memory, one lock per API and
// namespace, so requests to different namespaces never wait for each other.
type MemoryStore struct {
	mu      sync.RWMutex
	kinds   map[string]StateKind
	entries map[entryKey]*entry
}

type entryKey struct{ ns, api string }

type entry struct {
	mu    sync.RWMutex
	state any
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
	return fn(e.state)
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

// Export implements Store.
func (m *MemoryStore) Export(ctx context.Context) (Snapshot, error) {
	m.mu.RLock()
	keys := make(map[entryKey]*entry, len(m.entries))
	for k, e := range m.entries {
		keys[k] = e
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

// ImportError reports which part of a snapshot could not be imported.
type ImportError struct {
	Namespace, API string
	Err            error
}

func (e *ImportError) Error() string {
	return fmt.Sprintf("snapshot %q/%q: %v", e.Namespace, e.API, e.Err)
}

func (e *ImportError) Unwrap() error { return e.Err }

// Import implements Store.
func (m *MemoryStore) Import(_ context.Context, snap Snapshot) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	entries := map[entryKey]*entry{}
	for ns, apis := range snap {
		if !ValidNamespace(ns) {
			return &ImportError{ns, "", fmt.Errorf("invalid namespace name")}
		}
		for api, raw := range apis {
			kind, ok := m.kinds[api]
			if !ok {
				return &ImportError{ns, api, ErrUnknownState}
			}
			state, err := kind.Decode(raw)
			if err != nil {
				return &ImportError{ns, api, err}
			}
			entries[entryKey{ns, api}] = &entry{state: state}
		}
	}
	m.entries = entries
	return nil
}
