package mockserver

import (
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// journalBodyLimit is how much of each body the journal keeps.
const journalBodyLimit = 4096

// Entry is one request as the journal remembers it.
type Entry struct {
	Seq          uint64        `json:"seq"`
	Time         time.Time     `json:"time"`
	API          string        `json:"api,omitempty"`
	Namespace    string        `json:"namespace"`
	Method       string        `json:"method"`
	Path         string        `json:"path"`
	Query        string        `json:"query,omitempty"`
	Status       int           `json:"status"`
	Duration     time.Duration `json:"durationNs"`
	RequestBody  string        `json:"requestBody,omitempty"`
	ResponseBody string        `json:"responseBody,omitempty"`
}

// Journal keeps the last N requests in a ring buffer. It is safe for
// concurrent use.
type Journal struct {
	mu   sync.Mutex
	ring []Entry
	next uint64 // sequence number of the next entry
}

// NewJournal returns a journal that keeps the last size entries.
func NewJournal(size int) *Journal {
	return &Journal{ring: make([]Entry, 0, max(size, 1))}
}

func (j *Journal) add(e Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.next++
	e.Seq = j.next
	if len(j.ring) < cap(j.ring) {
		j.ring = append(j.ring, e)
		return
	}
	j.ring[(j.next-1)%uint64(cap(j.ring))] = e
}

// Last returns up to n of the most recent entries that match keep (nil keeps
// all), oldest first.
func (j *Journal) Last(n int, keep func(Entry) bool) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Entry, 0, min(n, len(j.ring)))
	size := uint64(len(j.ring))
	for i := uint64(0); i < size && len(out) < n; i++ {
		e := j.ring[(j.next-1-i)%uint64(cap(j.ring))]
		if keep == nil || keep(e) {
			out = append(out, e)
		}
	}
	for l, r := 0, len(out)-1; l < r; l, r = l+1, r-1 {
		out[l], out[r] = out[r], out[l]
	}
	return out
}

// Clear forgets every entry.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.ring = j.ring[:0]
	j.next = 0
}

// clip returns b as text, cut to the journal's body limit.
func clip(b []byte) string {
	if len(b) > journalBodyLimit {
		b = b[:journalBodyLimit]
		// Step back to the start of a character, so that a cut never
		// turns text into "binary".
		for i := 0; i < utf8.UTFMax && len(b) > 0 && !utf8.Valid(b); i++ {
			b = b[:len(b)-1]
		}
	}
	if !utf8.Valid(b) {
		return "(binary, " + strconv.Itoa(len(b)) + " bytes)"
	}
	return string(b)
}
