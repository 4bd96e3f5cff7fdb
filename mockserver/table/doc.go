// Package table holds a fake's collections as indexed tables: records of one
// type V under a primary key (a string id), with unique secondary indexes
// (a lower-cased username, an e-mail address) and ordered indexes (by name,
// by time, by count), each optionally split into partitions (rooms by type,
// users by app, members by room).
//
// Costs, for a table of n records and a partition of m:
//
//   - Get by id and Lookup by a unique key: O(log n).
//   - Insert, Replace, Update and Delete: O(log n) per index.
//   - Count of a partition: O(log p) for p partitions of the index.
//   - A page at any offset, ascending or descending, with its total
//     (Page): O(log p + log m + page). Partitions are separate trees (one
//     of up to 16 records a sorted slice), so a large partition never
//     slows a call on another.
//   - Search (the first position where a monotone predicate turns true, as
//     sort.Search): O(log² m).
//   - Copy: O(1). The copy shares the storage and each side copies what it
//     changes (copy on write), so an export can encode a consistent copy
//     outside the lock while the original keeps changing.
//
// # Keeping the indexes true
//
// Records are changed only through the table (Insert, Replace, Update,
// Delete), which moves every index entry whose key changed. Stored records
// are never changed in place: Update hands its function a copy (made with
// the spec's Clone) and stores the result as a new record, so a copy taken
// earlier keeps what it saw. Values that Get, Lookup, Page and Range return
// are shallow copies: their slices and maps are the stored ones and must not
// be modified (change a record with Update instead). A record type that
// holds slices, maps, pointers or interfaces must therefore have a Clone;
// the table refuses to start without one.
//
// Key functions (ID, the unique keys, the ordered keys and partitions) must
// depend on the record alone: the table recomputes them from the stored
// record to find its entries again.
//
// # Orders
//
// An ordered index sorts by its key, then by id, so records with equal keys
// keep one stable order. [ByTime] compares instants ([time.Time.Compare]),
// never their text, so 00:01:00Z sorts before 00:01:00.5Z. Sorting by text
// case-insensitively is [ByFold] (or [CompareFold] in a ByCompare), which
// compares as lower-cased text without keeping a lower-cased copy of each
// record's text: a key function that lower-cases keeps one per record
// whose text has an upper-case letter.
//
// # JSON
//
// A table encodes as an object of its records keyed by id, in id order:
// byte for byte what encoding/json makes of a map[string]V, so snapshots
// keep their format. Decoding rebuilds every index and refuses, with an
// error naming the record and the key, a record filed under a key that is
// not its id, a key given twice, a null record and two records with the
// same unique key; a refused decode leaves the table as it was.
//
// # Declaring a table
//
// A record type declares its table by a TableSpec method, so that a zero
// Table is ready to use and decodes from JSON without set-up (a table can
// also be built from a spec with [New]):
//
//	var (
//		byUsername = table.UniqueFold("username", func(u User) string { return u.Username })
//		byName     = table.ByKey("username", func(u User) string { return strings.ToLower(u.Username) })
//		byCreated  = table.ByTime("createdAt", func(u User) time.Time { return u.CreatedAt })
//	)
//
//	func (User) TableSpec() table.Spec[User] {
//		return table.Spec[User]{Name: "users", ID: func(u User) string { return u.ID },
//			Unique: []*table.Unique[User]{byUsername}, Ordered: []*table.Order[User]{byName, byCreated},
//			Clone: func(u User) User { u.Roles = slices.Clone(u.Roles); return u }}
//	}
//
//	type State struct {
//		Users table.Table[User] `json:"users"`
//	}
//
// Index handles are package variables: the table finds its indexes by them.
//
// # Concurrency
//
// Like a map, a table may be read from many goroutines at once, and a
// change needs exclusive access. Copy may run alongside reads (a store's
// read lock is enough). A table and its copies share no state that either
// changes, so each may be changed by its own goroutine.
//
// # Collections inside records
//
// Update copies the record it changes, so a record holding a large
// collection (a room's thousands of members) makes each change cost the
// collection's size. Give such a collection a table of its own instead: a
// membership per row, keyed by room and user, with an index by room
// (ordered by what the member listing sorts by, held in the row) and a
// group by user (the rooms a user is in). A member joins in O(log n), and
// the room's member count is a partition's Count.
//
// # Paging
//
// Page copies the records of a page into a new slice; Range yields them
// one at a time, for a listing that converts each record to its answer or
// filters records no index serves (a filter that scans: say so where the
// API documents it).
//
// # The trees
//
// The trees are [github.com/tidwall/btree]'s BTreeG (v1.8): its nodes keep
// counts, so GetAt finds the i-th record in O(log n) and a page at any
// offset costs the same, and Copy is copy on write.
// [github.com/google/btree] copies on write too but keeps no counts, so a
// last page would cost O(offset). Primary keys compare by their first 8
// bytes before their text, and unique keys by a hash (they need no order),
// so that a lookup in a large table reads few strings.
package table
