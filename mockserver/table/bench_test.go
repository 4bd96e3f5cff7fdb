package table_test

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standin/standin/mockserver/table"
)

// The benchmarks run at each size of -table.sizes, e.g.
//
//	go test ./mockserver/table -run '^$' -bench . -benchmem -table.sizes 1000,100000,1000000
var benchSizes = flag.String("table.sizes", "1000,100000,1000000", "comma-separated table sizes of the benchmarks")

// rec is a user-like record: what Rocket.Chat's users table will index.
type rec struct {
	ID       string    `json:"_id"`
	Username string    `json:"username"`
	Email    string    `json:"email"`
	Name     string    `json:"name"`
	Group    string    `json:"group"` // partitions of 1,000 records
	Created  time.Time `json:"createdAt"`
	Count    int       `json:"count"`
}

var (
	recByUsername = table.UniqueFold("username", func(r rec) string { return r.Username })
	recByEmail    = table.UniqueFold("email", func(r rec) string { return r.Email })
	recOrderName  = table.ByKey("username", func(r rec) string { return strings.ToLower(r.Username) })
	recOrderTime  = table.ByTime("createdAt", func(r rec) time.Time { return r.Created })
	recOrderCount = table.ByKey("count", func(r rec) int { return r.Count })
	recGroupName  = table.ByKey("group/username", func(r rec) string { return strings.ToLower(r.Username) }).PartitionBy(func(r rec) string { return r.Group })
)

func (rec) TableSpec() table.Spec[rec] {
	return table.Spec[rec]{Name: "recs", ID: func(r rec) string { return r.ID },
		Unique:  []*table.Unique[rec]{recByUsername, recByEmail},
		Ordered: []*table.Order[rec]{recOrderName, recOrderTime, recOrderCount, recGroupName}}
}

const alphabet = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"

// makeRec returns the i-th record of a seeded sequence: a random 17-character
// id, a unique username and e-mail address, a random time.
func makeRec(r *rand.Rand, i int) rec {
	var id [17]byte
	for j := range id {
		id[j] = alphabet[r.IntN(len(alphabet))]
	}
	name := fmt.Sprintf("%s.%s.%d", firsts[r.IntN(len(firsts))], lasts[r.IntN(len(lasts))], i)
	return rec{ID: string(id[:]), Username: name, Email: name + "@bench.example", Name: name,
		Group: "g" + strconv.Itoa(i/1000), Created: epoch.Add(time.Duration(r.IntN(1<<30)) * time.Millisecond), Count: r.IntN(100)}
}

var (
	firsts = []string{"Ann", "bob", "Cy", "dee", "Eve", "fay", "Gus", "hal", "Ivy", "jo", "Kim", "lu"}
	lasts  = []string{"Lee", "moss", "Nye", "orr", "Park", "quin", "Ross", "shaw", "Tate", "uhl"}
)

type benchData struct {
	t    table.Table[rec]
	recs []rec
}

var (
	benchMu    sync.Mutex
	benchCache = map[int]*benchData{}
)

// benchTable returns a table of n records, built once per process.
func benchTable(b *testing.B, n int) *benchData {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	if d, ok := benchCache[n]; ok {
		return d
	}
	r := rand.New(rand.NewPCG(uint64(n), 1))
	d := &benchData{recs: make([]rec, n)}
	for i := range n {
		d.recs[i] = makeRec(r, i)
		if err := d.t.Insert(d.recs[i]); err != nil {
			b.Fatal(err)
		}
	}
	benchCache[n] = d
	return d
}

func sizes(b *testing.B) []int {
	var out []int
	for _, s := range strings.Split(*benchSizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1000 {
			b.Fatalf("-table.sizes: %q is not a size of at least 1000", s)
		}
		out = append(out, n)
	}
	return out
}

func sizeName(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "M"
	case n >= 1000 && n%1000 == 0:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// eachSize runs fn as a sub-benchmark at each size.
func eachSize(b *testing.B, fn func(b *testing.B, d *benchData)) {
	for _, n := range sizes(b) {
		b.Run(sizeName(n), func(b *testing.B) {
			d := benchTable(b, n)
			b.ResetTimer()
			fn(b, d)
		})
	}
}

// BenchmarkGet looks records up by id, in a random order.
func BenchmarkGet(b *testing.B) {
	eachSize(b, func(b *testing.B, d *benchData) {
		order := rand.New(rand.NewPCG(1, 2)).Perm(len(d.recs))
		i := 0
		for b.Loop() {
			if _, ok := d.t.Get(d.recs[order[i%len(order)]].ID); !ok {
				b.Fatal("missing")
			}
			i++
		}
	})
}

// BenchmarkLookup looks records up by username, in another case, in a
// random order.
func BenchmarkLookup(b *testing.B) {
	eachSize(b, func(b *testing.B, d *benchData) {
		order := rand.New(rand.NewPCG(1, 3)).Perm(len(d.recs))
		keys := make([]string, len(order))
		for i, j := range order {
			keys[i] = strings.ToUpper(d.recs[j].Username)
		}
		i := 0
		for b.Loop() {
			if _, ok := d.t.Lookup(recByUsername, keys[i%len(keys)]); !ok {
				b.Fatal("missing")
			}
			i++
		}
	})
}

// BenchmarkInsertDelete inserts a new record and deletes it again, so the
// table keeps its size.
func BenchmarkInsertDelete(b *testing.B) {
	eachSize(b, func(b *testing.B, d *benchData) {
		r := rand.New(rand.NewPCG(9, 9))
		fresh := make([]rec, 4096)
		for i := range fresh {
			fresh[i] = makeRec(r, len(d.recs)+i)
		}
		i := 0
		for b.Loop() {
			v := fresh[i%len(fresh)]
			if err := d.t.Insert(v); err != nil {
				b.Fatal(err)
			}
			d.t.Delete(v.ID)
			i++
		}
	})
}

// BenchmarkUpdate renames a record: it moves in both unique indexes and
// two ordered ones.
func BenchmarkUpdate(b *testing.B) {
	eachSize(b, func(b *testing.B, d *benchData) {
		order := rand.New(rand.NewPCG(1, 4)).Perm(len(d.recs))
		rename := func(j int, name string) {
			if err := d.t.Update(d.recs[j].ID, func(r *rec) error { r.Username, r.Email = name, name+"@bench.example"; return nil }); err != nil {
				b.Fatal(err)
			}
		}
		i := 0
		for b.Loop() {
			j := order[i%len(order)]
			name := d.recs[j].Username
			if i/len(order)%2 == 0 {
				name = "x" + name
			}
			rename(j, name)
			i++
		}
		// Put the names back for the other benchmarks.
		for k := range min(i, len(order)) {
			j := order[k]
			rename(j, d.recs[j].Username)
		}
	})
}

// benchPage lists 50 records from offset, ascending or descending.
func benchPage(b *testing.B, d *benchData, o *table.Order[rec], part string, offset func(total int) int, desc bool) {
	total := d.t.Count(o, part)
	off := offset(total)
	for b.Loop() {
		items, n := d.t.Page(o, part, off, 50, desc)
		if n != total || len(items) == 0 {
			b.Fatalf("page of %d from %d of %d", len(items), off, n)
		}
	}
}

func first(int) int        { return 0 }
func last(total int) int   { return total - 50 }
func middle(total int) int { return total / 2 }

// BenchmarkPage lists 50 records of the username order: the first page,
// the last page (by offset), the middle, and the first page descending.
func BenchmarkPage(b *testing.B) {
	for _, c := range []struct {
		name   string
		offset func(int) int
		desc   bool
	}{{"first", first, false}, {"last", last, false}, {"middle", middle, false}, {"first-desc", first, true}, {"last-desc", last, true}} {
		b.Run(c.name, func(b *testing.B) {
			eachSize(b, func(b *testing.B, d *benchData) { benchPage(b, d, recOrderName, "", c.offset, c.desc) })
		})
	}
}

// BenchmarkPageByTime is the last page of the time order.
func BenchmarkPageByTime(b *testing.B) {
	eachSize(b, func(b *testing.B, d *benchData) { benchPage(b, d, recOrderTime, "", last, false) })
}

// BenchmarkPartitionPage lists the last 50 of one partition of 1,000
// records: it should cost the same however many partitions the table has.
func BenchmarkPartitionPage(b *testing.B) {
	eachSize(b, func(b *testing.B, d *benchData) {
		benchPage(b, d, recGroupName, d.recs[len(d.recs)/2].Group, last, false)
	})
}

// BenchmarkCopy copies the table and then changes one record, which
// copies the paths it touches.
func BenchmarkCopy(b *testing.B) {
	eachSize(b, func(b *testing.B, d *benchData) {
		id := d.recs[0].ID
		for b.Loop() {
			c := d.t.Copy()
			if err := c.Update(id, func(r *rec) error { r.Count++; return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkBuild fills an empty table with n records, one Insert at a
// time or with one InsertAll (which checks the batch first), and reports the heap each record holds
// (its strings, shared with the input, not counted).
func BenchmarkBuild(b *testing.B) {
	for _, mode := range []string{"insert", "bulk"} {
		b.Run(mode, func(b *testing.B) {
			for _, n := range sizes(b) {
				b.Run(sizeName(n), func(b *testing.B) {
					r := rand.New(rand.NewPCG(uint64(n), 1))
					recs := make([]rec, n)
					for i := range recs {
						recs[i] = makeRec(r, i)
					}
					var held uint64
					for b.Loop() {
						b.StopTimer()
						runtime.GC()
						var before, after runtime.MemStats
						runtime.ReadMemStats(&before)
						b.StartTimer()
						var t table.Table[rec]
						if mode == "bulk" {
							if err := t.InsertAll(recs); err != nil {
								b.Fatal(err)
							}
						} else {
							for _, v := range recs {
								if err := t.Insert(v); err != nil {
									b.Fatal(err)
								}
							}
						}
						b.StopTimer()
						runtime.GC()
						runtime.ReadMemStats(&after)
						held = after.HeapAlloc - before.HeapAlloc
						runtime.KeepAlive(&t)
						b.StartTimer()
					}
					b.ReportMetric(float64(held)/float64(n), "heap-B/record")
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/record")
				})
			}
		})
	}
}

// BenchmarkExport copies the table and encodes the copy, as an export
// outside the lock would; it reports the time per record.
func BenchmarkExport(b *testing.B) {
	eachSize(b, func(b *testing.B, d *benchData) {
		for b.Loop() {
			c := d.t.Copy()
			if err := c.WriteJSON(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(d.recs)), "ns/record")
	})
}
