package table

import (
	"cmp"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/tidwall/btree"
)

// Spec describes a table: its records' ids and the indexes it keeps.
type Spec[V any] struct {
	// Name names the table in errors, e.g. "users".
	Name string
	// ID returns a record's primary key; it must not be empty.
	ID func(V) string
	// Unique are the unique secondary indexes.
	Unique []*Unique[V]
	// Ordered are the ordered indexes: one for each order a listing offers.
	Ordered []*Order[V]
	// Clone returns a copy of v that shares no slice, map or pointer
	// target with it. Update applies it before its function runs, Insert
	// and Replace before they store a record. It is required when V holds
	// slices, maps, pointers or interfaces (strings and time.Time need
	// none).
	Clone func(V) V
	// SetID, when set, gives each record UnmarshalJSON reads the key it is
	// filed under, for records whose JSON does not hold their id. Without
	// it a record whose id differs from its key is refused.
	SetID func(v *V, id string)
	// Check, when set, runs on each record UnmarshalJSON reads, in id
	// order, before it is indexed. It may normalise the record (fill a
	// default); an error refuses the whole decode, wrapped in a
	// *RecordError that names the record.
	Check func(v *V) error
}

// Record is a record type that declares its own table, so that a zero
// Table[V] is ready to use (and to decode JSON into).
type Record[V any] interface {
	TableSpec() Spec[V]
}

// Unique is a unique secondary index: at most one record per key. A record
// whose key is empty is not in the index, so any number may have none.
type Unique[V any] struct {
	name string
	key  func(V) string
	fold bool
}

// UniqueKey returns a unique index on key, compared exactly.
func UniqueKey[V any](name string, key func(V) string) *Unique[V] {
	return &Unique[V]{name: name, key: key}
}

// UniqueFold returns a unique index on key, compared case-insensitively:
// keys and the keys Lookup is given are lower-cased (strings.ToLower).
func UniqueFold[V any](name string, key func(V) string) *Unique[V] {
	return &Unique[V]{name: name, key: key, fold: true}
}

// Name returns the index's name.
func (u *Unique[V]) Name() string { return u.name }

func (u *Unique[V]) norm(k string) string {
	if u.fold {
		return strings.ToLower(k)
	}
	return k
}

func (u *Unique[V]) keyOf(v *V) string { return u.norm(u.key(*v)) }

// Order is an ordered index: records sorted by a key, equal keys by id,
// optionally split into partitions (see [Order.PartitionBy]).
type Order[V any] struct {
	name string
	part func(V) string
	make func(id func(V) string) orderIndex[V] // id is the table's ID
}

// ByKey returns an ordered index on key, in the natural order of K
// (strings compare byte-wise: lower-case them in key for a
// case-insensitive order).
func ByKey[V any, K cmp.Ordered](name string, key func(V) K) *Order[V] {
	return ByCompare(name, key, cmp.Compare[K])
}

// ByTime returns an ordered index on a time, compared as instants (its
// monotonic clock reading, if any, is dropped), never as text.
func ByTime[V any](name string, key func(V) time.Time) *Order[V] {
	return ByCompare(name, func(v V) time.Time { return key(v).Round(0) }, time.Time.Compare)
}

// ByCompare returns an ordered index on key, ordered by compare, which
// must be a total order (negative, zero, positive as a < b, a == b, a > b).
func ByCompare[V, K any](name string, key func(V) K, compare func(a, b K) int) *Order[V] {
	o := &Order[V]{name: name}
	o.make = func(id func(V) string) orderIndex[V] { return newOrdered(o, key, compare, id) }
	return o
}

// ByID returns an index ordered by id alone. Split into partitions, it is
// a group: all records of a partition (the tokens of a user, the apps of a
// parent), countable and pageable.
func ByID[V any](name string) *Order[V] {
	o := &Order[V]{name: name}
	o.make = func(id func(V) string) orderIndex[V] { return newOrdered(o, id, strings.Compare, id) }
	return o
}

// PartitionBy splits the index into partitions by part: each listing,
// count and search then covers one partition. A record whose partition is
// "" is not in the index, so an index can hold a few records of many (the
// owners of each room). It returns o, and must be called before the index
// is used.
func (o *Order[V]) PartitionBy(part func(V) string) *Order[V] {
	o.part = part
	return o
}

// Name returns the index's name.
func (o *Order[V]) Name() string { return o.name }

// partOf returns the partition of v, and whether v is in the index.
func (o *Order[V]) partOf(v *V) (string, bool) {
	if o.part == nil {
		return "", true
	}
	p := o.part(*v)
	return p, p != ""
}

// schema is a checked Spec.
type schema[V any] struct {
	Spec[V]
	name      string
	emptyOnce sync.Once
	empty     *data[V]
}

// emptyData is the storage a zero table reads: empty, and never changed.
func (s *schema[V]) emptyData() *data[V] {
	s.emptyOnce.Do(func() { s.empty = newData(s) })
	return s.empty
}

var schemas sync.Map // reflect.Type → *schema[V] of a Record's TableSpec

// recordSchema returns the schema of V's TableSpec, or nil if V has none.
func recordSchema[V any]() *schema[V] {
	t := reflect.TypeFor[V]()
	if s, ok := schemas.Load(t); ok {
		return s.(*schema[V])
	}
	var zero V
	r, ok := any(zero).(Record[V])
	if !ok {
		return nil
	}
	s, _ := schemas.LoadOrStore(t, compile(r.TableSpec()))
	return s.(*schema[V])
}

// compile checks spec; a broken spec is a programming error and panics.
func compile[V any](spec Spec[V]) *schema[V] {
	s := &schema[V]{Spec: spec, name: spec.Name}
	if s.name == "" {
		s.name = reflect.TypeFor[V]().String()
	}
	fail := func(format string, args ...any) {
		panic(fmt.Sprintf("table %q: ", s.name) + fmt.Sprintf(format, args...))
	}
	if spec.ID == nil {
		fail("the spec has no ID function")
	}
	if spec.Clone == nil {
		if path, ok := shared(reflect.TypeFor[V](), "", map[reflect.Type]bool{}); ok {
			fail("%s holds %s, which a stored record would share with its copies: give the spec a Clone", reflect.TypeFor[V](), path)
		}
	}
	names := map[string]bool{"id": true}
	for _, u := range spec.Unique {
		switch {
		case u == nil || u.key == nil:
			fail("a unique index is nil or has no key function")
		case names[u.name]:
			fail("two indexes are named %q (and %q is the primary key)", u.name, "id")
		}
		names[u.name] = true
	}
	seen := map[*Order[V]]bool{}
	for _, o := range spec.Ordered {
		switch {
		case o == nil || o.make == nil:
			fail("an ordered index is nil")
		case seen[o]:
			fail("the ordered index %q is listed twice", o.name)
		}
		seen[o] = true
	}
	return s
}

// shared reports the first field of t (by path) whose value a shallow
// copy would share: a slice, map, pointer, channel, function or interface.
func shared(t reflect.Type, path string, seen map[reflect.Type]bool) (string, bool) {
	if t == reflect.TypeFor[time.Time]() || seen[t] {
		return "", false
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Chan, reflect.Func, reflect.Interface, reflect.UnsafePointer:
		if path == "" {
			path = "a " + t.Kind().String()
		}
		return path + " (" + t.String() + ")", true
	case reflect.Array:
		return shared(t.Elem(), path+"[]", seen)
	case reflect.Struct:
		seen[t] = true
		defer delete(seen, t)
		for i := range t.NumField() {
			f := t.Field(i)
			p := f.Name
			if path != "" {
				p = path + "." + f.Name
			}
			if where, ok := shared(f.Type, p, seen); ok {
				return where, true
			}
		}
	}
	return "", false
}

// Tree options: the table serialises its own changes, so the trees need no
// locks of their own.
var treeOptions = btree.Options{NoLocks: true}
