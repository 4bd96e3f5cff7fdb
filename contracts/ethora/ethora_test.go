package ethora_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/contracts/contractstest"
	"github.com/standin/standin/contracts/ethora"
	mock "github.com/standin/standin/mockserver/ethora"
)

// rewrite passes a request to the mock and lets edit change the answer,
// like a server that breaks one rule.
func rewrite(match string, edit func(rec *httptest.ResponseRecorder, w http.ResponseWriter) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.Contains(r.Method+" "+r.URL.Path, match) {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			if edit(rec, w) {
				return
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		})
	}
}

// TestScenariosCatchBrokenTargets runs scenarios against mocks that break
// one rule each: the report must name the step, the request and what was
// expected.
func TestScenariosCatchBrokenTargets(t *testing.T) {
	doublePrefix := rewrite("/chats", func(rec *httptest.ResponseRecorder, w http.ResponseWriter) bool {
		body := strings.ReplaceAll(rec.Body.String(), `"xmppUsername":"`, `"xmppUsername":"X_`)
		if body == rec.Body.String() {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_, _ = w.Write([]byte(body))
		return true
	})
	jsonNotFound := rewrite("DELETE /ethora/v1/chats", func(rec *httptest.ResponseRecorder, w http.ResponseWriter) bool {
		if rec.Code != http.StatusUnprocessableEntity {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_, _ = w.Write([]byte(`{"error":"Chat not found"}`))
		return true
	})
	crossTenant := rewrite("/chats", func(rec *httptest.ResponseRecorder, w http.ResponseWriter) bool {
		if rec.Code != http.StatusForbidden {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"chats":[],"total":0,"limit":100,"offset":0}`))
		return true
	})
	for _, tc := range []struct {
		name, scenario string
		wrap           func(http.Handler) http.Handler
		step, want     string
	}{
		{"double-prefixed members", "tenant-setup", doublePrefix, "the user's chats list the chat with both members", "never double-prefixed"},
		{"JSON body on the second delete", "default-app-lifecycle", jsonNotFound, "delete the chat, then again", "DELETE /v1/chats"},
		{"no tenant isolation", "tenant-isolation", crossTenant, "a child's token is refused on a sibling's chats", "403"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var scenarios []contracts.Scenario
			for _, sc := range ethora.Scenarios() {
				if sc.Name == tc.scenario {
					scenarios = append(scenarios, sc)
				}
			}
			report := contracts.Run(context.Background(), contractstest.InProcess(t, mock.Mock, tc.wrap), scenarios...)
			if report.Passed() {
				t.Fatal("the suite passed against a broken target")
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

// TestLoadWorkload runs a short, count-bounded load against the in-process
// mock: every request of every operation must succeed.
func TestLoadWorkload(t *testing.T) {
	contractstest.RunLoad(t, mock.Mock, ethora.Load{}, 350, 0, 0)
}
