package table

import (
	"cmp"
	"unicode"
	"unicode/utf8"
)

// CompareFold compares a and b as strings.Compare compares
// strings.ToLower(a) and strings.ToLower(b), without making either: an
// ordered index on a text compared case-insensitively this way keeps the
// text itself as its key, and no lower-cased copy of it per record.
func CompareFold(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if ca < utf8.RuneSelf && cb < utf8.RuneSelf {
			if 'A' <= ca && ca <= 'Z' {
				ca += 'a' - 'A'
			}
			if 'A' <= cb && cb <= 'Z' {
				cb += 'a' - 'A'
			}
			if ca != cb {
				return cmp.Compare(ca, cb)
			}
			i, j = i+1, j+1
			continue
		}
		// As strings.ToLower (strings.Map) does: each rune lower-cased, a
		// byte that is not UTF-8 read as utf8.RuneError. UTF-8 orders as
		// the code points it encodes.
		ra, na := utf8.DecodeRuneInString(a[i:])
		rb, nb := utf8.DecodeRuneInString(b[j:])
		if ra, rb = unicode.ToLower(ra), unicode.ToLower(rb); ra != rb {
			return cmp.Compare(ra, rb)
		}
		i, j = i+na, j+nb
	}
	return cmp.Compare(len(a)-i, len(b)-j) // the one with runes left is later
}

// ByFold returns an ordered index on a text compared case-insensitively
// (see [CompareFold]).
func ByFold[V any](name string, key func(V) string) *Order[V] {
	return ByCompare(name, key, CompareFold)
}
