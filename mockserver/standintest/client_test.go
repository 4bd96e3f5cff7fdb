package standintest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver/standintest"
)

// A client shaped like oapi-codegen's: a constructor taking the server URL
// and options, an option taking an HttpRequestDoer, request editors.

type doer interface {
	Do(*http.Request) (*http.Response, error)
}

type genClient struct {
	server  string
	doer    doer
	editors []func(context.Context, *http.Request) error
}

type genOption func(*genClient) error

func newGenClient(server string, opts ...genOption) (*genClient, error) {
	c := &genClient{server: server}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if c.doer == nil {
		c.doer = http.DefaultClient
	}
	return c, nil
}

func withHTTPClient(d doer) genOption { return func(c *genClient) error { c.doer = d; return nil } }

func withRequestEditorFn(fn func(context.Context, *http.Request) error) genOption {
	return func(c *genClient) error { c.editors = append(c.editors, fn); return nil }
}

func withBrokenOption() genOption {
	return func(*genClient) error { return errors.New("broken option") }
}

// a WithHTTPClient an *http.Client does not fit
func withReader(io.Reader) genOption { return func(*genClient) error { return nil } }

func (c *genClient) listItems(ctx context.Context) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.server+"/items", nil)
	if err != nil {
		return 0, err
	}
	for _, e := range c.editors {
		if err := e(ctx, req); err != nil {
			return 0, err
		}
	}
	res, err := c.doer.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// TestClientWiresAGeneratedClient: Client gives the constructor the API's
// URL and the server's HTTP client, then the caller's options.
func TestClientWiresAGeneratedClient(t *testing.T) {
	srv := standintest.New(t, standintest.APIs(kv))
	c := standintest.Client(srv, "kv", newGenClient, withHTTPClient, withRequestEditorFn(standintest.Headers(srv.Login("kv"))))
	if c.server != srv.URL("kv") {
		t.Errorf("server = %q, want %q", c.server, srv.URL("kv"))
	}
	if c.doer != srv.HTTPClient() {
		t.Errorf("the client's doer is %T, not the server's HTTPClient", c.doer)
	}
	status, err := c.listItems(context.Background())
	if err != nil || status != http.StatusOK {
		t.Errorf("listItems through the typed client: %d, %v (want 200: served in memory, the login's headers set)", status, err)
	}
}

// TestClientFailsClearly: a WithHTTPClient an *http.Client does not fit,
// or a constructor that fails, fails the test saying so.
func TestClientFailsClearly(t *testing.T) {
	ft := &fatalTB{TB: t}
	srv := standintest.New(ft, standintest.APIs(kv))
	failed := ft.run(func() { standintest.Client(srv, "kv", newGenClient, withReader) })
	if len(failed) != 1 || !strings.Contains(failed[0], "withHTTPClient takes io.Reader, which an *http.Client does not satisfy") {
		t.Errorf("Client with a mismatched option failed with %q", failed)
	}
	failed = ft.run(func() { standintest.Client(srv, "kv", newGenClient, withHTTPClient, withBrokenOption()) })
	if len(failed) != 1 || !strings.Contains(failed[0], "broken option") {
		t.Errorf("Client with a failing constructor failed with %q", failed)
	}
}
