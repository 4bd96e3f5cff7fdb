package contractstest

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/standin/standin/contracts/load"
	"github.com/standin/standin/mockserver"
)

// RunLoad runs a count-bounded load of w against mock in process with 4
// workers and fails t unless every one of the requests was answered with
// status (any 2xx when status is 0) and the report has ops operations
// (any number when ops is 0).
func RunLoad(t *testing.T, mock *mockserver.Mock, w load.Workload, requests, status, ops int) {
	t.Helper()
	rep, err := load.Run(context.Background(), InProcess(t, mock, nil), w, load.Options{Workers: 4, Requests: requests})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests != requests || rep.Errors != 0 {
		t.Fatalf("want %d requests and no error, got %d and %d: %+v", requests, rep.Requests, rep.Errors, rep.Operations)
	}
	for _, o := range rep.Operations {
		for got, n := range o.Statuses {
			if got != status && (status != 0 || got/100 != 2) {
				t.Errorf("%s: %d answers with status %d", o.Name, n, got)
			}
		}
	}
	if ops > 0 && len(rep.Operations) != ops {
		t.Errorf("the workload has %d operations, the report %d", ops, len(rep.Operations))
	}
}

// WithoutAdmin wraps a handler so that standin's admin API is not there
// (404), as on a live server: for scenarios that must say they left out
// what needs it.
func WithoutAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, mockserver.AdminPrefix+"/") {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
