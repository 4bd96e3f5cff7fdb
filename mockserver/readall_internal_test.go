package mockserver

import (
	"bytes"
	"errors"
	"io"
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
