package webhooks

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Defaults of Options' zero values.
const (
	DefaultMaxAttempts      = 5
	DefaultBackoff          = time.Second
	DefaultMaxBackoff       = 30 * time.Second
	DefaultTimeout          = 5 * time.Second
	DefaultMaxPending       = 1000
	DefaultMaxSubscriptions = 100
	DefaultHistory          = 1000
)

// Options configure a Dispatcher. Zero values mean the defaults above.
type Options struct {
	// MaxAttempts is how many times an event is tried per subscription
	// before it is given up (the first attempt included).
	MaxAttempts int
	// Backoff is the wait before the second attempt; each later wait
	// doubles, up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// Timeout bounds one attempt, from sending the request to the end of
	// the answer's headers; an attempt that takes longer failed.
	Timeout time.Duration
	// MaxPending is how many events may wait for delivery per
	// subscription, the one being delivered included; a further event is
	// dropped (and recorded as an Attempt with Try 0).
	MaxPending int
	// MaxSubscriptions is how many subscriptions a namespace may have.
	MaxSubscriptions int
	// History is how many recent attempts Attempts can show.
	History int
	// Client sends the requests; nil means a client of its own. Its
	// redirect policy is replaced: redirects are never followed.
	Client *http.Client
	// Now is the clock of attempts' times and of Build; nil means
	// time.Now. Latencies are measured on the real clock.
	Now func() time.Time
	// Logger receives a record per failed attempt and dropped event; nil
	// discards them.
	Logger *slog.Logger
	// OnAttempt, if set, is called after every attempt (and dropped
	// event), from the worker that made it, with what was exchanged.
	OnAttempt func(Attempt, Exchange)
}

// Errors of Subscribe.
var (
	ErrTooManySubscriptions = errors.New("too many webhook subscriptions in the namespace")
	ErrClosed               = errors.New("webhooks: dispatcher closed")
)

// Dispatcher is the core's Publisher: it keeps the subscriptions and
// delivers events to them (see the package documentation). It is safe for
// concurrent use; a nil *Dispatcher drops every event.
type Dispatcher struct {
	opts   Options
	client *http.Client
	ctx    context.Context // canceled by Close: stops workers and attempts
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	seq     uint64           // creation order of subscriptions
	subs    map[string]*sub  // by ID
	byScope map[scope][]*sub // by namespace and API, in creation order
	perNS   map[string]int   // subscriptions per namespace
	history []Attempt        // ring of recent attempts
	next    uint64           // sequence number of the next attempt
}

var _ Publisher = (*Dispatcher)(nil)

type scope struct{ ns, api string }

// sub is a subscription with its queue.
type sub struct {
	Subscription
	seq     uint64
	queue   []queued // waiting events; the head is being delivered while running
	running bool     // a worker delivers the queue
	removed bool
}

type queued struct {
	id string
	ev Event
}

// New returns a Dispatcher with opts, its zero values replaced by the
// defaults. It starts no goroutine until an event is published to a
// subscription.
func New(opts Options) *Dispatcher {
	opts.MaxAttempts = cmp.Or(max(opts.MaxAttempts, 0), DefaultMaxAttempts)
	opts.Backoff = cmp.Or(max(opts.Backoff, 0), DefaultBackoff)
	opts.MaxBackoff = max(cmp.Or(max(opts.MaxBackoff, 0), DefaultMaxBackoff), opts.Backoff)
	opts.Timeout = cmp.Or(max(opts.Timeout, 0), DefaultTimeout)
	opts.MaxPending = cmp.Or(max(opts.MaxPending, 0), DefaultMaxPending)
	opts.MaxSubscriptions = cmp.Or(max(opts.MaxSubscriptions, 0), DefaultMaxSubscriptions)
	opts.History = cmp.Or(max(opts.History, 0), DefaultHistory)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	client := &http.Client{}
	if opts.Client != nil {
		c := *opts.Client
		client = &c
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	ctx, cancel := context.WithCancel(context.Background())
	return &Dispatcher{
		opts: opts, client: client, ctx: ctx, cancel: cancel,
		subs: map[string]*sub{}, byScope: map[scope][]*sub{}, perNS: map[string]int{},
		history: make([]Attempt, 0, min(opts.History, 64)),
	}
}

// Options returns the dispatcher's options, defaults filled in.
func (d *Dispatcher) Options() Options { return d.opts }

// Subscribe registers s (its ID and CreatedAt are set here) and returns
// it. It fails if s is invalid (ErrInvalid), if its namespace has
// MaxSubscriptions already (ErrTooManySubscriptions) or after Close
// (ErrClosed).
func (d *Dispatcher) Subscribe(s Subscription) (Subscription, error) {
	if err := s.Validate(); err != nil {
		return Subscription{}, err
	}
	s.Events = slices.Clone(s.Events)
	if s.Events == nil {
		s.Events = []string{}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return Subscription{}, ErrClosed
	}
	if d.perNS[s.Namespace] >= d.opts.MaxSubscriptions {
		return Subscription{}, fmt.Errorf("%w: %q has %d, the limit", ErrTooManySubscriptions, s.Namespace, d.opts.MaxSubscriptions)
	}
	s.ID = newID("wh_")
	s.CreatedAt = d.opts.Now().UTC()
	d.seq++
	n := &sub{Subscription: s, seq: d.seq}
	d.subs[s.ID] = n
	k := scope{s.Namespace, s.API}
	d.byScope[k] = append(d.byScope[k], n)
	d.perNS[s.Namespace]++
	return copySub(n), nil
}

func copySub(n *sub) Subscription {
	s := n.Subscription
	s.Events = slices.Clone(s.Events)
	return s
}

// Unsubscribe removes the subscription with id and reports whether there
// was one. Its waiting events are dropped; an attempt in flight ends
// without retry.
func (d *Dispatcher) Unsubscribe(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	n, ok := d.subs[id]
	if !ok {
		return false
	}
	n.removed = true
	n.queue = nil
	delete(d.subs, id)
	k := scope{n.Namespace, n.API}
	d.byScope[k] = slices.DeleteFunc(d.byScope[k], func(x *sub) bool { return x == n })
	if len(d.byScope[k]) == 0 {
		delete(d.byScope, k)
	}
	if d.perNS[n.Namespace]--; d.perNS[n.Namespace] <= 0 {
		delete(d.perNS, n.Namespace)
	}
	return true
}

// Subscriptions lists the subscriptions of namespace ns and API api (empty
// matches any) in the order they were made.
func (d *Dispatcher) Subscriptions(ns, api string) []Subscription {
	d.mu.Lock()
	defer d.mu.Unlock()
	var found []*sub
	for _, n := range d.subs {
		if (ns == "" || n.Namespace == ns) && (api == "" || n.API == api) {
			found = append(found, n)
		}
	}
	slices.SortFunc(found, func(a, b *sub) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]Subscription, len(found))
	for i, n := range found {
		out[i] = copySub(n)
	}
	return out
}

// Publish queues ev for every subscription of its namespace and API whose
// filter takes its name, and returns at once. A nil Dispatcher, a closed
// one, or an event without Build does nothing.
func (d *Dispatcher) Publish(_ context.Context, ev Event) {
	if d == nil || ev.Build == nil {
		return
	}
	var dropped []Attempt
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	id := ""
	for _, n := range d.byScope[scope{ev.Namespace, ev.API}] {
		if !n.Takes(ev.Name) {
			continue
		}
		if id == "" {
			id = newID("evt_")
		}
		if len(n.queue) >= d.opts.MaxPending {
			dropped = append(dropped, d.record(Attempt{
				Subscription: n.ID, API: n.API, Namespace: n.Namespace, URL: n.URL, EventID: id, Event: ev.Name,
				Time: d.opts.Now().UTC(), Final: true,
				Error: "dropped: " + strconv.Itoa(len(n.queue)) + " events already wait for this subscription (maxPending)",
			}))
			continue
		}
		n.queue = append(n.queue, queued{id: id, ev: ev})
		if !n.running {
			n.running = true
			d.wg.Add(1)
			go d.work(n)
		}
	}
	d.mu.Unlock()
	for _, a := range dropped {
		d.opts.Logger.Warn("webhook event dropped", "subscription", a.Subscription, "event", a.Event, "namespace", a.Namespace, "reason", a.Error)
		if d.opts.OnAttempt != nil {
			d.opts.OnAttempt(a, Exchange{})
		}
	}
}

// record adds a to the ring, numbering it, and returns it. d.mu is held.
func (d *Dispatcher) record(a Attempt) Attempt {
	d.next++
	a.Seq = d.next
	if len(d.history) < d.opts.History {
		d.history = append(d.history, a)
	} else {
		d.history[(d.next-1)%uint64(d.opts.History)] = a
	}
	return a
}

// Attempts returns up to limit of the most recent attempts that keep takes
// (nil takes all), oldest first.
func (d *Dispatcher) Attempts(limit int, keep func(Attempt) bool) []Attempt {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []Attempt
	size := uint64(len(d.history))
	for i := uint64(0); i < size && len(out) < limit; i++ {
		a := d.history[(d.next-1-i)%uint64(d.opts.History)]
		if keep == nil || keep(a) {
			out = append(out, a)
		}
	}
	slices.Reverse(out)
	return out
}

// Close stops the workers: attempts in flight are canceled and waiting
// events dropped; later events and subscriptions are refused. It waits
// for the workers to return, or for ctx.
func (d *Dispatcher) Close(ctx context.Context) error {
	d.mu.Lock()
	d.closed = true
	for _, n := range d.subs {
		n.queue = nil
	}
	d.mu.Unlock()
	d.cancel()
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// work delivers n's queue in order until it is empty, or n removed, or
// the dispatcher closed.
func (d *Dispatcher) work(n *sub) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		if n.removed || d.closed || len(n.queue) == 0 {
			n.running = false
			d.mu.Unlock()
			return
		}
		q := n.queue[0]
		target := copySub(n)
		d.mu.Unlock()

		d.deliver(n, target, q)

		d.mu.Lock()
		if len(n.queue) > 0 && n.queue[0].id == q.id {
			n.queue[0] = queued{} // let the event's memory go
			n.queue = n.queue[1:]
		}
		d.mu.Unlock()
	}
}

// deliver tries q until it is delivered, MaxAttempts were made, n was
// removed or the dispatcher closed.
func (d *Dispatcher) deliver(n *sub, s Subscription, q queued) {
	wait := d.opts.Backoff
	for try := 1; ; try++ {
		a, ex := d.attempt(s, q, try)
		d.mu.Lock()
		stop := n.removed || d.closed
		a.Final = a.Delivered || try >= d.opts.MaxAttempts || stop || a.Final
		a = d.record(a)
		d.mu.Unlock()
		if !a.Delivered {
			d.opts.Logger.Warn("webhook attempt failed", "subscription", a.Subscription, "event", a.Event, "eventId", a.EventID,
				"try", a.Try, "status", a.Status, "error", a.Error, "final", a.Final)
		}
		if d.opts.OnAttempt != nil {
			d.opts.OnAttempt(a, ex)
		}
		if a.Final {
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-d.ctx.Done():
			t.Stop()
			return
		}
		wait = min(wait*2, d.opts.MaxBackoff)
	}
}

// attempt makes one try of q at s. An Attempt it marks Final (a Build
// that fails) is not retried.
func (d *Dispatcher) attempt(s Subscription, q queued, try int) (Attempt, Exchange) {
	at := d.opts.Now()
	a := Attempt{Subscription: s.ID, API: s.API, Namespace: s.Namespace, URL: s.URL, EventID: q.id, Event: q.ev.Name,
		Try: try, Time: at.UTC()}
	body, header, err := build(q.ev, at)
	if err != nil {
		a.Error, a.Final = "build: "+err.Error(), true
		return a, Exchange{}
	}
	ctx, cancel := context.WithTimeout(d.ctx, d.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		a.Error, a.Final = err.Error(), true
		return a, Exchange{}
	}
	for k, v := range header {
		req.Header[k] = slices.Clone(v)
	}
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "standin-webhooks")
	}
	req.Header.Set("X-Standin-Event", q.ev.Name)
	req.Header.Set("X-Standin-Event-Id", q.id)
	req.Header.Set("X-Standin-Subscription", s.ID)
	req.Header.Set("X-Standin-Attempt", strconv.Itoa(try))
	ex := Exchange{RequestHeader: req.Header.Clone(), RequestBody: body}

	start := time.Now()
	resp, err := d.client.Do(req)
	if err != nil {
		a.Latency = time.Since(start)
		a.Error = err.Error()
		if errors.Is(err, context.DeadlineExceeded) && d.ctx.Err() == nil {
			a.Error = "timeout after " + d.opts.Timeout.String() + ": " + err.Error()
		}
		return a, ex
	}
	a.Latency = time.Since(start)
	ex.ResponseHeader = resp.Header.Clone()
	ex.ResponseBody, _ = io.ReadAll(io.LimitReader(resp.Body, ResponseBodyLimit+1))
	if len(ex.ResponseBody) > ResponseBodyLimit {
		ex.ResponseBody, ex.ResponseTruncated = ex.ResponseBody[:ResponseBodyLimit], true
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection can be reused
	_ = resp.Body.Close()
	a.Status = resp.StatusCode
	if resp.StatusCode/100 == 2 {
		a.Delivered = true
	} else {
		a.Error = "the receiver answered " + resp.Status
	}
	return a, ex
}

// build calls ev.Build, turning a panic into an error.
func build(ev Event, at time.Time) (body []byte, header http.Header, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return ev.Build(at)
}
