package load

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/standin/standin/contracts"
)

// Client sends JSON requests to a target, for workloads.
type Client struct {
	target contracts.Target
	http   *http.Client
	// Auth, if set, adds credentials to every request.
	Auth func(h http.Header)
}

// NewClient returns a client of t, using t's transport.
func NewClient(t contracts.Target) *Client {
	return &Client{target: t, http: &http.Client{Transport: t.Transport}}
}

// Do sends body (if not nil) as JSON to path under the target's base URL
// and decodes a 2xx JSON answer into out (if not nil). It returns the
// status, 0 when no response came.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.target.BaseURL+path, rd)
	if err != nil {
		return 0, err
	}
	for k, vs := range c.target.Header {
		req.Header[k] = vs
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Auth != nil {
		c.Auth(req.Header)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if out != nil && res.StatusCode/100 == 2 {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			return res.StatusCode, err
		}
	}
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, nil
}
