package table

import (
	"sort"
	"sync"
	"unsafe"

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
type entry[K any] struct {
	key K
	p   unsafe.Pointer // the *V record: see row
}

// record is the record an entry points to (see row for why it holds an
// unsafe.Pointer).
func record[V any](p unsafe.Pointer) V { return *(*V)(p) }

// partition is one large partition's tree. It belongs to the table
// generation that made it; mu serialises the copies other generations take
// of it.
type partition[K any] struct {
	gen  uint64
	tree *btree.BTreeG[entry[K]]
	mu   sync.Mutex
}

// partRef is a partition: a small one (most partitions of most indexes:
// the rooms of a user, the owners of a room) is a sorted slice of at most
// smallPart entries, held here and never changed in place (a change stores
// a new slice), so that copies share it safely; a larger one is a tree.
type partRef[K any] struct {
	key   string
	small []entry[K]
	p     *partition[K]
}

// smallPart is the most entries a partition holds as a slice; a test
// lowers it to make trees of small partitions.
var smallPart = 16

type ordered[V, K any] struct {
	o       *Order[V]
	key     func(V) K
	compare func(a, b K) int
	less    func(a, b entry[K]) bool
	parts   *btree.BTreeG[partRef[K]]
}

func newOrdered[V, K any](o *Order[V], key func(V) K, compare func(a, b K) int, id func(V) string) *ordered[V, K] {
	x := &ordered[V, K]{o: o, key: key, compare: compare}
	x.less = func(a, b entry[K]) bool {
		if c := compare(a.key, b.key); c != 0 {
			return c < 0
		}
		return a.p != b.p && id(record[V](a.p)) < id(record[V](b.p))
	}
	x.parts = btree.NewBTreeGOptions(func(a, b partRef[K]) bool { return a.key < b.key }, treeOptions)
	return x
}

func (x *ordered[V, K]) entryOf(v *V) entry[K] {
	return entry[K]{key: x.key(*v), p: unsafe.Pointer(v)}
}

func (x *ordered[V, K]) get(part string) (partRef[K], bool) {
	return x.parts.Get(partRef[K]{key: part})
}

// find returns where e is or would be in the sorted slice s, and whether
// it is there.
func (x *ordered[V, K]) find(s []entry[K], e entry[K]) (int, bool) {
	i := sort.Search(len(s), func(i int) bool { return !x.less(s[i], e) })
	return i, i < len(s) && !x.less(e, s[i])
}

// own returns the tree of partition r as one that generation gen may
// change, copying it first if another generation made it.
func (x *ordered[V, K]) own(gen uint64, r partRef[K]) *partition[K] {
	p := r.p
	if p.gen == gen {
		return p
	}
	p.mu.Lock()
	tree := p.tree.Copy()
	p.mu.Unlock()
	p = &partition[K]{gen: gen, tree: tree}
	x.parts.Set(partRef[K]{key: r.key, p: p})
	return p
}

func (x *ordered[V, K]) add(gen uint64, v *V) {
	part, ok := x.o.partOf(v)
	if !ok {
		return
	}
	e := x.entryOf(v)
	r, ok := x.get(part)
	switch {
	case ok && r.p != nil:
		x.own(gen, r).tree.Set(e)
	case len(r.small) < smallPart:
		i, found := x.find(r.small, e)
		rest := i
		if found {
			rest++ // e takes the place of the entry it equals
		}
		small := make([]entry[K], 0, i+1+len(r.small)-rest)
		small = append(append(append(small, r.small[:i]...), e), r.small[rest:]...)
		x.parts.Set(partRef[K]{key: part, small: small})
	default:
		tree := btree.NewBTreeGOptions(x.less, treeOptions)
		for _, old := range r.small {
			tree.Load(old)
		}
		tree.Set(e)
		x.parts.Set(partRef[K]{key: part, p: &partition[K]{gen: gen, tree: tree}})
	}
}

func (x *ordered[V, K]) remove(gen uint64, v *V) {
	part, ok := x.o.partOf(v)
	if !ok {
		return
	}
	r, ok := x.get(part)
	if !ok {
		return
	}
	e := x.entryOf(v)
	if r.p != nil {
		p := x.own(gen, r)
		p.tree.Delete(e)
		if p.tree.Len() == 0 {
			x.parts.Delete(r)
		}
		return
	}
	i, found := x.find(r.small, e)
	switch {
	case !found:
	case len(r.small) == 1:
		x.parts.Delete(r)
	default:
		small := make([]entry[K], 0, len(r.small)-1)
		small = append(append(small, r.small[:i]...), r.small[i+1:]...)
		x.parts.Set(partRef[K]{key: part, small: small})
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
	r, _ := x.get(part)
	if r.p != nil {
		return r.p.tree.Len()
	}
	return len(r.small)
}

func (x *ordered[V, K]) rangeFrom(part string, offset int, desc bool, yield func(V) bool) {
	r, ok := x.get(part)
	if !ok {
		return
	}
	offset = max(offset, 0)
	if r.p == nil {
		for i := offset; i < len(r.small); i++ {
			j := i
			if desc {
				j = len(r.small) - 1 - i
			}
			if !yield(record[V](r.small[j].p)) {
				return
			}
		}
		return
	}
	t := r.p.tree
	n := t.Len()
	if offset >= n {
		return
	}
	each := func(e entry[K]) bool { return yield(record[V](e.p)) }
	if desc {
		first, _ := t.GetAt(n - 1 - offset)
		t.Descend(first, each)
		return
	}
	first, _ := t.GetAt(offset)
	t.Ascend(first, each)
}

func (x *ordered[V, K]) search(part string, f func(V) bool) int {
	r, _ := x.get(part)
	if r.p == nil {
		return sort.Search(len(r.small), func(i int) bool { return f(record[V](r.small[i].p)) })
	}
	return sort.Search(r.p.tree.Len(), func(i int) bool {
		e, _ := r.p.tree.GetAt(i)
		return f(record[V](e.p))
	})
}

func (x *ordered[V, K]) copy() orderIndex[V] {
	c := *x
	c.parts = x.parts.Copy()
	return &c
}
