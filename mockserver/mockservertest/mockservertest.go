// Package mockservertest holds what the tests of every fake need: sending a
// request to a mock in process, reading the answer by path, snapshotting
// the store, and the checks every request must pass (never a 5xx, refusals
// in the API's envelope that leave the state as it was).
package mockservertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver"
)

// Reply is a response as a test reads it.
type Reply struct {
	Status      int
	ContentType string
	Body        any // the decoded JSON body, nil if it is not JSON
	Raw         string
}

// Record serves req with h and returns the reply.
func Record(h http.Handler, req *http.Request) Reply {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := Reply{Status: rec.Code, ContentType: rec.Header().Get("Content-Type"), Raw: rec.Body.String()}
	_ = json.Unmarshal(rec.Body.Bytes(), &r.Body)
	return r
}

// NewRequest builds a request for target in namespace ns with a JSON
// body: body is encoded unless it is a string, which is sent as is, or nil.
func NewRequest(tb testing.TB, method, target string, body any, ns string) *http.Request {
	tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, target, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(mockserver.NamespaceHeader, ns)
	return req
}

// Get returns the value at a dotted path of the body; numeric segments
// index arrays. nil if absent; "" is the whole body.
func (r Reply) Get(path string) any {
	cur := r.Body
	if path == "" {
		return cur
	}
	for _, k := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			cur = v[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(v) {
				return nil
			}
			cur = v[i]
		default:
			return nil
		}
	}
	return cur
}

// Str returns the string at path, "" if absent.
func (r Reply) Str(path string) string {
	v, _ := r.Get(path).(string)
	return v
}

// Num returns the number at path, -1 if absent.
func (r Reply) Num(path string) int {
	v, ok := r.Get(path).(float64)
	if !ok {
		return -1
	}
	return int(v)
}

// List returns the array at path, nil if absent.
func (r Reply) List(path string) []any {
	v, _ := r.Get(path).([]any)
	return v
}

// Strs returns the string field of each element of the array at path.
func (r Reply) Strs(path, field string) []string {
	var out []string
	for _, e := range r.List(path) {
		m, _ := e.(map[string]any)
		s, _ := m[field].(string)
		out = append(out, s)
	}
	return out
}

// Snapshot returns the whole store as JSON text, to compare the state
// before and after a request.
func Snapshot(tb testing.TB, store mockserver.Store) string {
	tb.Helper()
	snap, err := snapshot(store)
	if err != nil {
		tb.Fatal(err)
	}
	return snap
}

func snapshot(store mockserver.Store) (string, error) {
	snap, err := store.Export(context.Background(), "")
	if err != nil {
		return "", err
	}
	raw, err := json.Marshal(snap)
	return string(raw), err
}

// CheckRequest serves req and holds the answer to what every request
// must meet, whatever its input: never a 5xx; a refusal (4xx) that
// envelope accepts as the API's error shape, and that leaves the state as
// it was. It returns the reply and what was wrong with it, if anything.
func CheckRequest(h http.Handler, store mockserver.Store, req *http.Request, envelope func(Reply) error) (Reply, error) {
	before, err := snapshot(store)
	if err != nil {
		return Reply{}, err
	}
	r := Record(h, req)
	switch {
	case r.Status >= 500:
		return r, fmt.Errorf("%s %s: %d %.300s", req.Method, req.URL, r.Status, r.Raw)
	case r.Status >= 400:
		if err := envelope(r); err != nil {
			return r, fmt.Errorf("%s %s: refused with %d but %w: %.300s", req.Method, req.URL, r.Status, err, r.Raw)
		}
		after, err := snapshot(store)
		if err != nil {
			return r, err
		}
		if after != before {
			return r, fmt.Errorf("%s %s: refused with %d but changed the state", req.Method, req.URL, r.Status)
		}
	}
	return r, nil
}

// Sendable reports whether a fuzzed method and path make a request line
// net/http would pass to a handler at all.
func Sendable(method, path string) bool {
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions:
	default:
		return false
	}
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n#") {
		return false
	}
	_, err := url.ParseRequestURI(path)
	return err == nil
}

// Touch makes the store hold api's state in namespace ns, which it
// otherwise creates on the first change (an Update that succeeds), so
// that snapshots taken before a first request compare with those taken
// after.
func Touch(tb testing.TB, store mockserver.Store, ns, api string) {
	tb.Helper()
	if err := store.Update(context.Background(), ns, api, func(any) error { return nil }); err != nil {
		tb.Fatal(err)
	}
}
