// Package contractstest runs scenarios against the in-process mocks in
// tests: a fresh server per test in its own namespace, optionally wrapped
// to break a rule, and helpers to find what a report says failed.
package contractstest

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mocks"
)

// InProcess returns a target on a fresh mock server that serves mock
// alone with its default configuration, in a namespace of its own, with
// the mock's default credentials as the scenario credentials. wrap, if not
// nil, stands between the target and the mock, e.g. to make it break a
// rule.
func InProcess(t testing.TB, mock *mockserver.Mock, wrap func(http.Handler) http.Handler) contracts.Target {
	t.Helper()
	catalog := mocks.Catalog{mock}
	srv, err := catalog.New(catalog.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	target := contracts.InProcess(h, mock.Prefix)
	sum := fnv.New64a()
	_, _ = sum.Write([]byte(t.Name()))
	target.Header = http.Header{mockserver.NamespaceHeader: {fmt.Sprintf("t%x", sum.Sum64())}}
	target.Credentials = Credentials(mock)
	return target
}

// FirstFailure returns the first failed step of the report's first
// scenario, or nil.
func FirstFailure(r *contracts.Report) *contracts.StepResult {
	if len(r.Scenarios) == 0 {
		return nil
	}
	for i, st := range r.Scenarios[0].Steps {
		if st.Status == contracts.Failed {
			return &r.Scenarios[0].Steps[i]
		}
	}
	return nil
}

// Messages joins a step's failures and violations into one text.
func Messages(st *contracts.StepResult) string {
	msgs := slices.Clone(st.Failures)
	for _, v := range st.Violations {
		msgs = append(msgs, v.String())
	}
	return strings.Join(msgs, "\n")
}

// Text renders the report verbosely, for test failure messages.
func Text(r *contracts.Report) string {
	var b strings.Builder
	_ = r.WriteText(&b, true)
	return b.String()
}
