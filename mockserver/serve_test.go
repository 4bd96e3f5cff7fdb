package mockserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
)

// wait bounds how long a test waits for something that should be quick; it
// is generous so that slow machines never fail on it.
const wait = 30 * time.Second

func send(t *testing.T, c *http.Client, method, url, body string, hdr map[string]string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r, err := http.NewRequestWithContext(t.Context(), method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	resp, err := c.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestPanicInHandler(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	c := &http.Client{Timeout: wait}
	hdr := map[string]string{"X-Key": goodKey, mockserver.NamespaceHeader: "a"}

	// The handler panics while it holds the namespace's state.
	status, body := send(t, c, http.MethodPost, ts.URL+"/pets/pets", `{"name":"`+panicName+`"}`, hdr)
	if status != http.StatusInternalServerError {
		t.Fatalf("panicking handler: status %d, want 500; body %s", status, body)
	}
	var e errBody
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Kind != mockserver.KindInternal || e.Code != "internal" {
		t.Errorf("panicking handler answered %s, want the API's envelope with kind and code internal", body)
	}

	// The server keeps serving, the same namespace included.
	status, body = send(t, c, http.MethodPost, ts.URL+"/pets/pets", `{"name":"rex"}`, hdr)
	if status != http.StatusCreated {
		t.Fatalf("request after the panic: status %d, want 201; body %s", status, body)
	}
	status, body = send(t, c, http.MethodGet, ts.URL+"/pets/pets", "", hdr)
	if status != http.StatusOK || !strings.Contains(body, `"rex"`) || strings.Contains(body, panicName) {
		t.Errorf("GET after the panic: %d %s, want just rex", status, body)
	}

	entries := srv.Journal().Last(10, nil)
	if len(entries) != 3 || entries[0].Status != http.StatusInternalServerError || entries[0].API != "pets" {
		t.Errorf("journal = %+v, want the panic first as a 500 of pets", entries)
	}
}

func TestServeShutsDownWhenCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, mockserver.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- mockserver.Serve(ctx, ln, &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: wait}, wait)
	}()

	c := &http.Client{Timeout: wait}
	url := "http://" + ln.Addr().String()
	if status, body := send(t, c, http.MethodGet, url+"/__standin/health", "", nil); status != http.StatusOK {
		t.Fatalf("health: %d %s", status, body)
	}
	if status, body := send(t, c, http.MethodPost, url+"/pets/pets", `{"name":"rex"}`, map[string]string{"X-Key": goodKey}); status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	c.CloseIdleConnections()

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v after cancel, want nil", err)
		}
	case <-time.After(wait):
		t.Fatal("Serve did not return after its context was cancelled")
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), wait); err == nil {
		t.Error("the listener still accepts connections after Serve returned")
	}
}

func TestServeFinishesRequestsInFlight(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		_, _ = io.WriteString(w, "finished")
	})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- mockserver.Serve(ctx, ln, &http.Server{Handler: h, ReadHeaderTimeout: wait}, wait) }()

	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := (&http.Client{Timeout: wait}).Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{resp.StatusCode, string(b), err}
	}()
	select {
	case <-started:
	case <-time.After(wait):
		t.Fatal("the request never reached the handler")
	}

	cancel()
	// Shutdown has begun once the listener stops accepting.
	deadline := time.Now().Add(wait)
	for {
		conn, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			close(release)
			t.Fatal("the listener was not closed after cancel")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("Serve returned %v while a request was in flight", err)
	default:
	}

	close(release)
	r := <-got
	if r.err != nil || r.status != http.StatusOK || r.body != "finished" {
		t.Errorf("request in flight: %d %q %v, want 200 finished", r.status, r.body, r.err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve returned %v, want nil", err)
		}
	case <-time.After(wait):
		t.Fatal("Serve did not return after the last request finished")
	}
}

func TestServeReportsListenerErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	done := make(chan error, 1)
	go func() { done <- mockserver.Serve(t.Context(), ln, &http.Server{ReadHeaderTimeout: wait}, wait) }()
	select {
	case err := <-done:
		if err == nil || errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve on a closed listener returned %v, want its error", err)
		}
	case <-time.After(wait):
		t.Fatal("Serve on a closed listener did not return")
	}
}

// TestPanicAnsweredInEnvelope: a handler that panics is answered 500 in
// the envelope of the API it belongs to, on the prefixed and the root
// handler, without the panic's value.
func TestPanicAnsweredInEnvelope(t *testing.T) {
	for _, root := range []bool{false, true} {
		t.Run(map[bool]string{false: "Handler", true: "RootHandler"}[root], func(t *testing.T) {
			srv := newServer(t, mockserver.Options{})
			if err := srv.Mount(petsAPI(t, "zoo", srv.Store())); err != nil {
				t.Fatal(err)
			}
			h, path := srv.Handler(), "/zoo/pets"
			if root {
				var err error
				if h, err = srv.RootHandler("zoo"); err != nil {
					t.Fatal(err)
				}
				path = "/pets"
			}
			w := serve(h, req{method: http.MethodPost, path: path, body: `{"name":"` + panicName + `"}`, key: goodKey})
			e := problemOf(t, w, http.StatusInternalServerError, mockserver.KindInternal)
			if got := w.Header().Get(apiHeader); got != "zoo" {
				t.Errorf("answered by %q, want zoo's envelope", got)
			}
			if strings.Contains(w.Body.String(), "asked to panic") {
				t.Errorf("the answer shows the panic: %s", w.Body)
			}
			if e.Message == "" || strings.Contains(w.Body.String(), `{"error":"internal error"}`) {
				t.Errorf("answer %s is not the API's envelope", w.Body)
			}
			entries := srv.Journal().Last(1, nil)
			if len(entries) != 1 || entries[0].Status != http.StatusInternalServerError || entries[0].API != "zoo" {
				t.Errorf("journal = %+v, want the panic as a 500 of zoo", entries)
			}
			// The namespace's state is usable after the panic.
			createPet(t, srv.Handler(), "/zoo", "", "rex")
		})
	}
}

// TestAbortHandlerIsRepanicked: http.ErrAbortHandler is how a handler asks
// net/http to drop the connection; the server's recovery must pass it on,
// not answer it as a 500.
func TestAbortHandlerIsRepanicked(t *testing.T) {
	for _, root := range []bool{false, true} {
		t.Run(map[bool]string{false: "Handler", true: "RootHandler"}[root], func(t *testing.T) {
			srv := newServer(t, mockserver.Options{})
			h, path := srv.Handler(), "/pets/pets"
			if root {
				var err error
				if h, err = srv.RootHandler("pets"); err != nil {
					t.Fatal(err)
				}
				path = "/pets"
			}
			w := httptest.NewRecorder()
			var got any
			func() {
				defer func() { got = recover() }()
				h.ServeHTTP(w, req{method: http.MethodPost, path: path, body: `{"name":"` + abortName + `"}`, key: goodKey}.build())
			}()
			if got != http.ErrAbortHandler {
				t.Fatalf("recovered %v, want http.ErrAbortHandler", got)
			}
			if w.Body.Len() != 0 {
				t.Errorf("an aborted request was answered: %d %s", w.Code, w.Body)
			}
		})
	}

	t.Run("live", func(t *testing.T) {
		srv := newServer(t, mockserver.Options{})
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		r, err := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.URL+"/pets/pets", strings.NewReader(`{"name":"`+abortName+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Key", goodKey)
		resp, err := (&http.Client{Timeout: wait}).Do(r)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			t.Fatalf("an aborted request was answered: %d %s", resp.StatusCode, body)
		}
		// The server goes on serving.
		c := &http.Client{Timeout: wait}
		if status, body := send(t, c, http.MethodPost, ts.URL+"/pets/pets", `{"name":"rex"}`, map[string]string{"X-Key": goodKey}); status != http.StatusCreated {
			t.Errorf("after the abort: %d %s", status, body)
		}
	})
}

// TestPanicAfterAnswerBeganCutsTheConnection: once part of an answer is
// out, a panic cannot be answered in the envelope any more; the client
// must see a broken response, never a 200 with a truncated body.
func TestPanicAfterAnswerBeganCutsTheConnection(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	c := &http.Client{Timeout: wait}
	r, err := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.URL+"/pets/pets", strings.NewReader(`{"name":"`+halfName+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Key", goodKey)
	resp, err := c.Do(r)
	if err == nil {
		body, readErr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if readErr == nil {
			t.Fatalf("a half-written answer reached the client whole: %d %s", resp.StatusCode, body)
		}
	}
	if status, body := send(t, c, http.MethodPost, ts.URL+"/pets/pets", `{"name":"rex"}`, map[string]string{"X-Key": goodKey}); status != http.StatusCreated {
		t.Errorf("after the cut: %d %s", status, body)
	}
}
