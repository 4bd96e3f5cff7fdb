package chatkitty_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/chatkitty"
	"github.com/standin/standin/mockserver/mockservertest"
)

// BenchmarkScale serves the mock seeded from scale:N (N users, N/100
// channels, general with min(N, 10,000) members) in process through the
// HTTP handler, at 1k and 100k users:
//
//	go test -run '^$' -bench Scale ./mockserver/chatkitty
func BenchmarkScale(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		w := kittyWorld(b, n)
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			b.Run("token-check", func(b *testing.B) { w.loop(b, "GET", "/v1/application", "") })
			b.Run("users-first", func(b *testing.B) { w.loop(b, "GET", "/v1/users?size=50", "") })
			b.Run("users-last", func(b *testing.B) { w.loop(b, "GET", fmt.Sprintf("/v1/users?size=50&page=%d", (n-1)/50), "") })
			b.Run("users-by-name-last", func(b *testing.B) {
				w.loop(b, "GET", fmt.Sprintf("/v1/users?size=50&sort=name,asc&page=%d", (n-1)/50), "")
			})
			b.Run("user-exists", func(b *testing.B) { w.loop(b, "HEAD", "/v1/users?name=admin", "") })
			b.Run("members-first", func(b *testing.B) { w.loop(b, "GET", "/v1/channels/"+w.big+"/members?size=50", "") })
			b.Run("members-last", func(b *testing.B) {
				w.loop(b, "GET", fmt.Sprintf("/v1/channels/%s/members?size=50&page=%d", w.big, (w.members-1)/50), "")
			})
			b.Run("channels-public", func(b *testing.B) { w.loop(b, "GET", "/v1/channels?type=PUBLIC&size=50", "") })
			b.Run("add+remove-member", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					w.call(b, "POST", "/v1/channels/"+w.big+"/members", `{"id":`+w.outsider+`}`)
					w.call(b, "DELETE", "/v1/channels/"+w.big+"/members/"+w.outsider, "")
				}
			})
			b.Run("send-message", func(b *testing.B) {
				w.loop(b, "POST", "/v1/channels/"+w.big+"/messages", `{"type":"TEXT","body":"bench","user":{"username":"admin"}}`)
			})
			b.Run("messages-page", func(b *testing.B) { w.loop(b, "GET", "/v1/channels/"+w.big+"/messages?size=25", "") })
			b.Run("create-user", func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					i++
					w.call(b, "POST", "/v1/users", fmt.Sprintf(`{"name":"bench-%d","displayName":"Bench","isGuest":false}`, i))
				}
			})
		})
	}
}

type benchWorld struct {
	handler  http.Handler
	token    string
	big      string // the channel with the most members
	members  int
	outsider string // a user who is not in big
}

var (
	benchMu     sync.Mutex
	benchWorlds = map[int]*benchWorld{}
)

func kittyWorld(b *testing.B, n int) *benchWorld {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	if w := benchWorlds[n]; w != nil {
		return w
	}
	store := mockserver.NewMemoryStore()
	opts, _ := chatkitty.Mock.DefaultOptions().(chatkitty.Options)
	opts.TokenLifetime = 24 * time.Hour
	api, err := chatkitty.New(mockserver.Setup{Store: store, DataSet: fmt.Sprintf("scale:%d", n)}, opts)
	if err != nil {
		b.Fatal(err)
	}
	srv := mockserver.New(mockserver.Options{Store: store, JournalSize: -1})
	if err := srv.Mount(api); err != nil {
		b.Fatal(err)
	}
	root, err := srv.RootHandler(chatkitty.Name)
	if err != nil {
		b.Fatal(err)
	}
	w := &benchWorld{handler: srv.Handler()}
	if w.token, err = chatkitty.FetchToken(root, mockserver.DefaultNamespace, "standin-client", "standin-secret"); err != nil {
		b.Fatal(err)
	}
	mockservertest.Touch(b, store, mockserver.DefaultNamespace, chatkitty.Name)
	r := w.call(b, "GET", "/v1/channels?size=200", "")
	for _, c := range r.List("_embedded.channels") {
		m := c.(map[string]any)
		id := fmt.Sprint(m["id"])
		if total := w.call(b, "GET", "/v1/channels/"+id+"/members?size=1", "").Num("page.totalElements"); total > w.members {
			w.big, w.members = id, total
		}
	}
	if w.members < min(n, 10_000) {
		b.Fatalf("scale:%d: the biggest channel has %d members", n, w.members)
	}
	w.outsider = fmt.Sprint(w.call(b, "POST", "/v1/users", `{"name":"bench-outsider","displayName":"Outsider","isGuest":false}`).Num("id"))
	benchWorlds[n] = w
	return w
}

func (w *benchWorld) call(b *testing.B, method, path, body string) mockservertest.Reply {
	req := httptest.NewRequest(method, "/chatkitty"+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+w.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	r := mockservertest.Record(w.handler, req)
	if r.Status != http.StatusOK {
		b.Fatalf("%s %s: %d %.300s", method, path, r.Status, r.Raw)
	}
	return r
}

func (w *benchWorld) loop(b *testing.B, method, path, body string) {
	b.ReportAllocs()
	for b.Loop() {
		w.call(b, method, path, body)
	}
}
