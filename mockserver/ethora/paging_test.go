package ethora_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/standin/standin/mockserver/ethora"
)

// TestUserPagesSkipUsersNotYetVisible: the users of a batch still running
// are not listed, and every page at every offset is the slice of the full
// listing, with a true total, even when those users sort before visible
// ones (a v1 batch, visible at once, created after them).
func TestUserPagesSkipUsersNotYetVisible(t *testing.T) {
	h := newHarness(t, ethora.Options{JobDelay: 3 * time.Second})
	c := h.app()
	entry := func(uuid string) map[string]string {
		return map[string]string{"uuid": uuid, "email": uuid + "@example.test", "firstName": "P", "lastName": "User"}
	}
	batch := func(uuids ...string) map[string]any {
		var list []map[string]string
		for _, u := range uuids {
			list = append(list, entry(u))
		}
		return map[string]any{"usersList": list}
	}
	seeded := c.ok("GET", "/v2/chats/users?limit=1000", nil).Strs("results", "uuid")
	c.must(202, "POST", "/v2/users/batch", batch("pending-a", "pending-b", "pending-c"))
	h.clock.Advance(time.Second)
	c.ok("POST", "/v1/users/batch", batch("now-a", "now-b"))

	check := func(want []string) {
		t.Helper()
		for _, limit := range []int{1, 2, 3, 7} {
			for offset := 0; offset <= len(want)+1; offset++ {
				r := c.ok("GET", "/v2/chats/users?limit="+strconv.Itoa(limit)+"&offset="+strconv.Itoa(offset), nil)
				wantPage := want[min(offset, len(want)):min(offset+limit, len(want))]
				if got := r.Strs("results", "uuid"); !slices.Equal(got, wantPage) || r.Num("total") != len(want) {
					t.Fatalf("limit %d offset %d: want %v of %d, got %v of %d", limit, offset, wantPage, len(want), got, r.Num("total"))
				}
			}
		}
		if got := c.ok("GET", "/v2/apps/"+appID, nil).Num("app.stats.users"); got != len(want) {
			t.Errorf("stats.users: want %d, got %d", len(want), got)
		}
	}
	check(append(slices.Clone(seeded), "now-a", "now-b"))
	h.clock.Advance(3 * time.Second)
	check(append(slices.Clone(seeded), "pending-a", "pending-b", "pending-c", "now-a", "now-b"))
}

// TestCopyStateIsIndependent: the copy an export encodes keeps what it saw
// while the state changes, tokens (held inside their app) included.
func TestCopyStateIsIndependent(t *testing.T) {
	st := ethora.NewState()
	snap := fmt.Sprintf(`{"apps":{%q:{"_id":%q,"secret":"s","displayName":"A","tokens":{"tok":{"tokenId":"tok","label":"before","hash":"h","createdAt":"2026-01-01T00:00:00Z"}},"bot":{"status":"off","isRAG":false},"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}}}`, appID, appID)
	if err := json.Unmarshal([]byte(snap), st); err != nil {
		t.Fatal(err)
	}
	cp := st.CopyState()
	before, err := json.Marshal(cp)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Apps.Update(appID, func(a *ethora.App) error {
		a.Tokens["tok"].Label = "after"
		a.DisplayName = "B"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	after, err := json.Marshal(cp)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Errorf("the copy changed with the state:\nbefore %s\nafter  %s", before, after)
	}
	if now, _ := json.Marshal(st); string(now) == string(before) {
		t.Errorf("the state did not change")
	}
}

// TestAppTokensSurviveASnapshot: app tokens are found by an index of their
// hashes, which an import rebuilds: a token issued before the export works
// after the import, and one revoked before it does not.
func TestAppTokensSurviveASnapshot(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	kept := c.ok("POST", "/v2/apps/"+appID+"/tokens", map[string]any{"label": "kept"}).Str("token")
	revoked := c.ok("POST", "/v2/apps/"+appID+"/tokens", map[string]any{"label": "revoked"})
	c.ok("DELETE", "/v2/apps/"+appID+"/tokens/"+revoked.Str("tokenId"), nil)
	snap, err := h.store.Export(context.Background(), h.ns)
	if err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t, ethora.Options{})
	if err := h2.store.Import(context.Background(), h2.ns, snap); err != nil {
		t.Fatal(err)
	}
	h2.as(kept).ok("GET", "/v2/apps/"+appID+"/bot", nil)
	h2.as(revoked.Str("token")).refused(http.StatusUnauthorized, "UNAUTHORIZED", "GET", "/v2/apps/"+appID+"/bot", nil)
}
