package contractstest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/mockserver"
)

// Broken is a target broken in a way that every suite of scenarios must
// notice: it wraps the in-process server of an API.
type Broken struct {
	Name string
	// Wrap returns the broken server around the real one, h, which serves
	// mock under its prefix.
	Wrap func(mock *mockserver.Mock, h http.Handler) http.Handler
	// Each says that every scenario must fail against it, not only the
	// suite as a whole.
	Each bool
}

// BrokenTargets are the broken targets every API's scenarios are run
// against: a server that answers every request 500, one that answers
// every request 200 with an empty JSON object, and one that serves
// requests without valid credentials as if they had them.
var BrokenTargets = []Broken{
	{Name: "every answer 500", Each: true, Wrap: func(_ *mockserver.Mock, _ http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"error":"broken"}`))
		})
	}},
	{Name: "every answer 200 {}", Each: true, Wrap: func(_ *mockserver.Mock, _ http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{}`))
		})
	}},
	{Name: "no authentication", Wrap: withoutAuthentication},
}

// RunBroken runs scenarios, the conformance suite of mock, against each of
// BrokenTargets and fails t for each broken target the suite lets pass:
// against a target marked Each, every scenario must fail (none passes
// whatever the target answers); against the others, at least one.
func RunBroken(t *testing.T, mock *mockserver.Mock, scenarios []contracts.Scenario) {
	t.Helper()
	if len(scenarios) == 0 {
		t.Fatalf("%s has no scenarios", mock.Name)
	}
	for _, b := range BrokenTargets {
		t.Run(b.Name, func(t *testing.T) {
			caught, err := checkBroken(t, mock, scenarios, b)
			t.Logf("failed, as they must: %s", strings.Join(caught, ", "))
			if err != nil {
				t.Error(err)
			}
		})
	}
}

// checkBroken runs scenarios against b and returns the names of those
// that failed, and an error if that is not enough.
func checkBroken(t testing.TB, mock *mockserver.Mock, scenarios []contracts.Scenario, b Broken) ([]string, error) {
	target := InProcess(t, mock, func(h http.Handler) http.Handler { return b.Wrap(mock, h) })
	report := contracts.Run(context.Background(), target, scenarios...)
	var passed, caught []string
	for _, sc := range report.Scenarios {
		if failed(sc) {
			caught = append(caught, sc.Name)
		} else {
			passed = append(passed, sc.Name)
		}
	}
	switch {
	case b.Each && len(passed) > 0:
		return caught, fmt.Errorf("scenarios of %s passed against a target whose every answer is wrong (%s): %s", mock.Name, b.Name, strings.Join(passed, ", "))
	case report.Passed():
		return caught, fmt.Errorf("the scenarios of %s passed against a broken target (%s):\n%s", mock.Name, b.Name, Text(report))
	}
	return caught, nil
}

// failed reports whether a step of sc failed.
func failed(sc contracts.ScenarioResult) bool {
	for _, st := range sc.Steps {
		if st.Status == contracts.Failed {
			return true
		}
	}
	return false
}

// withoutAuthentication serves a request that the API refuses as
// unauthenticated once more, with the credentials of the mock's Login
// hook: a server that does not check credentials.
func withoutAuthentication(mock *mockserver.Mock, h http.Handler) http.Handler {
	prefix := mock.Prefix
	// The Login hook sends paths relative to the API root.
	root := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.Clone(r.Context())
		r.URL.Path, r.URL.RawPath = prefix+r.URL.Path, ""
		h.ServeHTTP(w, r)
	})
	api, err := mock.Build(mockserver.Setup{Store: mockserver.NewMemoryStore()}, mock.DefaultOptions())
	unauthorized := http.StatusUnauthorized
	if err == nil {
		unauthorized = api.Envelope.Complete(&mockserver.Error{Status: http.StatusUnauthorized, Kind: mockserver.KindUnauthorized}).Status
	}
	var mu sync.Mutex
	logins := map[string]http.Header{}
	login := func(ns string) http.Header {
		mu.Lock()
		defer mu.Unlock()
		if auth, ok := logins[ns]; ok {
			return auth
		}
		var auth http.Header
		if mock.Test.Login != nil {
			auth, _ = mock.Test.Login(root, ns)
		}
		logins[ns] = auth
		return auth
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		serve := func(r *http.Request) *httptest.ResponseRecorder {
			r.Body = io.NopCloser(bytes.NewReader(body))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			return rec
		}
		rec := serve(r)
		if rec.Code == unauthorized && strings.HasPrefix(r.URL.Path, prefix+"/") {
			ns := r.Header.Get(mockserver.NamespaceHeader)
			if ns == "" {
				ns = mockserver.DefaultNamespace
			}
			if auth := login(ns); len(auth) > 0 {
				again := r.Clone(r.Context())
				for name, values := range auth {
					again.Header[http.CanonicalHeaderKey(name)] = values
				}
				rec = serve(again)
			}
		}
		for name, values := range rec.Header() {
			w.Header()[name] = values
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}
