package mockserver_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/standin/standin/mockserver"
)

// benchPipeline sends body to POST /pets/pets b.N times and checks every
// answer has status want.
func benchPipeline(b *testing.B, body string, want int) {
	srv := newServer(b, mockserver.Options{JournalSize: 100})
	h := srv.Handler()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%1000 == 0 {
			// Keep the state small so that later iterations cost the same.
			b.StopTimer()
			_ = srv.Store().Reset(context.Background(), "")
			b.StartTimer()
		}
		r := httptest.NewRequest(http.MethodPost, "/pets/pets", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Key", goodKey)
		r.Header.Set(mockserver.NamespaceHeader, "bench")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != want {
			b.Fatalf("status %d, want %d: %s", w.Code, want, w.Body)
		}
	}
}

func BenchmarkPipelineValid(b *testing.B) {
	benchPipeline(b, `{"name":"rex","age":3}`, http.StatusCreated)
}

func BenchmarkPipelineInvalid(b *testing.B) {
	benchPipeline(b, `{"name":"Rex","age":3}`, http.StatusBadRequest)
}

func BenchmarkMemoryStoreParallel(b *testing.B) {
	_, c := newCounterStore()
	var next atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx := mockserver.WithNamespace(context.Background(), "ns"+strconv.FormatInt(next.Add(1), 10))
		for pb.Next() {
			if err := c.Update(ctx, func(c *counter) error { c.N++; return nil }); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
