package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"
)

// ErrUnknownState is returned when a snapshot holds state for an API that no
// StateKind was registered for.
var ErrUnknownState = errors.New("no state kind registered")

// StateKind tells a Store how to create, decode and check one API's state.
// Build it with [NewStateKind], or let [NewState] do it.
type StateKind struct {
	// API names the state in snapshots, e.g. "rocketchat".
	API string
	// Initial returns the state a new or reset namespace starts with.
	Initial func() any
	// Decode turns a snapshot's JSON back into a state value, checked and
	// normalised: a state it returns without error is one every operation
	// of the API can work on.
	Decode func([]byte) (any, error)
}

// NewStateKind describes a state of type *S. initial builds the state of a
// fresh namespace. Snapshots are decoded strictly into a new S (one JSON
// value, nothing after it), then given to check, which fills what may be
// left out (empty maps) and refuses what would break the API's operations
// (nulls, keys that differ from ids, dangling references, cycles) with a
// [*StateError] naming the first problem. A nil check accepts any S.
func NewStateKind[S any](api string, initial func() *S, check func(*S) error) StateKind {
	return StateKind{
		API:     api,
		Initial: func() any { return initial() },
		Decode: func(raw []byte) (any, error) {
			if string(bytes.TrimSpace(raw)) == "null" {
				return nil, Invalid("", "the state must be an object, not null")
			}
			s := new(S)
			if err := decodeStrict(raw, s); err != nil {
				var te *json.UnmarshalTypeError
				if errors.As(err, &te) && te.Field != "" {
					return nil, Invalid("/"+strings.ReplaceAll(te.Field, ".", "/"), "must be %s, not %s", jsonKind(te.Type), te.Value)
				}
				return nil, err
			}
			if check != nil {
				if err := check(s); err != nil {
					return nil, err
				}
			}
			return s, nil
		},
	}
}

// decodeStrict decodes exactly one JSON value into v.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(v); err != nil {
		return err
	}
	// Only white space may follow the value: Decoder.More and a second
	// Decode both let a stray "}" or "]" through.
	rest := raw[dec.InputOffset():]
	if len(bytes.TrimSpace(rest)) > 0 {
		return fmt.Errorf("unexpected data after the JSON value at offset %d", dec.InputOffset())
	}
	return nil
}

// jsonKind names the JSON value that decodes into a Go type t.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	default:
		return "a number"
	}
}

// StateError is a state that breaks one of its API's invariants. Path is a
// JSON pointer into the API's state, e.g. "/apps/Y/parentAppId".
type StateError struct {
	Path   string
	Reason string
}

func (e *StateError) Error() string {
	if e.Path == "" {
		return e.Reason
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Reason)
}

// Invalid returns a *StateError for the state at path.
func Invalid(path, format string, args ...any) *StateError {
	return &StateError{Path: path, Reason: fmt.Sprintf(format, args...)}
}

// Copier is a state that can give a consistent copy of itself in constant
// time (copy on write, as mockserver/table's tables do). The MemoryStore
// takes that copy under the namespace's lock and encodes it outside, so
// that exporting a large namespace never holds the lock for the whole
// encoding. The copy must not share anything the state will change later.
type Copier interface {
	CopyState() any
}

// StateWriter is a state that writes its own JSON, byte for byte what
// json.Marshal makes of it, a record at a time: an export writes it as it
// goes (see [SnapshotWriter]) rather than holding its whole encoding in
// memory, twice checked by encoding/json.
type StateWriter interface {
	WriteJSON(w io.Writer) error
}

// SnapshotWriter is a Store that writes an export itself, byte for byte
// what [WriteSnapshot] writes of Export's result, each state as it is
// encoded: GET /__standin/snapshot streams it. An error may come after
// part of the export is written.
type SnapshotWriter interface {
	WriteExport(ctx context.Context, ns string, w io.Writer) error
}

// NamespaceLister is a Store that can list the namespaces that hold
// state, at a cost bounded by their number (which the store's namespace
// limit bounds): GET /__standin/namespaces lists them.
type NamespaceLister interface {
	Namespaces() []NamespaceInfo
}

// NamespaceInfo is a namespace and the state it holds.
type NamespaceInfo struct {
	Name string `json:"name"`
	// APIs are the APIs that hold state in the namespace, sorted.
	APIs []string `json:"apis"`
	// LastUsed is when a request or an import last touched the namespace
	// (zero, and left out of the JSON, for a namespace that holds none).
	LastUsed time.Time `json:"lastUsed,omitzero"`
}

// Snapshot is the exported state of namespaces: namespace → API → the
// API's state as JSON.
type Snapshot map[string]map[string]json.RawMessage

// Store holds the state of every API in every namespace.
//
// The contract for transaction functions (the fn of View and Update), which
// every implementation may rely on, today's in-memory one as much as a
// shared store (Redis, several replicas) to come:
//
//   - A function may run more than once (a shared store retries it when
//     another replica changed the state first), so it must have no effect
//     outside the state it is given other than setting its own results.
//   - It must not keep pointers into the state after it returns: the next
//     call may see another copy. Copy what the answer needs.
//   - It makes all its checks before its first change: a function that
//     returns an error leaves the state as it found it, so that nothing
//     half-written stays behind a refused request.
//   - View functions never change the state. A store relies on it: a View
//     in a namespace that holds no state of the API runs on the API's
//     initial state, built once and shared by every such namespace (and
//     by concurrent Views), and creates nothing.
//
// Namespaces hold state only once an Update in them succeeded or a
// snapshot was imported into them, so that requests refused before they
// change anything (a bad token, a wrong password, a spec violation) cost
// no memory:
//
//   - An Update in a namespace that holds no state of the API runs on a
//     fresh initial state, which the namespace keeps only if the function
//     returns no error.
//   - A store may bound its namespaces: an Update (or an Import) that
//     would create a namespace beyond its limit fails with an *Error of
//     KindTooManyNamespaces (429) naming the limit, and a namespace left
//     idle may be dropped. A dropped namespace reads as its initial state
//     again. DefaultNamespace is never dropped for being idle.
type Store interface {
	// Register makes kind known, so that namespaces can be created and
	// snapshots decoded for it. Registering an API twice replaces the kind.
	Register(kind StateKind)
	// View runs fn with read access to api's state in namespace ns, or to
	// the API's shared initial state if ns holds none.
	View(ctx context.Context, ns, api string, fn func(state any) error) error
	// Update runs fn with exclusive access to api's state in namespace ns,
	// creating it from the initial state if fn succeeds.
	Update(ctx context.Context, ns, api string, fn func(state any) error) error
	// Reset drops namespace ns so that it starts over from the initial
	// state; an empty ns resets every namespace.
	Reset(ctx context.Context, ns string) error
	// Export returns the state of namespace ns, or of every namespace that
	// holds state when ns is empty.
	Export(ctx context.Context, ns string) (Snapshot, error)
	// Import replaces the state of namespace ns with snap, which may hold
	// only ns; with an empty ns it replaces every namespace. It decodes and
	// checks the whole snapshot before it changes anything.
	Import(ctx context.Context, ns string, snap Snapshot) error
}

// State is typed access to one API's state in a Store, bound when the API
// is built. The namespace comes from each call's context.
type State[S any] struct {
	store Store
	api   string
}

// NewState registers the kind of state *S for api in store (see
// [NewStateKind]) and returns the handle through which the API reads and
// changes it.
func NewState[S any](store Store, api string, initial func() *S, check func(*S) error) *State[S] {
	store.Register(NewStateKind(api, initial, check))
	return &State[S]{store: store, api: api}
}

// View runs fn with read access to the state of the namespace carried by
// ctx. fn must not change the state.
func (h *State[S]) View(ctx context.Context, fn func(*S) error) error {
	return h.store.View(ctx, Namespace(ctx), h.api, typed(h.api, fn))
}

// Update runs fn with exclusive access to the state of the namespace carried
// by ctx, under the Store's contract for transaction functions.
func (h *State[S]) Update(ctx context.Context, fn func(*S) error) error {
	return h.store.Update(ctx, Namespace(ctx), h.api, typed(h.api, fn))
}

func typed[S any](api string, fn func(*S) error) func(any) error {
	return func(state any) error {
		s, ok := state.(*S)
		if !ok {
			return fmt.Errorf("mockserver: state of %q is %T, not %T", api, state, s)
		}
		return fn(s)
	}
}

// Session runs an API's rules as the request's caller: each call resolves
// the caller against the state and runs the rule in the same transaction,
// so that a caller deleted or deactivated a moment ago is refused.
type Session[S, C any] struct {
	State *State[S]
	// Resolve finds the caller of ctx in st (typically from what the API's
	// Authenticate put in ctx with WithCaller), or refuses.
	Resolve func(ctx context.Context, st *S) (C, error)
}

// View resolves the caller and runs fn with read access.
func (s Session[S, C]) View(ctx context.Context, fn func(st *S, caller C) error) error {
	return s.State.View(ctx, func(st *S) error {
		c, err := s.Resolve(ctx, st)
		if err != nil {
			return err
		}
		return fn(st, c)
	})
}

// Update resolves the caller and runs fn with exclusive access.
func (s Session[S, C]) Update(ctx context.Context, fn func(st *S, caller C) error) error {
	return s.State.Update(ctx, func(st *S) error {
		c, err := s.Resolve(ctx, st)
		if err != nil {
			return err
		}
		return fn(st, c)
	})
}

// Pointer joins segments into a JSON pointer ("/users/a~1b"), for
// StateError paths.
func Pointer(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(s))
	}
	return b.String()
}

// FillMap makes *m an empty map when a snapshot left it out (nil).
func FillMap[M ~map[K]V, K comparable, V any](m *M) {
	if *m == nil {
		*m = M{}
	}
}
