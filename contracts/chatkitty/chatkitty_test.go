package chatkitty_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/contracts/chatkitty"
	"github.com/standin/standin/contracts/contractstest"
	"github.com/standin/standin/mockserver"
	mock "github.com/standin/standin/mockserver/chatkitty"
)

// TestScenarios runs every scenario against the mock, for quick runs of
// this package (cmd/standin runs those of every API).
func TestScenarios(t *testing.T) {
	contracts.RunT(t, contractstest.InProcess(t, mock.Mock, nil), chatkitty.Scenarios()...)
}

// TestScenariosFailAgainstBrokenTargets runs the suite against the broken
// targets every API's suite must catch.
func TestScenariosFailAgainstBrokenTargets(t *testing.T) {
	contractstest.RunBroken(t, mock.Mock, chatkitty.Scenarios())
}

// again serves a copy of r with body and the header changes of edit.
func again(next http.Handler, r *http.Request, body []byte, edit func(h http.Header)) *httptest.ResponseRecorder {
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.ContentLength = int64(len(body))
	if edit != nil {
		edit(r2.Header)
	}
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r2)
	return rec
}

// errorCode returns the error of a refusal's JSON body, or "".
func errorCode(rec *httptest.ResponseRecorder) string {
	var body struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	return body.Error
}

// tokenFor gets an access token of the application of client id and
// secret from next, in the namespace of r.
func tokenFor(next http.Handler, r *http.Request, id, secret string) string {
	req := httptest.NewRequest(http.MethodPost, "/chatkitty/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(mockserver.NamespaceHeader, r.Header.Get(mockserver.NamespaceHeader))
	req.SetBasicAuth(id, secret)
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, req)
	var out struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return out.AccessToken
}

// takesAnEleventhUser answers a direct channel refused as full with the
// direct channel of its first ten users: a server that lets a direct
// channel grow past ten users.
func takesAnEleventhUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, body := contractstest.Record(next, r)
		if r.Method != http.MethodPost || r.URL.Path != "/chatkitty/v1/channels" || errorCode(rec) != "DIRECT_CHANNEL_FULL" {
			contractstest.Replay(w, rec, rec.Body.Bytes())
			return
		}
		var req map[string]any
		_ = json.Unmarshal(body, &req)
		if m, _ := req["members"].([]any); len(m) > 0 {
			req["members"] = m[:len(m)-1]
		}
		fewer, _ := json.Marshal(req)
		rec = again(next, r, fewer, nil)
		contractstest.Replay(w, rec, rec.Body.Bytes())
	})
}

// acceptsExpiredTokens serves a request whose token it saw issued, and
// that the mock refuses (it has expired), once more with a new token of
// the same client: a server that does not check expiry.
func acceptsExpiredTokens(next http.Handler) http.Handler {
	var mu sync.Mutex
	clients := map[string]string{} // access token: the Basic credentials it was issued for
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, body := contractstest.Record(next, r)
		if r.URL.Path == "/chatkitty/oauth/token" && rec.Code == http.StatusOK {
			var out struct {
				AccessToken string `json:"access_token"`
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &out)
			mu.Lock()
			clients[out.AccessToken] = r.Header.Get("Authorization")
			mu.Unlock()
		}
		tok, isBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		mu.Lock()
		basic, known := clients[tok]
		mu.Unlock()
		if rec.Code == http.StatusUnauthorized && isBearer && known {
			tr := httptest.NewRequest(http.MethodPost, "/chatkitty/oauth/token", nil)
			tr.Header.Set("Authorization", basic)
			id, secret, _ := tr.BasicAuth()
			fresh := tokenFor(next, r, id, secret)
			rec = again(next, r, body, func(h http.Header) { h.Set("Authorization", "Bearer "+fresh) })
		}
		contractstest.Replay(w, rec, rec.Body.Bytes())
	})
}

var (
	moderatorsPath = regexp.MustCompile(`^/chatkitty/v1/channels/(\d+)/moderators$`)
	moderatorPath  = regexp.MustCompile(`^/chatkitty/v1/channels/(\d+)/moderators/(\d+)$`)
)

// keepsModeration lists as moderators the users it saw made moderators
// and not removed as such, even once they are no longer members: a server
// that keeps the moderation of a removed member.
func keepsModeration(next http.Handler) http.Handler {
	var mu sync.Mutex
	mods := map[string][]string{} // channel: moderator ids
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, _ := contractstest.Record(next, r)
		if rec.Code != http.StatusOK {
			contractstest.Replay(w, rec, rec.Body.Bytes())
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if m := moderatorPath.FindStringSubmatch(r.URL.Path); m != nil && r.Method == http.MethodDelete {
			mods[m[1]] = slices.DeleteFunc(mods[m[1]], func(id string) bool { return id == m[2] })
		}
		m := moderatorsPath.FindStringSubmatch(r.URL.Path)
		switch {
		case m != nil && r.Method == http.MethodPost:
			var u struct {
				ID int64 `json:"id"`
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &u)
			if id := strconv.FormatInt(u.ID, 10); !slices.Contains(mods[m[1]], id) {
				mods[m[1]] = append(mods[m[1]], id)
			}
		case m != nil && r.Method == http.MethodGet:
			var page map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &page)
			emb, _ := page["_embedded"].(map[string]any)
			if emb == nil {
				emb = map[string]any{}
				page["_embedded"] = emb
			}
			users, _ := emb["users"].([]any)
			listed := map[string]bool{}
			for _, u := range users {
				id, _ := u.(map[string]any)["id"].(float64)
				listed[strconv.FormatInt(int64(id), 10)] = true
			}
			for _, id := range mods[m[1]] {
				if listed[id] {
					continue
				}
				u := again(next, httptest.NewRequest(http.MethodGet, "/chatkitty/v1/users/"+id, nil), nil, func(h http.Header) {
					h.Set("Authorization", r.Header.Get("Authorization"))
					h.Set(mockserver.NamespaceHeader, r.Header.Get(mockserver.NamespaceHeader))
				})
				var user map[string]any
				if json.Unmarshal(u.Body.Bytes(), &user) == nil && u.Code == http.StatusOK {
					users = append(users, user)
				}
			}
			emb["users"] = users
			if meta, _ := page["page"].(map[string]any); meta != nil {
				meta["totalElements"] = len(users)
			}
			body, _ := json.Marshal(page)
			contractstest.Replay(w, rec, body)
			return
		}
		contractstest.Replay(w, rec, rec.Body.Bytes())
	})
}

// repeatsCursorItems serves the page older than message N as the page
// older than N+1: a server whose cursor is off by one, so that each page
// repeats the last message of the page before.
func repeatsCursorItems(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/messages") && q.Get("relation") == "NEXT" {
			if n, err := strconv.ParseInt(q.Get("next"), 10, 64); err == nil {
				r = r.Clone(r.Context())
				q.Set("next", strconv.FormatInt(n+1, 10))
				r.URL.RawQuery = q.Encode()
			}
		}
		next.ServeHTTP(w, r)
	})
}

// dropsImportedMembers imports channel members from an empty file
// whatever the file sent: a server whose members import does nothing.
func dropsImportedMembers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/chatkitty/v1/imports/channels/") {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			part, _ := mw.CreateFormFile("file", "import.json")
			_, _ = part.Write([]byte("[]"))
			_ = mw.Close()
			rec := again(next, r, buf.Bytes(), func(h http.Header) { h.Set("Content-Type", mw.FormDataContentType()) })
			contractstest.Replay(w, rec, rec.Body.Bytes())
			return
		}
		next.ServeHTTP(w, r)
	})
}

// servesOtherAppsUsers answers a GET of a user refused 404 with the user
// as the first application sees it: a server that finds users by id
// without checking their application.
func servesOtherAppsUsers(next http.Handler) http.Handler {
	creds := contractstest.Credentials(mock.Mock)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, body := contractstest.Record(next, r)
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/chatkitty/v1/users/") && rec.Code == http.StatusNotFound &&
			strings.Count(r.URL.Path, "/") == 4 {
			tok := tokenFor(next, r, creds["clientId"], creds["clientSecret"])
			rec = again(next, r, body, func(h http.Header) { h.Set("Authorization", "Bearer "+tok) })
		}
		contractstest.Replay(w, rec, rec.Body.Bytes())
	})
}

// TestScenariosCatchBrokenTargets runs scenarios against mocks that break
// one rule each: the report must name the step and what was wrong.
func TestScenariosCatchBrokenTargets(t *testing.T) {
	for _, tc := range []struct {
		name, scenario string
		wrap           func(http.Handler) http.Handler
		step, want     string
	}{
		{"a direct channel takes an eleventh user", "bulk-channel-membership", takesAnEleventhUser,
			"a DIRECT channel holds 10 users; 11 are refused with 400 DIRECT_CHANNEL_FULL", "POST /v1/channels"},
		{"expired tokens are accepted", "auth", acceptsExpiredTokens,
			"once expired, the token is refused by every operation with 401 invalid_token", "401"},
		{"a removed member keeps the moderation", "moderator-revocation", keepsModeration,
			"removing a moderator's membership also drops the moderation", "listed among the moderators is true, want false"},
		{"message cursors are off by one", "messages", repeatsCursorItems,
			"cursor pages of 2 followed through _links.next hold every message once, newest first", "repeats message"},
		{"the members import adds nobody", "bulk-channel-membership", dropsImportedMembers,
			"a channel-members import job adds the file's users once FINISHED", "after the import"},
		{"another application's user is served by id", "app-isolation", servesOtherAppsUsers,
			"application 2 cannot read, change or delete application 1's user, channel or message (404)", "GET /v1/users/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			report := contracts.Run(context.Background(), contractstest.InProcess(t, mock.Mock, tc.wrap), contractstest.Scenario(t, chatkitty.Scenarios(), tc.scenario))
			if report.Passed() {
				t.Fatal("the scenario passed against a broken target")
			}
			failed := contractstest.FirstFailure(report)
			if failed == nil || failed.Name != tc.step {
				t.Fatalf("want the first failed step to be %q, report:\n%s", tc.step, contractstest.Text(report))
			}
			msgs := contractstest.Messages(failed)
			if !strings.Contains(msgs, tc.want) {
				t.Errorf("the failure should mention %q:\n%s", tc.want, msgs)
			}
			t.Logf("step %q failed:\n%s", failed.Name, msgs)
		})
	}
}

// TestScenariosLeaveOutWhatTheTargetCannotDo: without clientId2 the
// isolation scenario, and without standin's admin API the expiry steps of
// the auth scenario, check nothing and say why; the rest passes.
func TestScenariosLeaveOutWhatTheTargetCannotDo(t *testing.T) {
	target := contractstest.InProcess(t, mock.Mock, contractstest.WithoutAdmin)
	delete(target.Credentials, "clientId2")
	report := contracts.Run(context.Background(), target, contractstest.Scenario(t, chatkitty.Scenarios(), "app-isolation"), contractstest.Scenario(t, chatkitty.Scenarios(), "auth"))
	if !report.Passed() {
		t.Fatalf("the scenarios failed:\n%s", contractstest.Text(report))
	}
	for i, want := range []string{"no clientId2 and clientSecret2 credentials", "answered 404: not a standin mock"} {
		if logs := allLogs(report.Scenarios[i]); !strings.Contains(logs, want) {
			t.Errorf("%s: the log should say %q:\n%s", report.Scenarios[i].Name, want, contractstest.Text(report))
		}
	}
	for _, st := range report.Scenarios[1].Steps {
		if strings.Contains(st.Name, "expired") {
			t.Errorf("auth: step %q ran without the admin API", st.Name)
		}
	}
}

func allLogs(sc contracts.ScenarioResult) string {
	logs := slices.Clone(sc.Logs)
	for _, st := range sc.Steps {
		logs = append(logs, st.Logs...)
	}
	return strings.Join(logs, "\n")
}

// TestFollowsRelativeLinks: a server whose HAL links are relative to the
// API root is followed as well as one whose links are absolute.
func TestFollowsRelativeLinks(t *testing.T) {
	var mu sync.Mutex
	rewritten := 0
	relative := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec, _ := contractstest.Record(next, r)
			abs := []byte(`"href":"http://` + r.Host + `/chatkitty/`)
			mu.Lock()
			rewritten += bytes.Count(rec.Body.Bytes(), abs)
			mu.Unlock()
			contractstest.Replay(w, rec, bytes.ReplaceAll(rec.Body.Bytes(), abs, []byte(`"href":"`)))
		})
	}
	report := contracts.Run(context.Background(), contractstest.InProcess(t, mock.Mock, relative),
		contractstest.Scenario(t, chatkitty.Scenarios(), "bulk-channel-membership"), contractstest.Scenario(t, chatkitty.Scenarios(), "messages"))
	if !report.Passed() {
		t.Fatalf("the scenarios failed with relative links:\n%s", contractstest.Text(report))
	}
	if rewritten == 0 {
		t.Fatal("no link was made relative: the test checks nothing")
	}
}

// TestLoadWorkload runs a short, count-bounded load against the in-process
// mock: every request of every operation must succeed.
func TestLoadWorkload(t *testing.T) {
	contractstest.RunLoad(t, mock.Mock, chatkitty.Load{}, 360, 200, 9)
}
