package mockserver_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/mockserver"
)

// lazyPets is the pet shop whose spec is given by LoadSpec, counting the
// calls; the spec is loaded by the test up front, so that the count is
// what the server asked for.
func lazyPets(t *testing.T, st mockserver.Store, loadErr error) (mockserver.API, *atomic.Int32) {
	api := petsAPI(t, "pets", st)
	doc := api.Spec
	var calls atomic.Int32
	api.Spec = nil
	api.LoadSpec = func() (*openapi3.T, error) {
		calls.Add(1)
		if loadErr != nil {
			return nil, loadErr
		}
		return doc, nil
	}
	return api, &calls
}

func TestLazySpecIsLoadedOnceOnFirstRequest(t *testing.T) {
	srv := mockserver.New(mockserver.Options{})
	api, calls := lazyPets(t, srv.Store(), nil)
	if err := srv.Mount(api); err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	get := func(path string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "http://localhost"+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := get("/__standin/health"); rec.Code != http.StatusOK {
		t.Fatalf("health: %d %s", rec.Code, rec.Body)
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("the spec was loaded %d times before any request to the API, want 0", n)
	}

	// Many first requests at once: one load, and every one of them
	// routed, authenticated and validated against the spec.
	var wg sync.WaitGroup
	codes := make([]int, 16)
	for i := range codes {
		wg.Go(func() {
			path := "/pets/pets"
			if i%2 == 1 {
				path = "/pets/pets/not-a-number"
			}
			codes[i] = get(path, "X-Key", goodKey).Code
		})
	}
	wg.Wait()
	for i, code := range codes {
		want := http.StatusOK
		if i%2 == 1 {
			want = http.StatusBadRequest
		}
		if code != want {
			t.Errorf("request %d: status %d, want %d", i, code, want)
		}
	}
	if rec := get("/pets/pets"); rec.Code != http.StatusUnauthorized {
		t.Errorf("without a key: status %d, want 401", rec.Code)
	}
	if err := srv.LoadSpecs(); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("the spec was loaded %d times, want once", n)
	}
}

func TestLoadSpecsLoadsBeforeAnyRequest(t *testing.T) {
	srv := mockserver.New(mockserver.Options{})
	api, calls := lazyPets(t, srv.Store(), nil)
	if err := srv.Mount(api); err != nil {
		t.Fatal(err)
	}
	if err := srv.LoadSpecs(); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("LoadSpecs loaded the spec %d times, want once", n)
	}
}

func TestLazySpecThatFailsIsReported(t *testing.T) {
	srv := mockserver.New(mockserver.Options{})
	broken := errors.New("spec file is gone")
	api, _ := lazyPets(t, srv.Store(), broken)
	if err := srv.Mount(api); err != nil {
		t.Fatalf("Mount of a lazy spec failed before loading it: %v", err)
	}
	if err := srv.LoadSpecs(); !errors.Is(err, broken) {
		t.Fatalf("LoadSpecs = %v, want the loader's error", err)
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/pets/pets", nil))
	if rec.Code != http.StatusInternalServerError || rec.Header().Get(apiHeader) != "pets" {
		t.Fatalf("request to an API whose spec failed: %d (API header %q) %s, want 500 in the API's envelope", rec.Code, rec.Header().Get(apiHeader), rec.Body)
	}
}
