package mockserver_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver"
)

// An API mounted under its own prefix is served there, the index lists
// it, and its handlers see the base URL a client reached it at.
func TestMountUnderPrefix(t *testing.T) {
	srv := mockserver.New(mockserver.Options{})
	api := petsAPI(t, "pets", srv.Store())
	var base string
	inner := api.Handler
	api.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base = mockserver.BaseURL(r)
		inner.ServeHTTP(w, r)
	})
	api.Prefix = "/animals"
	if err := srv.Mount(api); err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	mustStatus(t, serve(h, req{method: "GET", path: "/animals/pets", key: goodKey}), http.StatusOK)
	if base != "http://"+localHost+"/animals" {
		t.Errorf("BaseURL under the prefix: %q", base)
	}
	mustStatus(t, serve(h, req{method: "GET", path: "/pets/pets"}), http.StatusNotFound)
	if w := serve(h, req{method: "GET", path: "/"}); !strings.Contains(w.Body.String(), `"/animals"`) {
		t.Errorf("the index lists the prefix: %s", w.Body)
	}
	mustStatus(t, serve(h, req{method: "GET", path: "/animals/pets", key: goodKey, header: map[string]string{"X-Forwarded-Proto": "https"}}), http.StatusOK)
	if base != "https://"+localHost+"/animals" {
		t.Errorf("BaseURL behind a TLS proxy: %q", base)
	}
	mustStatus(t, serve(h, req{method: "GET", path: "/animals/pets", key: goodKey, header: map[string]string{"X-Forwarded-Host": "mock.example, inner:8080"}}), http.StatusOK)
	if base != "http://mock.example/animals" {
		t.Errorf("BaseURL behind a proxy naming its host: %q", base)
	}

	root, err := srv.RootHandler("pets")
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/pets", nil)
	r.Host = "localhost:9000"
	r.Header.Set("X-Key", goodKey)
	root.ServeHTTP(httptest.NewRecorder(), r)
	if base != "http://localhost:9000" {
		t.Errorf("BaseURL at the root of a port: %q", base)
	}
}

// Mount refuses a prefix that is not one segment, the admin prefix, or a
// prefix another API holds.
func TestMountRefusesBadPrefixes(t *testing.T) {
	srv := mockserver.New(mockserver.Options{})
	for _, prefix := range []string{"animals", "/a/b", "/", mockserver.AdminPrefix} {
		api := petsAPI(t, "pets", srv.Store())
		api.Prefix = prefix
		if err := srv.Mount(api); err == nil {
			t.Errorf("prefix %q was accepted", prefix)
		}
	}
	first := petsAPI(t, "pets", srv.Store())
	if err := srv.Mount(first); err != nil {
		t.Fatal(err)
	}
	second := petsAPI(t, "cats", srv.Store())
	second.Prefix = "/pets"
	if err := srv.Mount(second); err == nil || !strings.Contains(err.Error(), "taken") {
		t.Errorf("a second API on /pets: %v", err)
	}
}
