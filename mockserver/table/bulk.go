package table

import (
	"cmp"
	"slices"
	"strings"
)

// InsertAll inserts vs, all or none: it refuses them (the table unchanged)
// if one has no id, an id another has or the table holds, or a unique key
// another record holds. Of those, it names the record with the smallest
// id that has such a key, and the record that holds it: the table's, or
// the one with the smallest id among vs. It costs about as much as as many
// Inserts.
//
// The records are stored in blocks of up to blockSize, one allocation
// each, rather than one allocation a record: the garbage collector then
// marks a block once for all its records, which is most of its work on a
// large table. A block's memory is freed once none of its records is in
// any table or copy: records replaced or deleted later keep their block
// until the last of them goes.
func (t *Table[V]) InsertAll(vs []V) error {
	d := t.data()
	rows := make([]row[V], len(vs))
	var block []V
	for i := range vs {
		if len(block) == cap(block) {
			block = make([]V, 0, min(blockSize, len(vs)-i))
		}
		block = append(block, d.clone(vs[i]))
		v := &block[len(block)-1]
		id := d.s.ID(*v)
		rows[i] = newRow(id, v)
	}
	return d.insertAll(rows)
}

// blockSize is the most records InsertAll stores in one allocation.
const blockSize = 1024

// insertAll checks rows, then indexes them.
func (d *data[V]) insertAll(rows []row[V]) error {
	slices.SortStableFunc(rows, func(a, b row[V]) int {
		if a.pre != b.pre {
			return cmp.Compare(a.pre, b.pre)
		}
		return strings.Compare(a.id, b.id)
	})
	if len(rows) > 0 && rows[0].id == "" {
		return &RecordError{Table: d.s.name, Reason: "a record needs an id"}
	}
	// The refusal names the smallest id refused, as inserting one by one
	// in id order would: a taken id before a taken unique key.
	var first *DuplicateError
	for i, r := range rows {
		if (i > 0 && rows[i-1].id == r.id) || d.has(r.id) {
			first = &DuplicateError{Table: d.s.name, Index: "id", Key: r.id, ID: r.id, Other: r.id}
			break
		}
	}
	type keyed struct {
		h   uint64
		key string
		v   *V
	}
	for i, u := range d.s.Unique {
		ks := make([]keyed, 0, len(rows))
		for _, r := range rows {
			if k := u.keyOf(r.v()); k != "" {
				ks = append(ks, keyed{keyHash(k), k, r.v()})
			}
		}
		// By hash and key, then id: equal keys group.
		slices.SortFunc(ks, func(a, b keyed) int {
			if a.h != b.h {
				return cmp.Compare(a.h, b.h)
			}
			if c := strings.Compare(a.key, b.key); c != 0 {
				return c
			}
			return strings.Compare(d.s.ID(*a.v), d.s.ID(*b.v))
		})
		for j := 0; j < len(ks); {
			end := j + 1
			for end < len(ks) && ks[end].h == ks[j].h && ks[end].key == ks[j].key {
				end++
			}
			refused, holder := j+1, d.s.ID(*ks[j].v)
			if held := d.uniques[i].get(ks[j].key); held != nil {
				refused, holder = j, d.s.ID(*held)
			}
			if refused < end {
				id := d.s.ID(*ks[refused].v)
				if first == nil || id < first.ID {
					first = &DuplicateError{Table: d.s.name, Index: u.name, Key: ks[j].key, ID: id, Other: holder}
				}
			}
			j = end
		}
	}
	if first != nil {
		return first
	}
	// Sorted input would be faster to load (tidwall's Load appends), but
	// it leaves every node half full: about a fifth more memory for good.
	for _, r := range rows {
		d.insert(r.id, r.v())
	}
	return nil
}

func (d *data[V]) has(id string) bool {
	_, ok := d.rows.Get(idRow[V](id))
	return ok
}
