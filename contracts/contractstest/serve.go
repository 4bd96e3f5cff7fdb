package contractstest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mocks"
)

// Serve serves mock alone, with its default configuration, on a loopback
// port for the length of the test, and returns the server; the API is at
// ts.URL + mock.Prefix.
func Serve(t testing.TB, mock *mockserver.Mock) *httptest.Server {
	t.Helper()
	catalog := mocks.Catalog{mock}
	srv, err := catalog.New(catalog.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// ValidatingClient returns an HTTP client for ts that checks every
// response to a request under the API's prefix against the API's spec
// (declared status, body schema, content type) and fails the test on a
// violation: for clients, such as the generated ones, that check nothing
// themselves.
func ValidatingClient(t testing.TB, ts *httptest.Server, mock *mockserver.Mock) *http.Client {
	t.Helper()
	api, err := mock.Build(mockserver.Setup{Store: mockserver.NewMemoryStore()}, mock.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	spec, err := api.Document()
	if err != nil {
		t.Fatal(err)
	}
	v, err := contracts.NewValidator(spec)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: v.Transport(ts.Client().Transport, mock.Prefix, func(vi contracts.Violation) {
		t.Errorf("contract: %s", vi)
	})}
}
