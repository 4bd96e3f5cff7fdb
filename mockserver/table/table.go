package table

import (
	"errors"
	"fmt"
	"hash/maphash"
	"iter"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/tidwall/btree"
)

// ErrNotFound is returned by Replace and Update for an id the table does
// not hold.
var ErrNotFound = errors.New("no such record")

// ErrDuplicate is matched (errors.Is) by every *DuplicateError.
var ErrDuplicate = errors.New("duplicate key")

// ErrInvalid is matched (errors.Is) by every *RecordError.
var ErrInvalid = errors.New("invalid record")

// DuplicateError refuses a record whose key another record holds: its id
// (Index "id") or the key of a unique index.
type DuplicateError struct {
	Table string // the table's name, e.g. "users"
	Index string // the unique index, e.g. "username"; "id" for the primary key
	Key   string // the key, as the index holds it (lower-cased for UniqueFold)
	ID    string // the record refused
	Other string // the record that holds Key
}

func (e *DuplicateError) Error() string {
	if e.Index == "id" {
		return fmt.Sprintf("table %q: id %q is taken", e.Table, e.ID)
	}
	return fmt.Sprintf("table %q: %s %q of %q is taken by %q", e.Table, e.Index, e.Key, e.ID, e.Other)
}

// Is makes errors.Is(err, ErrDuplicate) true.
func (e *DuplicateError) Is(target error) bool { return target == ErrDuplicate }

// RecordError refuses a record a change or a decode was given: no id, an
// id that changed in Update, a JSON record that is null, filed twice or
// under a key other than its id, or one the spec's Check refused (Err).
type RecordError struct {
	Table  string
	ID     string // the record's id, or the key it is filed under in JSON
	Reason string
	Err    error // the spec's Check error, if that is the reason
}

func (e *RecordError) Error() string {
	msg := fmt.Sprintf("table %q: record %q: %s", e.Table, e.ID, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the spec's Check error, if any.
func (e *RecordError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *RecordError) Is(target error) bool { return target == ErrInvalid }

// Table is an indexed collection of records of type V. The zero Table is
// empty and ready to use when V declares its table ([Record]); otherwise
// build one with [New]. A Table refers to its storage, as a map does:
// copying a Table value shares it; [Table.Copy] makes an independent copy.
type Table[V any] struct {
	d *data[V]
}

// row is a record in the primary tree, ordered by id. pre holds the id's
// first 8 bytes, so that most comparisons never read the id's bytes (a
// cache miss each in a large table).
//
// The record is held as an unsafe.Pointer, not a *V: the tree's item type
// then has the same layout whatever V is, and Go compiles one copy of
// btree's generic code for all the tables' trees instead of one for each
// record type (over 12 MB of machine code, most of the binary's, with the
// five APIs' tables). V stays in the type, so that rows of different
// tables do not mix; only v converts.
type row[V any] struct {
	pre uint64
	id  string
	p   unsafe.Pointer // *V
}

func newRow[V any](id string, v *V) row[V] {
	return row[V]{pre: prefix(id), id: id, p: unsafe.Pointer(v)}
}

// v returns the record.
func (r row[V]) v() *V { return (*V)(r.p) }

func rowLess[V any](a, b row[V]) bool {
	if a.pre != b.pre {
		return a.pre < b.pre
	}
	return a.id < b.id
}

func idRow[V any](id string) row[V] { return row[V]{pre: prefix(id), id: id} }

// prefix returns the first 8 bytes of s as a big-endian number (zeros
// past its end): prefixes order as their strings do, or are equal.
func prefix(s string) uint64 {
	var p uint64
	for i := range 8 {
		p <<= 8
		if i < len(s) {
			p |= uint64(s[i])
		}
	}
	return p
}

// ukey is a record in a unique index. Unique indexes need no order, so
// they are ordered by a hash of the key: an entry holds the hash and the
// record, not the key, which is read from the record only when two hashes
// are equal (for the record itself, but for a collision of 64-bit hashes).
type ukey[V any] struct {
	h uint64
	p unsafe.Pointer // *V, as in row; nil in a probe, which comes before every record of its hash
}

// v returns the record.
func (k ukey[V]) v() *V { return (*V)(k.p) }

var hashSeed = maphash.MakeSeed()

// keyHash hashes unique keys; a test replaces it to make keys collide.
var keyHash = func(key string) uint64 { return maphash.String(hashSeed, key) }

// uniqueIndex is one table's instance of a unique index.
type uniqueIndex[V any] struct {
	u    *Unique[V]
	tree *btree.BTreeG[ukey[V]]
}

func newUniqueIndex[V any](u *Unique[V]) uniqueIndex[V] {
	return uniqueIndex[V]{u: u, tree: btree.NewBTreeGOptions(func(a, b ukey[V]) bool {
		switch {
		case a.h != b.h:
			return a.h < b.h
		case a.p == b.p:
			return false
		case a.p == nil || b.p == nil:
			return a.p == nil
		}
		return u.keyOf(a.v()) < u.keyOf(b.v())
	}, treeOptions)}
}

// get returns the record whose key is key (normalised), or nil.
func (x uniqueIndex[V]) get(key string) *V {
	h := keyHash(key)
	var found *V
	x.tree.Ascend(ukey[V]{h: h}, func(e ukey[V]) bool {
		if e.h != h {
			return false
		}
		if x.u.keyOf(e.v()) == key {
			found = e.v()
			return false
		}
		return true
	})
	return found
}

// set files v under key (normalised), in place of the record it held.
func (x uniqueIndex[V]) set(key string, v *V) { x.tree.Set(ukey[V]{keyHash(key), unsafe.Pointer(v)}) }

// delete removes v, filed under key (normalised).
func (x uniqueIndex[V]) delete(key string, v *V) {
	x.tree.Delete(ukey[V]{keyHash(key), unsafe.Pointer(v)})
}

func (x uniqueIndex[V]) copy() uniqueIndex[V] { return uniqueIndex[V]{u: x.u, tree: x.tree.Copy()} }

type data[V any] struct {
	s       *schema[V]
	rows    *btree.BTreeG[row[V]]
	uniques []uniqueIndex[V]
	orders  []orderIndex[V]
	gen     atomic.Uint64
	copyMu  sync.Mutex // serialises Copy, which may run alongside reads
}

var generations atomic.Uint64

func newData[V any](s *schema[V]) *data[V] {
	d := &data[V]{s: s}
	d.gen.Store(generations.Add(1))
	d.rows = btree.NewBTreeGOptions(rowLess[V], treeOptions)
	d.uniques = make([]uniqueIndex[V], len(s.Unique))
	for i, u := range s.Unique {
		d.uniques[i] = newUniqueIndex(u)
	}
	d.orders = make([]orderIndex[V], len(s.Ordered))
	for i, o := range s.Ordered {
		d.orders[i] = o.make(s.ID)
	}
	return d
}

// New returns an empty table described by spec. It panics on a broken spec
// (no ID, two indexes of one name, a record type that needs a Clone and
// has none).
func New[V any](spec Spec[V]) Table[V] {
	return Table[V]{d: newData(compile(spec))}
}

// data returns the table's storage for a change, creating it from V's
// TableSpec.
func (t *Table[V]) data() *data[V] {
	if t.d == nil {
		t.d = newData(mustRecordSchema[V]())
	}
	return t.d
}

// view returns the table's storage for reading: a zero table reads as the
// empty table of V's TableSpec, without being changed.
func (t *Table[V]) view() *data[V] {
	if t.d != nil {
		return t.d
	}
	return mustRecordSchema[V]().emptyData()
}

func mustRecordSchema[V any]() *schema[V] {
	s := recordSchema[V]()
	if s == nil {
		var zero V
		panic(fmt.Sprintf("table: a zero Table[%T] needs %T to have a TableSpec method (see Record); or build it with New", zero, zero))
	}
	return s
}

func (d *data[V]) clone(v V) V {
	if d.s.Clone != nil {
		return d.s.Clone(v)
	}
	return v
}

// Name returns the table's name, as errors give it.
func (t *Table[V]) Name() string { return t.view().s.name }

// Len returns the number of records.
func (t *Table[V]) Len() int {
	if t.d == nil {
		return 0
	}
	return t.d.rows.Len()
}

// Get returns the record id, or false. Its slices and maps are the
// stored ones: do not modify them.
func (t *Table[V]) Get(id string) (V, bool) {
	if t.d != nil {
		if r, ok := t.d.rows.Get(idRow[V](id)); ok {
			return *r.v(), true
		}
	}
	var zero V
	return zero, false
}

// Lookup returns the record whose key in the unique index u is key (which
// u lower-cases if it folds case), or false.
func (t *Table[V]) Lookup(u *Unique[V], key string) (V, bool) {
	d := t.view()
	i := d.unique(u)
	if key != "" {
		if v := d.uniques[i].get(u.norm(key)); v != nil {
			return *v, true
		}
	}
	var zero V
	return zero, false
}

func (d *data[V]) unique(u *Unique[V]) int {
	for i, x := range d.s.Unique {
		if x == u {
			return i
		}
	}
	panic(fmt.Sprintf("table %q has no unique index %q of this handle", d.s.name, u.name))
}

func (d *data[V]) order(o *Order[V]) orderIndex[V] {
	for i, x := range d.s.Ordered {
		if x == o {
			return d.orders[i]
		}
	}
	panic(fmt.Sprintf("table %q has no ordered index %q of this handle", d.s.name, o.name))
}

// Insert adds v, which must have an id no record has and no unique key
// another record holds (a *DuplicateError otherwise, the table unchanged).
func (t *Table[V]) Insert(v V) error {
	d := t.data()
	v = d.clone(v)
	id := d.s.ID(v)
	if id == "" {
		return &RecordError{Table: d.s.name, Reason: "a record needs an id"}
	}
	if _, ok := d.rows.Get(idRow[V](id)); ok {
		return &DuplicateError{Table: d.s.name, Index: "id", Key: id, ID: id, Other: id}
	}
	if err := d.checkUnique(id, &v, nil); err != nil {
		return err
	}
	d.insert(id, &v)
	return nil
}

// insert indexes the new record v, checked already.
func (d *data[V]) insert(id string, v *V) {
	gen := d.gen.Load()
	d.rows.Set(newRow(id, v))
	for i, u := range d.s.Unique {
		if k := u.keyOf(v); k != "" {
			d.uniques[i].set(k, v)
		}
	}
	for _, x := range d.orders {
		x.add(gen, v)
	}
}

// checkUnique refuses v (the record id, formerly old) if another record
// holds one of its unique keys.
func (d *data[V]) checkUnique(id string, v, old *V) error {
	for i, u := range d.s.Unique {
		k := u.keyOf(v)
		if k == "" || (old != nil && u.keyOf(old) == k) {
			continue
		}
		if other := d.uniques[i].get(k); other != nil {
			return &DuplicateError{Table: d.s.name, Index: u.name, Key: k, ID: id, Other: d.s.ID(*other)}
		}
	}
	return nil
}

// Replace puts v in place of the record with its id, which must exist
// (ErrNotFound), under the same rules as Insert for unique keys.
func (t *Table[V]) Replace(v V) error {
	d := t.data()
	v = d.clone(v)
	id := d.s.ID(v)
	r, ok := d.rows.Get(idRow[V](id))
	if !ok {
		return fmt.Errorf("table %q: replace %q: %w", d.s.name, id, ErrNotFound)
	}
	return d.replace(id, r.v(), &v)
}

// Update changes the record id by fn, which gets a copy (made with the
// spec's Clone) to change. An error from fn, a changed id (a
// *RecordError) or a unique key another record holds (a *DuplicateError)
// leaves the table unchanged.
func (t *Table[V]) Update(id string, fn func(v *V) error) error {
	d := t.data()
	r, ok := d.rows.Get(idRow[V](id))
	if !ok {
		return fmt.Errorf("table %q: update %q: %w", d.s.name, id, ErrNotFound)
	}
	v := d.clone(*r.v())
	if err := fn(&v); err != nil {
		return err
	}
	if got := d.s.ID(v); got != id {
		return &RecordError{Table: d.s.name, ID: id, Reason: fmt.Sprintf("an update changed its id to %q", got)}
	}
	return d.replace(id, r.v(), &v)
}

// replace stores v in place of old, both with id.
func (d *data[V]) replace(id string, old, v *V) error {
	if err := d.checkUnique(id, v, old); err != nil {
		return err
	}
	gen := d.gen.Load()
	d.rows.Set(newRow(id, v))
	for i, u := range d.s.Unique {
		ok, nk := u.keyOf(old), u.keyOf(v)
		if ok != nk && ok != "" {
			d.uniques[i].delete(ok, old)
		}
		if nk != "" {
			d.uniques[i].set(nk, v)
		}
	}
	for _, x := range d.orders {
		if x.moves(old, v) {
			x.remove(gen, old)
			x.add(gen, v)
		} else {
			x.swap(gen, v)
		}
	}
	return nil
}

// Delete removes the record id and returns it, or false if there is none.
func (t *Table[V]) Delete(id string) (V, bool) {
	var zero V
	if t.d == nil {
		return zero, false
	}
	d := t.d
	r, ok := d.rows.Delete(idRow[V](id))
	if !ok {
		return zero, false
	}
	gen := d.gen.Load()
	for i, u := range d.s.Unique {
		if k := u.keyOf(r.v()); k != "" {
			d.uniques[i].delete(k, r.v())
		}
	}
	for _, x := range d.orders {
		x.remove(gen, r.v())
	}
	return *r.v(), true
}

// All yields every record in id order. The table must not change while
// the loop runs.
func (t *Table[V]) All() iter.Seq2[string, V] {
	return func(yield func(string, V) bool) {
		if t.d == nil {
			return
		}
		t.d.rows.Scan(func(r row[V]) bool { return yield(r.id, *r.v()) })
	}
}

// Count returns the number of records in partition part of index o (part
// is "" for an index without partitions).
func (t *Table[V]) Count(o *Order[V], part string) int {
	return t.view().order(o).count(part)
}

// Range yields the records of partition part of index o from position
// offset on, ascending or, with desc, descending (position 0 is then the
// last record). Reaching offset costs O(log n) however large it is. The
// table must not change while the loop runs.
func (t *Table[V]) Range(o *Order[V], part string, offset int, desc bool) iter.Seq[V] {
	x := t.view().order(o)
	return func(yield func(V) bool) { x.rangeFrom(part, offset, desc, yield) }
}

// Page returns at most limit records of partition part of index o from
// position offset on (all of them from offset when limit is negative), and
// the number of records in the partition.
func (t *Table[V]) Page(o *Order[V], part string, offset, limit int, desc bool) ([]V, int) {
	x := t.view().order(o)
	total := x.count(part)
	n := max(min(total-max(offset, 0), limit), 0)
	if limit < 0 {
		n = max(total-max(offset, 0), 0)
	}
	out := make([]V, 0, n)
	if n > 0 {
		x.rangeFrom(part, offset, desc, func(v V) bool {
			out = append(out, v)
			return len(out) < n
		})
	}
	return out, total
}

// Search returns the first position in partition part of index o
// (ascending) at which f is true, or the partition's size if there is
// none; f must be false and then true along the order, as for
// sort.Search. With an index by time, it counts the records before an
// instant.
func (t *Table[V]) Search(o *Order[V], part string, f func(V) bool) int {
	return t.view().order(o).search(part, f)
}

// Copy returns an independent copy of the table in O(1): both share their
// storage until one changes it, and each copies what it changes, so
// neither ever sees the other's changes. Copy may run alongside reads of
// t, but not alongside its changes.
func (t *Table[V]) Copy() Table[V] {
	if t.d == nil {
		return Table[V]{}
	}
	d := t.d
	d.copyMu.Lock()
	defer d.copyMu.Unlock()
	c := &data[V]{s: d.s, rows: d.rows.Copy(), uniques: make([]uniqueIndex[V], len(d.uniques)), orders: make([]orderIndex[V], len(d.orders))}
	for i, u := range d.uniques {
		c.uniques[i] = u.copy()
	}
	for i, x := range d.orders {
		c.orders[i] = x.copy()
	}
	// Partitions made so far are shared now: both sides copy them before
	// they change them.
	d.gen.Store(generations.Add(1))
	c.gen.Store(generations.Add(1))
	return Table[V]{d: c}
}
