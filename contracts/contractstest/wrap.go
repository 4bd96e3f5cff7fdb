package contractstest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/mockserver"
)

// Scenario returns the scenario of scenarios called name, failing t if
// there is none.
func Scenario(t testing.TB, scenarios []contracts.Scenario, name string) contracts.Scenario {
	t.Helper()
	for _, sc := range scenarios {
		if sc.Name == name {
			return sc
		}
	}
	t.Fatalf("no scenario %q", name)
	return contracts.Scenario{}
}

// Credentials returns the credentials that work against mock with its
// default options, by key: those InProcess gives its targets.
func Credentials(mock *mockserver.Mock) map[string]string {
	creds := map[string]string{}
	for _, c := range mock.Credentials(mock.DefaultOptions()) {
		creds[c.Key] = c.Value
	}
	return creds
}

// Record serves r with next into a recorder, for a broken target that
// looks at the real answer before it changes it, and returns the
// recorder and the request's body, which r can still be read for.
func Record(next http.Handler, r *http.Request) (*httptest.ResponseRecorder, []byte) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	r.Body = io.NopCloser(bytes.NewReader(body))
	return rec, body
}

// Replay answers w with rec's status and headers and body (rec's own
// body or another), for a broken target that passes an answer on.
func Replay(w http.ResponseWriter, rec *httptest.ResponseRecorder, body []byte) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}
