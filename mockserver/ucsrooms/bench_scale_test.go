package ucsrooms_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/mockserver/ucsrooms"
)

// BenchmarkScale serves the mock seeded from scale:N (N users, N/100
// rooms, the first with min(N, 10,000) participants, alice in it) in
// process through the HTTP handler, at 1k and 100k users:
//
//	go test -run '^$' -bench Scale ./mockserver/ucsrooms
func BenchmarkScale(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		w := ucsWorld(b, n)
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			b.Run("token-check", func(b *testing.B) { w.loop(b, w.carol, "GET", "/participant/room", "") })
			b.Run("my-rooms-first", func(b *testing.B) { w.loop(b, w.alice, "GET", "/participant/room?size=50", "") })
			b.Run("members-first", func(b *testing.B) {
				w.loop(b, w.alice, "GET", "/participant/room/"+w.big+"/participant?size=50", "")
			})
			b.Run("members-last", func(b *testing.B) {
				w.loop(b, w.alice, "GET", fmt.Sprintf("/participant/room/%s/participant?size=50&page=%d", w.big, (w.members+49)/50), "")
			})
			b.Run("invite+remove", func(b *testing.B) {
				path := "/admin/room/" + w.big + "/participant"
				body := `{"participant_ids":["bench-user"]}`
				b.ReportAllocs()
				for b.Loop() {
					w.call(b, w.alice, "POST", path, body)
					w.call(b, w.alice, "DELETE", path, body)
				}
			})
			b.Run("chat-send", func(b *testing.B) {
				w.loop(b, w.alice, "POST", "/participant/room/"+w.big+"/chat", `{"text":"bench"}`)
			})
			b.Run("create-room", func(b *testing.B) {
				w.loop(b, w.alice, "POST", "/room", `{"name":"bench","start_time":"2030-01-01T00:00:00Z","end_time":"2030-01-01T01:00:00Z"}`)
			})
		})
	}
}

type benchWorld struct {
	handler      http.Handler
	alice, carol string
	big          string // the room with the most participants
	members      int
}

var (
	benchMu     sync.Mutex
	benchWorlds = map[int]*benchWorld{}
)

func ucsWorld(b *testing.B, n int) *benchWorld {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	if w := benchWorlds[n]; w != nil {
		return w
	}
	store := mockserver.NewMemoryStore()
	api, err := ucsrooms.New(mockserver.Setup{Store: store, DataSet: fmt.Sprintf("scale:%d", n), Now: func() time.Time { return epoch }}, defaultOptions(b))
	if err != nil {
		b.Fatal(err)
	}
	srv := mockserver.New(mockserver.Options{Store: store, JournalSize: -1})
	if err := srv.Mount(api); err != nil {
		b.Fatal(err)
	}
	opts := defaultOptions(b)
	alice, _ := ucsrooms.DemoUserNamed("alice")
	carol, _ := ucsrooms.DemoUserNamed("carol")
	w := &benchWorld{handler: srv.Handler(), alice: ucsrooms.Token(opts, alice), carol: ucsrooms.Token(opts, carol)}
	mockservertest.Touch(b, store, mockserver.DefaultNamespace, ucsrooms.Name)
	r := w.call(b, w.alice, "GET", "/participant/room?size=100&sort=created_at,asc", "")
	for _, room := range r.List("data") {
		m := room.(map[string]any)
		if c := int(m["participant_count"].(float64)); c > w.members {
			w.big, w.members = m["id"].(string), c
		}
	}
	if w.members < min(n, 10_000) {
		b.Fatalf("scale:%d: alice's biggest room has %d participants", n, w.members)
	}
	benchWorlds[n] = w
	return w
}

func (w *benchWorld) call(b *testing.B, token, method, path, body string) mockservertest.Reply {
	req := httptest.NewRequest(method, "/ucs"+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	r := mockservertest.Record(w.handler, req)
	if r.Status != http.StatusOK {
		b.Fatalf("%s %s: %d %.300s", method, path, r.Status, r.Raw)
	}
	return r
}

func (w *benchWorld) loop(b *testing.B, token, method, path, body string) {
	b.ReportAllocs()
	for b.Loop() {
		w.call(b, token, method, path, body)
	}
}
