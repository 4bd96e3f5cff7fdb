package mockserver_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/standin/standin/mockserver"
)

// team is a state with members, for the Session tests: a caller is a
// member's name.
type team struct {
	Members map[string]bool `json:"members"`
	Log     []string        `json:"log"`
}

var errGone = mockserver.Refusal(http.StatusUnauthorized, "gone", "no such member")

// countingStore counts the transactions a Session opens and remembers the
// state each one was given.
// afterView, if set, runs after each View, as another request would
// between two transactions.
type countingStore struct {
	mockserver.Store
	mu            sync.Mutex
	views, update int
	afterView     func()
}

func (c *countingStore) View(ctx context.Context, ns, api string, fn func(any) error) error {
	c.mu.Lock()
	c.views++
	c.mu.Unlock()
	err := c.Store.View(ctx, ns, api, fn)
	if c.afterView != nil {
		c.afterView()
	}
	return err
}

func (c *countingStore) Update(ctx context.Context, ns, api string, fn func(any) error) error {
	c.mu.Lock()
	c.update++
	c.mu.Unlock()
	return c.Store.Update(ctx, ns, api, fn)
}

// newTeam returns a team of alice and bob, a session that resolves the
// caller against it, and the store that counts transactions.
func newTeam() (*countingStore, *mockserver.State[team], mockserver.Session[team, string], *[]*team) {
	st := &countingStore{Store: mockserver.NewMemoryStore()}
	state := mockserver.NewState(st, "team", func() *team {
		return &team{Members: map[string]bool{"alice": true, "bob": true}}
	}, nil)
	var seen []*team // the state each Resolve was given
	session := mockserver.Session[team, string]{State: state, Resolve: func(ctx context.Context, tm *team) (string, error) {
		seen = append(seen, tm)
		c, ok := mockserver.CallerFrom[string](ctx)
		if !ok || !tm.Members[c] {
			return "", errGone.Withf("no member %q", c)
		}
		return c, nil
	}}
	return st, state, session, &seen
}

// TestSessionRefusesACallerRemovedAfterAuthentication: Authenticate found
// the caller, another request removed it, then the rule runs: the session
// resolves the caller again in the rule's own transaction and refuses.
func TestSessionRefusesACallerRemovedAfterAuthentication(t *testing.T) {
	_, state, session, _ := newTeam()
	ctx := mockserver.WithCaller(nsCtx("a"), "alice")

	// Authentication: alice is a member.
	if err := session.View(ctx, func(*team, string) error { return nil }); err != nil {
		t.Fatalf("alice before her removal: %v", err)
	}
	// Another request removes her.
	if err := state.Update(nsCtx("a"), func(tm *team) error { delete(tm.Members, "alice"); return nil }); err != nil {
		t.Fatal(err)
	}
	// Her rule runs.
	ran := false
	err := session.Update(ctx, func(tm *team, caller string) error {
		ran = true
		tm.Log = append(tm.Log, caller+" wrote")
		return nil
	})
	if !errors.Is(err, errGone) || ran {
		t.Fatalf("rule of a removed caller: err = %v, ran = %v; want %v and not run", err, ran, errGone)
	}
	if err := session.View(ctx, func(*team, string) error { ran = true; return nil }); !errors.Is(err, errGone) || ran {
		t.Errorf("view of a removed caller: err = %v, ran = %v; want %v and not run", err, ran, errGone)
	}
	var log []string
	if err := state.View(nsCtx("a"), func(tm *team) error { log = slices.Clone(tm.Log); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(log) != 0 {
		t.Errorf("log = %q after a refused rule, want it empty", log)
	}

	// Without a caller in the context, the session refuses too.
	if err := session.Update(nsCtx("a"), func(*team, string) error { ran = true; return nil }); !errors.Is(err, errGone) || ran {
		t.Errorf("rule without a caller: err = %v, ran = %v", err, ran)
	}
	// Bob still can, and the namespace is his caller's.
	err = session.Update(mockserver.WithCaller(nsCtx("a"), "bob"), func(tm *team, caller string) error {
		tm.Log = append(tm.Log, caller+" wrote")
		return nil
	})
	if err != nil {
		t.Fatalf("bob: %v", err)
	}
	if err := session.View(mockserver.WithCaller(nsCtx("b"), "alice"), func(*team, string) error { return nil }); err != nil {
		t.Errorf("alice in another namespace, where she was never removed: %v", err)
	}
}

// TestSessionIsOneTransaction: the caller is resolved against the very
// state the rule then works on, in one store call, so that no other
// request can come between them.
func TestSessionIsOneTransaction(t *testing.T) {
	st, _, session, seen := newTeam()
	ctx := mockserver.WithCaller(nsCtx("a"), "alice")
	var ruled *team
	if err := session.Update(ctx, func(tm *team, _ string) error { ruled = tm; return nil }); err != nil {
		t.Fatal(err)
	}
	if st.update != 1 || st.views != 0 {
		t.Errorf("Session.Update made %d updates and %d views, want one update", st.update, st.views)
	}
	if len(*seen) != 1 || (*seen)[0] != ruled {
		t.Errorf("Resolve saw %p, the rule %p: want the same state", *seen, ruled)
	}

	st.update, st.views, *seen = 0, 0, nil
	if err := session.View(ctx, func(tm *team, _ string) error { ruled = tm; return nil }); err != nil {
		t.Fatal(err)
	}
	if st.update != 0 || st.views != 1 {
		t.Errorf("Session.View made %d updates and %d views, want one view", st.update, st.views)
	}
	if len(*seen) != 1 || (*seen)[0] != ruled {
		t.Errorf("Resolve saw %p, the view %p: want the same state", *seen, ruled)
	}
}

// TestSessionLeavesNoGapForRemoval: another request that removes the
// caller right after any read never lets a rule run for a caller that is
// already gone, as a lookup in one transaction and the rule in a second
// one would.
func TestSessionLeavesNoGapForRemoval(t *testing.T) {
	st, state, session, _ := newTeam()
	st.afterView = func() {
		if err := state.Update(nsCtx("a"), func(tm *team) error { delete(tm.Members, "alice"); return nil }); err != nil {
			t.Error(err)
		}
	}
	err := session.Update(mockserver.WithCaller(nsCtx("a"), "alice"), func(tm *team, caller string) error {
		if !tm.Members[caller] {
			t.Errorf("the rule ran for %q, removed between the lookup and the rule", caller)
		}
		return nil
	})
	if err != nil && !errors.Is(err, errGone) {
		t.Errorf("err = %v, want nil or %v", err, errGone)
	}
}

func TestPointer(t *testing.T) {
	for _, tt := range []struct {
		segments []string
		want     string
	}{
		{nil, ""},
		{[]string{"users"}, "/users"},
		{[]string{"users", "a/b", "x~y"}, "/users/a~1b/x~0y"},
		{[]string{"apps", "", "id"}, "/apps//id"},
		{[]string{"~1"}, "/~01"},
	} {
		if got := mockserver.Pointer(tt.segments...); got != tt.want {
			t.Errorf("Pointer(%q) = %q, want %q", tt.segments, got, tt.want)
		}
	}
}

func TestStateError(t *testing.T) {
	e := mockserver.Invalid("/apps/Y/parentAppId", "app %q does not exist", "X")
	if e.Path != "/apps/Y/parentAppId" || e.Reason != `app "X" does not exist` {
		t.Errorf("Invalid = %+v", e)
	}
	if got, want := e.Error(), `/apps/Y/parentAppId: app "X" does not exist`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestFillMap(t *testing.T) {
	type users map[string]int
	var m users
	mockserver.FillMap(&m)
	if m == nil || len(m) != 0 {
		t.Errorf("FillMap(nil) = %v, want an empty map", m)
	}
	m["a"] = 1
	mockserver.FillMap(&m)
	if m["a"] != 1 {
		t.Errorf("FillMap replaced a map that was there: %v", m)
	}
}
