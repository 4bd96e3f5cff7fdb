package table

import (
	"sort"
	"sync"

	"github.com/tidwall/btree"
)

// orderIndex is one table's instance of an ordered index, whatever its key
// type. gen is the changing table's generation: a partition tree made under
// another generation is shared with a copy and is copied before it changes.
type orderIndex[V any] interface {
	add(gen uint64, v *V)
	remove(gen uint64, v *V)
	// moves reports whether the record's entry moves (another partition or
	// key) when it changes from old to v.
	moves(old, v *V) bool
	// swap points the entry of the unmoved record id at v.
	swap(gen uint64, v *V)
	count(part string) int
	rangeFrom(part string, offset int, desc bool, yield func(V) bool)
	search(part string, f func(V) bool) int
	copy() orderIndex[V]
}

// entry is a record's place in an ordered index. Records of equal keys
// are ordered by id, which is read from the record (keys are mostly
// unique: it is read then for the record itself).
type entry[V, K any] struct {
	key K
	v   *V
}

// partition is one partition's tree. It belongs to the table generation
// that made it; mu serialises the copies other generations take of it.
type partition[V, K any] struct {
	gen  uint64
	tree *btree.BTreeG[entry[V, K]]
	mu   sync.Mutex
}

type partRef[V, K any] struct {
	key string
	p   *partition[V, K]
}

type ordered[V, K any] struct {
	o       *Order[V]
	key     func(V) K
	compare func(a, b K) int
	less    func(a, b entry[V, K]) bool
	parts   *btree.BTreeG[partRef[V, K]]
}

func newOrdered[V, K any](o *Order[V], key func(V) K, compare func(a, b K) int, id func(V) string) *ordered[V, K] {
	x := &ordered[V, K]{o: o, key: key, compare: compare}
	x.less = func(a, b entry[V, K]) bool {
		if c := compare(a.key, b.key); c != 0 {
			return c < 0
		}
		return a.v != b.v && id(*a.v) < id(*b.v)
	}
	x.parts = btree.NewBTreeGOptions(func(a, b partRef[V, K]) bool { return a.key < b.key }, treeOptions)
	return x
}

func (x *ordered[V, K]) entryOf(v *V) entry[V, K] {
	return entry[V, K]{key: x.key(*v), v: v}
}

func (x *ordered[V, K]) get(part string) *partition[V, K] {
	if r, ok := x.parts.Get(partRef[V, K]{key: part}); ok {
		return r.p
	}
	return nil
}

// own returns the partition part as one that generation gen may change,
// copying it first if another generation made it, creating it if create.
func (x *ordered[V, K]) own(gen uint64, part string, create bool) *partition[V, K] {
	p := x.get(part)
	switch {
	case p == nil && !create:
		return nil
	case p == nil:
		p = &partition[V, K]{gen: gen, tree: btree.NewBTreeGOptions(x.less, treeOptions)}
	case p.gen != gen:
		p.mu.Lock()
		tree := p.tree.Copy()
		p.mu.Unlock()
		p = &partition[V, K]{gen: gen, tree: tree}
	default:
		return p
	}
	x.parts.Set(partRef[V, K]{key: part, p: p})
	return p
}

func (x *ordered[V, K]) add(gen uint64, v *V) {
	part, ok := x.o.partOf(v)
	if ok {
		x.own(gen, part, true).tree.Set(x.entryOf(v))
	}
}

func (x *ordered[V, K]) remove(gen uint64, v *V) {
	part, ok := x.o.partOf(v)
	if !ok {
		return
	}
	p := x.own(gen, part, false)
	if p == nil {
		return
	}
	p.tree.Delete(x.entryOf(v))
	if p.tree.Len() == 0 {
		x.parts.Delete(partRef[V, K]{key: part})
	}
}

func (x *ordered[V, K]) moves(old, v *V) bool {
	a, _ := x.o.partOf(old)
	b, _ := x.o.partOf(v)
	return a != b || x.compare(x.key(*old), x.key(*v)) != 0
}

func (x *ordered[V, K]) swap(gen uint64, v *V) {
	x.add(gen, v)
}

func (x *ordered[V, K]) count(part string) int {
	if p := x.get(part); p != nil {
		return p.tree.Len()
	}
	return 0
}

func (x *ordered[V, K]) rangeFrom(part string, offset int, desc bool, yield func(V) bool) {
	p := x.get(part)
	if p == nil {
		return
	}
	n := p.tree.Len()
	offset = max(offset, 0)
	if offset >= n {
		return
	}
	each := func(e entry[V, K]) bool { return yield(*e.v) }
	if desc {
		first, _ := p.tree.GetAt(n - 1 - offset)
		p.tree.Descend(first, each)
		return
	}
	first, _ := p.tree.GetAt(offset)
	p.tree.Ascend(first, each)
}

func (x *ordered[V, K]) search(part string, f func(V) bool) int {
	p := x.get(part)
	if p == nil {
		return 0
	}
	return sort.Search(p.tree.Len(), func(i int) bool {
		e, _ := p.tree.GetAt(i)
		return f(*e.v)
	})
}

func (x *ordered[V, K]) copy() orderIndex[V] {
	c := *x
	c.parts = x.parts.Copy()
	return &c
}
