package mockserver

import (
	"bufio"
	"bytes"
	"cmp"
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// MemoryStore is the default Store: all state in memory, one lock per API and
// namespace, so requests to different namespaces never wait for each other.
//
// Namespaces are cheap and bounded. A namespace holds state only once an
// Update in it succeeded (or a snapshot was imported into it): until then
// a View runs on the API's initial state, built once and shared, so that
// requests refused before they change anything (a bad token, a wrong
// password, a spec violation) allocate nothing. At most
// NamespaceLimits.Max namespaces besides DefaultNamespace hold state at
// once; an Update that would create one more fails with a 429 of
// KindTooManyNamespaces. A namespace that no request or import has touched
// for NamespaceLimits.IdleTimeout is dropped, and reads as its initial
// state again. DefaultNamespace is never dropped for being idle and not
// counted. A reset drops a namespace too, and frees its place.
type MemoryStore struct {
	limits NamespaceLimits
	now    func() time.Time

	mu     sync.RWMutex
	kinds  map[string]*kindState
	spaces map[string]*space
	// byUse orders the namespaces other than the default one by the time
	// they were last known to be used, so that the idle ones are found
	// from its top without looking at the others (see sweep).
	byUse useHeap
	// nextSweep is when an Update next looks for idle namespaces, in Unix
	// nanoseconds: at most a few times per idle timeout.
	nextSweep atomic.Int64
	// seq is the last version handed out, see Versions.
	seq atomic.Uint64
}

// NamespaceLimits bound the namespaces of a MemoryStore: the configuration
// keys namespaces.max and namespaces.idleTimeout.
type NamespaceLimits struct {
	// Max is how many namespaces besides the default one may hold state
	// at once; 0 means no limit.
	Max int `yaml:"max"`
	// IdleTimeout is how long a namespace other than the default one
	// keeps its state after it was last touched; 0 means for ever.
	IdleTimeout time.Duration `yaml:"idleTimeout"`
}

// DefaultNamespaceLimits are the limits standin serves with unless
// configured otherwise: 1,000 namespaces, each dropped after an hour
// without requests.
func DefaultNamespaceLimits() NamespaceLimits {
	return NamespaceLimits{Max: 1000, IdleTimeout: time.Hour}
}

// Validate reports a negative limit.
func (l NamespaceLimits) Validate() error {
	if l.Max < 0 {
		return fmt.Errorf("max must not be negative, got %d", l.Max)
	}
	if l.IdleTimeout < 0 {
		return fmt.Errorf("idleTimeout must not be negative, got %s", l.IdleTimeout)
	}
	return nil
}

// MemoryOptions configure a MemoryStore.
type MemoryOptions struct {
	// Namespaces bound the namespaces that hold state; the zero value
	// bounds nothing.
	Namespaces NamespaceLimits
	// Now is the clock that idle times are measured with; nil means
	// time.Now.
	Now func() time.Time
}

// kindState is a registered kind and its initial state, built once on
// first use and shared, read-only, by the Views of every namespace that
// holds no state of the kind.
type kindState struct {
	kind    StateKind
	initial func() any
}

// space is a namespace that holds state.
type space struct {
	name    string
	entries map[string]*entry // by API; guarded by MemoryStore.mu
	// lastUse is when a request last touched the namespace, in Unix
	// nanoseconds; requests set it holding only the store's read lock.
	lastUse atomic.Int64
	// used is lastUse as byUse knows it, and index the namespace's place
	// in byUse (-1 for the default namespace, which is not in it). Both
	// are guarded by MemoryStore.mu.
	used  int64
	index int
}

type entry struct {
	mu    sync.RWMutex
	state any
	// gone is set when the entry is dropped (reset, import, idle, or a
	// first Update that failed): a transaction that finds it set once it
	// holds the lock starts over, so that no change lands in a dropped
	// state. (One that held the lock before the drop finishes on it, as
	// if it came before the drop.)
	gone atomic.Bool
	// version is the store's seq at the entry's last change (an Update
	// that succeeded, or the Import that made it).
	version atomic.Uint64
}

var (
	_ Store           = (*MemoryStore)(nil)
	_ SnapshotWriter  = (*MemoryStore)(nil)
	_ NamespaceLister = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty in-memory store with the
// DefaultNamespaceLimits.
func NewMemoryStore() *MemoryStore {
	return NewMemoryStoreWith(MemoryOptions{Namespaces: DefaultNamespaceLimits()})
}

// NewMemoryStoreWith returns an empty in-memory store configured by opts.
func NewMemoryStoreWith(opts MemoryOptions) *MemoryStore {
	m := &MemoryStore{limits: opts.Namespaces, now: opts.Now, kinds: map[string]*kindState{}, spaces: map[string]*space{}}
	if m.now == nil {
		m.now = time.Now
	}
	return m
}

// Limits returns the store's namespace limits.
func (m *MemoryStore) Limits() NamespaceLimits { return m.limits }

// Register implements Store.
func (m *MemoryStore) Register(kind StateKind) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.kinds[kind.API] = &kindState{kind: kind, initial: sync.OnceValue(kind.Initial)}
}

// NamespaceCount returns how many namespaces hold state, the default one
// included, after dropping those idle for longer than the idle timeout.
func (m *MemoryStore) NamespaceCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(m.now().UnixNano())
	return len(m.spaces)
}

// idle reports whether sp has gone untouched for the idle timeout at now.
func (m *MemoryStore) idle(sp *space, now int64) bool {
	return sp.index >= 0 && m.limits.IdleTimeout > 0 && now-sp.lastUse.Load() >= int64(m.limits.IdleTimeout)
}

// lookup finds the kind of api and, if namespace ns holds state of it, its
// entry, touching the namespace.
func (m *MemoryStore) lookup(ns, api string, now int64) (*kindState, *entry, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	ks, ok := m.kinds[api]
	if !ok {
		return nil, nil, fmt.Errorf("mockserver: %w for API %q", ErrUnknownState, api)
	}
	sp := m.spaces[ns]
	if sp == nil || m.idle(sp, now) {
		return ks, nil, nil
	}
	sp.touch(now)
	return ks, sp.entries[api], nil
}

// touch records that sp was used at now; lastUse only moves forward.
func (sp *space) touch(now int64) {
	for {
		last := sp.lastUse.Load()
		if last >= now || sp.lastUse.CompareAndSwap(last, now) {
			return
		}
	}
}

// View implements Store. In a namespace that holds no state of api, fn
// runs on the API's shared initial state and nothing is created. View
// never takes a write lock.
func (m *MemoryStore) View(ctx context.Context, ns, api string, fn func(any) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		ks, e, err := m.lookup(ns, api, m.now().UnixNano())
		if err != nil {
			return err
		}
		if e == nil {
			return fn(ks.initial())
		}
		e.mu.RLock()
		if e.gone.Load() {
			e.mu.RUnlock()
			continue
		}
		err = fn(e.state)
		e.mu.RUnlock()
		return err
	}
}

// Update implements Store. In a namespace that holds no state of api, fn
// runs on a fresh initial state that the namespace keeps only if fn
// succeeds; creating a namespace beyond NamespaceLimits.Max fails with a
// 429 of KindTooManyNamespaces.
func (m *MemoryStore) Update(ctx context.Context, ns, api string, fn func(any) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		now := m.now().UnixNano()
		m.maybeSweep(now)
		ks, e, err := m.lookup(ns, api, now)
		if err != nil {
			return err
		}
		if e == nil {
			created, err := m.create(ns, api, ks, now)
			if err != nil {
				return err
			}
			if created != nil {
				return m.first(ns, api, ks, created, fn)
			}
			continue // another request created it first
		}
		e.mu.Lock()
		if e.gone.Load() {
			e.mu.Unlock()
			continue
		}
		return m.locked(e, fn)
	}
}

// locked runs fn on e's state and unlocks e, which the caller locked.
func (m *MemoryStore) locked(e *entry, fn func(any) error) error {
	defer e.mu.Unlock()
	if err := fn(e.state); err != nil {
		return err
	}
	e.version.Store(m.seq.Add(1))
	return nil
}

// first runs the first Update of api in ns on e, which create returned
// locked: on a fresh initial state, kept only if fn succeeds.
func (m *MemoryStore) first(ns, api string, ks *kindState, e *entry, fn func(any) error) (err error) {
	kept := false
	defer func() {
		if !kept {
			m.discard(ns, api, e)
		}
		e.mu.Unlock()
	}()
	e.state = ks.kind.Initial()
	if err := fn(e.state); err != nil {
		return err
	}
	e.version.Store(m.seq.Add(1))
	kept = true
	return nil
}

// create adds an entry for api in namespace ns, locked for the caller to
// fill, and the namespace if it holds no state yet. It returns nil if the
// entry exists (another request made it meanwhile), and refuses a
// namespace beyond the limit.
func (m *MemoryStore) create(ns, api string, ks *kindState, now int64) (*entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.kinds[api] != ks {
		return nil, nil // registered again meanwhile: look it up anew
	}
	sp := m.spaces[ns]
	if sp != nil && m.idle(sp, now) {
		m.drop(sp)
		sp = nil
	}
	if sp == nil {
		if ns != DefaultNamespace && m.limits.Max > 0 && m.named() >= m.limits.Max {
			m.sweep(now)
			if m.named() >= m.limits.Max {
				return nil, m.tooMany(ns)
			}
		}
		sp = &space{name: ns, entries: map[string]*entry{}, used: now, index: -1}
		sp.lastUse.Store(now)
		m.spaces[ns] = sp
		if ns != DefaultNamespace {
			heap.Push(&m.byUse, sp)
		}
	} else if sp.entries[api] != nil {
		return nil, nil
	}
	e := &entry{}
	e.mu.Lock()
	sp.entries[api] = e
	return e, nil
}

// discard removes entry e of api in ns, whose first Update failed, and the
// namespace with it if that leaves it empty.
func (m *MemoryStore) discard(ns, api string, e *entry) {
	e.gone.Store(true)
	m.mu.Lock()
	defer m.mu.Unlock()
	sp := m.spaces[ns]
	if sp == nil || sp.entries[api] != e {
		return
	}
	delete(sp.entries, api)
	if len(sp.entries) == 0 {
		m.drop(sp)
	}
}

// named returns how many namespaces other than the default one hold state.
func (m *MemoryStore) named() int { return len(m.byUse) }

// tooMany is the refusal of a namespace beyond the limit.
func (m *MemoryStore) tooMany(ns string) *Error {
	msg := fmt.Sprintf("namespace %q cannot be created: %d namespaces besides %q hold state, the limit (namespaces.max); "+
		"reset one (POST %s/reset?namespace=NS)", clipText(ns, 64), m.limits.Max, DefaultNamespace, AdminPrefix)
	if m.limits.IdleTimeout > 0 {
		msg += fmt.Sprintf(", wait until one has been idle for %s (namespaces.idleTimeout)", m.limits.IdleTimeout)
	}
	msg += " or raise the limit"
	return (&Error{Status: http.StatusTooManyRequests, Kind: KindTooManyNamespaces, Message: msg}).WithDetail("limit", m.limits.Max)
}

// drop removes namespace sp and marks its entries gone. m.mu must be held.
func (m *MemoryStore) drop(sp *space) {
	for _, e := range sp.entries {
		e.gone.Store(true)
	}
	delete(m.spaces, sp.name)
	if sp.index >= 0 {
		heap.Remove(&m.byUse, sp.index)
	}
}

// maybeSweep drops idle namespaces if none was looked for lately, so that
// their memory is freed even when no new namespace is created.
func (m *MemoryStore) maybeSweep(now int64) {
	if m.limits.IdleTimeout <= 0 {
		return
	}
	next := m.nextSweep.Load()
	if now < next || !m.nextSweep.CompareAndSwap(next, now+int64(m.limits.IdleTimeout/4)) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
}

// sweep drops the namespaces idle at now. It looks only at the top of
// byUse: a namespace used since byUse last placed it is placed again
// (once per use at most), and the first one that was not is the least
// recently used of all, so that when it is not idle, none is. m.mu must be
// held.
func (m *MemoryStore) sweep(now int64) {
	if m.limits.IdleTimeout <= 0 {
		return
	}
	for len(m.byUse) > 0 {
		sp := m.byUse[0]
		switch last := sp.lastUse.Load(); {
		case m.idle(sp, now):
			m.drop(sp)
		case last > sp.used:
			sp.used = last
			heap.Fix(&m.byUse, 0)
		default:
			return
		}
	}
}

// useHeap is a min-heap of namespaces by the time they were last known to
// be used (container/heap).
type useHeap []*space

func (h useHeap) Len() int           { return len(h) }
func (h useHeap) Less(i, j int) bool { return h[i].used < h[j].used }
func (h useHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *useHeap) Push(x any) {
	sp := x.(*space)
	sp.index = len(*h)
	*h = append(*h, sp)
}
func (h *useHeap) Pop() any {
	old := *h
	sp := old[len(old)-1]
	old[len(old)-1] = nil
	sp.index = -1
	*h = old[:len(old)-1]
	return sp
}

// Namespaces implements NamespaceLister: the namespaces that hold state
// and are not idle, sorted by name.
func (m *MemoryStore) Namespaces() []NamespaceInfo {
	now := m.now().UnixNano()
	m.mu.RLock()
	out := make([]NamespaceInfo, 0, len(m.spaces))
	for name, sp := range m.spaces {
		if m.idle(sp, now) {
			continue
		}
		apis := make([]string, 0, len(sp.entries))
		for api := range sp.entries {
			apis = append(apis, api)
		}
		slices.Sort(apis)
		out = append(out, NamespaceInfo{Name: name, APIs: apis, LastUsed: time.Unix(0, sp.lastUse.Load()).UTC()})
	}
	m.mu.RUnlock()
	slices.SortFunc(out, func(a, b NamespaceInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Versions returns, for each namespace that holds state, a number that is
// larger after every later change of it (an Update that succeeded or an
// Import). A namespace that is left out holds no state: never changed, or
// reset or dropped since. Numbers come from one counter for the whole
// store, so a namespace reset and changed again never gets a number it had
// before.
func (m *MemoryStore) Versions() map[string]uint64 {
	now := m.now().UnixNano()
	m.mu.RLock()
	defer m.mu.RUnlock()
	versions := map[string]uint64{}
	for name, sp := range m.spaces {
		if m.idle(sp, now) {
			continue
		}
		for _, e := range sp.entries {
			if v := e.version.Load(); v > versions[name] {
				versions[name] = v
			}
		}
	}
	return versions
}

// Reset implements Store. A namespace that is reset holds no state
// afterwards: it reads as its initial state and no longer counts against
// the limit until an Update creates it again.
func (m *MemoryStore) Reset(_ context.Context, ns string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ns != "" {
		if sp := m.spaces[ns]; sp != nil {
			m.drop(sp)
		}
		return nil
	}
	m.dropAll()
	return nil
}

// dropAll removes every namespace. m.mu must be held.
func (m *MemoryStore) dropAll() {
	for _, sp := range m.spaces {
		for _, e := range sp.entries {
			e.gone.Store(true)
		}
	}
	m.spaces, m.byUse = map[string]*space{}, nil
}

// Export implements Store. Each namespace's state is encoded under its
// own lock, so an export never stalls requests to other namespaces.
func (m *MemoryStore) Export(ctx context.Context, ns string) (Snapshot, error) {
	snap := Snapshot{}
	for _, k := range m.exportEntries(ns) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var b bytes.Buffer
		live, err := encodeState(k.e, &b)
		if err != nil {
			return nil, fmt.Errorf("mockserver: export %s/%s: %w", k.ns, k.api, err)
		}
		if !live {
			continue
		}
		if snap[k.ns] == nil {
			snap[k.ns] = map[string]json.RawMessage{}
		}
		snap[k.ns][k.api] = b.Bytes()
	}
	return snap, nil
}

// WriteExport implements SnapshotWriter: it writes what WriteSnapshot
// writes of Export's result, each state as it is encoded, so that a large
// state never sits in memory as one block (nor is checked again by
// encoding/json, as a json.RawMessage is).
func (m *MemoryStore) WriteExport(ctx context.Context, ns string, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteByte('{')
	open := "" // the namespace whose object is open
	opened := false
	for _, k := range m.exportEntries(ns) {
		if err := ctx.Err(); err != nil {
			return err
		}
		// The keys before a state are written with its first byte, so
		// that a state dropped meanwhile leaves no key behind.
		var head []byte
		switch {
		case opened && k.ns == open:
			head = append(head, ',')
		case opened:
			head = append(head, "},"...)
			fallthrough
		default:
			head = append(appendKey(head, k.ns), '{')
		}
		head = appendKey(head, k.api)
		lw := &headWriter{w: bw, head: head}
		if _, err := encodeState(k.e, lw); err != nil {
			return fmt.Errorf("mockserver: export %s/%s: %w", k.ns, k.api, err)
		}
		if lw.head == nil {
			open, opened = k.ns, true
		}
	}
	if opened {
		bw.WriteByte('}')
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// headWriter writes head before the first bytes written to it, and then
// sets it to nil.
type headWriter struct {
	w    io.Writer
	head []byte
}

func (h *headWriter) Write(p []byte) (int, error) {
	if h.head != nil && len(p) > 0 {
		if _, err := h.w.Write(h.head); err != nil {
			return 0, err
		}
		h.head = nil
	}
	return h.w.Write(p)
}

// appendKey appends s as a JSON object key, as WriteSnapshot writes it.
func appendKey(b []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return append(append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), ':')
}

// exported is the state of one API in one namespace, as an export finds
// it.
type exported struct {
	ns, api string
	e       *entry
}

// exportEntries returns the states an export of namespace ns (every
// namespace if empty) covers, by namespace and API, as encoding/json
// orders a Snapshot's keys.
func (m *MemoryStore) exportEntries(ns string) []exported {
	now := m.now().UnixNano()
	var out []exported
	m.mu.RLock()
	for name, sp := range m.spaces {
		if (ns != "" && name != ns) || m.idle(sp, now) {
			continue
		}
		for api, e := range sp.entries {
			out = append(out, exported{name, api, e})
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(out, func(a, b exported) int { return cmp.Or(strings.Compare(a.ns, b.ns), strings.Compare(a.api, b.api)) })
	return out
}

// encodeState writes the JSON of e's state to w, byte for byte what
// json.Marshal makes of it, and reports whether e still held a state. A
// state that is a Copier is copied under e's lock and encoded outside it,
// so that writes to the namespace never wait for a long encoding; a
// StateWriter writes itself, a record at a time.
func encodeState(e *entry, w io.Writer) (bool, error) {
	e.mu.RLock()
	if e.gone.Load() {
		e.mu.RUnlock()
		return false, nil
	}
	state := e.state
	if c, ok := state.(Copier); ok {
		state = c.CopyState()
		e.mu.RUnlock()
	} else {
		defer e.mu.RUnlock()
	}
	if sw, ok := state.(StateWriter); ok {
		return true, sw.WriteJSON(w)
	}
	raw, err := json.Marshal(state)
	if err != nil {
		return true, err
	}
	_, err = w.Write(raw)
	return true, err
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

// Import implements Store. The imported namespaces count as touched now.
// An import that would leave more namespaces besides the default one
// holding state than NamespaceLimits.Max allows is refused with a 429 of
// KindTooManyNamespaces before anything changes.
func (m *MemoryStore) Import(_ context.Context, ns string, snap Snapshot) error {
	if ns != "" && !ValidNamespace(ns) {
		return &ImportError{Namespace: ns, Err: errors.New("invalid namespace name")}
	}
	if ns == "" && m.limits.Max > 0 {
		if n := namedIn(snap); n > m.limits.Max {
			return m.tooManyInSnapshot(n)
		}
	}
	m.mu.RLock()
	kinds := make(map[string]StateKind, len(m.kinds))
	for api, ks := range m.kinds {
		kinds[api] = ks.kind
	}
	m.mu.RUnlock()
	decoded := map[string]map[string]*entry{}
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
			if decoded[name] == nil {
				decoded[name] = map[string]*entry{}
			}
			e := &entry{state: state}
			e.version.Store(m.seq.Add(1))
			decoded[name][api] = e
		}
	}
	now := m.now().UnixNano()
	m.mu.Lock()
	defer m.mu.Unlock()
	if ns == "" {
		m.dropAll()
	} else {
		m.sweep(now)
		sp := m.spaces[ns]
		if sp == nil && ns != DefaultNamespace && len(decoded) > 0 && m.limits.Max > 0 && m.named() >= m.limits.Max {
			return m.tooMany(ns)
		}
		if sp != nil {
			m.drop(sp)
		}
	}
	for name, entries := range decoded {
		sp := &space{name: name, entries: entries, used: now, index: -1}
		sp.lastUse.Store(now)
		m.spaces[name] = sp
		if name != DefaultNamespace {
			heap.Push(&m.byUse, sp)
		}
	}
	return nil
}

// namedIn returns how many namespaces besides the default one snap holds
// state for.
func namedIn(snap Snapshot) int {
	n := 0
	for name, apis := range snap {
		if name != DefaultNamespace && len(apis) > 0 {
			n++
		}
	}
	return n
}

// tooManyInSnapshot is the refusal of a snapshot of more namespaces than
// the limit.
func (m *MemoryStore) tooManyInSnapshot(n int) *Error {
	return (&Error{Status: http.StatusTooManyRequests, Kind: KindTooManyNamespaces,
		Message: fmt.Sprintf("the snapshot holds %d namespaces besides %q; at most %d may hold state at once (namespaces.max)", n, DefaultNamespace, m.limits.Max)}).
		WithDetail("limit", m.limits.Max)
}
