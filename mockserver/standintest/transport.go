package standintest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// errClosed is what a request to a closed in-memory server fails with.
var errClosed = errors.New("standintest: the server is closed (the test that made it has ended)")

// memoryTransport is an http.RoundTripper that serves each request with a
// handler in the calling process: no socket, no port. The handler runs in
// a goroutine of its own and its answer streams back through a pipe, so
// that a long or slow body reaches the client as it is written, as over a
// connection.
type memoryTransport struct {
	handler http.Handler

	host string // the one host it serves

	mu     sync.Mutex
	closed bool
	open   map[*io.PipeWriter]context.CancelCauseFunc // answers being written, and their handler's context
	wg     sync.WaitGroup                             // running handlers
}

func newMemoryTransport(h http.Handler, host string) *memoryTransport {
	return &memoryTransport{handler: h, host: host, open: map[*io.PipeWriter]context.CancelCauseFunc{}}
}

// RoundTrip serves req with the handler. It returns once the handler has
// written its header (or its first byte, or returned); the body is read
// from the handler as it writes it. The handler's context ends, as a
// server's does when its connection closes, when the request's context
// ends, when the client closes the body, or when the transport is closed.
func (t *memoryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL == nil || req.URL.Scheme != "http" || req.URL.Host != t.host {
		closeBody(req)
		return nil, fmt.Errorf("standintest: the in-memory client serves only http://%s/..., not %q: a server made without Listen has no socket", t.host, req.URL)
	}
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancelCause(req.Context())
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		cancel(errClosed)
		closeBody(req)
		return nil, errClosed
	}
	t.open[pw] = cancel
	t.wg.Add(1)
	t.mu.Unlock()

	w := &pipeWriter{header: http.Header{}, body: pw, ready: make(chan struct{})}
	r := serverRequest(req).WithContext(ctx)
	go func() {
		defer t.wg.Done()
		defer func() {
			t.mu.Lock()
			delete(t.open, pw)
			t.mu.Unlock()
			cancel(errors.New("standintest: the handler returned"))
		}()
		defer closeBody(req)
		aborted := true
		defer func() {
			if !aborted {
				w.finish(nil)
				return
			}
			// The handler panicked: http.ErrAbortHandler, or anything
			// else, which a server would log and answer by cutting the
			// connection. So does the client here.
			v := recover()
			if v == nil {
				v = "the handler stopped its goroutine"
			}
			w.finish(fmt.Errorf("standintest: the server cut the connection: %v", v))
		}()
		t.handler.ServeHTTP(w, r)
		aborted = false
	}()

	select {
	case <-w.ready:
	case <-req.Context().Done():
		_ = pr.CloseWithError(req.Context().Err())
		return nil, req.Context().Err()
	}
	if w.err != nil && !w.sent {
		_ = pr.Close()
		return nil, w.err
	}
	res := &http.Response{
		Status:        fmt.Sprintf("%d %s", w.status, http.StatusText(w.status)),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.sentHeader,
		Body:          newResponseBody(req.Context(), pr, cancel),
		ContentLength: -1,
		Request:       req,
	}
	if n, err := strconv.ParseInt(res.Header.Get("Content-Length"), 10, 64); err == nil && n >= 0 {
		res.ContentLength = n
	}
	if req.Method == http.MethodHead || w.status == http.StatusNoContent || w.status == http.StatusNotModified {
		res.Body = http.NoBody
		_ = pr.Close() // the handler's writes, if any, go nowhere
	}
	return res, nil
}

// close refuses new requests, cuts the bodies still being written and
// waits for the handlers to return.
func (t *memoryTransport) close() {
	t.mu.Lock()
	t.closed = true
	for pw, cancel := range t.open {
		cancel(errClosed)
		_ = pw.CloseWithError(errClosed)
	}
	t.mu.Unlock()
	t.wg.Wait()
}

// serverRequest turns a client's request into what a server hands its
// handler: a body that is never nil, RequestURI, RemoteAddr and Host set.
func serverRequest(req *http.Request) *http.Request {
	r := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		r.Body, r.ContentLength = http.NoBody, 0
	} else {
		r.Body = io.NopCloser(req.Body) // closed by the transport when the handler returns
		if r.ContentLength == 0 {
			r.ContentLength = -1 // a client's 0 with a body means unknown
		}
	}
	r.RequestURI = req.URL.RequestURI()
	r.RemoteAddr = "127.0.0.1:1"
	if r.Host == "" {
		r.Host = req.URL.Host
	}
	r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/1.1", 1, 1
	r.URL.Scheme, r.URL.Host = "", "" // as a server parses a request line
	return r
}

// closeBody closes req's body, as a RoundTripper must, even on errors.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// pipeWriter is the handler's http.ResponseWriter: the header is sent on
// the first Write, WriteHeader or Flush, the body through the pipe.
type pipeWriter struct {
	header     http.Header
	sentHeader http.Header
	body       *io.PipeWriter
	ready      chan struct{} // closed once status and header are sent
	status     int
	sent       bool
	err        error // why the handler ended without an answer
}

func (w *pipeWriter) Header() http.Header { return w.header }

func (w *pipeWriter) WriteHeader(code int) {
	if w.sent {
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code < 200 {
		return // informational answers are not passed on
	}
	w.status, w.sent = code, true
	w.sentHeader = w.header.Clone()
	close(w.ready)
}

func (w *pipeWriter) Write(p []byte) (int, error) {
	if !w.sent {
		if w.header.Get("Content-Type") == "" && len(p) > 0 {
			w.header.Set("Content-Type", http.DetectContentType(p))
		}
		w.WriteHeader(http.StatusOK)
	}
	return w.body.Write(p)
}

// Flush sends the header; the body is unbuffered already.
func (w *pipeWriter) Flush() {
	if !w.sent {
		w.WriteHeader(http.StatusOK)
	}
}

// finish ends the answer when the handler returns: with err (a panic),
// the body is cut and, if nothing was sent, the round trip fails.
func (w *pipeWriter) finish(err error) {
	if err != nil && !w.sent {
		w.err = err
		close(w.ready)
		_ = w.body.CloseWithError(err)
		return
	}
	if !w.sent {
		w.WriteHeader(http.StatusOK)
	}
	if err != nil {
		_ = w.body.CloseWithError(err)
		return
	}
	_ = w.body.Close()
}

// responseBody is the client's side of the pipe. Like a response body
// read from a connection, it fails once the request's context is done.
type responseBody struct {
	ctx    context.Context
	pr     *io.PipeReader
	stop   func() bool             // stops the context watch
	cancel context.CancelCauseFunc // ends the handler's context
}

func newResponseBody(ctx context.Context, pr *io.PipeReader, cancel context.CancelCauseFunc) *responseBody {
	b := &responseBody{ctx: ctx, pr: pr, cancel: cancel}
	b.stop = context.AfterFunc(ctx, func() { _ = pr.CloseWithError(context.Cause(ctx)) })
	return b
}

func (b *responseBody) Read(p []byte) (int, error) {
	if b.ctx.Err() != nil {
		return 0, context.Cause(b.ctx)
	}
	return b.pr.Read(p)
}

// Close stops the handler's writes: they fail, as on a closed connection.
func (b *responseBody) Close() error {
	b.stop()
	err := errors.New("standintest: the client closed the response body")
	b.cancel(err)
	_ = b.pr.CloseWithError(err)
	return nil
}
