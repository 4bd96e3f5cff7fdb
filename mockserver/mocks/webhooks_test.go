package mocks_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/standin/standin/mockserver/mocks"
	"github.com/standin/standin/mockserver/webhooks"
)

// The subscriptions of the configuration are registered when the server
// is built, and the APIs' events reach them.
func TestNewRegistersConfiguredWebhooks(t *testing.T) {
	got := make(chan string, 10)
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r.URL.Path + " " + string(b)
	}))
	t.Cleanup(rc.Close)

	c := cat.Default()
	c.Webhooks.Subscriptions = []mocks.SubscriptionConfig{
		{API: "ethora", URL: rc.URL + "/all"},
		{API: "rocketchat", Namespace: "team-a", URL: rc.URL + "/rc", Events: []string{"room.created"}},
	}
	if err := cat.Validate(c); err != nil {
		t.Fatal(err)
	}
	srv, err := cat.New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close(context.Background()) })

	subs := srv.Webhooks().Subscriptions("", "")
	if len(subs) != 2 || subs[0].API != "ethora" || subs[0].Namespace != "default" ||
		subs[1].Namespace != "team-a" || len(subs[1].Events) != 1 || subs[0].ID == "" {
		t.Fatalf("subscriptions = %+v, want the two of the configuration, ethora's in default", subs)
	}
	if o := srv.Webhooks().Options(); o.MaxAttempts != c.Webhooks.MaxAttempts || o.Timeout != c.Webhooks.Timeout || o.Backoff != c.Webhooks.Backoff {
		t.Errorf("dispatcher options = %+v, want the configuration's %+v", o, c.Webhooks)
	}
	srv.Webhooks().Publish(context.Background(), webhooks.Event{API: "rocketchat", Namespace: "team-a", Name: "room.created",
		Build: func(time.Time) ([]byte, http.Header, error) { return []byte(`{"x":1}`), nil, nil }})
	select {
	case d := <-got:
		if d != `/rc {"x":1}` {
			t.Errorf("receiver got %q, want the event at /rc", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery to the configured subscription")
	}
}

func TestNewRefusesWebhooksOfAnAPINotServed(t *testing.T) {
	c := cat.Default()
	rc := c.APIs["rocketchat"]
	rc.Enabled = false
	c.APIs["rocketchat"] = rc
	c.Webhooks.Subscriptions = []mocks.SubscriptionConfig{{API: "rocketchat", URL: "http://127.0.0.1:1/"}}
	if _, err := cat.New(c, nil); err == nil {
		t.Fatal("New with a subscription to a disabled API = nil error")
	}
}

// The documented defaults are the webhooks package's.
func TestDefaultWebhooks(t *testing.T) {
	w := cat.Default().Webhooks
	if w.MaxAttempts != webhooks.DefaultMaxAttempts || w.Backoff != webhooks.DefaultBackoff || w.MaxBackoff != webhooks.DefaultMaxBackoff ||
		w.Timeout != webhooks.DefaultTimeout || w.MaxPending != webhooks.DefaultMaxPending ||
		w.MaxSubscriptions != webhooks.DefaultMaxSubscriptions || w.History != webhooks.DefaultHistory || len(w.Subscriptions) != 0 {
		t.Errorf("default webhooks = %+v, want the webhooks package's defaults and no subscriptions", w)
	}
}
