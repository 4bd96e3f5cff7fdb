package chatkitty

import (
	"maps"
	"slices"
	"strings"

	"github.com/standin/standin/mockserver/table"
)

// Paging of HAL pages: page is zero-based; a size below 1 is the default
// and one above maxPageSize is served as maxPageSize, as Spring Data does
// with its defaults.
const (
	defaultPageSize = 20
	maxPageSize     = 2000
	defaultCursor   = 25
)

// PageRequest is a listing's page, size and sort.
type PageRequest struct {
	Page int
	Size int
	Sort []string
}

func (p PageRequest) norm() PageRequest {
	if p.Page < 0 {
		p.Page = 0
	}
	switch {
	case p.Size < 1:
		p.Size = defaultPageSize
	case p.Size > maxPageSize:
		p.Size = maxPageSize
	}
	return p
}

// sortable is a listing's sort properties and the index of each; every
// property is unique within the listing, so a second sort criterion never
// changes the order and the first decides.
type sortable[V any] map[string]*table.Order[V]

// order returns the index and direction p.Sort asks for; the first
// property is the default.
func (s sortable[V]) order(p PageRequest, def string) (*table.Order[V], bool, error) {
	if len(p.Sort) == 0 {
		return s[def], false, nil
	}
	prop, dir, _ := strings.Cut(p.Sort[0], ",")
	o, ok := s[prop]
	if !ok {
		names := slices.Sorted(maps.Keys(s))
		return nil, false, ErrBadSort.Withf("sort: this listing sorts by %s, not %q", strings.Join(names, " or "), prop)
	}
	switch strings.ToLower(dir) {
	case "", "asc":
		return o, false, nil
	case "desc":
		return o, true, nil
	}
	return nil, false, ErrBadSort.Withf("sort: direction must be asc or desc, not %q", dir)
}

// page returns page p of partition part of index o, and the partition's
// size: O(log n + size).
func page[V any](t *table.Table[V], o *table.Order[V], part string, p PageRequest, desc bool) ([]V, int) {
	return t.Page(o, part, p.Page*p.Size, p.Size, desc)
}

// The cursor relations.
const (
	RelSelf     = "SELF"
	RelPrevious = "PREVIOUS"
	RelNext     = "NEXT"
)

// Cursor is a cursor page request of messages or notifications, newest
// first: without Next, the page starts at Start (or at the newest);
// relation NEXT continues with those older than Next, PREVIOUS with those
// newer than Next.
type Cursor struct {
	Size     int
	Start    int64
	Next     int64
	Relation string
}

// CursorPage is one page of a cursor listing and whether there is more
// on either side.
type CursorPage[V any] struct {
	Items        []V
	Older, Newer bool
}

// cursorPage reads c from partition part of index o, whose keys are the
// records' ids (id of V), keeping those keep accepts (nil: all). Reaching
// the cursor is O(log n); a filter skips what it rejects.
func cursorPage[V any](t *table.Table[V], o *table.Order[V], part string, id func(V) int64, c Cursor, keep func(V) bool) CursorPage[V] {
	if c.Size < 1 {
		c.Size = defaultCursor
	}
	c.Size = min(c.Size, maxPageSize)
	n := t.Count(o, part)
	below := func(x int64) int { return t.Search(o, part, func(v V) bool { return id(v) >= x }) } // how many ids < x
	var out CursorPage[V]
	take := func(v V) bool {
		if keep == nil || keep(v) {
			out.Items = append(out.Items, v)
		}
		return len(out.Items) < c.Size
	}
	if c.Relation == RelPrevious && c.Next != 0 {
		// the page just newer than Next, newest first
		from := below(c.Next + 1)
		for v := range t.Range(o, part, from, false) {
			if !take(v) {
				break
			}
		}
		for i, j := 0, len(out.Items)-1; i < j; i, j = i+1, j-1 {
			out.Items[i], out.Items[j] = out.Items[j], out.Items[i]
		}
	} else {
		upTo := n // older than this position, counted from the oldest
		switch {
		case c.Relation == RelNext && c.Next != 0:
			upTo = below(c.Next)
		case c.Start != 0:
			upTo = below(c.Start + 1)
		}
		for v := range t.Range(o, part, n-upTo, true) {
			if !take(v) {
				break
			}
		}
	}
	if len(out.Items) > 0 {
		out.Older = below(id(out.Items[len(out.Items)-1])) > 0
		out.Newer = below(id(out.Items[0])+1) < n
	}
	return out
}
