package ethora_test

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora"
)

// TestConcurrentAccessGrants has many callers grant and then remove
// overlapping members of one chat at once: every member ends up in the
// chat exactly once, and exactly one call reports each change.
func TestConcurrentAccessGrants(t *testing.T) {
	const n = 40
	h := newHarnessWith(t, mockserver.Setup{DataSet: "empty"}, ethora.Options{})
	c := h.app()
	uuids := make([]string, n)
	for i := range uuids {
		uuids[i] = fmt.Sprintf("c%02d", i)
	}
	c.createUsers(uuids...)
	c.createChat("busy")

	run := func(method string) map[string]int {
		var (
			mu     sync.Mutex
			counts = map[string]int{}
			wg     sync.WaitGroup
		)
		for i := range n {
			wg.Go(func() {
				// Each caller names two members, in different forms.
				members := []string{uuids[i], xmpp(uuids[(i+1)%n]) + jidDomain}
				r := c.do(method, "/v2/chats/users-access", map[string]any{"chatName": xmpp("busy"), "members": members})
				if r.Status != http.StatusOK {
					t.Errorf("%s: %d %s", method, r.Status, r.Raw)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				for _, s := range r.Strs("details", "status") {
					counts[s]++
				}
			})
		}
		wg.Wait()
		return counts
	}

	if got := run("POST"); got["granted"] != n || got["already-member"] != n || len(got) != 2 {
		t.Errorf("grants: want %d granted and %d already-member, got %v", n, n, got)
	}
	members := h.state().ChatMembers(xmpp("busy"))
	want := make([]string, n)
	for i, u := range uuids {
		want[i] = xmpp(u)
	}
	if !sameSet(members, want) {
		t.Errorf("members: want each of %v once, got %v", want, members)
	}
	if got := c.members("busy"); !sameSet(got, want) {
		t.Errorf("listed members: %v", got)
	}
	if got := c.ok("GET", "/v2/apps/"+appID+"/chats", nil).Num("chats.0.membersCount"); got != n {
		t.Errorf("membersCount: %d", got)
	}

	if got := run("DELETE"); got["removed"] != n || got["not-member"] != n || len(got) != 2 {
		t.Errorf("removals: want %d removed and %d not-member, got %v", n, n, got)
	}
	if got := h.state().ChatMembers(xmpp("busy")); len(got) != 0 {
		t.Errorf("members after removal: %v", got)
	}
}

// TestConcurrentBatchesClaimAUUIDOnce races batches for the same uuid.
func TestConcurrentBatchesClaimAUUIDOnce(t *testing.T) {
	const n = 20
	h := newHarness(t, ethora.Options{})
	c := h.app()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses []int
		jobs     []string
	)
	for i := range n {
		wg.Go(func() {
			v1 := c.do("POST", "/v1/users/batch", batch(user("race", fmt.Sprintf("race%d@example.test", i))))
			v2 := c.do("POST", "/v2/users/batch", batch(user("race2", fmt.Sprintf("race2-%d@example.test", i))))
			mu.Lock()
			defer mu.Unlock()
			statuses = append(statuses, v1.Status)
			if v2.Status == http.StatusAccepted {
				jobs = append(jobs, v2.Str("jobId"))
			}
		})
	}
	wg.Wait()
	slices.Sort(statuses)
	if statuses[0] != http.StatusOK || statuses[1] != http.StatusUnprocessableEntity || statuses[n-1] != http.StatusUnprocessableEntity {
		t.Errorf("v1: want one 200 and %d 422, got %v", n-1, statuses)
	}
	if len(jobs) != n {
		t.Fatalf("v2: want %d jobs, got %d", n, len(jobs))
	}
	created := 0
	for _, j := range jobs {
		if c.ok("GET", "/v2/users/batch/"+j, nil).Str("result.results.0.status") == "created" {
			created++
		}
	}
	if created != 1 {
		t.Errorf("v2: %d jobs created race2, want 1", created)
	}
}
