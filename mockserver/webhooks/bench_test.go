package webhooks_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/standin/standin/mockserver/webhooks"
)

// BenchmarkPublishUnsubscribed is what an API's request pays to publish
// an event nobody subscribed to.
func BenchmarkPublishUnsubscribed(b *testing.B) {
	d := webhooks.New(webhooks.Options{})
	defer d.Close(context.Background())
	ev := event("default", "x", "y")
	b.ReportAllocs()
	for b.Loop() {
		d.Publish(context.Background(), ev)
	}
}

// BenchmarkDeliver publishes b.N events to one subscription on a local
// receiver and waits until all were delivered: the throughput of one
// subscription's worker.
func BenchmarkDeliver(b *testing.B) {
	var n atomic.Int64
	done := make(chan struct{})
	total := int64(0)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == atomic.LoadInt64(&total) {
			close(done)
		}
	}))
	defer srv.Close()
	d := webhooks.New(webhooks.Options{MaxPending: 1 << 30, History: 16})
	defer d.Close(context.Background())
	if _, err := d.Subscribe(webhooks.Subscription{API: "shop", Namespace: "default", URL: srv.URL}); err != nil {
		b.Fatal(err)
	}
	ev := event("default", "x", "y")
	atomic.StoreInt64(&total, int64(b.N))
	b.ResetTimer()
	for range b.N {
		d.Publish(context.Background(), ev)
	}
	<-done
}
