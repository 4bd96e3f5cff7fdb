package mocks_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/mocks"
	"github.com/standin/standin/mockserver/rocketchat"
)

// BenchmarkFlushOneChanged is the write that bounds the loss window: one
// namespace of the shipped APIs, seeded with a data set and changed by a
// login, written (export, encode, temporary file, fsync, rename,
// directory fsync). It reports the file's size.
func BenchmarkFlushOneChanged(b *testing.B) {
	for _, ds := range []string{"default", "large"} {
		b.Run(ds, func(b *testing.B) {
			cat := mocks.Catalog{rocketchat.Mock, ethora.Mock}
			cfg := cat.Default()
			for name, api := range cfg.APIs {
				api.DataSet = ds
				cfg.APIs[name] = api
			}
			srv, err := cat.New(cfg, nil)
			if err != nil {
				b.Fatal(err)
			}
			st := srv.Store().(mocks.VersionedStore)
			dir := b.TempDir()
			d, _, err := mocks.OpenStateDir(context.Background(), st, dir, mocks.StateDirOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			h := srv.Handler()
			login := func() {
				r := httptest.NewRequest(http.MethodPost, "/rocketchat/api/v1/login", strings.NewReader(`{"user":"admin","password":"admin"}`))
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set(mockserver.NamespaceHeader, "bench")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("login: %d %s", w.Code, w.Body)
				}
			}
			for b.Loop() {
				b.StopTimer()
				login() // the namespace changed: the flush writes it
				b.StartTimer()
				if err := d.Flush(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			fi, err := os.Stat(filepath.Join(dir, "bench.json"))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(fi.Size()), "file-bytes")
		})
	}
}
