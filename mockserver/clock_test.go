package mockserver_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
)

type clockBody struct {
	Namespace string  `json:"namespace"`
	Now       string  `json:"now"`
	Offset    string  `json:"offset"`
	Seconds   float64 `json:"seconds"`
}

// TestClockAdvance: the admin API moves one namespace's clock forward, an
// API's Clock over the same store sees it, other namespaces do not, and
// a reset puts it back.
func TestClockAdvance(t *testing.T) {
	srv, h := twoAPIServer(t, mockserver.Options{})
	base := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := mockserver.NewClock(srv.Store(), func() time.Time { return base })
	in := func(ns string) context.Context { return mockserver.WithNamespace(context.Background(), ns) }

	w := serve(h, req{method: http.MethodPost, path: "/__standin/clock?namespace=a", body: `{"advance":"90m"}`})
	mustStatus(t, w, http.StatusOK)
	if got := decode[clockBody](t, w); got.Offset != "1h30m0s" || got.Seconds != 5400 || got.Namespace != "a" {
		t.Errorf("POST clock answered %+v, want offset 1h30m0s (5400 s) in namespace a", got)
	}
	mustStatus(t, serve(h, req{method: http.MethodPost, path: "/__standin/clock?namespace=a", body: `{"seconds":30}`}), http.StatusOK)
	if got, want := clock.Now(in("a")), base.Add(90*time.Minute+30*time.Second); !got.Equal(want) {
		t.Errorf("Now in a = %v, want %v", got, want)
	}
	if got := clock.Now(in("b")); !got.Equal(base) {
		t.Errorf("Now in b = %v, want the base %v: another namespace's advance leaked", got, base)
	}
	w = serve(h, req{method: http.MethodGet, path: "/__standin/clock?namespace=a"})
	mustStatus(t, w, http.StatusOK)
	if got := decode[clockBody](t, w); got.Seconds != 5430 {
		t.Errorf("GET clock answered %+v, want 5430 s ahead", got)
	}
	if snap := snapshot(t, h); snap["a"][mockserver.ClockKind] == nil {
		t.Errorf("snapshot of namespace a holds no clock: %v", snap["a"])
	}
	mustStatus(t, serve(h, req{method: http.MethodPost, path: "/__standin/reset?namespace=a"}), http.StatusOK)
	if got := clock.Now(in("a")); !got.Equal(base) {
		t.Errorf("after a reset, Now in a = %v, want the base %v", got, base)
	}
}

// TestClockRefusals: a move backwards, a bad duration or body, and a move
// beyond the bound are 400 with a reason, and change nothing.
func TestClockRefusals(t *testing.T) {
	_, h := twoAPIServer(t, mockserver.Options{})
	for _, body := range []string{`{"advance":"-1h"}`, `{"advance":"soon"}`, `{}`, `not json`, `{"advance":"1h","seconds":3}`, `{"seconds":-2}`, `{"seconds":1e300}`, `{"advance":"2000000h"}`, `{"when":"1h"}`} {
		w := serve(h, req{method: http.MethodPost, path: "/__standin/clock?namespace=x", body: body})
		mustStatus(t, w, http.StatusBadRequest)
		if msg := decode[map[string]string](t, w)["error"]; msg == "" {
			t.Errorf("POST clock %s: no error message", body)
		}
	}
	w := serve(h, req{method: http.MethodGet, path: "/__standin/clock?namespace=x"})
	if got := decode[clockBody](t, w); got.Seconds != 0 {
		t.Errorf("refused advances moved the clock to %+v", got)
	}
	w = serve(h, req{method: http.MethodGet, path: "/__standin/clock?namespace=" + strings.Repeat("n", 80)})
	mustStatus(t, w, http.StatusBadRequest)
}
