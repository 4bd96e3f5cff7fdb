package mocks_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/openapi"
)

// updateCounter counts the Updates a server's requests make.
type updateCounter struct {
	mockserver.Store
	updates atomic.Int64
}

func (u *updateCounter) Update(ctx context.Context, ns, api string, fn func(any) error) error {
	u.updates.Add(1)
	return u.Store.Update(ctx, ns, api, fn)
}

// TestReadsNeverUpdate: every GET of every API, listings included, reads
// through Store.View, which takes no write lock (see the store's tests),
// so that a long listing never stalls the namespace's other reads, and a
// read in a new namespace creates nothing. Path and required query
// parameters are filled with values the seeded state holds (the API's
// Known test hook).
func TestReadsNeverUpdate(t *testing.T) {
	store := &updateCounter{Store: mockserver.NewMemoryStore()}
	srv := mockserver.New(mockserver.Options{Store: store, JournalSize: -1})
	for _, m := range cat {
		api, err := m.Build(mockserver.Setup{Store: store}, m.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Mount(api); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range cat {
		t.Run(m.Name, func(t *testing.T) {
			h, err := srv.RootHandler(m.Name) // the API at the root, as the hooks call it
			if err != nil {
				t.Fatal(err)
			}
			const ns = "reads"
			var auth http.Header
			if m.Test.Login != nil {
				var err error
				if auth, err = m.Test.Login(h, ns); err != nil {
					t.Fatal(err)
				}
			}
			known := map[string][]string{}
			if m.Test.Known != nil {
				var err error
				if known, err = m.Test.Known(h, auth, ns); err != nil {
					t.Fatal(err)
				}
			}
			doc, err := openapi.Load(m.Name)
			if err != nil {
				t.Fatal(err)
			}
			answered := 0
		ops:
			for _, op := range openapi.Operations(doc) {
				if op.Method != http.MethodGet {
					continue
				}
				path, query := op.Path, url.Values{}
				params := append(doc.Paths.Value(op.Path).Parameters, op.Op.Parameters...)
				for _, p := range params {
					v := known[p.Value.Name]
					switch {
					case p.Value.In == "path" && len(v) > 0:
						path = strings.ReplaceAll(path, "{"+p.Value.Name+"}", url.PathEscape(v[0]))
					case p.Value.In == "query" && len(v) > 0 && !query.Has(p.Value.Name):
						query.Set(p.Value.Name, v[0])
					case p.Value.In == "path" || (p.Value.In == "query" && p.Value.Required):
						t.Logf("%s %s: no known %s, not sent", op.Method, op.Path, p.Value.Name)
						continue ops
					}
				}
				target := path
				if len(query) > 0 {
					target += "?" + query.Encode()
				}
				before := store.updates.Load()
				req := mockservertest.NewRequest(t, op.Method, target, nil, ns)
				for k, v := range auth {
					req.Header[http.CanonicalHeaderKey(k)] = v
				}
				r := mockservertest.Record(h, req)
				if n := store.updates.Load() - before; n != 0 {
					t.Errorf("GET %s made %d updates, want reads only", target, n)
				}
				if r.Status == http.StatusOK {
					answered++
				} else {
					t.Logf("GET %s: %d %.200s", target, r.Status, r.Raw)
				}
			}
			if answered < 3 {
				t.Errorf("only %d reads answered 200; the test reaches too few operations", answered)
			}
			t.Logf("%d reads answered 200", answered)
		})
	}
}
