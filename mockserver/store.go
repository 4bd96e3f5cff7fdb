package mockserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrUnknownState is returned when a snapshot holds state for an API that no
// StateKind was registered for.
var ErrUnknownState = errors.New("no state kind registered")

// StateKind tells a Store how to create and decode one API's state. Build it
// with NewStateKind.
type StateKind struct {
	// API names the state in snapshots, e.g. "rocketchat".
	API string
	// Initial returns the state a new or reset namespace starts with.
	Initial func() any
	// Decode turns a snapshot's JSON back into a state value.
	Decode func([]byte) (any, error)
}

// NewStateKind describes a state of type *S. initial builds the state of a
// fresh namespace; snapshots are decoded with encoding/json into a new S.
func NewStateKind[S any](api string, initial func() *S) StateKind {
	return StateKind{
		API:     api,
		Initial: func() any { return initial() },
		Decode: func(raw []byte) (any, error) {
			s := new(S)
			if err := json.Unmarshal(raw, s); err != nil {
				return nil, err
			}
			return s, nil
		},
	}
}

// Snapshot is the exported state of every namespace: namespace → API → the
// API's state as JSON.
type Snapshot map[string]map[string]json.RawMessage

// Store holds the state of every API in every namespace.
//
// Functions passed to Update may change the state they are given. They must
// make all their checks before their first change: a function that returns an
// error must leave the state as it found it, so that nothing half-written
// stays behind a refused request.
type Store interface {
	// Register makes kind known, so that namespaces can be created and
	// snapshots decoded for it. Registering an API twice replaces the kind.
	Register(kind StateKind)
	// View runs fn with read access to api's state in namespace ns.
	View(ctx context.Context, ns, api string, fn func(state any) error) error
	// Update runs fn with exclusive access to api's state in namespace ns.
	Update(ctx context.Context, ns, api string, fn func(state any) error) error
	// Reset drops namespace ns so that it starts over from the initial
	// state; an empty ns resets every namespace.
	Reset(ctx context.Context, ns string) error
	// Export returns every namespace's state that has been touched.
	Export(ctx context.Context) (Snapshot, error)
	// Import replaces all state with snap. It checks the whole snapshot
	// before it changes anything.
	Import(ctx context.Context, snap Snapshot) error
}

// View runs fn with read access to the *S state of kind's API in the
// namespace carried by ctx. fn must not change the state.
func View[S any](ctx context.Context, st Store, api string, fn func(*S) error) error {
	return st.View(ctx, Namespace(ctx), api, typed(api, fn))
}

// Update runs fn with exclusive access to the *S state of api in the
// namespace carried by ctx. See Store for the rule on refused changes.
func Update[S any](ctx context.Context, st Store, api string, fn func(*S) error) error {
	return st.Update(ctx, Namespace(ctx), api, typed(api, fn))
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
