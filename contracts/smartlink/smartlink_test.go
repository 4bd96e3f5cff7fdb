package smartlink_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/contracts/contractstest"
	"github.com/standin/standin/contracts/smartlink"
	"github.com/standin/standin/mockserver"
	mock "github.com/standin/standin/mockserver/smartlink"
	"github.com/standin/standin/mockserver/webhooks"
)

// TestScenarios runs every scenario against the mock, for quick runs of
// this package (cmd/standin runs those of every API).
func TestScenarios(t *testing.T) {
	contracts.RunT(t, contractstest.InProcess(t, mock.Mock, nil), smartlink.Scenarios()...)
}

// leaksMemberships answers GET /memberships with the memberships of both
// organisations: a server that does not scope the listing to the caller's.
func leaksMemberships(next http.Handler) http.Handler {
	creds := contractstest.Credentials(mock.Mock)
	other := map[string]string{creds["apiKey"]: creds["apiKey2"], creds["apiKey2"]: creds["apiKey"]}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, _ := contractstest.Record(next, r)
		if r.Method != http.MethodGet || r.URL.Path != "/smartlink/api/workflow/memberships" || rec.Code != http.StatusOK {
			contractstest.Replay(w, rec, rec.Body.Bytes())
			return
		}
		again := r.Clone(r.Context())
		again.Header.Set("x-api-key", other[r.Header.Get("x-api-key")])
		var mine, theirs []json.RawMessage
		_ = json.Unmarshal(rec.Body.Bytes(), &mine)
		theirsRec, _ := contractstest.Record(next, again)
		_ = json.Unmarshal(theirsRec.Body.Bytes(), &theirs)
		body, _ := json.Marshal(append(mine, theirs...))
		contractstest.Replay(w, rec, body)
	})
}

// overlapsPages serves page n > 1 of the membership search as page n-1: a
// server whose offset is off by a page.
func overlapsPages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/smartlink/api/workflow/memberships/search" {
			q := r.URL.Query()
			if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
				r = r.Clone(r.Context())
				q.Set("page", strconv.Itoa(n-1))
				r.URL.RawQuery = q.Encode()
			}
		}
		next.ServeHTTP(w, r)
	})
}

// sortedKeys re-encodes every webhook body with its keys sorted (Go's
// map order): the signature was made over {"event","date","data"} in that
// order, which a receiver re-serialising in the order sent no longer
// finds.
type sortedKeys struct{ next webhooks.Publisher }

func (p sortedKeys) Publish(ctx context.Context, ev webhooks.Event) {
	build := ev.Build
	ev.Build = func(at time.Time) ([]byte, http.Header, error) {
		body, h, err := build(at)
		if err != nil {
			return body, h, err
		}
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			return nil, nil, err
		}
		body, err = json.Marshal(m)
		return body, h, err
	}
	p.next.Publish(ctx, ev)
}

// signsWithSortedKeys is an in-process target whose webhooks are sent
// with their keys sorted.
func signsWithSortedKeys(t *testing.T) contracts.Target {
	store := mockserver.NewMemoryStore()
	srv := mockserver.New(mockserver.Options{Store: store})
	t.Cleanup(func() { _ = srv.Close(context.Background()) })
	opts, _ := mock.Mock.DefaultOptions().(mock.Options)
	api, err := mock.New(mockserver.Setup{Store: store, Webhooks: sortedKeys{srv.Webhooks()}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Mount(api); err != nil {
		t.Fatal(err)
	}
	target := contracts.InProcess(srv.Handler(), mock.Mock.Prefix)
	target.Credentials = contractstest.Credentials(mock.Mock)
	return target
}

// TestScenariosCatchBrokenTargets runs scenarios against mocks that break
// one rule each: the report must name the step and what was wrong.
func TestScenariosCatchBrokenTargets(t *testing.T) {
	for _, tc := range []struct {
		name, scenario string
		target         func(t *testing.T) contracts.Target
		step, want     string
	}{
		{"another organisation's memberships leak", "org-isolation",
			func(t *testing.T) contracts.Target { return contractstest.InProcess(t, mock.Mock, leaksMemberships) },
			"the second organisation lists and searches none of the first organisation's records", "GET /memberships as the second organisation lists a record of organisation"},
		{"the search's pages overlap", "directory-setup",
			func(t *testing.T) contracts.Target { return contractstest.InProcess(t, mock.Mock, overlapsPages) },
			"the search walked in pages of 3 covers every match once, with a true count on every page", "the pages overlap"},
		{"webhooks are re-encoded with sorted keys", "webhooks", signsWithSortedKeys,
			"each change arrives once, in order, signed as Webhook.verify checks it", "webhook does not verify: signature"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			report := contracts.Run(context.Background(), tc.target(t), contractstest.Scenario(t, smartlink.Scenarios(), tc.scenario))
			if report.Passed() {
				t.Fatal("the scenario passed against a broken target")
			}
			failed := contractstest.FirstFailure(report)
			if failed == nil || failed.Name != tc.step {
				t.Fatalf("want the first failed step to be %q, report:\n%s", tc.step, contractstest.Text(report))
			}
			if msgs := contractstest.Messages(failed); !strings.Contains(msgs, tc.want) {
				t.Errorf("the failure should mention %q:\n%s", tc.want, msgs)
			}
		})
	}
}

// TestScenariosLeaveOutWhatTheTargetCannotDo: without apiKey2 the
// isolation scenario, and without standin's admin API the webhooks
// scenario, check nothing and say why.
func TestScenariosLeaveOutWhatTheTargetCannotDo(t *testing.T) {
	target := contractstest.InProcess(t, mock.Mock, contractstest.WithoutAdmin)
	delete(target.Credentials, "apiKey2")
	report := contracts.Run(context.Background(), target, contractstest.Scenario(t, smartlink.Scenarios(), "org-isolation"), contractstest.Scenario(t, smartlink.Scenarios(), "webhooks"))
	if !report.Passed() {
		t.Fatalf("the scenarios failed:\n%s", contractstest.Text(report))
	}
	for i, want := range []string{"no apiKey2 credential", "answered 404: not a standin mock"} {
		if logs := strings.Join(report.Scenarios[i].Logs, "\n") + stepLogs(report.Scenarios[i]); !strings.Contains(logs, want) {
			t.Errorf("%s: the log should say %q:\n%s", report.Scenarios[i].Name, want, contractstest.Text(report))
		}
	}
}

func stepLogs(sc contracts.ScenarioResult) string {
	var b strings.Builder
	for _, st := range sc.Steps {
		b.WriteString(strings.Join(st.Logs, "\n"))
	}
	return b.String()
}

// TestLoadWorkload runs a short, count-bounded load against the in-process
// mock: every request of every operation must succeed.
func TestLoadWorkload(t *testing.T) {
	contractstest.RunLoad(t, mock.Mock, smartlink.Load{}, 420, 200, 7)
}
