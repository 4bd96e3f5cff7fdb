package table_test

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver/table"
)

// model is the reference: a plain map, sorted on demand.
type model map[string]user

// key functions of the reference, written apart from the specs.
var refOrders = []struct {
	o    *table.Order[user]
	part func(user) string
	cmp  func(a, b user) int
}{
	{byName, nil, func(a, b user) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) }},
	{byCreated, nil, func(a, b user) int { return a.Created.Compare(b.Created) }},
	{byCount, nil, func(a, b user) int { return cmp.Compare(a.Count, b.Count) }},
	{groupName, func(u user) string { return u.Group }, func(a, b user) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	}},
	{groupTime, func(u user) string { return u.Group }, func(a, b user) int { return a.Created.Compare(b.Created) }},
	{groupAll, func(u user) string { return u.Group }, func(a, b user) int { return 0 }},
}

// sorted lists the model's records of partition part in the order's
// order, ties by id.
func (m model) sorted(i int, part string) []user {
	r := refOrders[i]
	var out []user
	for _, u := range m {
		p := ""
		if r.part != nil {
			p = r.part(u)
		}
		if p == part {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b user) int { return cmp.Or(r.cmp(a, b), strings.Compare(a.ID, b.ID)) })
	return out
}

// admits reports whether the model would take v as the record id (its
// unique keys free), as the table should.
func (m model) admits(id string, v user) bool {
	for oid, o := range m {
		if oid == id {
			continue
		}
		if strings.EqualFold(o.Name, v.Name) || (v.Email != "" && strings.EqualFold(o.Email, v.Email)) {
			return false
		}
	}
	return true
}

// batch returns the id of the record that inserting vs one by one in id
// order would refuse first, or "" if all would go in.
func (m model) batch(vs []user) string {
	sorted := slices.Clone(vs)
	slices.SortStableFunc(sorted, func(a, b user) int { return strings.Compare(a.ID, b.ID) })
	c := maps.Clone(m)
	for _, v := range sorted {
		if _, taken := c[v.ID]; taken || !c.admits(v.ID, v) {
			return v.ID
		}
		c[v.ID] = v
	}
	return ""
}

var (
	poolIDs    = []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p"}
	poolNames  = []string{"ann", "Ann", "bob", "BOB", "cy", "dee", "eve", "fay", "gus", "hal", "ivy", "jo", "kim", "lu", "max", "ned", "oz", "pat", "quinn", "ray"}
	poolGroups = []string{"a", "b", "c"}
	baseTime   = time.Date(2026, 1, 1, 0, 1, 0, 0, time.UTC)
)

func randomUser(r *rand.Rand, id string) user {
	groups := append(poolGroups, "") // "": in no partition of a partitioned index
	u := user{ID: id, Name: poolNames[r.IntN(len(poolNames))], Group: groups[r.IntN(len(groups))],
		Created: baseTime.Add(time.Duration(r.IntN(5)) * 500 * time.Millisecond), Count: r.IntN(4), Roles: []string{"user"}}
	if r.IntN(3) > 0 {
		u.Email = strings.ToUpper(u.Name[:1]) + u.Name[1:] + fmt.Sprint(r.IntN(3)) + "@x"
	}
	if r.IntN(4) == 0 {
		u.Created = u.Created.In(time.FixedZone("", 3600)) // same instant, other zone
	}
	return u
}

// TestProperty runs random operations on a table and on the model and
// checks after each that every answer of the table agrees with the
// model: records, unique lookups, and every order and partition, whole,
// paged and searched. Copies taken along the way must keep what they saw,
// and JSON round trips must give back the same table.
func TestProperty(t *testing.T) {
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { property(t, seed) })
	}
}

// TestPropertyWithTrees runs the same sequences with partitions that turn
// from slices into trees past 2 entries (the records of a test fit in
// slices otherwise), so that both forms, and the change from one to the
// other, are checked.
func TestPropertyWithTrees(t *testing.T) {
	defer table.SetSmallPart(2)()
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { property(t, seed) })
	}
}

// TestPropertyWithCollidingKeys runs the same sequences with a hash of
// unique keys that gives many keys one hash, so that lookups, changes and
// refusals must tell colliding keys apart.
func TestPropertyWithCollidingKeys(t *testing.T) {
	defer table.SetKeyHash(func(key string) uint64 { return uint64(len(key) % 3) })()
	for seed := range uint64(10) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { property(t, seed) })
	}
}

func property(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 7))
	var tb table.Table[user]
	m := model{}
	type snapshot struct {
		t table.Table[user]
		m model
	}
	var snaps []snapshot
	for step := range 400 {
		id := poolIDs[r.IntN(len(poolIDs))]
		_, exists := m[id]
		op := r.IntN(11)
		switch {
		case op == 10: // insert a batch, all or none
			batch := make([]user, 1+r.IntN(4))
			for i := range batch {
				batch[i] = randomUser(r, poolIDs[r.IntN(len(poolIDs))])
			}
			err := tb.InsertAll(batch)
			want := m.batch(batch)
			if (err == nil) != (want == "") {
				t.Fatalf("step %d: InsertAll(%v) = %v; the model refuses %q", step, ids(batch), err, want)
			}
			if err != nil && !strings.Contains(err.Error(), fmt.Sprintf("%q", want)) {
				t.Fatalf("step %d: InsertAll(%v) = %v; want it to name %q", step, ids(batch), err, want)
			}
			if err == nil {
				for _, u := range batch {
					m[u.ID] = u
				}
			}
		case op < 3: // insert
			v := randomUser(r, id)
			err := tb.Insert(v)
			want := !exists && m.admits(id, v)
			if (err == nil) != want {
				t.Fatalf("step %d: Insert(%+v) = %v; the model admits it: %v", step, v, err, want)
			}
			if err == nil {
				m[id] = v
			} else if !errors.Is(err, table.ErrDuplicate) {
				t.Fatalf("step %d: Insert error %v is no duplicate", step, err)
			}
		case op < 5: // update
			v := randomUser(r, id)
			fail := r.IntN(5) == 0
			err := tb.Update(id, func(u *user) error {
				u.Roles[0] = "changed" // must not reach the stored record
				*u = v
				if fail {
					return errors.New("no")
				}
				return nil
			})
			want := exists && !fail && m.admits(id, v)
			if (err == nil) != want {
				t.Fatalf("step %d: Update(%s → %+v) = %v; want success %v", step, id, v, err, want)
			}
			if err == nil {
				m[id] = v
			}
		case op < 6: // replace
			v := randomUser(r, id)
			err := tb.Replace(v)
			if want := exists && m.admits(id, v); (err == nil) != want {
				t.Fatalf("step %d: Replace(%+v) = %v; want success %v", step, v, err, want)
			}
			if err == nil {
				m[id] = v
			}
		case op < 8: // delete
			got, ok := tb.Delete(id)
			if ok != exists || (ok && got.Name != m[id].Name) {
				t.Fatalf("step %d: Delete(%s) = %+v, %v; model has %v", step, id, got, ok, exists)
			}
			delete(m, id)
		case op < 9: // copy
			snaps = append(snaps, snapshot{tb.Copy(), maps.Clone(m)})
		default: // JSON round trip
			raw, err := json.Marshal(&tb)
			if err != nil {
				t.Fatal(err)
			}
			var back table.Table[user]
			if err := json.Unmarshal(raw, &back); err != nil {
				t.Fatalf("step %d: decoding the table's own JSON: %v", step, err)
			}
			tb = back
		}
		agree(t, fmt.Sprintf("step %d", step), &tb, m, r)
	}
	for i := range snaps {
		agree(t, fmt.Sprintf("copy %d", i), &snaps[i].t, snaps[i].m, r)
	}
}

// agree checks every answer of tb against m.
func agree(t *testing.T, at string, tb *table.Table[user], m model, r *rand.Rand) {
	t.Helper()
	if tb.Len() != len(m) {
		t.Fatalf("%s: Len %d, model %d", at, tb.Len(), len(m))
	}
	var all []string
	for id, u := range tb.All() {
		if !equalUser(u, m[id]) {
			t.Fatalf("%s: All gives %+v for %s, model %+v", at, u, id, m[id])
		}
		all = append(all, id)
	}
	if want := slices.Sorted(maps.Keys(m)); !slices.Equal(all, want) {
		t.Fatalf("%s: All = %v, want %v", at, all, want)
	}
	for _, id := range poolIDs {
		got, ok := tb.Get(id)
		want, has := m[id]
		if ok != has || (ok && !equalUser(got, want)) {
			t.Fatalf("%s: Get(%s) = %+v %v, model %+v %v", at, id, got, ok, want, has)
		}
	}
	for _, name := range poolNames {
		got, ok := tb.Lookup(byUsername, strings.ToUpper(name))
		var want string
		for id, u := range m {
			if strings.EqualFold(u.Name, name) {
				want = id
			}
		}
		if ok != (want != "") || got.ID != want || (ok && !equalUser(got, m[want])) {
			t.Fatalf("%s: Lookup(%s) = %+v %v, model %q", at, name, got, ok, want)
		}
	}
	for _, u := range m {
		if u.Email == "" {
			continue
		}
		if got, ok := tb.Lookup(byEmail, strings.ToLower(u.Email)); !ok || got.ID != u.ID {
			t.Fatalf("%s: Lookup(email %s) = %s %v, want %s", at, u.Email, got.ID, ok, u.ID)
		}
	}
	for i, ro := range refOrders {
		parts := []string{""}
		if ro.part != nil {
			parts = append(poolGroups, "")
		}
		for _, part := range parts {
			want := ids(m.sorted(i, part))
			if ro.part != nil && part == "" {
				want = []string{}
			}
			items, total := tb.Page(ro.o, part, 0, -1, false)
			if !slices.Equal(ids(items), want) || total != len(want) || tb.Count(ro.o, part) != len(want) {
				t.Fatalf("%s: %s/%s = %v (%d), model %v", at, ro.o.Name(), part, ids(items), total, want)
			}
			for _, u := range items {
				if !equalUser(u, m[u.ID]) {
					t.Fatalf("%s: %s/%s lists %+v, model %+v", at, ro.o.Name(), part, u, m[u.ID])
				}
			}
			rev := slices.Clone(want)
			slices.Reverse(rev)
			if items, _ := tb.Page(ro.o, part, 0, -1, true); !slices.Equal(ids(items), rev) {
				t.Fatalf("%s: %s/%s descending = %v, model %v", at, ro.o.Name(), part, ids(items), rev)
			}
			off, lim := r.IntN(len(want)+2), r.IntN(4)
			lo, hi := min(off, len(want)), min(off+lim, len(want))
			if items, _ := tb.Page(ro.o, part, off, lim, false); !slices.Equal(ids(items), want[lo:hi]) {
				t.Fatalf("%s: %s/%s page %d+%d = %v, model %v", at, ro.o.Name(), part, off, lim, ids(items), want[lo:hi])
			}
			if items, _ := tb.Page(ro.o, part, off, lim, true); !slices.Equal(ids(items), rev[lo:hi]) {
				t.Fatalf("%s: %s/%s descending page %d+%d = %v, model %v", at, ro.o.Name(), part, off, lim, ids(items), rev[lo:hi])
			}
			if ro.o == byCount {
				c := r.IntN(5)
				n := tb.Search(ro.o, part, func(u user) bool { return u.Count >= c })
				w := 0
				for _, u := range m.sorted(i, part) {
					if u.Count < c {
						w++
					}
				}
				if n != w {
					t.Fatalf("%s: Search(count >= %d) = %d, model %d", at, c, n, w)
				}
			}
		}
	}
}

func equalUser(a, b user) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Email == b.Email && a.Group == b.Group &&
		a.Created.Equal(b.Created) && a.Count == b.Count && slices.Equal(a.Roles, b.Roles)
}
