package rocketchat_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
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
// that size runs only with STANDIN_BENCH_1M=1. Each size is built inside
// its own sub-benchmark, so -bench 'BenchmarkScale/users=1000$' builds
// only that one. Each size's "state" reports the heap and the process's
// RSS once it is built, and what a full garbage collection of that heap
// costs (see gcCost).
func BenchmarkScale(b *testing.B) {
	sizes := []int{1_000, 100_000}
	if os.Getenv("STANDIN_BENCH_1M") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) { newScale(b, n).run(b) })
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
	// gcPerByte is the CPU a garbage collection of the built heap takes,
	// spread over the bytes the program may allocate before the next one
	// (GOGC=100: as many as the heap holds): what each byte a call
	// allocates costs in collections, once the program runs long enough
	// to need them. A timed loop that ends before the next collection
	// does not see it; gc-µs/op reports it beside each call's time.
	gcPerByte time.Duration // per MiB, for precision
	gcCPU     time.Duration // one full collection
	w         sink          // reused by every call, as a connection's buffer is
}

// sink is the ResponseWriter the benchmark reuses for every call, as a
// server reuses a connection's buffer: a fresh httptest.ResponseRecorder
// for each call grows a new body buffer, garbage of the benchmark's own
// that the server never makes. It keeps the first sinkKeeps bytes of a
// body (all of every answer the benchmark reads) and counts the rest, as
// a connection sends it on: an export of 1M users is not held whole.
type sink struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (s *sink) Header() http.Header { return s.header }

func (s *sink) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
}

func (s *sink) Write(p []byte) (int, error) {
	s.WriteHeader(http.StatusOK)
	s.body.Write(p[:min(len(p), max(sinkKeeps-s.body.Len(), 0))])
	return len(p), nil
}

const sinkKeeps = 1 << 20

func (s *sink) reset() {
	if s.header == nil {
		s.header = http.Header{}
	}
	clear(s.header)
	s.code = 0
	s.body.Reset()
}

func newScale(b testing.TB, n int) *scale {
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
	runtime.GC() // the building's garbage, which the server would have collected too
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	f.heap = float64(ms.HeapAlloc) / (1 << 20)
	f.rss = rssMiB()
	f.gcCPU = gcCost()
	f.gcPerByte = time.Duration(float64(f.gcCPU) / max(f.heap, 4)) // the heap is never smaller than 4 MiB to the pacer
	b.Logf("scale:%d built in %v: heap %.0f MiB, RSS %.0f MiB, a full collection %v of CPU", n, f.built.Round(time.Millisecond), f.heap, f.rss, f.gcCPU.Round(time.Millisecond))
	return f
}

// gcCost returns the CPU time of one full garbage collection of the heap
// as it stands, the least of three.
func gcCost() time.Duration {
	samples := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	best := time.Duration(1<<63 - 1)
	for range 3 {
		metrics.Read(samples)
		before := samples[0].Value.Float64()
		runtime.GC()
		metrics.Read(samples)
		best = min(best, time.Duration((samples[0].Value.Float64()-before)*float64(time.Second)))
	}
	return best
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

// serve sends a request and returns the answer, which the next call
// overwrites.
func (f *scale) serve(method, path string, body any) *sink {
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
	f.w.reset()
	f.handler.ServeHTTP(&f.w, req)
	return &f.w
}

// call sends a request that must answer 200 and decodes its answer into out.
func (f *scale) call(b testing.TB, method, path string, body, out any) {
	b.Helper()
	w := f.serve(method, path, body)
	if w.code != http.StatusOK {
		b.Fatalf("%s %s: %d %s", method, path, w.code, &w.body)
	}
	if out != nil {
		if err := json.Unmarshal(w.body.Bytes(), out); err != nil {
			b.Fatal(err)
		}
	}
}

// loop runs the request fn gives for each iteration, each of which must
// answer 200.
func (f *scale) loop(b *testing.B, fn func(i int) (method, path string, body any)) {
	f.measure(b, func(i int) {
		method, path, body := fn(i)
		f.must(b, method, path, body)
	}, nil)
}

// must sends a request that must answer 200.
func (f *scale) must(b *testing.B, method, path string, body any) {
	if w := f.serve(method, path, body); w.code != http.StatusOK {
		b.Fatalf("%s %s: %d %s", method, path, w.code, &w.body)
	}
}

// measure runs call as the timed body of b's loop, and undo (if any)
// untimed after each call. Before timing it warms up: it calls until a
// collection has run (or for warmUp at most), so that the heap has grown
// to its goal once (GOGC=100: twice what it holds) and the timed loop
// reuses resident pages as a server that has run a while does, rather
// than pay a page fault for each new page of the heap's first growth
// (several microseconds each here, most of a listing's time at 1M users);
// then it collects what that left. Beside the time it reports the
// collection CPU that a call's allocations cost in the long run (gc-µs/op:
// its bytes times gcPerByte), which a timed loop too short to reach the
// next collection does not see.
func (f *scale) measure(b *testing.B, call, undo func(i int)) {
	b.ReportAllocs()
	n := 0
	for cycles, start := gcCycles(), time.Now(); n == 0 || (gcCycles() == cycles && time.Since(start) < warmUp); n++ {
		call(n)
		if undo != nil {
			undo(n)
		}
	}
	runtime.GC()
	before, undone := allocated(), uint64(0)
	timed := 0
	for ; b.Loop(); n, timed = n+1, timed+1 {
		call(n)
		if undo != nil {
			b.StopTimer()
			at := allocated()
			undo(n)
			undone += allocated() - at
			b.StartTimer()
		}
	}
	perOp := float64(allocated()-before-undone) / float64(max(timed, 1)) / (1 << 20)
	b.ReportMetric(perOp*float64(f.gcPerByte)/float64(time.Microsecond), "gc-µs/op")
}

// warmUp bounds measure's warm-up.
const warmUp = 5 * time.Second

// gcCycles returns the number of collections so far.
func gcCycles() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// allocated returns the bytes allocated on the heap so far.
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
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
		b.ReportMetric(float64(f.gcCPU)/float64(time.Millisecond), "gc-ms")
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
	// The export runs before the calls that add users or tokens, on the
	// state as built.
	b.Run("export", func(b *testing.B) {
		f.loop(b, f.get("/__standin/snapshot?namespace="+mockserver.DefaultNamespace))
	})
	b.Run("users.create", func(b *testing.B) {
		// Each new user is deleted (untimed), so that the table keeps its
		// size.
		run := time.Now().UnixNano()
		var created struct {
			User struct {
				ID string `json:"_id"`
			} `json:"user"`
		}
		f.measure(b, func(i int) {
			name := fmt.Sprintf("bench-%d-%d", run, i)
			f.must(b, http.MethodPost, "/api/v1/users.create", map[string]any{"username": name, "name": name,
				"email": name + "@example.org", "password": "secret-123"})
		}, func(int) {
			if err := json.Unmarshal(f.w.body.Bytes(), &created); err != nil {
				b.Fatal(err)
			}
			f.must(b, http.MethodPost, "/api/v1/users.delete", map[string]string{"userId": created.User.ID})
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
		body := map[string]string{"roomId": f.general, "userId": f.invitee}
		f.measure(b, func(int) { f.must(b, http.MethodPost, "/api/v1/channels.invite", body) },
			func(int) { f.must(b, http.MethodPost, "/api/v1/channels.kick", body) })
	})
	f.runMessaging(b)
}
