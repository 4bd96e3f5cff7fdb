package main

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// batchOut is a bytes.Buffer safe for the flush timer's goroutine.
type batchOut struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (s *batchOut) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *batchOut) state() (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String(), s.writes
}

func TestBatchWriterGathersLinesIntoOneWrite(t *testing.T) {
	var out batchOut
	w := newBatchWriter(&out, time.Hour, 1<<20)
	for i := range 100 {
		if _, err := w.Write([]byte("line " + string(rune('a'+i%26)) + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := out.state(); got != "" {
		t.Fatalf("written before a flush: %q", got)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got, writes := out.state()
	if writes != 1 || strings.Count(got, "\n") != 100 || !strings.HasPrefix(got, "line a\nline b\n") {
		t.Fatalf("after Flush: %d writes of %q, want the 100 lines in order in one write", writes, got)
	}
}

func TestBatchWriterFlushesAfterTheDelay(t *testing.T) {
	var out batchOut
	w := newBatchWriter(&out, 5*time.Millisecond, 1<<20)
	_, _ = w.Write([]byte("one\n"))
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got, _ := out.state(); got == "one\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a line was never written without a Flush")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestBatchWriterFlushesAtTheLimit(t *testing.T) {
	var out batchOut
	w := newBatchWriter(&out, time.Hour, 10)
	_, _ = w.Write([]byte("12345"))
	_, _ = w.Write([]byte("67890"))
	if got, writes := out.state(); got != "1234567890" || writes != 1 {
		t.Fatalf("at the limit: %d writes of %q, want one of 1234567890", writes, got)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestBatchWriterReportsTheWritersError(t *testing.T) {
	w := newBatchWriter(failingWriter{}, time.Hour, 1<<20)
	_, _ = w.Write([]byte("x"))
	if err := w.Flush(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Flush = %v, want the writer's error", err)
	}
	if _, err := w.Write([]byte("y")); err == nil {
		t.Fatal("Write after a failed flush succeeded")
	}
}
