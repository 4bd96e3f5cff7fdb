package ethora_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/mockservertest"
)

// The scale benchmarks: the default app seeded from the scale:N data set
// (N users, N/100 chats, general with min(N, 10,000) members) and a second
// app with 10 users, served in process through the HTTP handler. Run them
// with
//
//	go test -run '^$' -bench Scale ./mockserver/ethora
//
// The 1M world takes a while to build: it runs only with STANDIN_BENCH_1M=1.

// scaleWorld is a served mock at one size.
type scaleWorld struct {
	handler  http.Handler
	store    mockserver.Store
	token    string // the default app's server token
	small    string // the small app's server token
	appToken string // an app token of the default app
	users    int    // visible users of the default app
	chats    int
}

var (
	benchUsers atomic.Int64 // new users' numbers
	worldsMu   sync.Mutex
	worlds     = map[int]*scaleWorld{}
)

// scaleSizes are the sizes benchmarked: 1k, 100k and, when asked, 1M.
func scaleSizes() []int {
	sizes := []int{1_000, 100_000}
	if os.Getenv("STANDIN_BENCH_1M") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	return sizes
}

// world returns the mock at size n, built once per run.
func world(b *testing.B, n int) *scaleWorld {
	b.Helper()
	worldsMu.Lock()
	defer worldsMu.Unlock()
	if w := worlds[n]; w != nil {
		return w
	}
	store := mockserver.NewMemoryStore()
	api, err := ethora.New(mockserver.Setup{Store: store, DataSet: "scale:" + strconv.Itoa(n)}, ethora.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := mockserver.New(mockserver.Options{Store: store, JournalSize: -1})
	if err := srv.Mount(api); err != nil {
		b.Fatal(err)
	}
	w := &scaleWorld{handler: srv.Handler(), store: store, token: serverToken(appID, appSecret)}
	mockservertest.Touch(b, store, mockserver.DefaultNamespace, ethora.Name)
	var child struct {
		App struct {
			ID string `json:"_id"`
		} `json:"app"`
		AppSecret string `json:"appSecret"`
	}
	w.call(b, w.token, http.StatusOK, "POST", "/v2/apps", map[string]any{"displayName": "Small"}, &child)
	w.small = serverToken(child.App.ID, child.AppSecret)
	var list []map[string]string
	for i := range 10 {
		list = append(list, map[string]string{"uuid": fmt.Sprintf("s%d", i), "email": fmt.Sprintf("s%d@small.example", i), "firstName": "Small", "lastName": "User"})
	}
	w.call(b, w.small, http.StatusOK, "POST", "/v1/users/batch", map[string]any{"usersList": list}, nil)
	var tok struct {
		Token string `json:"token"`
	}
	w.call(b, w.token, http.StatusOK, "POST", "/v2/apps/"+appID+"/tokens", map[string]any{"label": "bench"}, &tok)
	w.appToken = tok.Token
	var app struct {
		App struct {
			Stats struct{ Users, Chats int } `json:"stats"`
		} `json:"app"`
	}
	w.call(b, w.token, http.StatusOK, "GET", "/v2/apps/"+appID, nil, &app)
	w.users, w.chats = app.App.Stats.Users, app.App.Stats.Chats
	if w.users != n {
		b.Fatalf("scale:%d seeded %d users", n, w.users)
	}
	worlds[n] = w
	return w
}

// call sends one request and checks its status; out, if not nil, gets the
// decoded reply.
func (w *scaleWorld) call(b *testing.B, token string, status int, method, path string, body, out any) {
	rec := httptest.NewRecorder()
	req := mockservertest.NewRequest(b, method, "/ethora"+path, body, mockserver.DefaultNamespace)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-custom-token", token)
	w.handler.ServeHTTP(rec, req)
	if rec.Code != status {
		b.Fatalf("%s %s: want %d, got %d %s", method, path, status, rec.Code, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			b.Fatal(err)
		}
	}
}

// scaleBench runs op at every size; op's setup runs before the timer.
func scaleBench(b *testing.B, op func(b *testing.B, w *scaleWorld) func(i int)) {
	for _, n := range scaleSizes() {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			w := world(b, n)
			run := op(b, w)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				run(i)
			}
			if m, ok := metrics.LoadAndDelete(b); ok {
				for _, x := range m.([]metric) {
					b.ReportMetric(x.value, x.unit)
				}
			}
		})
	}
}

// metric is a figure a benchmark's setup reports (see reportLater).
type metric struct {
	value float64
	unit  string
}

var metrics sync.Map // *testing.B → []metric

// reportLater reports value in unit once b's loop is done: a metric
// reported before the loop would be dropped when the timer is reset.
func reportLater(b *testing.B, value float64, unit string) {
	m, _ := metrics.Load(b)
	list, _ := m.([]metric)
	metrics.Store(b, append(list, metric{value, unit}))
}

func get(b *testing.B, w *scaleWorld, token, path string) func(int) {
	return func(int) { w.call(b, token, http.StatusOK, "GET", path, nil, nil) }
}

func BenchmarkScaleUsersFirstPage(b *testing.B) {
	scaleBench(b, func(b *testing.B, w *scaleWorld) func(int) {
		return get(b, w, w.token, "/v2/chats/users?limit=50")
	})
}

func BenchmarkScaleUsersLastPage(b *testing.B) {
	scaleBench(b, func(b *testing.B, w *scaleWorld) func(int) {
		return get(b, w, w.token, "/v2/chats/users?limit=50&offset="+strconv.Itoa(w.users-50))
	})
}

func BenchmarkScaleChatsFirstPage(b *testing.B) {
	scaleBench(b, func(b *testing.B, w *scaleWorld) func(int) {
		return get(b, w, w.token, "/v2/apps/"+appID+"/chats?limit=50")
	})
}

func BenchmarkScaleChatsLastPage(b *testing.B) {
	scaleBench(b, func(b *testing.B, w *scaleWorld) func(int) {
		return get(b, w, w.token, "/v2/apps/"+appID+"/chats?limit=50&offset="+strconv.Itoa(max(w.chats-50, 0)))
	})
}

// BenchmarkScaleLookupUser finds a user of the middle of the app by
// xmppUsername.
func BenchmarkScaleLookupUser(b *testing.B) {
	scaleBench(b, func(b *testing.B, w *scaleWorld) func(int) {
		var page struct {
			Results []struct {
				XMPPUsername string `json:"xmppUsername"`
			} `json:"results"`
		}
		w.call(b, w.token, http.StatusOK, "GET", "/v2/chats/users?limit=1&offset="+strconv.Itoa(w.users/2), nil, &page)
		return get(b, w, w.token, "/v1/apps/users/"+page.Results[0].XMPPUsername)
	})
}

// BenchmarkScaleCreateUsers starts a batch of one new user (job accepted).
func BenchmarkScaleCreateUsers(b *testing.B) {
	scaleBench(b, func(b *testing.B, w *scaleWorld) func(int) {
		return func(int) {
			uuid := "bench-" + strconv.FormatInt(benchUsers.Add(1), 10)
			body := map[string]any{"usersList": []map[string]string{{"uuid": uuid, "email": uuid + "@bench.example", "firstName": "Bench", "lastName": "User"}}}
			w.call(b, w.token, http.StatusAccepted, "POST", "/v2/users/batch", body, nil)
		}
	})
}

// BenchmarkScaleTokenCheck is an authenticated GET of the app's bot (a
// constant answer): the server token's check, the app token's lookup.
func BenchmarkScaleTokenCheck(b *testing.B) {
	b.Run("server", func(b *testing.B) {
		scaleBench(b, func(b *testing.B, w *scaleWorld) func(int) { return get(b, w, w.token, "/v2/apps/"+appID+"/bot") })
	})
	b.Run("apptoken", func(b *testing.B) {
		scaleBench(b, func(b *testing.B, w *scaleWorld) func(int) { return get(b, w, w.appToken, "/v2/apps/"+appID+"/bot") })
	})
}

// BenchmarkScaleAppStats reads the app with its counts of users and chats.
func BenchmarkScaleAppStats(b *testing.B) {
	scaleBench(b, func(b *testing.B, w *scaleWorld) func(int) { return get(b, w, w.token, "/v2/apps/"+appID) })
}

// BenchmarkScaleGrantAccess grants a user who is not a member access to
// general (10,000 members from n=10k on; n members below), then removes
// it again: one op is the pair.
func BenchmarkScaleGrantAccess(b *testing.B) {
	scaleBench(b, func(b *testing.B, w *scaleWorld) func(int) {
		var members struct {
			Total int `json:"total"`
		}
		w.call(b, w.token, http.StatusOK, "GET", "/v2/chats/users?limit=1&chatName=general", nil, &members)
		var page struct {
			Results []struct {
				UUID string `json:"uuid"`
			} `json:"results"`
		}
		w.call(b, w.token, http.StatusOK, "GET", "/v2/chats/users?limit=1&offset="+strconv.Itoa(w.users-1), nil, &page)
		reportLater(b, float64(members.Total), "members")
		body := map[string]any{"chatName": appID + "_general", "members": []string{page.Results[0].UUID}}
		return func(int) {
			w.call(b, w.token, http.StatusOK, "POST", "/v2/chats/users-access", body, nil)
			w.call(b, w.token, http.StatusOK, "DELETE", "/v2/chats/users-access", body, nil)
		}
	})
}

// BenchmarkScaleUserChats lists the chats of the app's admin (a member
// of general, the app's first chat) while the app holds n/100 chats.
func BenchmarkScaleUserChats(b *testing.B) {
	scaleBench(b, func(b *testing.B, w *scaleWorld) func(int) {
		var chats struct {
			Total int `json:"total"`
		}
		path := "/v2/apps/" + appID + "/users/admin/chats?limit=50"
		w.call(b, w.token, http.StatusOK, "GET", path, nil, &chats)
		if chats.Total == 0 {
			b.Fatal("the admin is in no chat")
		}
		reportLater(b, float64(chats.Total), "chats")
		return get(b, w, w.token, path)
	})
}

// BenchmarkScaleSmallApp lists the small app's users while the big app
// holds n.
func BenchmarkScaleSmallApp(b *testing.B) {
	scaleBench(b, func(b *testing.B, w *scaleWorld) func(int) { return get(b, w, w.small, "/v2/chats/users?limit=50") })
}

// BenchmarkScaleExport exports the namespace.
func BenchmarkScaleExport(b *testing.B) {
	scaleBench(b, func(b *testing.B, w *scaleWorld) func(int) {
		return func(int) {
			if _, err := w.store.Export(context.Background(), mockserver.DefaultNamespace); err != nil {
				b.Fatal(err)
			}
		}
	})
}
