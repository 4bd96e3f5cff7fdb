package main

import (
	"bytes"
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
)

// fidelityRecords holds what `make fidelity-record` recorded of the official
// npm clients (contracts/npm/<api>/check.mjs) through `standin proxy`, one
// file an API.
const fidelityRecords = "../../contracts/testdata/fidelity"

// The official clients' recorded traffic, replayed in order against the
// in-process mock on a fresh namespace, breaks no rule of the spec, in
// requests or responses, and gets the recorded statuses: a spec or a fake
// that drifts from what the clients send and expect fails here, without
// node.
func TestOfficialClientTrafficReplaysAgainstTheSpec(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fidelityRecords, "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"chatkitty", "ethora", "rocketchat"} {
		if _, err := os.Stat(filepath.Join(fidelityRecords, want+".jsonl")); err != nil {
			t.Errorf("no record of %s's official client: %v (run make fidelity-record)", want, err)
		}
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".jsonl")
		t.Run(name, func(t *testing.T) {
			rep := replayRecord(t, name, file, nil)
			if rep.Exchanges == 0 {
				t.Fatalf("%s holds no exchanges", file)
			}
			for _, f := range rep.Findings {
				t.Errorf("%s", f)
			}
			t.Logf("%d exchanges, %d operations, %d findings", rep.Exchanges, len(rep.Proxy.Operations), len(rep.Findings))
		})
	}
}

// replayRecord replays the record file of API name against a fresh
// in-process server with the default configuration, its handler wrapped
// by wrap if wrap is not nil.
func replayRecord(t *testing.T, name, file string, wrap func(http.Handler) http.Handler) contracts.ReplayReport {
	t.Helper()
	a, ok := lookup(name)
	if !ok {
		t.Fatalf("%s: no API %q in the list", file, name)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	exchanges, err := contracts.ReadExchanges(f)
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog()
	srv, err := cat.New(cat.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	const ns = "fidelity-replay"
	opts := contracts.ReplayOptions{
		Handler: srv.Handler(),
		Prefix:  a.mock.Prefix,
		Header:  http.Header{mockserver.NamespaceHeader: {ns}},
		Public:  a.defaultCredentials(),
	}
	if wrap != nil {
		opts.Handler = wrap(opts.Handler)
	}
	if a.mock.Test.Login != nil {
		root, err := srv.RootHandler(name)
		if err != nil {
			t.Fatal(err)
		}
		if opts.Login, err = a.mock.Test.Login(root, ns); err != nil {
			t.Fatalf("log in to %s: %v", name, err)
		}
	}
	rep, err := contracts.Replay(context.Background(), openapi.MustLoad(name), exchanges, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// The replay fails when the mock drifts from the spec: here a mock whose
// "me" answer names the user's username "userName", which the spec's
// MeResponse requires as "username".
func TestOfficialClientReplayFailsOnABrokenMock(t *testing.T) {
	broken := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/rocketchat/api/v1/me" {
				h.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			maps.Copy(w.Header(), rec.Header())
			w.WriteHeader(rec.Code)
			_, _ = w.Write(bytes.ReplaceAll(rec.Body.Bytes(), []byte(`"username":`), []byte(`"userName":`)))
		})
	}
	rep := replayRecord(t, "rocketchat", filepath.Join(fidelityRecords, "rocketchat.jsonl"), broken)
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.String())
	}
	want := `#2 GET /api/v1/me (me): response violation: response body /username: property "username" is missing (at /username)`
	if len(got) != 1 || got[0] != want {
		t.Errorf("findings of the replay against a broken mock:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}
