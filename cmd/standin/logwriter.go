package main

import (
	"io"
	"sync"
	"time"
)

// batchWriter gathers what is written to it and passes it on at most
// every delay, or as soon as limit bytes wait: a log record a request
// costs a buffered copy instead of a write system call. Flush passes on
// what waits; serve calls it before it exits.
type batchWriter struct {
	mu    sync.Mutex
	out   io.Writer
	buf   []byte
	delay time.Duration
	limit int
	timer *time.Timer // runs Flush delay after the first write since the last flush
	armed bool
	err   error // the first error from out
}

func newBatchWriter(out io.Writer, delay time.Duration, limit int) *batchWriter {
	b := &batchWriter{out: out, delay: delay, limit: limit}
	b.timer = time.AfterFunc(time.Hour, func() { _ = b.Flush() })
	b.timer.Stop()
	return b
}

// Write keeps a copy of p. It reports the error of an earlier write to
// the underlying writer, if any.
func (b *batchWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return 0, b.err
	}
	b.buf = append(b.buf, p...)
	switch {
	case len(b.buf) >= b.limit:
		b.flushLocked()
	case !b.armed:
		b.armed = true
		b.timer.Reset(b.delay)
	}
	return len(p), nil
}

// Flush writes what waits.
func (b *batchWriter) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	return b.err
}

func (b *batchWriter) flushLocked() {
	if b.armed {
		b.timer.Stop()
		b.armed = false
	}
	if len(b.buf) == 0 || b.err != nil {
		return
	}
	_, b.err = b.out.Write(b.buf)
	b.buf = b.buf[:0]
}
