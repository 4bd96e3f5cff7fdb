package webhooks_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/standin/standin/mockserver/webhooks"
)

// guard bounds every wait of these tests: reaching it is a failure (a
// delivery that never came), never a measure of speed.
const guard = 10 * time.Second

// delivery is one request a receiver got.
type delivery struct {
	path   string
	header http.Header
	body   []byte
}

// receiver is an HTTP server that records what it gets and answers with
// status(n) for its n-th request (1-based).
type receiver struct {
	*httptest.Server
	got   chan delivery
	count atomic.Int64
}

func newReceiver(t *testing.T, status func(n int) int) *receiver {
	t.Helper()
	rc := &receiver{got: make(chan delivery, 10000)}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		n := int(rc.count.Add(1))
		rc.got <- delivery{path: r.URL.Path, header: r.Header.Clone(), body: body}
		w.WriteHeader(status(n))
	}))
	t.Cleanup(rc.Close)
	return rc
}

func always(code int) func(int) int { return func(int) int { return code } }

// next returns the receiver's next request, failing the test if none
// comes before the guard.
func (rc *receiver) next(t *testing.T) delivery {
	t.Helper()
	select {
	case d := <-rc.got:
		return d
	case <-time.After(guard):
		t.Fatalf("no delivery within %s", guard)
		return delivery{}
	}
}

// newDispatcher returns a dispatcher with fast backoff, closed when the
// test ends.
func newDispatcher(t *testing.T, opts webhooks.Options) *webhooks.Dispatcher {
	t.Helper()
	if opts.Backoff == 0 {
		opts.Backoff, opts.MaxBackoff = time.Millisecond, 4*time.Millisecond
	}
	d := webhooks.New(opts)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), guard)
		defer cancel()
		if err := d.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return d
}

func subscribe(t *testing.T, d *webhooks.Dispatcher, s webhooks.Subscription) webhooks.Subscription {
	t.Helper()
	s.API = cmpOr(s.API, "shop")
	s.Namespace = cmpOr(s.Namespace, "default")
	got, err := d.Subscribe(s)
	if err != nil {
		t.Fatalf("Subscribe(%+v): %v", s, err)
	}
	return got
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// event returns an event of the shop API in ns whose body is
// {"n":"<label>"}.
func event(ns, name, label string) webhooks.Event {
	return webhooks.Event{API: "shop", Namespace: ns, Name: name, Build: func(time.Time) ([]byte, http.Header, error) {
		return []byte(`{"n":"` + label + `"}`), nil, nil
	}}
}

// waitAttempts polls until keep holds for the attempts d recorded, and
// returns them.
func waitAttempts(t *testing.T, d *webhooks.Dispatcher, keep func([]webhooks.Attempt) bool) []webhooks.Attempt {
	t.Helper()
	deadline := time.Now().Add(guard)
	for {
		got := d.Attempts(1000, nil)
		if keep(got) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("attempts never reached the expected state; last: %+v", got)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestDeliversTheBytesBuildMade(t *testing.T) {
	rc := newReceiver(t, always(http.StatusNoContent))
	d := newDispatcher(t, webhooks.Options{})
	s := subscribe(t, d, webhooks.Subscription{URL: rc.URL + "/hook?x=1"})

	body := []byte(`{"event":"membership.created","date":1700000000000,"data":{"name":"<a&b>"},"signature":"ab"}`)
	d.Publish(context.Background(), webhooks.Event{API: "shop", Namespace: "default", Name: "membership.created",
		Build: func(time.Time) ([]byte, http.Header, error) {
			return body, http.Header{"X-Signature": {"sig"}}, nil
		}})
	got := rc.next(t)
	if string(got.body) != string(body) {
		t.Errorf("body = %s, want exactly %s", got.body, body)
	}
	for k, want := range map[string]string{
		"Content-Type": "application/json", "X-Signature": "sig", "X-Standin-Event": "membership.created",
		"X-Standin-Subscription": s.ID, "X-Standin-Attempt": "1",
	} {
		if v := got.header.Get(k); v != want {
			t.Errorf("header %s = %q, want %q", k, v, want)
		}
	}
	if got.path != "/hook" {
		t.Errorf("path = %q, want /hook", got.path)
	}
	as := waitAttempts(t, d, func(a []webhooks.Attempt) bool { return len(a) == 1 })
	a := as[0]
	if !a.Delivered || !a.Final || a.Try != 1 || a.Status != http.StatusNoContent || a.Error != "" ||
		a.Subscription != s.ID || a.Event != "membership.created" || !strings.HasPrefix(a.EventID, "evt_") ||
		a.URL != s.URL || a.Namespace != "default" || a.API != "shop" {
		t.Errorf("attempt = %+v, want a delivered first and final try with status 204", a)
	}
}

func TestContentTypeFromBuild(t *testing.T) {
	rc := newReceiver(t, always(http.StatusOK))
	d := newDispatcher(t, webhooks.Options{})
	subscribe(t, d, webhooks.Subscription{URL: rc.URL})
	d.Publish(context.Background(), webhooks.Event{API: "shop", Namespace: "default", Name: "x",
		Build: func(time.Time) ([]byte, http.Header, error) {
			return []byte("a=1"), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, nil
		}})
	if ct := rc.next(t).header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q, want the one Build set", ct)
	}
}

func TestOrderKeptUnderConcurrentPublishes(t *testing.T) {
	// Every 7th event fails on its first try: retries must not let a
	// later event overtake it.
	var mu sync.Mutex
	failed := map[string]bool{}
	rc := &receiver{got: make(chan delivery, 10000)}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		n, _ := strconv.Atoi(strings.Trim(string(body), `{}"n:`))
		if n%7 == 0 && !failed[string(body)] {
			failed[string(body)] = true
			mu.Unlock()
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		mu.Unlock()
		rc.got <- delivery{body: body}
	}))
	t.Cleanup(rc.Close)
	d := newDispatcher(t, webhooks.Options{MaxPending: 10000})
	subscribe(t, d, webhooks.Subscription{URL: rc.URL})

	const publishers, each = 8, 25
	var order sync.Mutex // makes the publication order known
	seq := 0
	var wg sync.WaitGroup
	for range publishers {
		wg.Go(func() {
			for range each {
				order.Lock()
				d.Publish(context.Background(), event("default", "tick", strconv.Itoa(seq)))
				seq++
				order.Unlock()
			}
		})
	}
	wg.Wait()
	for want := range publishers * each {
		got := rc.next(t)
		if string(got.body) != fmt.Sprintf(`{"n":"%d"}`, want) {
			t.Fatalf("delivery %d = %s, want event %d: order lost", want, got.body, want)
		}
	}
}

func TestRetriesUntilDelivered(t *testing.T) {
	rc := newReceiver(t, func(n int) int {
		if n <= 2 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	var builds atomic.Int64
	clock := atomic.Int64{}
	now := func() time.Time { return time.Unix(1_700_000_000+clock.Add(1), 0) }
	d := newDispatcher(t, webhooks.Options{Now: now})
	subscribe(t, d, webhooks.Subscription{URL: rc.URL})
	d.Publish(context.Background(), webhooks.Event{API: "shop", Namespace: "default", Name: "x",
		Build: func(at time.Time) ([]byte, http.Header, error) {
			builds.Add(1)
			return []byte(strconv.FormatInt(at.Unix(), 10)), nil, nil
		}})
	var bodies []string
	for range 3 {
		bodies = append(bodies, string(rc.next(t).body))
	}
	as := waitAttempts(t, d, func(a []webhooks.Attempt) bool { return len(a) == 3 })
	for i, a := range as {
		last := i == 2
		wantStatus := map[bool]int{false: 503, true: 200}[last]
		if a.Try != i+1 || a.Delivered != last || a.Final != last || a.Status != wantStatus || (a.Error == "") == !last {
			t.Errorf("attempt %d = %+v, want try %d status %d delivered=final=%v", i, a, i+1, wantStatus, last)
		}
	}
	if as[0].EventID != as[2].EventID {
		t.Errorf("retries changed the event id: %s then %s", as[0].EventID, as[2].EventID)
	}
	if builds.Load() != 3 || bodies[0] == bodies[1] || bodies[1] == bodies[2] {
		t.Errorf("Build ran %d times, bodies %q: want each attempt built anew at its own time", builds.Load(), bodies)
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	rc := newReceiver(t, func(n int) int {
		if n <= 3 {
			return http.StatusBadGateway
		}
		return http.StatusOK
	})
	d := newDispatcher(t, webhooks.Options{MaxAttempts: 3})
	subscribe(t, d, webhooks.Subscription{URL: rc.URL})
	d.Publish(context.Background(), event("default", "x", "first"))
	d.Publish(context.Background(), event("default", "x", "second"))
	for want, label := range []string{"first", "first", "first", "second"} {
		if got := rc.next(t); !strings.Contains(string(got.body), label) {
			t.Fatalf("request %d = %s, want %s", want+1, got.body, label)
		}
	}
	as := waitAttempts(t, d, func(a []webhooks.Attempt) bool { return len(a) == 4 })
	if last := as[2]; last.Try != 3 || !last.Final || last.Delivered || last.Status != http.StatusBadGateway {
		t.Errorf("third attempt = %+v, want the final, undelivered try 3", last)
	}
	if next := as[3]; next.Try != 1 || !next.Delivered || next.EventID == as[2].EventID {
		t.Errorf("fourth attempt = %+v, want the next event delivered on its first try", next)
	}
	select {
	case extra := <-rc.got:
		t.Errorf("a given-up event was tried again: %s", extra.body)
	default:
	}
}

func TestTimeoutIsAFailure(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	d := newDispatcher(t, webhooks.Options{Timeout: 20 * time.Millisecond, MaxAttempts: 2})
	subscribe(t, d, webhooks.Subscription{URL: srv.URL})
	d.Publish(context.Background(), event("default", "x", "slow"))
	as := waitAttempts(t, d, func(a []webhooks.Attempt) bool { return len(a) == 2 })
	for i, a := range as {
		if a.Delivered || a.Status != 0 || !strings.Contains(a.Error, "timeout") || a.Final != (i == 1) {
			t.Errorf("attempt %d = %+v, want a timed-out failure (final on the 2nd)", i+1, a)
		}
	}
}

func TestPublishNeverBlocks(t *testing.T) {
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(hang); srv.Close() })
	d := newDispatcher(t, webhooks.Options{MaxPending: 3})
	for range 5 {
		subscribe(t, d, webhooks.Subscription{URL: srv.URL})
	}
	done := make(chan struct{})
	go func() {
		for i := range 1000 {
			d.Publish(context.Background(), event("default", "x", strconv.Itoa(i)))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(guard):
		t.Fatal("Publish blocked while the receiver hung")
	}
}

func TestQueueIsBounded(t *testing.T) {
	release := make(chan struct{})
	rc := &receiver{got: make(chan delivery, 100)}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select {
		case <-release:
		case <-r.Context().Done(): // the dispatcher gave up: a failing test ends
			return
		}
		rc.got <- delivery{body: body}
	}))
	t.Cleanup(rc.Close)
	d := newDispatcher(t, webhooks.Options{MaxPending: 2})
	s := subscribe(t, d, webhooks.Subscription{URL: rc.URL})
	released := false
	t.Cleanup(func() {
		if !released {
			close(release)
		}
	})
	for _, l := range []string{"e1", "e2", "e3", "e4"} {
		d.Publish(context.Background(), event("default", "x", l))
	}
	dropped := waitAttempts(t, d, func(a []webhooks.Attempt) bool { return len(a) == 2 })
	for i, a := range dropped {
		if a.Try != 0 || !a.Final || a.Delivered || !strings.Contains(a.Error, "maxPending") || a.Subscription != s.ID {
			t.Errorf("attempt %d = %+v, want a dropped event (try 0, final, maxPending)", i, a)
		}
	}
	close(release)
	released = true
	for _, want := range []string{"e1", "e2"} {
		if got := rc.next(t); !strings.Contains(string(got.body), want) {
			t.Fatalf("delivery = %s, want %s", got.body, want)
		}
	}
	waitAttempts(t, d, func(a []webhooks.Attempt) bool { return len(a) == 4 })
	select {
	case extra := <-rc.got:
		t.Errorf("a dropped event was delivered: %s", extra.body)
	default:
	}
}

func TestEventsFilter(t *testing.T) {
	rc := newReceiver(t, always(http.StatusOK))
	d := newDispatcher(t, webhooks.Options{})
	subscribe(t, d, webhooks.Subscription{URL: rc.URL, Events: []string{"app.created", "membership.*"}})
	for _, name := range []string{"app.created", "app.deleted", "membership.connected.fail", "member", "event", "app.created"} {
		d.Publish(context.Background(), event("default", name, name))
	}
	var got []string
	for range 3 {
		got = append(got, rc.next(t).header.Get("X-Standin-Event"))
	}
	// The last is the second app.created: in order, so nothing else can
	// still come.
	if want := []string{"app.created", "membership.connected.fail", "app.created"}; !slices.Equal(got, want) {
		t.Errorf("delivered %q, want %q", got, want)
	}
}

func TestNamespacesAndAPIsIsolated(t *testing.T) {
	a, b := newReceiver(t, always(http.StatusOK)), newReceiver(t, always(http.StatusOK))
	d := newDispatcher(t, webhooks.Options{})
	subscribe(t, d, webhooks.Subscription{URL: a.URL, Namespace: "A"})
	subscribe(t, d, webhooks.Subscription{URL: b.URL, Namespace: "B"})
	d.Publish(context.Background(), event("B", "x", "for B"))
	other := event("A", "x", "other API")
	other.API = "other"
	d.Publish(context.Background(), other)
	d.Publish(context.Background(), event("A", "x", "for A"))
	if got := a.next(t); string(got.body) != `{"n":"for A"}` {
		t.Errorf("A's receiver got %s first, want only A's event of its API", got.body)
	}
	if got := b.next(t); string(got.body) != `{"n":"for B"}` {
		t.Errorf("B's receiver got %s, want B's event", got.body)
	}
	waitAttempts(t, d, func(as []webhooks.Attempt) bool { return len(as) == 2 })
	if len(a.got)+len(b.got) != 0 {
		t.Errorf("a receiver got an event of another namespace or API")
	}
}

func TestUnsubscribeStopsDelivery(t *testing.T) {
	rc := newReceiver(t, always(http.StatusOK))
	keep := newReceiver(t, always(http.StatusOK))
	d := newDispatcher(t, webhooks.Options{})
	gone := subscribe(t, d, webhooks.Subscription{URL: rc.URL})
	subscribe(t, d, webhooks.Subscription{URL: keep.URL})
	if !d.Unsubscribe(gone.ID) || d.Unsubscribe(gone.ID) {
		t.Fatal("Unsubscribe should report true once, then false")
	}
	d.Publish(context.Background(), event("default", "x", "after"))
	keep.next(t)
	if len(rc.got) != 0 {
		t.Error("a removed subscription still got an event")
	}
	if subs := d.Subscriptions("", ""); len(subs) != 1 || subs[0].URL != keep.URL {
		t.Errorf("Subscriptions = %+v, want only the kept one", subs)
	}
}

func TestSubscribeRefusals(t *testing.T) {
	d := newDispatcher(t, webhooks.Options{MaxSubscriptions: 2})
	for _, s := range []webhooks.Subscription{
		{API: "shop", Namespace: "default", URL: "/relative"},
		{API: "shop", Namespace: "default", URL: "ftp://example.com/x"},
		{API: "shop", Namespace: "default", URL: "http:///nohost"},
		{API: "shop", Namespace: "default", URL: "http://example.com/#frag"},
		{API: "", Namespace: "default", URL: "http://example.com/"},
		{API: "shop", Namespace: "", URL: "http://example.com/"},
		{API: "shop", Namespace: "default", URL: "http://example.com/", Events: []string{""}},
	} {
		if _, err := d.Subscribe(s); !errors.Is(err, webhooks.ErrInvalid) {
			t.Errorf("Subscribe(%+v) = %v, want ErrInvalid", s, err)
		}
	}
	for range 2 {
		subscribe(t, d, webhooks.Subscription{URL: "http://example.com/"})
	}
	if _, err := d.Subscribe(webhooks.Subscription{API: "shop", Namespace: "default", URL: "http://example.com/"}); !errors.Is(err, webhooks.ErrTooManySubscriptions) {
		t.Errorf("third subscription in a namespace with room for 2: %v, want ErrTooManySubscriptions", err)
	}
	subscribe(t, d, webhooks.Subscription{URL: "http://example.com/", Namespace: "other"})
}

func TestRedirectsNotFollowed(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(other.Close)
	srv := httptest.NewServer(http.RedirectHandler(other.URL, http.StatusTemporaryRedirect))
	t.Cleanup(srv.Close)
	d := newDispatcher(t, webhooks.Options{MaxAttempts: 1})
	subscribe(t, d, webhooks.Subscription{URL: srv.URL})
	d.Publish(context.Background(), event("default", "x", "y"))
	as := waitAttempts(t, d, func(a []webhooks.Attempt) bool { return len(a) == 1 })
	if a := as[0]; a.Delivered || a.Status != http.StatusTemporaryRedirect {
		t.Errorf("attempt = %+v, want an undelivered 307", a)
	}
	if elsewhere.Load() != 0 {
		t.Error("the redirect was followed to a URL no one registered")
	}
}

func TestBuildFailureIsFinal(t *testing.T) {
	rc := newReceiver(t, always(http.StatusOK))
	d := newDispatcher(t, webhooks.Options{})
	subscribe(t, d, webhooks.Subscription{URL: rc.URL})
	d.Publish(context.Background(), webhooks.Event{API: "shop", Namespace: "default", Name: "x",
		Build: func(time.Time) ([]byte, http.Header, error) { panic("boom") }})
	d.Publish(context.Background(), event("default", "x", "ok"))
	rc.next(t)
	as := waitAttempts(t, d, func(a []webhooks.Attempt) bool { return len(a) == 2 })
	if a := as[0]; !a.Final || a.Delivered || !strings.Contains(a.Error, "boom") {
		t.Errorf("attempt = %+v, want a final build failure naming the panic", a)
	}
}

func TestCloseStopsWorkers(t *testing.T) {
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(hang); srv.Close() })
	d := webhooks.New(webhooks.Options{})
	if _, err := d.Subscribe(webhooks.Subscription{API: "shop", Namespace: "default", URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	d.Publish(context.Background(), event("default", "x", "1"))
	d.Publish(context.Background(), event("default", "x", "2"))
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	d.Publish(context.Background(), event("default", "x", "3"))
	for _, a := range d.Attempts(10, nil) {
		if a.Delivered || !a.Final {
			t.Errorf("attempt after Close = %+v, want a final failure", a)
		}
	}
	if _, err := d.Subscribe(webhooks.Subscription{API: "shop", Namespace: "default", URL: srv.URL}); !errors.Is(err, webhooks.ErrClosed) {
		t.Errorf("Subscribe after Close = %v, want ErrClosed", err)
	}
}

func TestNilDispatcherAndDiscard(t *testing.T) {
	var d *webhooks.Dispatcher
	d.Publish(context.Background(), event("default", "x", "y"))
	webhooks.Discard.Publish(context.Background(), event("default", "x", "y"))
}

func TestAttemptsRingIsBounded(t *testing.T) {
	rc := newReceiver(t, always(http.StatusOK))
	d := newDispatcher(t, webhooks.Options{History: 3})
	subscribe(t, d, webhooks.Subscription{URL: rc.URL})
	for i := range 5 {
		d.Publish(context.Background(), event("default", "x", strconv.Itoa(i)))
	}
	for range 5 {
		rc.next(t)
	}
	as := waitAttempts(t, d, func(a []webhooks.Attempt) bool { return len(a) == 3 && a[2].Seq == 5 })
	if as[0].Seq != 3 || as[1].Seq != 4 {
		t.Errorf("attempts = %+v, want the last three, oldest first", as)
	}
}

// An Exchange keeps the first ResponseBodyLimit bytes of the receiver's
// answer and says when there was more, so that the journal can say it cut
// the body.
func TestExchangeSaysWhenTheAnswerWasCut(t *testing.T) {
	for _, size := range []int{0, 10, webhooks.ResponseBodyLimit, webhooks.ResponseBodyLimit + 1, 3 * webhooks.ResponseBodyLimit} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(strings.Repeat("a", size)))
		}))
		exchanges := make(chan webhooks.Exchange, 1)
		d := newDispatcher(t, webhooks.Options{OnAttempt: func(_ webhooks.Attempt, ex webhooks.Exchange) { exchanges <- ex }})
		subscribe(t, d, webhooks.Subscription{URL: srv.URL})
		d.Publish(context.Background(), event("default", "x", "1"))
		select {
		case ex := <-exchanges:
			cut := size > webhooks.ResponseBodyLimit
			if ex.ResponseTruncated != cut || len(ex.ResponseBody) != min(size, webhooks.ResponseBodyLimit) {
				t.Errorf("answer of %d bytes: kept %d, truncated %v; want %d, %v", size, len(ex.ResponseBody), ex.ResponseTruncated, min(size, webhooks.ResponseBodyLimit), cut)
			}
		case <-time.After(guard):
			t.Fatalf("no attempt within %s", guard)
		}
		srv.Close()
	}
}
