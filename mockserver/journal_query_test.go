package mockserver_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/standin/standin/mockserver"
)

// pollPage is what GET /__standin/journal?after= answers, in part.
type pollPage struct {
	Entries []struct {
		Seq       uint64 `json:"seq"`
		Namespace string `json:"namespace"`
	} `json:"entries"`
	Next     uint64 `json:"next"`
	Complete bool   `json:"complete"`
}

// A reader polling with after=next sees every request once, in order,
// while requests keep arriving: what a live inspector relies on.
func TestJournalPollingWhileRequestsArrive(t *testing.T) {
	const writers, each = 4, 150
	_, h := twoAPIServer(t, mockserver.Options{JournalSize: writers * each})
	var done atomic.Bool
	var during atomic.Int64 // polls made while the writers wrote
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			for range each {
				serve(h, req{method: http.MethodGet, path: "/pets/pets/1", ns: fmt.Sprintf("w%d", i)})
			}
		})
	}
	go func() { wg.Wait(); done.Store(true) }()

	// Two readers: one of everything, one of a namespace, each with a small
	// page so that they page while the writers write.
	poll := func(filter string, limit int) ([]uint64, error) {
		var seqs []uint64
		after := uint64(0)
		for {
			finished := done.Load() // read before the poll: a last poll follows the last write
			if !finished {
				during.Add(1)
			}
			w := serve(h, req{method: http.MethodGet, path: fmt.Sprintf("/__standin/journal?after=%d&limit=%d%s", after, limit, filter)})
			var p pollPage
			if err := json.Unmarshal(w.Body.Bytes(), &p); w.Code != http.StatusOK || err != nil {
				return seqs, fmt.Errorf("after=%d: %d %s", after, w.Code, w.Body)
			}
			if !p.Complete {
				return seqs, fmt.Errorf("after=%d: complete = false on a journal that dropped nothing", after)
			}
			if len(p.Entries) > limit {
				return seqs, fmt.Errorf("%d entries, limit %d", len(p.Entries), limit)
			}
			for _, e := range p.Entries {
				if e.Seq <= after {
					return seqs, fmt.Errorf("entry %d came again after %d", e.Seq, after)
				}
				if filter != "" && e.Namespace != "w1" {
					return seqs, fmt.Errorf("namespace=w1 returned an entry of %q", e.Namespace)
				}
				seqs = append(seqs, e.Seq)
				after = e.Seq
			}
			if p.Next < after {
				return seqs, fmt.Errorf("next = %d, before the last entry %d", p.Next, after)
			}
			after = p.Next
			if finished && len(p.Entries) < limit {
				return seqs, nil
			}
		}
	}
	var w1 []uint64
	var w1Err error
	var reader sync.WaitGroup
	reader.Go(func() { w1, w1Err = poll("&namespace=w1", 5) })
	all, err := poll("", 7)
	reader.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if w1Err != nil {
		t.Fatal(w1Err)
	}

	t.Logf("%d polls while the writers wrote", during.Load())
	if len(all) != writers*each {
		t.Errorf("the reader saw %d entries, want %d", len(all), writers*each)
	}
	for i, seq := range all {
		if seq != uint64(i+1) {
			t.Fatalf("entry %d has seq %d, want %d: every entry once, in order", i, seq, i+1)
		}
	}
	if len(w1) != each || !slices.IsSorted(w1) {
		t.Errorf("the namespace reader saw %d entries (sorted: %v), want %d", len(w1), slices.IsSorted(w1), each)
	}
}

// The new routes sit behind the admin guard like the others.
func TestJournalQueryRoutesGuarded(t *testing.T) {
	const token = "s3cret-token"
	h := demoServer(t, mockserver.Options{Admin: mockserver.AdminOptions{Token: token}}).Handler()
	call{method: http.MethodGet, target: "/demo/items"}.do(h)
	for _, c := range []call{
		{method: http.MethodGet, target: "/__standin/journal/count?method=GET"},
		{method: http.MethodPost, target: "/__standin/journal/verify", body: `{"method": "GET"}`},
	} {
		coreError(t, c.do(h), http.StatusUnauthorized)
		foreign := c
		foreign.host = "attacker.example"
		foreign.header = map[string]string{"Authorization": "Bearer " + token}
		coreError(t, foreign.do(h), http.StatusForbidden)
		c.header = map[string]string{"Authorization": "Bearer " + token}
		w := c.do(h)
		var got struct{ Count int }
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &got) != nil || got.Count != 1 {
			t.Errorf("%s %s with the token: %d %s, want 200 with count 1", c.method, c.target, w.Code, w.Body)
		}
	}
	// Admin calls are not journaled: counting does not count itself.
	w := call{method: http.MethodGet, target: "/__standin/journal/count", header: map[string]string{"Authorization": "Bearer " + token}}.do(h)
	if !strings.Contains(w.Body.String(), `"count":1,`) {
		t.Errorf("count of everything = %s, want 1", w.Body)
	}
	// Wrong methods get a 405 naming the right one.
	w = call{method: http.MethodPost, target: "/__standin/journal/count", header: map[string]string{"Authorization": "Bearer " + token}}.do(h)
	if msg := coreError(t, w, http.StatusMethodNotAllowed); w.Header().Get("Allow") != "GET" {
		t.Errorf("POST count: Allow %q, %s", w.Header().Get("Allow"), msg)
	}
}

// A request body over the journal's limit is cut and named in truncated;
// one within it is kept whole.
func TestJournalFlagsCutRequestBody(t *testing.T) {
	srv, h := twoAPIServer(t, mockserver.Options{})
	for _, size := range []int{100, 4096 - len(`{"name":""}`), 4097 - len(`{"name":""}`), 10000} {
		serve(h, req{method: http.MethodPost, path: "/pets/pets", body: `{"name":"` + strings.Repeat("n", size) + `"}`, key: goodKey})
		e := srv.Journal().Last(1, nil)[0]
		cut := size+len(`{"name":""}`) > 4096
		if slices.Contains(e.Truncated, "requestBody") != cut || len(e.RequestBody) > 4096 || (!cut && len(e.RequestBody) != size+len(`{"name":""}`)) {
			t.Errorf("a body of %d bytes: kept %d, truncated %q", size+len(`{"name":""}`), len(e.RequestBody), e.Truncated)
		}
	}
}
