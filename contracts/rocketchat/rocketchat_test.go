package rocketchat_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/contracts/contractstest"
	"github.com/standin/standin/contracts/rocketchat"
	mock "github.com/standin/standin/mockserver/rocketchat"
)

// answer is how a broken mock answers one operation; it may defer to the
// real mock.
type answer func(w http.ResponseWriter, r *http.Request, next http.Handler)

// brokenMock answers the operation at path the way a faulty server would.
func brokenMock(path string, a answer) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, path) {
				a(w, r, next)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func jsonAnswer(status int, body string) answer {
	return func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// accepting turns the real mock's refusal with errorType into a success,
// like a server that does not enforce that rule.
func accepting(errorType string) answer {
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		if strings.Contains(rec.Body.String(), `"errorType":"`+errorType+`"`) {
			jsonAnswer(http.StatusOK, `{"success":true}`)(w, r, next)
			return
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}
}

// unlessAnonymous answers anonymous requests with a, others normally.
func unlessAnonymous(a answer) answer {
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.Header.Get("X-Auth-Token") == "" {
			a(w, r, next)
			return
		}
		next.ServeHTTP(w, r)
	}
}

// TestScenariosCatchBrokenTargets runs the suite against mocks that break
// one rule each and checks that the report names the step, the request and
// the expectation.
func TestScenariosCatchBrokenTargets(t *testing.T) {
	for _, tc := range []struct {
		name, scenario, path string
		answer               answer
		step, want           string
	}{
		{"last owner can be removed", "owner-revocation", "/api/v1/channels.removeOwner",
			accepting("error-remove-last-owner"), "the last owner cannot be removed", "POST /api/v1/channels.removeOwner"},
		{"bulk invite ignores the list", "bulk-invites", "/api/v1/channels.invite",
			jsonAnswer(400, `{"success":false,"error":"bad [x]","errorType":"x"}`), "invite one user by userId", "POST /api/v1/channels.invite"},
		{"members has an undeclared field type", "bulk-invites", "/api/v1/channels.members",
			jsonAnswer(200, `{"members":[],"count":"0","offset":0,"total":0,"success":true}`), "members lists all four", "count"},
		{"no auth on me", "auth", "/api/v1/me",
			unlessAnonymous(jsonAnswer(200, `{"_id":"x","username":"admin","success":true}`)), "every protected operation refuses missing credentials", "GET /api/v1/me"},
		{"plain text error", "invite-permissions", "/api/v1/channels.invite",
			func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
				w.WriteHeader(400)
				_, _ = w.Write([]byte("nope"))
			}, "admin creates a channel and invites mia", "POST /api/v1/channels.invite"},
		{"anyone edits any message", "messaging", "/api/v1/chat.update",
			accepting("error-action-not-allowed"), "ann edits her message; ben may not", "POST /api/v1/chat.update"},
		{"history ignores offset", "messaging", "/api/v1/channels.history",
			func(w http.ResponseWriter, r *http.Request, next http.Handler) {
				q := r.URL.Query()
				q.Del("offset")
				r.URL.RawQuery = q.Encode()
				next.ServeHTTP(w, r)
			}, "history is newest first and pages by count and offset", "GET /api/v1/channels.history"},
		{"history ignores the window", "messaging", "/api/v1/channels.history",
			func(w http.ResponseWriter, r *http.Request, next http.Handler) {
				q := r.URL.Query()
				q.Del("latest")
				r.URL.RawQuery = q.Encode()
				next.ServeHTTP(w, r)
			}, "history by window", "GET /api/v1/channels.history"},
		{"unread never counted", "messaging", "/api/v1/subscriptions.get",
			func(w http.ResponseWriter, r *http.Request, next http.Handler) {
				rec, _ := contractstest.Record(next, r)
				contractstest.Replay(w, rec, []byte(strings.ReplaceAll(rec.Body.String(), `"unread":2`, `"unread":0`)))
			}, "two direct messages make two unread for ben", "unread"},
		{"read changes nothing", "messaging", "/api/v1/subscriptions.read",
			jsonAnswer(200, `{"success":true}`), "ben reads the direct room", "unread"},
		{"a direct room made twice", "messaging", "/api/v1/im.create", newRoomEachTime(), "opening it again finds the same room", "POST /api/v1/im.create"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var scenarios []contracts.Scenario
			for _, sc := range rocketchat.Scenarios() {
				if sc.Name == tc.scenario {
					scenarios = append(scenarios, sc)
				}
			}
			report := contracts.Run(context.Background(), contractstest.InProcess(t, mock.Mock, brokenMock(tc.path, tc.answer)), scenarios...)
			if report.Passed() {
				t.Fatal("the suite passed against a broken target")
			}
			failed := contractstest.FirstFailure(report)
			if failed == nil || !strings.Contains(failed.Name, tc.step) {
				t.Fatalf("want the first failed step to be %q, report:\n%s", tc.step, contractstest.Text(report))
			}
			if msgs := contractstest.Messages(failed); !strings.Contains(msgs, tc.want) {
				t.Errorf("the failure should mention %q:\n%s", tc.want, msgs)
			}
		})
	}
}

// newRoomEachTime answers im.create with a room id of its own each time,
// like a server that makes a new direct room on every call.
func newRoomEachTime() answer {
	calls := 0
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		calls++
		rec, _ := contractstest.Record(next, r)
		contractstest.Replay(w, rec, []byte(strings.Replace(rec.Body.String(), `"_id":"`, fmt.Sprintf(`"_id":"call%d`, calls), 1)))
	}
}
