package table_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver/table"
)

// user is the record of the tests: a unique case-insensitive username, an
// optional unique e-mail address, a group (the partition), a time and a
// count to sort by, and a slice that needs cloning.
type user struct {
	ID      string    `json:"_id"`
	Name    string    `json:"username"`
	Email   string    `json:"email,omitempty"`
	Group   string    `json:"group"`
	Created time.Time `json:"createdAt"`
	Count   int       `json:"count"`
	Roles   []string  `json:"roles"`
}

var (
	byUsername = table.UniqueFold("username", func(u user) string { return u.Name })
	byEmail    = table.UniqueFold("email", func(u user) string { return u.Email })

	byName    = table.ByKey("name", func(u user) string { return strings.ToLower(u.Name) })
	byCreated = table.ByTime("createdAt", func(u user) time.Time { return u.Created })
	byCount   = table.ByKey("count", func(u user) int { return u.Count })
	groupName = table.ByKey("group/name", func(u user) string { return strings.ToLower(u.Name) }).PartitionBy(func(u user) string { return u.Group })
	groupTime = table.ByTime("group/createdAt", func(u user) time.Time { return u.Created }).PartitionBy(func(u user) string { return u.Group })
	groupAll  = table.ByID[user]("group").PartitionBy(func(u user) string { return u.Group })

	orders = []*table.Order[user]{byName, byCreated, byCount, groupName, groupTime, groupAll}
)

func (user) TableSpec() table.Spec[user] {
	return table.Spec[user]{
		Name:    "users",
		ID:      func(u user) string { return u.ID },
		Unique:  []*table.Unique[user]{byUsername, byEmail},
		Ordered: orders,
		Clone:   func(u user) user { u.Roles = slices.Clone(u.Roles); return u },
	}
}

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func mk(id, name, group string, minute, count int) user {
	return user{ID: id, Name: name, Email: strings.ToLower(name) + "@example.test", Group: group,
		Created: epoch.Add(time.Duration(minute) * time.Minute), Count: count, Roles: []string{"user"}}
}

func ids(us []user) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

// fill returns a table of the given users, failing the test on an error.
func fill(t *testing.T, us ...user) *table.Table[user] {
	t.Helper()
	var tb table.Table[user]
	for _, u := range us {
		if err := tb.Insert(u); err != nil {
			t.Fatalf("Insert(%s) = %v", u.ID, err)
		}
	}
	return &tb
}

// fingerprint is everything the table answers: its JSON and every listing.
func fingerprint(t *testing.T, tb *table.Table[user]) string {
	t.Helper()
	raw, err := json.Marshal(tb)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.Write(raw)
	for _, o := range orders {
		for _, part := range []string{"", "a", "b", "c"} {
			items, total := tb.Page(o, part, 0, -1, false)
			fmt.Fprintf(&b, "\n%s/%s %d %v", o.Name(), part, total, ids(items))
		}
	}
	for _, u := range tb.All() {
		got, ok := tb.Lookup(byUsername, u.Name)
		fmt.Fprintf(&b, "\n%s→%s %v", u.Name, got.ID, ok)
	}
	return b.String()
}

func TestInsertGetLookup(t *testing.T) {
	tb := fill(t, mk("u1", "Alice", "a", 1, 0), mk("u2", "bob", "a", 2, 0))
	if tb.Len() != 2 {
		t.Errorf("Len = %d, want 2", tb.Len())
	}
	if u, ok := tb.Get("u2"); !ok || u.Name != "bob" {
		t.Errorf("Get(u2) = %+v, %v", u, ok)
	}
	if _, ok := tb.Get("u3"); ok {
		t.Error("Get(u3) found a record")
	}
	for _, name := range []string{"alice", "ALICE", "Alice"} {
		if u, ok := tb.Lookup(byUsername, name); !ok || u.ID != "u1" {
			t.Errorf("Lookup(username, %q) = %+v, %v; want u1", name, u, ok)
		}
	}
	if u, ok := tb.Lookup(byEmail, "BOB@example.test"); !ok || u.ID != "u2" {
		t.Errorf("Lookup(email) = %+v, %v; want u2", u, ok)
	}
	if _, ok := tb.Lookup(byUsername, ""); ok {
		t.Error("Lookup of the empty key found a record")
	}
	if tb.Name() != "users" {
		t.Errorf("Name = %q", tb.Name())
	}
}

func TestInsertRefusals(t *testing.T) {
	tb := fill(t, mk("u1", "Alice", "a", 1, 0), mk("u2", "bob", "a", 2, 0))
	before := fingerprint(t, tb)
	noEmail := mk("u9", "zed", "a", 3, 0)
	noEmail.Email = "ALICE@example.test"
	tests := []struct {
		name string
		v    user
		want table.DuplicateError
	}{
		{"same id", mk("u1", "carol", "a", 3, 0), table.DuplicateError{Table: "users", Index: "id", Key: "u1", ID: "u1", Other: "u1"}},
		{"username in another case", mk("u3", "ALICE", "b", 3, 0), table.DuplicateError{Table: "users", Index: "username", Key: "alice", ID: "u3", Other: "u1"}},
		{"e-mail in another case", noEmail, table.DuplicateError{Table: "users", Index: "email", Key: "alice@example.test", ID: "u9", Other: "u1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tb.Insert(tt.v)
			var de *table.DuplicateError
			if !errors.As(err, &de) || *de != tt.want || !errors.Is(err, table.ErrDuplicate) {
				t.Fatalf("Insert = %v, want %+v", err, tt.want)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.want.Key)) {
				t.Errorf("error %q does not name the key %q", err, tt.want.Key)
			}
			if got := fingerprint(t, tb); got != before {
				t.Errorf("a refused insert changed the table:\n%s\nwant\n%s", got, before)
			}
		})
	}
	if err := tb.Insert(user{Name: "noid"}); !errors.Is(err, table.ErrInvalid) {
		t.Errorf("Insert without an id = %v, want ErrInvalid", err)
	}
	if got := fingerprint(t, tb); got != before {
		t.Error("a refused insert changed the table")
	}
}

func TestEmptyUniqueKeyIsNotIndexed(t *testing.T) {
	a, b := mk("u1", "a1", "a", 1, 0), mk("u2", "a2", "a", 1, 0)
	a.Email, b.Email = "", ""
	tb := fill(t, a, b)
	if _, ok := tb.Lookup(byEmail, ""); ok {
		t.Error("the empty e-mail address is indexed")
	}
	// Giving one an address indexes it; taking it away frees it.
	if err := tb.Update("u1", func(u *user) error { u.Email = "x@y"; return nil }); err != nil {
		t.Fatal(err)
	}
	if u, ok := tb.Lookup(byEmail, "X@Y"); !ok || u.ID != "u1" {
		t.Errorf("Lookup(x@y) = %v, %v", u.ID, ok)
	}
	if err := tb.Update("u1", func(u *user) error { u.Email = ""; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, ok := tb.Lookup(byEmail, "x@y"); ok {
		t.Error("a removed e-mail address is still indexed")
	}
	if err := tb.Update("u2", func(u *user) error { u.Email = "x@y"; return nil }); err != nil {
		t.Errorf("a freed e-mail address is still taken: %v", err)
	}
}

func TestReplace(t *testing.T) {
	tb := fill(t, mk("u1", "alice", "a", 1, 0), mk("u2", "bob", "a", 2, 0))
	if err := tb.Replace(mk("u3", "carol", "a", 3, 0)); !errors.Is(err, table.ErrNotFound) {
		t.Errorf("Replace of a missing record = %v, want ErrNotFound", err)
	}
	if err := tb.Replace(mk("u1", "Bob", "a", 1, 0)); !errors.Is(err, table.ErrDuplicate) {
		t.Errorf("Replace taking bob's name = %v, want ErrDuplicate", err)
	}
	// Keeping one's own unique keys is no duplicate.
	if err := tb.Replace(mk("u1", "ALICE", "b", 9, 5)); err != nil {
		t.Fatalf("Replace = %v", err)
	}
	if err := tb.Replace(mk("u1", "zoe", "b", 9, 5)); err != nil {
		t.Fatalf("Replace = %v", err)
	}
	if _, ok := tb.Lookup(byUsername, "alice"); ok {
		t.Error("the old username still finds the record")
	}
	if u, ok := tb.Lookup(byUsername, "ZOE"); !ok || u.ID != "u1" {
		t.Errorf("Lookup(zoe) = %v, %v", u.ID, ok)
	}
	if items, _ := tb.Page(byName, "", 0, -1, false); !slices.Equal(ids(items), []string{"u2", "u1"}) {
		t.Errorf("by name: %v, want u2 (bob), u1 (zoe)", ids(items))
	}
	if items, _ := tb.Page(groupAll, "b", 0, -1, false); !slices.Equal(ids(items), []string{"u1"}) {
		t.Errorf("group b: %v, want u1", ids(items))
	}
}

func TestUpdate(t *testing.T) {
	tb := fill(t, mk("u1", "alice", "a", 1, 0), mk("u2", "bob", "a", 2, 0))
	before := fingerprint(t, tb)
	held, _ := tb.Get("u1")
	boom := errors.New("boom")
	tests := []struct {
		name  string
		id    string
		fn    func(*user) error
		check func(error) bool
	}{
		{"missing", "u9", func(*user) error { return nil }, func(err error) bool { return errors.Is(err, table.ErrNotFound) }},
		{"refused by fn", "u1", func(u *user) error { u.Name = "zed"; u.Roles[0] = "admin"; return boom },
			func(err error) bool { return errors.Is(err, boom) }},
		{"id changed", "u1", func(u *user) error { u.ID = "u7"; return nil }, func(err error) bool {
			var re *table.RecordError
			return errors.As(err, &re) && re.ID == "u1" && strings.Contains(err.Error(), `"u7"`)
		}},
		{"duplicate", "u1", func(u *user) error { u.Name = "BOB"; u.Group = "b"; u.Count = 7; return nil }, func(err error) bool {
			var de *table.DuplicateError
			return errors.As(err, &de) && de.Index == "username" && de.Key == "bob" && de.ID == "u1" && de.Other == "u2"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tb.Update(tt.id, tt.fn); !tt.check(err) {
				t.Fatalf("Update = %v", err)
			}
			if got := fingerprint(t, tb); got != before {
				t.Errorf("a refused update changed the table:\n%s\nwant\n%s", got, before)
			}
		})
	}
	if held.Roles[0] != "user" {
		t.Errorf("an update's function changed a record a caller held: roles %v", held.Roles)
	}
	if err := tb.Update("u1", func(u *user) error {
		u.Name, u.Group, u.Count, u.Created = "Zed", "b", 3, epoch
		u.Roles = append(u.Roles, "admin")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if u, ok := tb.Lookup(byUsername, "zed"); !ok || u.Group != "b" || !slices.Equal(u.Roles, []string{"user", "admin"}) {
		t.Errorf("after the update: %+v, %v", u, ok)
	}
	for _, tc := range []struct {
		o    *table.Order[user]
		part string
		want []string
	}{
		{byName, "", []string{"u2", "u1"}},
		{byCreated, "", []string{"u1", "u2"}},
		{byCount, "", []string{"u2", "u1"}},
		{groupName, "a", []string{"u2"}},
		{groupName, "b", []string{"u1"}},
	} {
		if items, _ := tb.Page(tc.o, tc.part, 0, -1, false); !slices.Equal(ids(items), tc.want) {
			t.Errorf("%s/%s = %v, want %v", tc.o.Name(), tc.part, ids(items), tc.want)
		}
	}
}

func TestDelete(t *testing.T) {
	tb := fill(t, mk("u1", "alice", "a", 1, 0), mk("u2", "bob", "b", 2, 0))
	if u, ok := tb.Delete("u1"); !ok || u.Name != "alice" {
		t.Fatalf("Delete(u1) = %+v, %v", u, ok)
	}
	if _, ok := tb.Delete("u1"); ok {
		t.Error("a second Delete(u1) deleted something")
	}
	if _, ok := tb.Get("u1"); ok || tb.Len() != 1 {
		t.Errorf("u1 is still there (Len %d)", tb.Len())
	}
	if _, ok := tb.Lookup(byUsername, "alice"); ok {
		t.Error("alice is still in the username index")
	}
	if n := tb.Count(groupAll, "a"); n != 0 {
		t.Errorf("group a counts %d, want 0", n)
	}
	// Its keys are free again.
	if err := tb.Insert(mk("u3", "Alice", "a", 1, 0)); err != nil {
		t.Errorf("re-using a deleted record's keys: %v", err)
	}
}

func TestPage(t *testing.T) {
	var us []user
	for i := range 10 {
		us = append(us, mk(fmt.Sprintf("u%02d", i), fmt.Sprintf("n%02d", 9-i), "a", i, 0))
	}
	tb := fill(t, us...)
	// by name: u09 (n00) … u00 (n09)
	tests := []struct {
		offset, limit int
		desc          bool
		want          []string
	}{
		{0, 3, false, []string{"u09", "u08", "u07"}},
		{3, 3, false, []string{"u06", "u05", "u04"}},
		{8, 5, false, []string{"u01", "u00"}},
		{10, 5, false, []string{}},
		{99, 5, false, []string{}},
		{-4, 2, false, []string{"u09", "u08"}},
		{0, 0, false, []string{}},
		{7, -1, false, []string{"u02", "u01", "u00"}},
		{0, 3, true, []string{"u00", "u01", "u02"}},
		{8, 5, true, []string{"u08", "u09"}},
		{9, -1, true, []string{"u09"}},
	}
	for _, tt := range tests {
		items, total := tb.Page(byName, "", tt.offset, tt.limit, tt.desc)
		if total != 10 || !slices.Equal(ids(items), tt.want) || items == nil {
			t.Errorf("Page(offset %d, limit %d, desc %v) = %v, %d; want %v, 10", tt.offset, tt.limit, tt.desc, ids(items), total, tt.want)
		}
	}
	var got []string
	for u := range tb.Range(byCreated, "", 7, true) {
		got = append(got, u.ID)
	}
	if want := []string{"u02", "u01", "u00"}; !slices.Equal(got, want) {
		t.Errorf("Range(desc from 7) = %v, want %v", got, want)
	}
	got = got[:0]
	for u := range tb.Range(byCreated, "", 0, false) {
		got = append(got, u.ID)
		if len(got) == 2 {
			break
		}
	}
	if want := []string{"u00", "u01"}; !slices.Equal(got, want) {
		t.Errorf("Range stopped after 2 = %v, want %v", got, want)
	}
	if items, total := tb.Page(groupName, "nope", 0, 10, false); len(items) != 0 || total != 0 {
		t.Errorf("a missing partition pages %v, %d", ids(items), total)
	}
}

// TestStableTies: records with equal keys keep the order of their ids,
// reversed when descending, whatever order they came in.
func TestStableTies(t *testing.T) {
	tb := fill(t, mk("c", "x3", "a", 5, 1), mk("a", "x1", "a", 5, 1), mk("d", "x4", "a", 4, 2), mk("b", "x2", "a", 5, 1))
	for o, part := range map[*table.Order[user]]string{byCreated: "", groupTime: "a"} {
		items, _ := tb.Page(o, part, 0, -1, false)
		if want := []string{"d", "a", "b", "c"}; !slices.Equal(ids(items), want) {
			t.Errorf("%s ascending = %v, want %v", o.Name(), ids(items), want)
		}
	}
	if items, _ := tb.Page(byCount, "", 0, -1, true); !slices.Equal(ids(items), []string{"d", "c", "b", "a"}) {
		t.Errorf("count descending = %v, want d c b a", ids(items))
	}
	// A page boundary inside a run of ties neither repeats nor skips.
	var paged []string
	for off := 0; off < 4; off++ {
		items, _ := tb.Page(byCount, "", off, 1, false)
		paged = append(paged, ids(items)...)
	}
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(paged, want) {
		t.Errorf("count one at a time = %v, want %v", paged, want)
	}
}

// TestTimeOrder: times sort as instants. As RFC 3339 text "…00:01:00Z"
// sorts after "…00:01:00.5Z" ('Z' > '.'), and an offset hides the instant.
func TestTimeOrder(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	us := []user{
		{ID: "half", Name: "half", Created: at("2026-01-01T00:01:00.5Z")},
		{ID: "whole", Name: "whole", Created: at("2026-01-01T00:01:00Z")},
		{ID: "zoned", Name: "zoned", Created: at("2026-01-01T01:00:59+01:00")}, // 00:00:59Z
		{ID: "same", Name: "same", Created: at("2026-01-01T02:01:00+02:00")},   // 00:01:00Z, as whole
		{ID: "now", Name: "now", Created: time.Now()},                          // with a monotonic reading
	}
	tb := fill(t, us...)
	items, _ := tb.Page(byCreated, "", 0, -1, false)
	if want := []string{"zoned", "same", "whole", "half", "now"}; !slices.Equal(ids(items), want) {
		t.Errorf("by time = %v, want %v", ids(items), want)
	}
	// Round trip through JSON: the order is the same.
	raw, err := json.Marshal(tb)
	if err != nil {
		t.Fatal(err)
	}
	var back table.Table[user]
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if got, _ := back.Page(byCreated, "", 0, -1, false); !slices.Equal(ids(got), ids(items)) {
		t.Errorf("by time after JSON = %v, want %v", ids(got), ids(items))
	}
	// Search counts the records before an instant.
	if n := tb.Search(byCreated, "", func(u user) bool { return u.Created.After(at("2026-01-01T00:01:00Z")) }); n != 3 {
		t.Errorf("records up to 00:01:00Z: %d, want 3", n)
	}
}

func TestPartitions(t *testing.T) {
	tb := fill(t, mk("u1", "d", "a", 4, 0), mk("u2", "c", "b", 3, 0), mk("u3", "b", "a", 2, 0), mk("u4", "a", "b", 1, 0), mk("u5", "e", "a", 0, 0))
	for _, tc := range []struct {
		part string
		want []string
	}{{"a", []string{"u3", "u1", "u5"}}, {"b", []string{"u4", "u2"}}, {"c", nil}} {
		items, total := tb.Page(groupName, tc.part, 0, -1, false)
		if !slices.Equal(ids(items), tc.want) && len(tc.want)+len(items) > 0 || total != len(tc.want) || tb.Count(groupName, tc.part) != total {
			t.Errorf("partition %q = %v (%d), want %v", tc.part, ids(items), total, tc.want)
		}
	}
	if items, total := tb.Page(groupTime, "a", 1, 1, true); !slices.Equal(ids(items), []string{"u3"}) || total != 3 {
		t.Errorf("group a by time, second from the end = %v (%d), want u3 (3)", ids(items), total)
	}
	// An index without partitions has just "".
	if n := tb.Count(byName, "a"); n != 0 {
		t.Errorf("byName has a partition a of %d", n)
	}
	// A record without a partition is in no partition of a partitioned
	// index, and in every index without partitions.
	if err := tb.Insert(mk("u6", "f", "", 9, 0)); err != nil {
		t.Fatal(err)
	}
	if n := tb.Count(groupAll, ""); n != 0 {
		t.Errorf("partition \"\" holds %d records", n)
	}
	if n := tb.Count(byName, ""); n != 6 {
		t.Errorf("byName holds %d records, want 6", n)
	}
	for _, g := range []string{"a", ""} {
		if err := tb.Update("u6", func(u *user) error { u.Group = g; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if n := tb.Count(groupAll, "a"); n != 3 {
		t.Errorf("after moving u6 into a and out again, a holds %d, want 3", n)
	}
	// Moving the last of a partition empties it.
	for _, id := range []string{"u2", "u4"} {
		if err := tb.Update(id, func(u *user) error { u.Group = "c"; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if tb.Count(groupAll, "b") != 0 || tb.Count(groupAll, "c") != 2 {
		t.Errorf("after moving b to c: b %d, c %d", tb.Count(groupAll, "b"), tb.Count(groupAll, "c"))
	}
}

func TestSearch(t *testing.T) {
	tb := fill(t, mk("u1", "a", "g", 0, 10), mk("u2", "b", "g", 0, 20), mk("u3", "c", "g", 0, 20), mk("u4", "d", "g", 0, 30))
	for _, tc := range []struct{ atLeast, want int }{{0, 0}, {10, 0}, {11, 1}, {20, 1}, {21, 3}, {30, 3}, {31, 4}} {
		if n := tb.Search(byCount, "", func(u user) bool { return u.Count >= tc.atLeast }); n != tc.want {
			t.Errorf("first count >= %d at %d, want %d", tc.atLeast, n, tc.want)
		}
	}
	if n := tb.Search(groupAll, "nope", func(user) bool { return true }); n != 0 {
		t.Errorf("Search in a missing partition = %d", n)
	}
}

// TestCopyIsolation: a copy keeps what it saw whatever either side does
// afterwards, in every index and partition.
func TestCopyIsolation(t *testing.T) {
	tb := fill(t, mk("u1", "alice", "a", 1, 1), mk("u2", "bob", "b", 2, 2), mk("u3", "carol", "a", 3, 3))
	before := fingerprint(t, tb)
	snap := tb.Copy()
	if err := tb.Insert(mk("u4", "dave", "a", 0, 0)); err != nil {
		t.Fatal(err)
	}
	if err := tb.Update("u1", func(u *user) error { u.Name, u.Group, u.Roles[0] = "zed", "b", "admin"; return nil }); err != nil {
		t.Fatal(err)
	}
	tb.Delete("u2")
	if got := fingerprint(t, &snap); got != before {
		t.Fatalf("the copy saw later changes:\n%s\nwant\n%s", got, before)
	}
	changed := fingerprint(t, tb)
	// Changing the copy leaves the original alone, and a copy of a copy
	// is as independent.
	snap2 := snap.Copy()
	if err := snap.Update("u3", func(u *user) error { u.Group = "c"; u.Count = 99; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := snap.Insert(mk("u5", "eve", "a", 5, 5)); err != nil {
		t.Fatal(err)
	}
	if got := fingerprint(t, tb); got != changed {
		t.Errorf("changing the copy changed the original")
	}
	if got := fingerprint(t, &snap2); got != before {
		t.Errorf("changing a copy changed the copy taken from it")
	}
	// The copy keeps its own unique keys: dave and zed are free there.
	if err := snap.Insert(mk("u6", "dave", "a", 6, 6)); err != nil {
		t.Errorf("copy: %v", err)
	}
	var zero table.Table[user]
	if c := zero.Copy(); c.Len() != 0 {
		t.Error("a copy of the zero table is not empty")
	}
}

// TestCopyConcurrent: readers of a copy, Copy calls on it, a writer of the
// original and a writer of another copy run at once (run with -race).
func TestCopyConcurrent(t *testing.T) {
	var tb table.Table[user]
	for i := range 300 {
		if err := tb.Insert(mk(fmt.Sprintf("u%03d", i), fmt.Sprintf("n%03d", i), "abc"[i%3:i%3+1], i, i%7)); err != nil {
			t.Fatal(err)
		}
	}
	snap := tb.Copy()
	other := tb.Copy()
	want := fingerprint(t, &snap)
	done := make(chan string)
	for range 2 {
		go func() { // readers of one copy, taking copies of it alongside
			for range 20 {
				_ = snap.Copy()
				if _, err := json.Marshal(&snap); err != nil {
					done <- err.Error()
					return
				}
				snap.Page(groupName, "a", 50, 10, true)
				snap.Lookup(byUsername, "n007")
				snap.Get("u008")
			}
			done <- ""
		}()
	}
	go func() { // a writer of another copy
		for i := range 300 {
			_ = other.Update(fmt.Sprintf("u%03d", i), func(u *user) error { u.Group = "c"; return nil })
		}
		done <- ""
	}()
	for i := range 300 { // and a writer of the original
		_ = tb.Update(fmt.Sprintf("u%03d", i), func(u *user) error { u.Group = "b"; u.Count++; return nil })
	}
	for range 3 {
		if msg := <-done; msg != "" {
			t.Fatal(msg)
		}
	}
	if got := fingerprint(t, &snap); got != want {
		t.Error("the copy changed")
	}
	if tb.Count(groupAll, "b") != 300 || other.Count(groupAll, "c") != 300 {
		t.Errorf("original: %d in b; other copy: %d in c", tb.Count(groupAll, "b"), other.Count(groupAll, "c"))
	}
}

// TestJSONFormat: a table encodes byte for byte as encoding/json encodes
// the map of today's snapshots, keys that need escaping included.
func TestJSONFormat(t *testing.T) {
	us := []user{mk("b<&>", "x", "a", 1, 0), mk("a\u2028é", "y", "a", 2, 0), mk("Z", "z", "b", 3, 0), mk("c\"q", "q", "b", 3, 0)}
	us[0].Roles = nil
	tb := fill(t, us...)
	want := map[string]*user{}
	for i := range us {
		want[us[i].ID] = &us[i]
	}
	for _, v := range []any{tb, *tb, struct {
		T table.Table[user] `json:"t"`
	}{*tb}} {
		got, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := json.Marshal(want)
		if strings.HasPrefix(string(got), `{"t":`) {
			w = []byte(`{"t":` + string(w) + `}`)
		}
		if string(got) != string(w) {
			t.Errorf("JSON of %T:\n%s\nwant\n%s", v, got, w)
		}
	}
	// Large enough for WriteJSON to flush its buffer several times.
	var big []user
	bigWant := map[string]*user{}
	for i := range 2000 {
		u := mk(fmt.Sprintf("id-%04d<%d>", i, i%7), fmt.Sprintf("name%04d", i), "a", i, i)
		big = append(big, u)
		bigWant[u.ID] = &big[len(big)-1]
	}
	var w strings.Builder
	if err := fill(t, big...).WriteJSON(&w); err != nil {
		t.Fatal(err)
	}
	if want, _ := json.Marshal(bigWant); w.String() != string(want) || w.Len() < 4*32<<10 {
		t.Errorf("WriteJSON of %d bytes differs from encoding/json's %d", w.Len(), len(want))
	}
	var empty table.Table[user]
	if got, _ := json.Marshal(&empty); string(got) != "{}" {
		t.Errorf("empty table = %s, want {}", got)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	tb := fill(t, mk("u1", "Alice", "a", 1, 3), mk("u2", "bob", "b", 2, 1), mk("u3", "carol", "a", 2, 2))
	raw, err := json.Marshal(tb)
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Users table.Table[user] `json:"users"`
	}
	if err := json.Unmarshal([]byte(`{"users":`+string(raw)+`}`), &state); err != nil {
		t.Fatal(err)
	}
	if got, want := fingerprint(t, &state.Users), fingerprint(t, tb); got != want {
		t.Errorf("after a round trip:\n%s\nwant\n%s", got, want)
	}
	// A decoded table takes changes and keeps refusing duplicates.
	if err := state.Users.Insert(mk("u4", "ALICE", "a", 1, 1)); !errors.Is(err, table.ErrDuplicate) {
		t.Errorf("Insert after decoding = %v, want ErrDuplicate", err)
	}
	// null and a missing member are empty tables.
	for _, doc := range []string{`{"users":null}`, `{}`} {
		var s struct {
			Users table.Table[user] `json:"users"`
		}
		if err := json.Unmarshal([]byte(doc), &s); err != nil || s.Users.Len() != 0 {
			t.Errorf("%s: %v, Len %d", doc, err, s.Users.Len())
		}
		if err := s.Users.Insert(mk("u1", "a", "a", 1, 1)); err != nil {
			t.Errorf("%s: Insert = %v", doc, err)
		}
	}
}

// TestJSONRefusals: an imported table cannot disagree with itself; a
// refused decode leaves the table as it was.
func TestJSONRefusals(t *testing.T) {
	rec := func(id, name, email string) string {
		return fmt.Sprintf(`{"_id":%q,"username":%q,"email":%q,"group":"a","createdAt":"2026-01-01T00:00:00Z","count":0,"roles":[]}`, id, name, email)
	}
	tests := []struct {
		name string
		doc  string
		want func(error) bool
		says []string
	}{
		{"duplicate username", `{"u2":` + rec("u2", "ALICE", "b@x") + `,"u1":` + rec("u1", "alice", "a@x") + `}`,
			isDup("username", "alice", "u2", "u1"), []string{`"alice"`, `"u2"`, `"u1"`, "username"}},
		{"duplicate e-mail", `{"u1":` + rec("u1", "a", "X@x") + `,"u2":` + rec("u2", "b", "x@X") + `}`,
			isDup("email", "x@x", "u2", "u1"), []string{`"x@x"`, "email"}},
		{"filed under another id", `{"u1":` + rec("u2", "a", "a@x") + `}`, isRecord("u1"), []string{`"u2"`, `"u1"`}},
		{"null record", `{"u1":null}`, isRecord("u1"), []string{"null"}},
		{"key given twice", `{"u1":` + rec("u1", "a", "a@x") + `,"u1":` + rec("u1", "b", "b@x") + `}`, isRecord("u1"), []string{"twice"}},
		{"an array", `[]`, func(err error) bool { return err != nil }, []string{"object", "array"}},
		{"a record of the wrong shape", `{"u1":"x"}`, func(err error) bool { return err != nil }, []string{`"u1"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := fill(t, mk("k1", "kept", "a", 1, 1))
			before := fingerprint(t, tb)
			err := json.Unmarshal([]byte(tt.doc), tb)
			if !tt.want(err) {
				t.Fatalf("Unmarshal = %v", err)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %s", err, s)
				}
			}
			if got := fingerprint(t, tb); got != before {
				t.Errorf("a refused decode changed the table")
			}
		})
	}
}

func isDup(index, key, id, other string) func(error) bool {
	return func(err error) bool {
		var de *table.DuplicateError
		return errors.As(err, &de) && *de == table.DuplicateError{Table: "users", Index: index, Key: key, ID: id, Other: other}
	}
}

func isRecord(id string) func(error) bool {
	return func(err error) bool {
		var re *table.RecordError
		return errors.As(err, &re) && re.ID == id && errors.Is(err, table.ErrInvalid)
	}
}

// token is a record whose JSON is only its user's id, filed under its
// hash (as Rocket.Chat's tokens are), and that a Check normalises.
type token struct {
	Hash, UserID string
}

func (t token) MarshalJSON() ([]byte, error) { return json.Marshal(t.UserID) }
func (t *token) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, &t.UserID)
}

var errNoUser = errors.New("names no user")

var tokensByUser = table.ByID[token]("user").PartitionBy(func(t token) string { return t.UserID })

func tokenSpec() table.Spec[token] {
	return table.Spec[token]{
		Name: "tokens", ID: func(t token) string { return t.Hash }, Ordered: []*table.Order[token]{tokensByUser},
		SetID: func(t *token, id string) { t.Hash = id },
		Check: func(t *token) error {
			t.UserID = strings.TrimSpace(t.UserID)
			if t.UserID == "" {
				return errNoUser
			}
			return nil
		},
	}
}

func TestSetIDAndCheck(t *testing.T) {
	tb := table.New(tokenSpec())
	if err := json.Unmarshal([]byte(`{"h2":" u1 ","h1":"u1","h3":"u2"}`), &tb); err != nil {
		t.Fatal(err)
	}
	items, _ := tb.Page(tokensByUser, "u1", 0, -1, false)
	if len(items) != 2 || items[0] != (token{"h1", "u1"}) || items[1] != (token{"h2", "u1"}) {
		t.Errorf("tokens of u1 = %+v", items)
	}
	if raw, _ := json.Marshal(&tb); string(raw) != `{"h1":"u1","h2":"u1","h3":"u2"}` {
		t.Errorf("JSON = %s", raw)
	}
	err := json.Unmarshal([]byte(`{"h9":"u1","h8":" "}`), &tb)
	var re *table.RecordError
	if !errors.As(err, &re) || re.ID != "h8" || !errors.Is(err, errNoUser) {
		t.Errorf("a refused check = %v, want a RecordError for h8 wrapping the check's error", err)
	}
	if tb.Len() != 3 {
		t.Errorf("a refused decode left %d records, want the 3 before", tb.Len())
	}
}

// plain has no TableSpec.
type plain struct{ ID string }

func TestSpecMistakes(t *testing.T) {
	expectPanic := func(name, says string, f func()) {
		t.Helper()
		defer func() {
			r := recover()
			if r == nil || !strings.Contains(fmt.Sprint(r), says) {
				t.Errorf("%s: panic %v, want one saying %q", name, r, says)
			}
		}()
		f()
	}
	id := func(p plain) string { return p.ID }
	expectPanic("no ID", "no ID", func() { table.New(table.Spec[plain]{}) })
	expectPanic("needs a Clone", "Roles", func() { table.New(table.Spec[user]{ID: func(u user) string { return u.ID }}) })
	expectPanic("two unique indexes of one name", `"k"`, func() {
		table.New(table.Spec[plain]{ID: id, Unique: []*table.Unique[plain]{table.UniqueKey("k", id), table.UniqueKey("k", id)}})
	})
	expectPanic("a unique index named id", `"id"`, func() {
		table.New(table.Spec[plain]{ID: id, Unique: []*table.Unique[plain]{table.UniqueKey("id", id)}})
	})
	o := table.ByID[plain]("o")
	expectPanic("an order twice", "twice", func() { table.New(table.Spec[plain]{ID: id, Ordered: []*table.Order[plain]{o, o}}) })
	tb := table.New(table.Spec[plain]{ID: id})
	expectPanic("a foreign order", "no ordered index", func() { tb.Page(o, "", 0, 1, false) })
	expectPanic("a foreign unique index", "no unique index", func() { tb.Lookup(table.UniqueKey("x", id), "a") })
	var zero table.Table[plain]
	expectPanic("a zero table without a TableSpec", "TableSpec", func() { _ = zero.Insert(plain{ID: "a"}) })
	// New takes any spec for a type that has no TableSpec.
	if err := tb.Insert(plain{ID: "a"}); err != nil || tb.Len() != 1 {
		t.Errorf("Insert into a New table: %v", err)
	}
}

// TestZeroTableReads: reading a zero table neither allocates its storage
// nor races (run with -race).
func TestZeroTableReads(t *testing.T) {
	var tb table.Table[user]
	done := make(chan bool)
	for range 4 {
		go func() {
			tb.Page(byName, "", 0, 10, false)
			tb.Lookup(byUsername, "x")
			tb.Count(groupAll, "a")
			_ = tb.Copy()
			_, _ = json.Marshal(&tb)
			done <- true
		}()
	}
	for range 4 {
		<-done
	}
	if tb.Len() != 0 {
		t.Error("not empty")
	}
}

func TestInsertAll(t *testing.T) {
	var us []user
	for i := range 200 {
		us = append(us, mk(fmt.Sprintf("u%03d", (i*37)%200), fmt.Sprintf("N%03d", i), "abc"[i%3:i%3+1], i%11, i%5))
	}
	var bulk table.Table[user]
	if err := bulk.InsertAll(us); err != nil {
		t.Fatal(err)
	}
	if got, want := fingerprint(t, &bulk), fingerprint(t, fill(t, us...)); got != want {
		t.Errorf("InsertAll into an empty table differs from Inserts:\n%s\nwant\n%s", got, want)
	}
	// Into a table that holds records.
	more := fill(t, us[:100]...)
	if err := more.InsertAll(us[100:]); err != nil {
		t.Fatal(err)
	}
	if got, want := fingerprint(t, more), fingerprint(t, &bulk); got != want {
		t.Error("InsertAll into a filled table differs from Inserts")
	}
	us[0].Roles[0] = "changed"
	if u, _ := bulk.Get(us[0].ID); u.Roles[0] != "user" {
		t.Error("InsertAll kept the caller's slice")
	}
	tests := []struct {
		name  string
		batch []user
		check func(error) bool
	}{
		{"an id given twice", []user{mk("x1", "p", "a", 0, 0), mk("x1", "q", "a", 0, 0)}, isDup("id", "x1", "x1", "x1")},
		{"an id the table has", []user{mk("x1", "p", "a", 0, 0), mk("k1", "q", "a", 0, 0)}, isDup("id", "k1", "k1", "k1")},
		{"a username given twice", []user{mk("x3", "P", "a", 0, 0), mk("x2", "q", "a", 0, 0), mk("x1", "p", "a", 0, 0)}, isDup("username", "p", "x3", "x1")},
		{"a username the table has", []user{mk("x9", "p", "a", 0, 0), mk("x8", "KEPT", "a", 0, 0)}, isDup("username", "kept", "x8", "k1")},
		{"the smallest id refused first", []user{mk("x5", "kept", "a", 0, 0), mk("x4", "p", "a", 0, 0), mk("x2", "r", "a", 0, 0), mk("x3", "P", "a", 0, 0)},
			isDup("username", "p", "x4", "x3")},
		{"no id", []user{mk("x1", "p", "a", 0, 0), mk("", "q", "a", 0, 0)}, func(err error) bool { return errors.Is(err, table.ErrInvalid) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := fill(t, mk("k1", "kept", "a", 1, 1))
			before := fingerprint(t, tb)
			if err := tb.InsertAll(tt.batch); !tt.check(err) {
				t.Fatalf("InsertAll = %v", err)
			}
			if got := fingerprint(t, tb); got != before {
				t.Error("a refused InsertAll changed the table")
			}
		})
	}
}
