package mockserver_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
)

func TestDefaultLimits(t *testing.T) {
	l := mockserver.DefaultLimits()
	if l.ReadTimeout <= 0 || l.ReadHeaderTimeout <= 0 || l.WriteTimeout <= 0 || l.IdleTimeout <= 0 || l.MaxHeaderBytes <= 0 {
		t.Errorf("DefaultLimits() = %+v, want every limit set", l)
	}
	if l.ReadHeaderTimeout > l.ReadTimeout || l.ReadTimeout > 5*time.Minute {
		t.Errorf("DefaultLimits() = %+v, want headers read before the body, within minutes", l)
	}
	if err := l.Validate(); err != nil {
		t.Errorf("DefaultLimits().Validate() = %v", err)
	}
}

func TestLimitsValidate(t *testing.T) {
	for _, tt := range []struct {
		change func(*mockserver.Limits)
		want   string
	}{
		{func(l *mockserver.Limits) { l.ReadTimeout = -time.Second }, "readTimeout"},
		{func(l *mockserver.Limits) { l.ReadHeaderTimeout = -1 }, "readHeaderTimeout"},
		{func(l *mockserver.Limits) { l.WriteTimeout = -time.Second }, "writeTimeout"},
		{func(l *mockserver.Limits) { l.IdleTimeout = -time.Second }, "idleTimeout"},
		{func(l *mockserver.Limits) { l.MaxHeaderBytes = -1 }, "maxHeaderBytes"},
	} {
		l := mockserver.DefaultLimits()
		tt.change(&l)
		if err := l.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate(%+v) = %v, want an error naming %s", l, err, tt.want)
		}
	}
	if err := (mockserver.Limits{}).Validate(); err != nil {
		t.Errorf("zero Limits (no limits) = %v, want valid", err)
	}
}

func TestLimitsHTTPServer(t *testing.T) {
	l := mockserver.Limits{ReadTimeout: 1, ReadHeaderTimeout: 2, WriteTimeout: 3, IdleTimeout: 4, MaxHeaderBytes: 5}
	h := http.NotFoundHandler()
	hs := l.HTTPServer(h, nil)
	if hs.ReadTimeout != 1 || hs.ReadHeaderTimeout != 2 || hs.WriteTimeout != 3 || hs.IdleTimeout != 4 || hs.MaxHeaderBytes != 5 || hs.Handler == nil {
		t.Errorf("HTTPServer = %+v, want the limits applied", hs)
	}
}

// listen serves h with limits on a loopback port until the test ends and
// returns the address.
func listen(t *testing.T, h http.Handler, limits mockserver.Limits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mockserver.Serve(ctx, ln, limits.HTTPServer(h, nil), time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// trickle sends the request head with a body of 100 bytes, then one body
// byte every interval until the connection fails or the test ends.
func trickle(t *testing.T, conn net.Conn, head string, interval time.Duration) {
	t.Helper()
	if _, err := io.WriteString(conn, head+"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()
}

// SlowBodyCutOff: a client that sends its body one byte every 5 s is cut
// off once ReadTimeout passes, instead of holding the connection for as
// long as it likes.
func TestSlowBodyCutOff(t *testing.T) {
	const readTimeout = 500 * time.Millisecond
	h := demoServer(t, mockserver.Options{}).Handler()
	limits := mockserver.DefaultLimits()
	limits.ReadTimeout = readTimeout
	addr := listen(t, h, limits)

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	trickle(t, conn, "POST /demo/login HTTP/1.1\r\nHost: localhost\r\n", 5*time.Second)

	// A generous bound: the cut comes after ReadTimeout, long before the
	// body could be complete (100 bytes at one every 5 s).
	const bound = readTimeout + 4*time.Second
	_ = conn.SetReadDeadline(time.Now().Add(bound))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	elapsed := time.Since(start)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("no answer and no close within %s of a slow body: the server is still waiting", bound)
		}
		// Closed without an answer: cut off all the same.
		t.Logf("connection closed without an answer after %s: %v", elapsed, err)
	} else {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Logf("answered %d after %s: %s", resp.StatusCode, elapsed, body)
		if resp.StatusCode < 400 {
			t.Errorf("a cut-off body was answered %d, want a refusal", resp.StatusCode)
		}
		if resp.StatusCode/100 != 5 && resp.Header.Get("X-Demo") != "refusal" {
			t.Errorf("the refusal is not in the API's envelope: %v %s", resp.Header, body)
		}
	}
	if elapsed < readTimeout/2 {
		t.Errorf("cut off after %s, before the read timeout of %s", elapsed, readTimeout)
	}
	// The server has closed the connection: reading gets EOF, not a wait.
	_ = conn.SetReadDeadline(time.Now().Add(bound))
	if _, err := conn.Read(make([]byte, 1)); err == nil {
		t.Errorf("the connection still delivers data after the cut-off")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Errorf("the connection is still open %s after the cut-off", bound)
	}
}

// Without a read timeout the same slow body holds the connection: the
// test above would fail against a server without limits.
func TestSlowBodyWithoutLimitsWaits(t *testing.T) {
	h := demoServer(t, mockserver.Options{}).Handler()
	addr := listen(t, h, mockserver.Limits{})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	trickle(t, conn, "POST /demo/login HTTP/1.1\r\nHost: localhost\r\n", 5*time.Second)
	_ = conn.SetReadDeadline(time.Now().Add(1500 * time.Millisecond))
	if _, err := conn.Read(make([]byte, 1)); err == nil {
		t.Fatalf("a server without limits answered a body still in progress")
	} else if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		t.Fatalf("a server without limits cut the connection: %v", err)
	}
}

func TestMaxHeaderBytes(t *testing.T) {
	h := demoServer(t, mockserver.Options{}).Handler()
	limits := mockserver.DefaultLimits()
	limits.MaxHeaderBytes = 4 << 10
	addr := "http://" + listen(t, h, limits)
	c := &http.Client{Timeout: 10 * time.Second}

	req, _ := http.NewRequest(http.MethodGet, addr+"/demo/items", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 64<<10))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("64 KiB of headers with maxHeaderBytes 4 KiB: %d, want 431", resp.StatusCode)
	}
	req.Header.Set("X-Big", "small")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("small headers: %d, want 200", resp.StatusCode)
	}
}

// An idle keep-alive connection is closed after IdleTimeout.
func TestIdleTimeout(t *testing.T) {
	const idle = 300 * time.Millisecond
	h := demoServer(t, mockserver.Options{}).Handler()
	limits := mockserver.DefaultLimits()
	limits.IdleTimeout = idle
	addr := listen(t, h, limits)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /demo/items HTTP/1.1\r\nHost: localhost\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(idle + 4*time.Second))
	if _, err := br.ReadByte(); err == nil {
		t.Fatalf("an idle connection delivered data")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("an idle connection was still open %s later", time.Since(start))
	}
}
