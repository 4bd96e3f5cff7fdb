package table_test

import (
	"strings"
	"testing"

	"github.com/standin/standin/mockserver/table"
)

// CompareFold must order as comparing strings.ToLower's results does,
// for any bytes: cases, non-ASCII letters whose lower case is longer or
// shorter, bytes that are not UTF-8 (read as U+FFFD), prefixes.
func FuzzCompareFold(f *testing.F) {
	for _, pair := range [][2]string{
		{"", ""}, {"a", ""}, {"Alice", "alice"}, {"alice", "Alicf"}, {"Zoë", "zOË"}, {"İstanbul", "istanbul"},
		{"\u212a", "k"}, {"\xff", "\ufffd"}, {"a\xffb", "A\ufffdc"}, {"ǅ", "ǆ"}, {"abc", "ab"}, {"Σ", "σς"},
		{"\xe2\x82", "\xe2"}, {"ä", "b"}, {"B", "ä"},
	} {
		f.Add(pair[0], pair[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		want := strings.Compare(strings.ToLower(a), strings.ToLower(b))
		if got := table.CompareFold(a, b); got != want {
			t.Errorf("CompareFold(%q, %q) = %d, want %d (%q vs %q)", a, b, got, want, strings.ToLower(a), strings.ToLower(b))
		}
	})
}
