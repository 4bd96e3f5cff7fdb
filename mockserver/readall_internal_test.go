package mockserver

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadAllTakesWhatComesWhateverTheAnnouncedLength(t *testing.T) {
	body := strings.Repeat("standin ", 100)
	for _, tt := range []struct {
		name          string
		length, limit int64
	}{
		{"announced", int64(len(body)), 1 << 20},
		{"unknown", -1, 1 << 20},
		{"announced short", 10, 1 << 20},
		{"announced long", int64(len(body)) * 2, 1 << 20},
		{"over the limit", int64(len(body)), 100},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// One byte a read, so that every path of the loop runs.
			got, err := readAll(iotest.OneByteReader(strings.NewReader(body)), tt.length, tt.limit)
			if err != nil || string(got) != body {
				t.Fatalf("readAll = %q, %v; want the body", got, err)
			}
		})
	}
}

func TestReadAllReportsTheReadersError(t *testing.T) {
	broken := errors.New("connection reset")
	r := io.MultiReader(bytes.NewReader([]byte("part")), iotest.ErrReader(broken))
	got, err := readAll(r, 100, 1<<20)
	if !errors.Is(err, broken) || string(got) != "part" {
		t.Fatalf("readAll = %q, %v; want what came and the error", got, err)
	}
}

// A body that sends more than it announced is cut at the limit, which
// MaxBytesReader does not watch over for a body announced within it.
func TestReadAllHoldsALongerBodyToTheLimit(t *testing.T) {
	body := strings.Repeat("standin ", 100)
	got, err := readAll(iotest.OneByteReader(strings.NewReader(body)), 10, 100)
	var tooLarge *http.MaxBytesError
	if !errors.As(err, &tooLarge) || tooLarge.Limit != 100 || len(got) > 101 {
		t.Fatalf("readAll = %d bytes, %v; want at most 101 and a MaxBytesError", len(got), err)
	}
	if got, err := readAll(strings.NewReader(body[:100]), 10, 100); err != nil || string(got) != body[:100] {
		t.Fatalf("readAll of exactly the limit = %q, %v", got, err)
	}
}
