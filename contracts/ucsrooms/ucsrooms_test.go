package ucsrooms_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/contracts/contractstest"
	"github.com/standin/standin/contracts/ucsrooms"
	mock "github.com/standin/standin/mockserver/ucsrooms"
)

func code(rec *httptest.ResponseRecorder) string {
	var body struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	return body.Code
}

// letsTheLastAdminGo answers a 409 LAST_ADMIN as if the change were made:
// a server that lets a room lose its last admin.
func letsTheLastAdminGo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, _ := contractstest.Record(next, r)
		if rec.Code != http.StatusConflict || code(rec) != "LAST_ADMIN" {
			contractstest.Replay(w, rec, rec.Body.Bytes())
			return
		}
		now := time.Now().UTC().Format(time.RFC3339)
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodDelete && strings.HasSuffix(r.URL.Path, "/admin") {
			_, _ = w.Write([]byte(`{"data":{"participant_id":"x","is_admin":false,"archive_room":false,"added_at":"` + now + `"},"sent_at":"` + now + `"}`))
			return
		}
		_, _ = w.Write([]byte(`{"data":[],"page":{"number":1,"size":10,"total_records":0},"sent_at":"` + now + `"}`))
	})
}

// showsRoomsToStrangers answers a GET of a room that is refused 404
// ROOM_NOT_FOUND with the room as its creator, alice, sees it: a server
// that checks that the room exists but not that the caller is in it.
func showsRoomsToStrangers(next http.Handler) http.Handler {
	alice := contractstest.Credentials(mock.Mock)["aliceToken"]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, _ := contractstest.Record(next, r)
		if r.Method == http.MethodGet && strings.Count(strings.TrimPrefix(r.URL.Path, "/ucs/participant/room/"), "/") == 0 &&
			strings.HasPrefix(r.URL.Path, "/ucs/participant/room/") && code(rec) == "ROOM_NOT_FOUND" {
			again := r.Clone(r.Context())
			again.Header.Set("Authorization", "Bearer "+alice)
			rec, _ = contractstest.Record(next, again)
		}
		contractstest.Replay(w, rec, rec.Body.Bytes())
	})
}

// acceptsTamperedURLs serves a download URL whose signature is refused
// with the query of a URL of the same file it saw accepted before: a
// server that does not check what the signature covers.
func acceptsTamperedURLs(next http.Handler) http.Handler {
	var mu sync.Mutex
	good := map[string]string{} // file path: a query that was accepted
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/ucs/files/") {
			next.ServeHTTP(w, r)
			return
		}
		rec, _ := contractstest.Record(next, r)
		mu.Lock()
		query, seen := good[r.URL.Path]
		if rec.Code == http.StatusOK {
			good[r.URL.Path] = r.URL.RawQuery
		}
		mu.Unlock()
		if rec.Code == http.StatusForbidden && seen {
			again := r.Clone(r.Context())
			again.URL.RawQuery = query
			rec, _ = contractstest.Record(next, again)
		}
		contractstest.Replay(w, rec, rec.Body.Bytes())
	})
}

// TestScenarios runs every scenario against the mock, for quick runs of
// this package (cmd/standin runs those of every API).
func TestScenarios(t *testing.T) {
	contracts.RunT(t, contractstest.InProcess(t, mock.Mock, nil), ucsrooms.Scenarios()...)
}

// TestScenariosCatchBrokenTargets runs scenarios against mocks that break
// one rule each: the report must name the step, the request and what was
// expected.
func TestScenariosCatchBrokenTargets(t *testing.T) {
	for _, tc := range []struct {
		name, scenario string
		wrap           func(http.Handler) http.Handler
		step, want     string
	}{
		{"the last admin can go", "admin-revocation", letsTheLastAdminGo,
			"bob, the last admin, cannot revoke his own admin", "DELETE /admin/room/"},
		{"a room is shown to a non-participant", "participant-privacy", showsRoomsToStrangers,
			"carol, not invited, gets 404 ROOM_NOT_FOUND and no listing", "GET /participant/room/"},
		{"a tampered download URL is accepted", "files", acceptsTamperedURLs,
			"a tampered signature is refused with 403 SIGNATURE_INVALID", "GET /files/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			report := contracts.Run(context.Background(), contractstest.InProcess(t, mock.Mock, tc.wrap), contractstest.Scenario(t, ucsrooms.Scenarios(), tc.scenario))
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

// TestScenariosWithoutTheSecret runs every scenario as against a server
// whose tokens come from an identity provider: without jwtSecret, the
// steps that need it are left out, saying so, and the rest pass.
func TestScenariosWithoutTheSecret(t *testing.T) {
	target := contractstest.InProcess(t, mock.Mock, nil)
	delete(target.Credentials, "jwtSecret")
	report := contracts.Run(context.Background(), target, ucsrooms.Scenarios()...)
	if !report.Passed() {
		t.Fatalf("the scenarios failed without jwtSecret:\n%s", contractstest.Text(report))
	}
	logged := 0
	for _, sc := range report.Scenarios {
		for _, st := range sc.Steps {
			if strings.Contains(st.Name, "expired") || strings.Contains(st.Name, "never saw") {
				t.Errorf("%s: step %q ran without jwtSecret", sc.Name, st.Name)
			}
		}
		for _, l := range sc.Logs {
			if strings.Contains(l, "no jwtSecret") {
				logged++
			}
		}
	}
	if logged != 2 {
		t.Errorf("%d scenarios say they left steps out for want of jwtSecret, want 2 (auth, participant-privacy)", logged)
	}
}

// TestScenariosNeedThreeUsers: two tokens of the same user cannot stand
// for two users, and the report says which.
func TestScenariosNeedThreeUsers(t *testing.T) {
	target := contractstest.InProcess(t, mock.Mock, nil)
	target.Credentials["carolToken"] = target.Credentials["bobToken"]
	report := contracts.Run(context.Background(), target, contractstest.Scenario(t, ucsrooms.Scenarios(), "admin-revocation"))
	failed := contractstest.FirstFailure(report)
	if failed == nil || !strings.Contains(contractstest.Messages(failed), "three different users") {
		t.Fatalf("want a failure about three different users, report:\n%s", contractstest.Text(report))
	}
}

// TestLoadWorkload runs a short, count-bounded load against the in-process
// mock: every request of every operation must succeed.
func TestLoadWorkload(t *testing.T) {
	contractstest.RunLoad(t, mock.Mock, ucsrooms.Load{}, 400, 200, 8)
}
