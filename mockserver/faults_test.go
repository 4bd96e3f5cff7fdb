package mockserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
)

// addFault posts rule (JSON) to the admin API of h and returns the rule
// as added.
func addFault(t *testing.T, h http.Handler, rule string) mockserver.FaultRule {
	t.Helper()
	w := serve(h, req{method: http.MethodPost, path: "/__standin/faults", body: rule})
	mustStatus(t, w, http.StatusCreated)
	return decode[mockserver.FaultRule](t, w)
}

// listFaults returns GET /__standin/faults.
func listFaults(t *testing.T, h http.Handler) (uint64, []mockserver.FaultRule) {
	t.Helper()
	w := serve(h, req{method: http.MethodGet, path: "/__standin/faults"})
	mustStatus(t, w, http.StatusOK)
	got := decode[struct {
		Seed  *uint64                `json:"seed"`
		Rules []mockserver.FaultRule `json:"rules"`
	}](t, w)
	if got.Seed == nil || got.Rules == nil {
		t.Fatalf("GET /__standin/faults = %s, want {seed, rules: [...]}", w.Body)
	}
	return *got.Seed, got.Rules
}

// fakeNow is a clock the test moves.
type fakeNow struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeNow) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeNow) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// A request to an operation with a 300 ms fixed delay takes at least 300
// ms, and its journal entry names the rule; other operations are not
// delayed and their entries name no rule.
func TestFaultFixedDelay(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	h := srv.Handler()
	rule := addFault(t, h, `{"operation": "listPets", "delay": {"fixed": "300ms"}}`)
	if rule.ID != "f1" || rule.Delay == nil || rule.Delay.Fixed != "300ms" || !rule.Active {
		t.Fatalf("added %+v, want id f1, a fixed delay of 300ms, active", rule)
	}

	start := time.Now()
	w := serve(h, req{method: http.MethodGet, path: "/pets/pets", key: goodKey})
	took := time.Since(start)
	mustStatus(t, w, http.StatusOK)
	if took < 300*time.Millisecond {
		t.Errorf("a request under a 300ms delay took %s", took)
	}
	e := lastEntry(t, srv)
	if want := []mockserver.FaultHit{{Rule: "f1", Action: "delay", Detail: "300ms"}}; !reflect.DeepEqual(e.Faults, want) {
		t.Errorf("journal entry faults = %+v, want %+v", e.Faults, want)
	}
	if e.Duration < 300*time.Millisecond {
		t.Errorf("journal entry duration = %s, want at least the delay", e.Duration)
	}
	// The journal's JSON shows it.
	raw, _ := json.Marshal(e)
	if !strings.Contains(string(raw), `"faults":[{"rule":"f1","action":"delay","detail":"300ms"}]`) {
		t.Errorf("journal entry JSON %s does not show the rule", raw)
	}

	mustStatus(t, serve(h, req{method: http.MethodGet, path: "/pets/pets/1"}), http.StatusNotFound)
	if e := lastEntry(t, srv); e.Faults != nil {
		t.Errorf("getPet's entry names faults %+v, but no rule is for it", e.Faults)
	}
	_, rules := listFaults(t, h)
	if len(rules) != 1 || rules[0].Matched != 1 || rules[0].Applied != 1 {
		t.Errorf("rules = %+v, want f1 matched and applied once", rules)
	}
}

// errorRun sends n POST /pets through a fresh server with seed and a 50 %
// 503 rule on createPet, and returns which requests failed. Each failure
// must be the API's envelope, each success a created pet, and the failed
// requests must not have changed the state.
func errorRun(t *testing.T, seed uint64, n int) []bool {
	t.Helper()
	srv := newServer(t, mockserver.Options{Faults: mockserver.FaultOptions{Seed: seed}, JournalSize: -1})
	h := srv.Handler()
	addFault(t, h, `{"api": "pets", "operation": "POST /pets", "error": {"status": 503, "rate": 0.5}}`)
	failed := make([]bool, n)
	errs := 0
	for i := range n {
		w := serve(h, req{method: http.MethodPost, path: "/pets/pets", body: `{"name":"p"}`, key: goodKey})
		if w.Code == http.StatusCreated {
			// Pets are numbered from 1: a faulted request that changed
			// the state would leave a gap.
			if p := decode[pet](t, w); p.ID != i+1-errs {
				t.Fatalf("request %d created pet %d after %d failures: a faulted request changed the state", i+1, p.ID, errs)
			}
			continue
		}
		failed[i] = true
		errs++
		e := problemOf(t, w, http.StatusServiceUnavailable, mockserver.KindRule)
		if e.Code != "SERVICE_UNAVAILABLE" || !strings.Contains(e.Message, "f1") {
			t.Fatalf("fault error = %+v, want code SERVICE_UNAVAILABLE and a message naming the rule", e)
		}
		if w.Header().Get(apiHeader) != "pets" {
			t.Fatalf("fault error written by %q, want the pets API's envelope", w.Header().Get(apiHeader))
		}
	}
	_, rules := listFaults(t, h)
	if rules[0].Matched != uint64(n) || rules[0].Applied != uint64(errs) {
		t.Errorf("counters matched %d applied %d, want %d and %d", rules[0].Matched, rules[0].Applied, n, errs)
	}
	return failed
}

// A 50 % error rule over 1,000 seeded requests errs 450 to 550 times, in
// the API's envelope; the same seed gives the same requests the errors, and
// another seed others.
func TestFaultErrorRateSeeded(t *testing.T) {
	a, b, c := errorRun(t, 42, 1000), errorRun(t, 42, 1000), errorRun(t, 43, 1000)
	count := func(f []bool) (n int) {
		for _, x := range f {
			if x {
				n++
			}
		}
		return n
	}
	if n := count(a); n < 450 || n > 550 {
		t.Errorf("a 50%% error rule failed %d of 1000 requests, want 450 to 550", n)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("two servers with seed 42 failed different requests (%d and %d failures)", count(a), count(b))
	}
	if reflect.DeepEqual(a, c) {
		t.Errorf("seeds 42 and 43 failed the same requests")
	}
	t.Logf("seed 42: %d of 1000 failed; seed 43: %d", count(a), count(c))
}

// A rule given its own seed draws the same whatever its number.
func TestFaultRuleSeed(t *testing.T) {
	run := func(before int) string {
		srv := newServer(t, mockserver.Options{JournalSize: -1})
		h := srv.Handler()
		for range before {
			addFault(t, h, `{"namespace": "elsewhere", "drop": {}}`)
		}
		rule := addFault(t, h, `{"operation": "getPet", "error": {"status": 500, "rate": 0.3}, "seed": 7}`)
		if rule.Seed == nil || *rule.Seed != 7 {
			t.Fatalf("rule seed = %v, want 7", rule.Seed)
		}
		var b strings.Builder
		for range 200 {
			fmt.Fprint(&b, serve(h, req{method: http.MethodGet, path: "/pets/pets/1"}).Code/100)
		}
		return b.String()
	}
	if a, b := run(0), run(3); a != b {
		t.Errorf("a rule with seed 7 drew\n%s\nas f1 and\n%s\nas f4", a, b)
	}
}

// times=N stops the rule after N matched requests.
func TestFaultTimes(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	h := srv.Handler()
	addFault(t, h, `{"operation": "GET /pets/{id}", "error": {"status": 429}, "times": 3}`)
	for i := range 5 {
		w := serve(h, req{method: http.MethodGet, path: "/pets/pets/1"})
		want := http.StatusNotFound
		if i < 3 {
			want = http.StatusTooManyRequests
		}
		if w.Code != want {
			t.Fatalf("request %d: status %d, want %d; body %s", i+1, w.Code, want, w.Body)
		}
	}
	_, rules := listFaults(t, h)
	if r := rules[0]; r.Matched != 3 || r.Applied != 3 || r.Active {
		t.Errorf("rule after 5 requests = %+v, want matched 3, applied 3, inactive", r)
	}
}

// until and for retire a rule when the clock passes them.
func TestFaultUntilAndFor(t *testing.T) {
	clock := &fakeNow{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	srv := newServer(t, mockserver.Options{Faults: mockserver.FaultOptions{Now: clock.Now}})
	h := srv.Handler()
	forRule := addFault(t, h, `{"operation": "getPet", "error": {"status": 502}, "for": "10m"}`)
	if forRule.Until != "2026-05-01T12:10:00Z" || forRule.For != "" {
		t.Errorf("a rule for 10m shows until %q for %q, want until 2026-05-01T12:10:00Z", forRule.Until, forRule.For)
	}
	addFault(t, h, `{"operation": "listPets", "error": {"status": 504}, "until": "2026-05-01T15:00:00+02:00"}`)

	get := func(path string) int { return serve(h, req{method: http.MethodGet, path: path, key: goodKey}).Code }
	if a, b := get("/pets/pets/1"), get("/pets/pets"); a != 502 || b != 504 {
		t.Fatalf("before the limits: %d and %d, want 502 and 504", a, b)
	}
	clock.Add(10 * time.Minute)
	if a, b := get("/pets/pets/1"), get("/pets/pets"); a != 404 || b != 504 {
		t.Fatalf("10 minutes later: %d and %d, want 404 (the 10m rule is over) and 504", a, b)
	}
	clock.Add(50 * time.Minute)
	if got := get("/pets/pets"); got != 200 {
		t.Fatalf("at 15:00+02:00: %d, want 200 (the rule is over)", got)
	}
	_, rules := listFaults(t, h)
	for _, r := range rules {
		if r.Active {
			t.Errorf("rule %s is still active after its time: %+v", r.ID, r)
		}
	}
	// A time already past is refused.
	w := serve(h, req{method: http.MethodPost, path: "/__standin/faults", body: `{"drop": {}, "until": "2026-05-01T12:00:00Z"}`})
	if msg := adminErrorOf(t, w, http.StatusBadRequest); !strings.Contains(msg, "until") {
		t.Errorf("a rule until a past time: %q, want an error naming until", msg)
	}
}

// liveServer serves srv on a loopback port until the test ends.
func liveServer(t *testing.T, srv *mockserver.Server) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// A dropped request gets no answer: the client sees the connection closed,
// and the journal shows status 0 and the rule.
func TestFaultDrop(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	ts := liveServer(t, srv)
	addFault(t, srv.Handler(), `{"operation": "createPet", "drop": {"rate": 1}}`)

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	r, _ := http.NewRequest(http.MethodPost, ts.URL+"/pets/pets", strings.NewReader(`{"name":"x"}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Key", goodKey)
	resp, err := client.Do(r)
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("a dropped request got %s %s, want no response", resp.Status, body)
	}
	if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "reset") {
		t.Errorf("a dropped request failed with %v, want the connection closed", err)
	}
	e := lastEntry(t, srv)
	if want := []mockserver.FaultHit{{Rule: "f1", Action: "drop"}}; e.Status != 0 || !reflect.DeepEqual(e.Faults, want) {
		t.Errorf("journal entry status %d faults %+v, want 0 and %+v", e.Status, e.Faults, want)
	}
	if got := len(listPets(t, srv.Handler(), "/pets", "")); got != 0 {
		t.Errorf("%d pets after a dropped creation, want 0", got)
	}
}

// A slow body arrives whole, at no more than its pace.
func TestFaultSlowBody(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	h := srv.Handler()
	var want []pet
	for i := range 12 {
		want = append(want, createPet(t, h, "/pets", "", "pet"+strings.Repeat("s", i)))
	}
	ts := liveServer(t, srv)
	const bps = 1000
	addFault(t, h, fmt.Sprintf(`{"operation": "GET /pets/pets", "slowBody": {"bytesPerSecond": %d}}`, bps))

	r, _ := http.NewRequest(http.MethodGet, ts.URL+"/pets/pets", nil)
	r.Header.Set("X-Key", goodKey)
	start := time.Now()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, read error %v", resp.StatusCode, err)
	}
	var got []pet
	if err := json.Unmarshal(body, &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("slow body %q (%v), want the %d pets whole", body, err, len(want))
	}
	if min := time.Duration(len(body)) * time.Second / bps; took < min {
		t.Errorf("%d bytes at %d B/s took %s, want at least %s", len(body), bps, took, min)
	}
	e := lastEntry(t, srv)
	if want := []mockserver.FaultHit{{Rule: "f1", Action: "slowBody", Detail: "1000 B/s"}}; !reflect.DeepEqual(e.Faults, want) {
		t.Errorf("journal entry faults = %+v, want %+v", e.Faults, want)
	}
	if e.ResponseBody != string(body) {
		t.Errorf("journal kept %q of the slow body, want %q", e.ResponseBody, body)
	}
}

// A slow error body: an error and a slow body in one rule.
func TestFaultSlowError(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	ts := liveServer(t, srv)
	addFault(t, srv.Handler(), `{"operation": "getPet", "error": {"status": 503, "message": "down for maintenance"}, "slowBody": {"bytesPerSecond": 400}}`)
	start := time.Now()
	resp, err := http.Get(ts.URL + "/pets/pets/1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	var e errBody
	if err := json.Unmarshal(body, &e); err != nil || resp.StatusCode != 503 || e.Message != "down for maintenance" || e.Kind != mockserver.KindRule {
		t.Fatalf("got %d %s, want 503 in the pets envelope with the rule's message", resp.StatusCode, body)
	}
	if min := time.Duration(len(body)) * time.Second / 400; took < min {
		t.Errorf("%d bytes at 400 B/s took %s, want at least %s", len(body), took, min)
	}
}

// A rule applies only to its API, namespace and operation; an operation is
// named by operationId, by method and spec path, by a request path or by
// a path under the API's prefix, all kept as the spec's operation.
func TestFaultMatching(t *testing.T) {
	srv, h := twoAPIServer(t, mockserver.Options{})
	for _, op := range []string{"GET /pets/{id}", "get /pets/7", "GET /pets/pets/7?x=1", "getPet"} {
		rule := addFault(t, h, fmt.Sprintf(`{"api": "pets", "namespace": "a", "operation": %q, "error": {"status": 418}}`, op))
		wantOp := "GET /pets/{id}"
		if op == "getPet" {
			wantOp = op
		}
		if rule.Operation != wantOp || rule.API != "pets" {
			t.Errorf("operation %q kept as %q of %q, want %q of pets", op, rule.Operation, rule.API, wantOp)
		}
		for _, tc := range []struct {
			path, ns string
			want     int
		}{
			{"/pets/pets/1", "a", 418},
			{"/pets/pets/1", "b", 404},
			{"/pets/pets/1", "", 404},
			{"/zoo/pets/1", "a", 404},
			{"/pets/pets", "a", 401},
		} {
			if w := serve(h, req{method: http.MethodGet, path: tc.path, ns: tc.ns}); w.Code != tc.want {
				t.Errorf("rule %q: GET %s in %q = %d, want %d", op, tc.path, tc.ns, w.Code, tc.want)
			}
		}
		srv.Faults().Clear()
	}
	// The prefix names the API.
	if rule := addFault(t, h, `{"operation": "GET /zoo/pets/{id}", "error": {"status": 418}}`); rule.API != "zoo" || rule.Operation != "GET /pets/{id}" {
		t.Errorf("GET /zoo/pets/{id} kept as %q of %q, want GET /pets/{id} of zoo", rule.Operation, rule.API)
	}
	if w := serve(h, req{method: http.MethodGet, path: "/pets/pets/1"}); w.Code != 404 {
		t.Errorf("pets under a zoo rule: %d", w.Code)
	}
	if w := serve(h, req{method: http.MethodGet, path: "/zoo/pets/1"}); w.Code != 418 {
		t.Errorf("zoo under a zoo rule: %d", w.Code)
	}
	srv.Faults().Clear()
	// A rule that names no operation is for every request of its API, even
	// one without credentials or with a body against the spec: faults come
	// before authentication and validation.
	addFault(t, h, `{"api": "zoo", "error": {"status": 503}}`)
	problemOf(t, serve(h, req{method: http.MethodGet, path: "/zoo/pets"}), http.StatusServiceUnavailable, mockserver.KindRule)
	problemOf(t, serve(h, req{method: http.MethodPost, path: "/zoo/pets", body: `{"name": 5}`, key: goodKey}), http.StatusServiceUnavailable, mockserver.KindRule)
	if w := serve(h, req{method: http.MethodGet, path: "/pets/pets", key: goodKey}); w.Code != 200 {
		t.Errorf("pets under a zoo rule: %d", w.Code)
	}
	srv.Faults().Clear()
	// 401, 403, 404 and 500 take the API's own kind, and its code.
	for status, kind := range map[int]mockserver.Kind{401: mockserver.KindUnauthorized, 403: mockserver.KindForbidden, 404: mockserver.KindNotFound, 500: mockserver.KindInternal} {
		rule := addFault(t, h, fmt.Sprintf(`{"api": "zoo", "error": {"status": %d}}`, status))
		problemOf(t, serve(h, req{method: http.MethodGet, path: "/zoo/pets", key: goodKey}), status, kind)
		srv.Faults().Remove(rule.ID)
	}
	// A code of the rule's own.
	addFault(t, h, `{"api": "zoo", "error": {"status": 429, "code": "rate-limited", "message": "slow down"}}`)
	if e := problemOf(t, serve(h, req{method: http.MethodGet, path: "/zoo/pets", key: goodKey}), 429, mockserver.KindRule); e.Code != "rate-limited" || e.Message != "slow down" {
		t.Errorf("fault error %+v, want the rule's code and message", e)
	}
}

// Faults never apply to the admin API, nor to paths no operation has.
func TestFaultNotForAdmin(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	h := srv.Handler()
	addFault(t, h, `{"error": {"status": 503}}`)
	addFault(t, h, `{"delay": {"fixed": "5m"}}`)
	for _, path := range []string{"/__standin/health", "/__standin/faults", "/__standin/journal"} {
		mustStatus(t, serve(h, req{method: http.MethodGet, path: path}), http.StatusOK)
	}
	_, rules := listFaults(t, h)
	for _, r := range rules {
		if r.Matched != 0 {
			t.Errorf("rule %s matched %d admin requests", r.ID, r.Matched)
		}
	}
}

// A client that leaves during a delay ends it: the API never sees the
// request.
func TestFaultDelayClientGone(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	h := srv.Handler()
	addFault(t, h, `{"operation": "createPet", "delay": {"fixed": "5m"}}`)
	r := req{method: http.MethodPost, path: "/pets/pets", body: `{"name":"x"}`, key: goodKey}.build()
	ctx, cancel := context.WithTimeout(r.Context(), 50*time.Millisecond)
	defer cancel()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r.WithContext(ctx))
	if got := len(listPets(t, h, "/pets", "")); got != 0 {
		t.Errorf("%d pets: a request whose client left during its delay reached the API", got)
	}
	if e := srv.Journal().Last(2, nil)[0]; e.Status != 0 || len(e.Faults) != 1 {
		t.Errorf("journal entry = status %d faults %+v, want 0 and the delay", e.Status, e.Faults)
	}
}

// The draws of a uniform and a log-normal delay stay in their bounds.
func TestFaultDelayDistributions(t *testing.T) {
	srv := newServer(t, mockserver.Options{JournalSize: 50})
	h := srv.Handler()
	addFault(t, h, `{"operation": "getPet", "delay": {"uniform": {"min": "1ms", "max": "3ms"}}}`)
	addFault(t, h, `{"operation": "listPets", "delay": {"logNormal": {"median": "2ms", "sigma": 0.5}}}`)
	for range 20 {
		serve(h, req{method: http.MethodGet, path: "/pets/pets/1"})
		serve(h, req{method: http.MethodGet, path: "/pets/pets", key: goodKey})
	}
	for _, e := range srv.Journal().Last(40, nil) {
		if len(e.Faults) != 1 {
			t.Fatalf("entry %s faults %+v, want one delay", e.Path, e.Faults)
		}
		d, err := time.ParseDuration(e.Faults[0].Detail)
		if err != nil {
			t.Fatal(err)
		}
		switch e.Faults[0].Rule {
		case "f1":
			if d < time.Millisecond || d > 3*time.Millisecond {
				t.Errorf("uniform 1ms..3ms drew %s", d)
			}
		case "f2":
			if d <= 0 || d > 2*time.Millisecond*55 { // e^(0.5*8): eight sigmas
				t.Errorf("log-normal median 2ms sigma 0.5 drew %s", d)
			}
		}
	}
}

// The admin API adds, lists, shows and removes rules, and refuses bad ones
// with a 4xx naming the field.
func TestAdminFaults(t *testing.T) {
	srv := newServer(t, mockserver.Options{Faults: mockserver.FaultOptions{Seed: 99}})
	h := srv.Handler()
	seed, rules := listFaults(t, h)
	if seed != 99 || len(rules) != 0 {
		t.Fatalf("fresh server: seed %d rules %+v, want 99 and none", seed, rules)
	}
	a := addFault(t, h, `{"api": "pets", "delay": {"uniform": {"min": "0.1s", "max": "400ms"}}, "drop": {"rate": 0.25}, "times": 5, "id": "ignored", "matched": 7}`)
	if a.ID != "f1" || a.Delay.Uniform.Min != "100ms" || a.Delay.Uniform.Max != "400ms" || *a.Drop.Rate != 0.25 || a.Times != 5 || a.Matched != 0 || a.Seed == nil {
		t.Errorf("added %+v, want f1 as given, durations normalised, counters zero, a seed", a)
	}
	b := addFault(t, h, `{"error": {"status": 500}}`)
	if b.ID != "f2" || *b.Error.Rate != 1 || *b.Seed == *a.Seed {
		t.Errorf("added %+v, want f2 with rate 1 and a seed of its own", b)
	}
	w := serve(h, req{method: http.MethodGet, path: "/__standin/faults/f2"})
	mustStatus(t, w, http.StatusOK)
	if got := decode[mockserver.FaultRule](t, w); !reflect.DeepEqual(got, b) {
		t.Errorf("GET f2 = %+v, want %+v", got, b)
	}
	_, rules = listFaults(t, h)
	if len(rules) != 2 || rules[0].ID != "f1" || rules[1].ID != "f2" {
		t.Fatalf("rules = %+v, want f1 and f2", rules)
	}
	mustStatus(t, serve(h, req{method: http.MethodDelete, path: "/__standin/faults/f1"}), http.StatusNoContent)
	adminErrorOf(t, serve(h, req{method: http.MethodDelete, path: "/__standin/faults/f1"}), http.StatusNotFound)
	adminErrorOf(t, serve(h, req{method: http.MethodGet, path: "/__standin/faults/f9"}), http.StatusNotFound)
	adminErrorOf(t, serve(h, req{method: http.MethodPut, path: "/__standin/faults/f2"}), http.StatusMethodNotAllowed)
	adminErrorOf(t, serve(h, req{method: http.MethodPut, path: "/__standin/faults"}), http.StatusMethodNotAllowed)
	if _, rules = listFaults(t, h); len(rules) != 1 || rules[0].ID != "f2" {
		t.Fatalf("after deleting f1: %+v", rules)
	}
	mustStatus(t, serve(h, req{method: http.MethodDelete, path: "/__standin/faults"}), http.StatusNoContent)
	if _, rules = listFaults(t, h); len(rules) != 0 {
		t.Fatalf("after deleting all: %+v", rules)
	}
	if c := addFault(t, h, `{"drop": {}}`); c.ID != "f1" || *c.Seed != *a.Seed {
		t.Errorf("first rule after clearing: %s seed %d, want f1 with f1's seed %d again", c.ID, *c.Seed, *a.Seed)
	}

	for _, tc := range []struct{ body, want string }{
		{`{"delay": `, "JSON"},
		{`[]`, "JSON object"},
		{`{"drop": {}} {}`, "after the JSON object"},
		{`{"delai": {"fixed": "1s"}}`, `"delai"`},
		{`{"drop": {"rate": 0.5, "odds": 1}}`, `"odds"`},
		{`{"error": {"status": "503"}}`, "error.status"},
		{`{}`, "at least one of delay, error, drop, slowBody"},
		{`{"api": "nope", "drop": {}}`, `api: "nope" is not a mounted API (mounted: pets)`},
		{`{"namespace": "a b", "drop": {}}`, "namespace"},
		{`{"operation": "listPet", "drop": {}}`, `operation: no operation has the operationId "listPet"`},
		{`{"operation": "GET /nowhere", "drop": {}}`, "operation: no operation GET /nowhere"},
		{`{"operation": "FETCH /pets", "drop": {}}`, "operation: unknown method"},
		{`{"operation": "/pets", "drop": {}}`, "operation"},
		{`{"delay": {}}`, "delay: give exactly one of"},
		{`{"delay": {"fixed": "1s", "uniform": {"min": "1s", "max": "2s"}}}`, "delay: give exactly one of"},
		{`{"delay": {"fixed": "soon"}}`, "delay.fixed"},
		{`{"delay": {"fixed": "-1s"}}`, "delay.fixed: must not be negative"},
		{`{"delay": {"fixed": "6m"}}`, "delay.fixed: 6m0s is longer than the 5m0s"},
		{`{"delay": {"uniform": {"min": "2s", "max": "1s"}}}`, "delay.uniform.max"},
		{`{"delay": {"uniform": {"max": "1s"}}}`, "delay.uniform.min: is required"},
		{`{"delay": {"logNormal": {"median": "0s", "sigma": 1}}}`, "delay.logNormal.median"},
		{`{"delay": {"logNormal": {"median": "1s", "sigma": -1}}}`, "delay.logNormal.sigma"},
		{`{"error": {"status": 302}}`, "error.status"},
		{`{"error": {"status": 500, "rate": 1.5}}`, "error.rate"},
		{`{"drop": {"rate": -0.1}}`, "drop.rate"},
		{`{"slowBody": {"bytesPerSecond": 0}}`, "slowBody.bytesPerSecond"},
		{`{"slowBody": {}}`, "slowBody.bytesPerSecond"},
		{`{"drop": {}, "times": -1}`, "times"},
		{`{"drop": {}, "until": "tomorrow"}`, "until"},
		{`{"drop": {}, "for": "forever"}`, "for"},
		{`{"drop": {}, "for": "1m", "until": "2099-01-01T00:00:00Z"}`, "for: give until or for, not both"},
	} {
		w := serve(h, req{method: http.MethodPost, path: "/__standin/faults", body: tc.body})
		if msg := adminErrorOf(t, w, http.StatusBadRequest); !strings.Contains(msg, tc.want) {
			t.Errorf("POST %s: %q, want it to name %s", tc.body, msg, tc.want)
		}
	}
	big := `{"drop": {}, "api": "` + strings.Repeat("x", 20<<10) + `"}`
	adminErrorOf(t, serve(h, req{method: http.MethodPost, path: "/__standin/faults", body: big}), http.StatusRequestEntityTooLarge)
	if _, rules = listFaults(t, h); len(rules) != 1 {
		t.Errorf("refused rules were kept: %+v", rules)
	}
}

// At most MaxFaultRules rules: one more is refused with a 429 that says
// why.
func TestAdminFaultsCap(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	h := srv.Handler()
	for range mockserver.MaxFaultRules {
		addFault(t, h, `{"namespace": "x", "drop": {}}`)
	}
	w := serve(h, req{method: http.MethodPost, path: "/__standin/faults", body: `{"drop": {}}`})
	if msg := adminErrorOf(t, w, http.StatusTooManyRequests); !strings.Contains(msg, fmt.Sprint(mockserver.MaxFaultRules)) {
		t.Errorf("over the cap: %q, want the cap named", msg)
	}
	mustStatus(t, serve(h, req{method: http.MethodDelete, path: "/__standin/faults/f7"}), http.StatusNoContent)
	addFault(t, h, `{"drop": {}}`)
}

// The fault routes are behind the admin guard.
func TestAdminFaultsGuarded(t *testing.T) {
	srv := newServer(t, mockserver.Options{Admin: mockserver.AdminOptions{Token: "s3cret"}})
	h := srv.Handler()
	for _, q := range []req{
		{method: http.MethodGet, path: "/__standin/faults"},
		{method: http.MethodPost, path: "/__standin/faults", body: `{"drop": {}}`},
		{method: http.MethodDelete, path: "/__standin/faults"},
		{method: http.MethodDelete, path: "/__standin/faults/f1"},
		{method: http.MethodGet, path: "/__standin/faults/f1"},
	} {
		adminErrorOf(t, serve(h, q), http.StatusUnauthorized)
		q.host = "evil.example"
		q.header = map[string]string{mockserver.AdminTokenHeader: "s3cret"}
		adminErrorOf(t, serve(h, q), http.StatusForbidden)
	}
	if n := len(srv.Faults().Rules()); n != 0 {
		t.Fatalf("%d rules added without the token", n)
	}
	w := serve(h, req{method: http.MethodPost, path: "/__standin/faults", body: `{"drop": {}}`, header: map[string]string{mockserver.AdminTokenHeader: "s3cret"}})
	mustStatus(t, w, http.StatusCreated)
}

// Rules change while requests run (go test -race).
func TestFaultsConcurrent(t *testing.T) {
	srv := newServer(t, mockserver.Options{JournalSize: 10})
	h := srv.Handler()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				if g == 0 {
					rule, err := srv.Faults().Add(mockserver.FaultRule{Operation: "getPet", Error: &mockserver.FaultReply{Status: 503}, Times: 3})
					if err != nil {
						t.Error(err)
						return
					}
					if i%2 == 0 {
						srv.Faults().Remove(rule.ID)
					}
					_ = srv.Faults().Rules()
					continue
				}
				serve(h, req{method: http.MethodGet, path: "/pets/pets/1"})
			}
		})
	}
	wg.Wait()
	var matched uint64
	for _, r := range srv.Faults().Rules() {
		if r.Matched > 3 {
			t.Errorf("rule %s with times 3 matched %d", r.ID, r.Matched)
		}
		matched += r.Matched
	}
	t.Logf("%d matches", matched)
}

// BenchmarkFaultRules measures what the rules cost a request they do not
// act on: none, and MaxFaultRules rules for another namespace, each
// compared with the request.
func BenchmarkFaultRules(b *testing.B) {
	for _, n := range []int{0, mockserver.MaxFaultRules} {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			srv := newServer(b, mockserver.Options{JournalSize: -1})
			for range n {
				if _, err := srv.Faults().Add(mockserver.FaultRule{Namespace: "other", Operation: "getPet", Error: &mockserver.FaultReply{Status: 503}}); err != nil {
					b.Fatal(err)
				}
			}
			h := srv.Handler()
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/pets/pets/1", nil))
				if w.Code != http.StatusNotFound {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}
