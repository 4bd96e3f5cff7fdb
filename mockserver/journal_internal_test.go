package mockserver

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// addN adds entries with paths /1 to /n.
func addN(j *Journal, from, to int) {
	for i := from; i <= to; i++ {
		j.add(Entry{Path: "/" + strconv.Itoa(i)})
	}
}

func paths(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Path
	}
	return out
}

func TestJournalRingKeepsNewestInOrder(t *testing.T) {
	tests := []struct {
		size, added, last int
	}{
		{size: 3, added: 0, last: 10},
		{size: 3, added: 2, last: 10},
		{size: 3, added: 3, last: 10},
		{size: 3, added: 4, last: 10},
		{size: 3, added: 7, last: 10},
		{size: 3, added: 7, last: 2},
		{size: 1, added: 5, last: 5},
		{size: 4, added: 100, last: 3},
		{size: 4, added: 8, last: 4}, // exactly two laps
		{size: 0, added: 3, last: 3}, // a size below one keeps one
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("size %d added %d last %d", tt.size, tt.added, tt.last), func(t *testing.T) {
			j := NewJournal(tt.size)
			addN(j, 1, tt.added)
			kept := min(max(tt.size, 1), tt.added, tt.last)
			got := j.Last(tt.last, nil)
			if len(got) != kept {
				t.Fatalf("Last(%d) returned %d entries %q, want %d", tt.last, len(got), paths(got), kept)
			}
			for i, e := range got {
				want := tt.added - kept + 1 + i
				if e.Path != "/"+strconv.Itoa(want) || e.Seq != uint64(want) {
					t.Errorf("entry %d = seq %d path %s, want seq %d path /%d (all: %q)", i, e.Seq, e.Path, want, want, paths(got))
				}
			}
		})
	}
}

func TestJournalLastFilters(t *testing.T) {
	j := NewJournal(5)
	addN(j, 1, 12) // keeps /8 to /12
	even := func(e Entry) bool {
		n, _ := strconv.Atoi(strings.TrimPrefix(e.Path, "/"))
		return n%2 == 0
	}
	tests := []struct {
		n    int
		keep func(Entry) bool
		want string
	}{
		{10, even, "/8 /10 /12"},
		{2, even, "/10 /12"},
		{1, even, "/12"},
		{0, even, ""},
		{10, func(Entry) bool { return false }, ""},
		{10, nil, "/8 /9 /10 /11 /12"},
	}
	for _, tt := range tests {
		if got := strings.Join(paths(j.Last(tt.n, tt.keep)), " "); got != tt.want {
			t.Errorf("Last(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestJournalClear(t *testing.T) {
	j := NewJournal(3)
	addN(j, 1, 5)
	j.Clear()
	if got := j.Last(10, nil); len(got) != 0 {
		t.Fatalf("after Clear, Last = %q", paths(got))
	}
	addN(j, 6, 7)
	got := j.Last(10, nil)
	if strings.Join(paths(got), " ") != "/6 /7" || got[0].Seq >= got[1].Seq {
		t.Errorf("after Clear and two adds, Last = %+v", got)
	}
	addN(j, 8, 10) // wraps again after the clear
	if got := strings.Join(paths(j.Last(10, nil)), " "); got != "/8 /9 /10" {
		t.Errorf("after wrapping again, Last = %q, want /8 /9 /10", got)
	}
}

func TestJournalConcurrentUse(t *testing.T) {
	const writers, each = 8, 200
	j := NewJournal(50)
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for range each {
				j.add(Entry{Path: "/x"})
				_ = j.Last(10, nil)
			}
		})
	}
	wg.Wait()
	got := j.Last(1000, nil)
	if len(got) != 50 {
		t.Fatalf("kept %d entries, want 50", len(got))
	}
	for i, e := range got {
		if want := uint64(writers*each - 50 + 1 + i); e.Seq != want {
			t.Fatalf("entry %d has seq %d, want %d", i, e.Seq, want)
		}
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("a", journalBodyLimit+10)
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, ""},
		{"text", []byte(`{"a":1}`), `{"a":1}`},
		{"long text is cut", []byte(long), long[:journalBodyLimit]},
		{"binary", []byte{0xff, 0xfe, 0x00}, "(binary, 3 bytes)"},
	}
	for _, tt := range tests {
		if got := clip(tt.in); got != tt.want {
			t.Errorf("%s: clip = %.40q, want %.40q", tt.name, got, tt.want)
		}
	}

	t.Run("long text cut inside a character", func(t *testing.T) {
		// "a" then two-byte runes: the limit falls in the middle of one.
		in := "a" + strings.Repeat("é", journalBodyLimit)
		got := clip([]byte(in))
		if !strings.HasPrefix(in, got) || len(got) < journalBodyLimit-3 {
			t.Errorf("clip = %.40q (%d bytes), want a prefix of the text of about %d bytes", got, len(got), journalBodyLimit)
		}
	})
}

// BenchmarkJournalAdd measures the journal's part of every request: it must
// not allocate.
func BenchmarkJournalAdd(b *testing.B) {
	j := NewJournal(1000)
	e := Entry{Method: "GET", Path: "/x", Status: 200}
	b.ReportAllocs()
	for b.Loop() {
		j.add(e)
	}
}

// BenchmarkJournalCount measures an admin query over a full ring of 1000
// entries with a path glob: the cost of GET /__standin/journal/count.
func BenchmarkJournalCount(b *testing.B) {
	j := NewJournal(1000)
	for i := range 1500 {
		j.add(Entry{Method: "GET", Path: "/rocketchat/api/v1/channels." + strconv.Itoa(i), Status: 200 + i%300})
	}
	f := JournalFilter{Methods: []string{"GET"}, Path: "/rocketchat/api/v1/channels.*", Status: []StatusRange{{400, 499}}}
	b.ReportAllocs()
	for b.Loop() {
		if n, _ := j.Count(f); n == 0 {
			b.Fatal("no match")
		}
	}
}
