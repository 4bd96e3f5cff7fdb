package rocketchat_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/rocketchat"
)

// BenchmarkScale measures the calls of issue 7 item 2 through the HTTP
// handler, in process, on the scale:N data sets (N users, general a room
// of min(N, 10,000) members): `make bench-scale` runs it and prints the
// table. Building scale:1000000 takes longer than the rest together, so
// that size runs only with STANDIN_BENCH_1M=1. Each size's "state"
// reports the heap and the process's RSS once it is built.
func BenchmarkScale(b *testing.B) {
	sizes := []int{1_000, 100_000}
	if os.Getenv("STANDIN_BENCH_1M") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		f := newScale(b, n)
		b.Run(fmt.Sprintf("users=%d", n), f.run)
	}
}

// scale is a Rocket.Chat mock serving a scale:N data set, logged in as the
// admin.
type scale struct {
	n         int
	handler   http.Handler
	auth      http.Header
	general   string // the big room's id
	members   int    // its member count
	invitee   string // a user in no room, for the invite
	heap, rss float64
	built     time.Duration
}

func newScale(b *testing.B, n int) *scale {
	b.Helper()
	start := time.Now()
	store := mockserver.NewMemoryStore()
	api, err := rocketchat.New(mockserver.Setup{Store: store, DataSet: "scale:" + strconv.Itoa(n)}, rocketchat.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := mockserver.New(mockserver.Options{Store: store, JournalSize: -1})
	if err := srv.Mount(api); err != nil {
		b.Fatal(err)
	}
	f := &scale{n: n, handler: srv.Handler()}
	var login struct {
		Data struct{ UserID, AuthToken string }
	}
	f.call(b, http.MethodPost, "/api/v1/login", map[string]string{"user": "admin", "password": "admin"}, &login)
	f.auth = http.Header{"X-User-Id": {login.Data.UserID}, "X-Auth-Token": {login.Data.AuthToken}}
	var info struct {
		Channel struct {
			ID         string `json:"_id"`
			UsersCount int    `json:"usersCount"`
		} `json:"channel"`
	}
	f.call(b, http.MethodGet, "/api/v1/channels.info?roomName=general", nil, &info)
	f.general, f.members = info.Channel.ID, info.Channel.UsersCount
	var created struct {
		User struct {
			ID string `json:"_id"`
		} `json:"user"`
	}
	f.call(b, http.MethodPost, "/api/v1/users.create", map[string]any{"username": "bench-invitee", "name": "Bench Invitee",
		"email": "bench-invitee@example.org", "password": "secret-123"}, &created)
	f.invitee = created.User.ID
	f.built = time.Since(start)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	f.heap = float64(ms.HeapAlloc) / (1 << 20)
	f.rss = rssMiB()
	b.Logf("scale:%d built in %v: heap %.0f MiB, RSS %.0f MiB", n, f.built.Round(time.Millisecond), f.heap, f.rss)
	return f
}

// rssMiB returns the process's resident set (VmRSS), or 0 where /proc
// has none.
func rssMiB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(raw)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// serve sends a request and returns the recorder.
func (f *scale) serve(method, path string, body any) *httptest.ResponseRecorder {
	var rd *bytes.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	} else {
		rd = bytes.NewReader(nil)
	}
	if !strings.HasPrefix(path, "/__standin") {
		path = "/rocketchat" + path
	}
	req := httptest.NewRequest(method, path, rd)
	req.Host = "localhost"
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range f.auth {
		req.Header[k] = v
	}
	w := httptest.NewRecorder()
	f.handler.ServeHTTP(w, req)
	return w
}

// call sends a request that must answer 200 and decodes its answer into out.
func (f *scale) call(b *testing.B, method, path string, body, out any) {
	b.Helper()
	w := f.serve(method, path, body)
	if w.Code != http.StatusOK {
		b.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
	}
	if out != nil {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			b.Fatal(err)
		}
	}
}

// loop runs the request fn gives for each iteration, each of which must
// answer 200.
func (f *scale) loop(b *testing.B, fn func(i int) (method, path string, body any)) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		method, path, body := fn(i)
		if w := f.serve(method, path, body); w.Code != http.StatusOK {
			b.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
		}
	}
}

func (f *scale) get(path string) func(int) (string, string, any) {
	return func(int) (string, string, any) { return http.MethodGet, path, nil }
}

func (f *scale) run(b *testing.B) {
	b.Run("state", func(b *testing.B) {
		for b.Loop() {
		}
		b.ReportMetric(f.heap, "heap-MiB")
		b.ReportMetric(f.rss, "rss-MiB")
		b.ReportMetric(f.built.Seconds(), "build-s")
	})
	last := func(total int) int { return max(total-50, 0) }
	b.Run("users.list-first", func(b *testing.B) { f.loop(b, f.get("/api/v1/users.list?count=50")) })
	b.Run("users.list-last", func(b *testing.B) {
		var total struct{ Total int }
		f.call(b, http.MethodGet, "/api/v1/users.list?count=1", nil, &total)
		f.loop(b, f.get(fmt.Sprintf("/api/v1/users.list?count=50&offset=%d", last(total.Total))))
	})
	b.Run("channels.members-first", func(b *testing.B) {
		f.loop(b, f.get("/api/v1/channels.members?count=50&roomId="+f.general))
	})
	b.Run("channels.members-last", func(b *testing.B) {
		f.loop(b, f.get(fmt.Sprintf("/api/v1/channels.members?count=50&offset=%d&roomId=%s", last(f.members), f.general)))
	})
	b.Run("users.info", func(b *testing.B) { f.loop(b, f.get("/api/v1/users.info?username=bench-invitee")) })
	b.Run("users.create", func(b *testing.B) {
		run := time.Now().UnixNano()
		f.loop(b, func(i int) (string, string, any) {
			name := fmt.Sprintf("bench-%d-%d", run, i)
			return http.MethodPost, "/api/v1/users.create", map[string]any{"username": name, "name": name,
				"email": name + "@example.org", "password": "secret-123"}
		})
	})
	b.Run("login", func(b *testing.B) {
		f.loop(b, func(int) (string, string, any) {
			return http.MethodPost, "/api/v1/login", map[string]string{"user": "bench-invitee", "password": "secret-123"}
		})
	})
	b.Run("me", func(b *testing.B) { f.loop(b, f.get("/api/v1/me")) })
	b.Run("channels.invite", func(b *testing.B) {
		// Each invite is undone (untimed), so that every one adds a member
		// to the big room.
		b.ReportAllocs()
		body := map[string]string{"roomId": f.general, "userId": f.invitee}
		for b.Loop() {
			if w := f.serve(http.MethodPost, "/api/v1/channels.invite", body); w.Code != http.StatusOK {
				b.Fatalf("invite: %d %s", w.Code, w.Body)
			}
			b.StopTimer()
			if w := f.serve(http.MethodPost, "/api/v1/channels.kick", body); w.Code != http.StatusOK {
				b.Fatalf("kick: %d %s", w.Code, w.Body)
			}
			b.StartTimer()
		}
	})
	b.Run("export", func(b *testing.B) {
		f.loop(b, f.get("/__standin/snapshot?namespace="+mockserver.DefaultNamespace))
	})
}
