package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Event is one change an API reports, to be delivered to every
// subscription of its namespace and API whose filter takes Name.
type Event struct {
	API, Namespace string
	Name           string // e.g. "membership.created"
	// Build makes the request body and extra headers for one attempt at
	// time at (each attempt is built anew, so that a signature over a
	// timestamp stays fresh across retries). The body is sent as is with
	// Content-Type application/json unless the header says otherwise.
	Build func(at time.Time) (body []byte, header http.Header, err error)
}

// Publisher takes the events of an API.
type Publisher interface {
	// Publish queues ev for delivery and returns at once: it never blocks
	// on delivery, which outlives ctx (the request that caused the event).
	Publish(ctx context.Context, ev Event)
}

// Discard is a Publisher that drops every event, for APIs built without
// webhooks.
var Discard Publisher = discard{}

type discard struct{}

func (discard) Publish(context.Context, Event) {}

// Subscription asks for the events of one API in one namespace to be
// POSTed to URL.
type Subscription struct {
	ID        string `json:"id"`
	API       string `json:"api"`
	Namespace string `json:"namespace"`
	URL       string `json:"url"`
	// Events are the event names delivered; empty means all. A name
	// ending in ".*" takes every name that starts with what precedes the
	// "*" ("membership.*" takes "membership.created" and
	// "membership.connected.fail").
	Events    []string  `json:"events"`
	CreatedAt time.Time `json:"createdAt"`
}

// Takes reports whether the subscription's filter takes the event name.
func (s Subscription) Takes(name string) bool {
	if len(s.Events) == 0 {
		return true
	}
	for _, e := range s.Events {
		if e == name || (strings.HasSuffix(e, ".*") && strings.HasPrefix(name, e[:len(e)-1])) {
			return true
		}
	}
	return false
}

// ErrInvalid is wrapped by the errors of Subscription.Validate.
var ErrInvalid = errors.New("invalid subscription")

// Validate checks what a subscription needs whoever registers it: an API
// and a namespace, an absolute http or https URL with a host, and event
// names that are not empty. The errors name the field (api, namespace,
// url, events[i]) and wrap ErrInvalid.
func (s Subscription) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...))
	}
	if s.API == "" {
		bad("api must not be empty")
	}
	if s.Namespace == "" {
		bad("namespace must not be empty")
	}
	if err := CheckURL(s.URL); err != nil {
		bad("url: %v", err)
	}
	for i, e := range s.Events {
		if strings.TrimSpace(e) == "" || e == ".*" {
			bad("events[%d] must name an event, got %q", i, e)
		}
	}
	return errors.Join(errs...)
}

// CheckURL reports why u cannot be a webhook's target: it must be an
// absolute http or https URL with a host and no fragment.
func CheckURL(u string) error {
	p, err := url.Parse(u)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %w", u, err)
	}
	switch {
	case p.Scheme != "http" && p.Scheme != "https":
		return fmt.Errorf("%q must be an absolute http or https URL", u)
	case p.Host == "" || p.Hostname() == "":
		return fmt.Errorf("%q has no host", u)
	case p.Fragment != "":
		return fmt.Errorf("%q must not have a fragment", u)
	}
	return nil
}

// Attempt is one try at delivering an event to a subscription, or an event
// dropped before any try (Try 0).
type Attempt struct {
	Seq          uint64    `json:"seq"`
	Subscription string    `json:"subscriptionId"`
	API          string    `json:"api"`
	Namespace    string    `json:"namespace"`
	URL          string    `json:"url"`
	EventID      string    `json:"eventId"`
	Event        string    `json:"event"`
	Try          int       `json:"try"` // 1 for the first attempt; 0 for an event dropped before any
	Time         time.Time `json:"time"`
	Status       int       `json:"status"` // the receiver's HTTP status; 0 if none came
	// Latency is how long the attempt took, from sending to the end of
	// the answer's headers (or the failure).
	Latency time.Duration `json:"latencyNs"`
	Error   string        `json:"error,omitempty"`
	// Final is true on the event's last attempt for this subscription:
	// delivered, or given up.
	Final     bool `json:"final"`
	Delivered bool `json:"delivered"`
}

// Exchange is what an attempt sent and received, for the journal: the
// request's headers and body, the answer's headers and the first
// ResponseBodyLimit bytes of its body (nil when no request or answer was
// made). ResponseTruncated says that the answer's body was longer.
type Exchange struct {
	RequestHeader     http.Header
	RequestBody       []byte
	ResponseHeader    http.Header
	ResponseBody      []byte
	ResponseTruncated bool
}

// ResponseBodyLimit is how much of a receiver's answer an Exchange keeps.
const ResponseBodyLimit = 4096

// newID returns prefix and 16 random hex digits.
func newID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}
