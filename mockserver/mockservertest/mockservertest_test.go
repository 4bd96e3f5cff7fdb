package mockservertest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mockservertest"
)

func TestReplyPaths(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"a":{"b":[{"n":3,"s":"x"},{"n":4,"s":"y"}]},"t":"v"}`))
	})
	r := mockservertest.Record(h, mockservertest.NewRequest(t, "GET", "/", nil, "ns"))
	for _, tc := range []struct {
		got, want any
	}{
		{r.Str("t"), "v"}, {r.Num("a.b.1.n"), 4}, {r.Num("a.b.2.n"), -1}, {r.Str("a.x"), ""},
		{len(r.List("a.b")), 2}, {r.Strs("a.b", "s")[1], "y"}, {r.Status, 200}, {r.ContentType, "application/json"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %v, want %v", tc.got, tc.want)
		}
	}
}

// storeWith returns a store whose state the handler of a test can change.
func storeWith() (mockserver.Store, func()) {
	st := mockserver.NewMemoryStore()
	st.Register(mockserver.NewStateKind("x", func() *[]int { return &[]int{} }, nil))
	touch := func() {
		_ = st.Update(context.Background(), "ns", "x", func(s any) error {
			p := s.(*[]int)
			*p = append(*p, 1)
			return nil
		})
	}
	return st, touch
}

func TestCheckRequest(t *testing.T) {
	ours := func(r mockservertest.Reply) error {
		if r.Str("error") == "" {
			return errors.New("no error text")
		}
		return nil
	}
	for _, tc := range []struct {
		name    string
		status  int
		body    string
		changes bool
		wantErr string
	}{
		{"success", 200, `{}`, true, ""},
		{"refusal in the envelope", 400, `{"error":"bad"}`, false, ""},
		{"5xx", 502, `{"error":"x"}`, false, "502"},
		{"foreign envelope", 400, `nope`, false, "no error text"},
		{"refusal that changed the state", 422, `{"error":"bad"}`, true, "changed the state"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store, touch := storeWith()
			touch() // the namespace exists before the request
			h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if tc.changes {
					touch()
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			_, err := mockservertest.CheckRequest(h, store, mockservertest.NewRequest(t, "GET", "/", nil, "ns"), ours)
			if (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("err = %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
}
