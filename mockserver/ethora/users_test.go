package ethora_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/ethora/ethoratoken"
)

// visible reports whether uuid is listed by GET /v2/chats/users.
func (c client) visible(uuid string) bool {
	c.h.t.Helper()
	return c.ok("GET", "/v2/chats/users?xmppUsername="+uuid, nil).Num("total") == 1
}

func TestUserBatchJobLifecycle(t *testing.T) {
	for _, route := range []struct{ name, post, poll string }{
		{"implicit", "/v2/users/batch", "/v2/users/batch/"},
		{"in app", "/v2/apps/" + appID + "/users/batch", "/v2/apps/" + appID + "/users/batch/"},
	} {
		t.Run(route.name, func(t *testing.T) {
			h := newHarness(t, ethora.Options{JobDelay: 3 * time.Second})
			c := h.app()
			c.createChat("room")
			r := c.must(http.StatusAccepted, "POST", route.post, batch(user("new1", "new1@example.test"), user("new2", "new2@example.test")))
			job := r.Str("jobId")
			if job == "" || r.Str("statusUrl") != route.poll+job {
				t.Fatalf("202 body: want jobId and statusUrl %s<jobId>, got %s", route.poll, r.Raw)
			}

			steps := []struct {
				after time.Duration
				state string
			}{{0, "pending"}, {500 * time.Millisecond, "pending"}, {700 * time.Millisecond, "running"}, {1700 * time.Millisecond, "running"}, {100 * time.Millisecond, "completed"}}
			for _, s := range steps {
				h.clock.Advance(s.after)
				j := c.ok("GET", route.poll+job, nil)
				if j.Str("state") != s.state {
					t.Fatalf("at +%v: want state %s, got %s", s.after, s.state, j.Raw)
				}
				if j.Str("jobId") != job || j.Str("appId") != appID || j.Num("total") != 2 {
					t.Errorf("job fields: %s", j.Raw)
				}
				if s.state != "completed" {
					if j.Get("result") != nil {
						t.Errorf("a %s job has no result yet: %s", s.state, j.Raw)
					}
					// Not there yet: not listed, not grantable, no chats, no session.
					if c.visible("new1") {
						t.Errorf("%s: new1 is listed before the job completed", s.state)
					}
					g := c.ok("POST", "/v2/chats/users-access", map[string]any{"chatName": "room", "members": []string{"new1"}})
					if g.Str("details.0.status") != "not-found" || g.Get("ok") != false {
						t.Errorf("%s: grant before completion: %s", s.state, g.Raw)
					}
					c.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v2/apps/"+appID+"/users/new1/chats", nil)
					h.as(clientToken(appID, appSecret, "new1")).refused(http.StatusUnauthorized, "USER_NOT_FOUND", "POST", "/v1/users/client", nil)
					continue
				}
				if got := j.Strs("result.results", "status"); !slices.Equal(got, []string{"created", "created"}) {
					t.Errorf("statuses: %v", got)
				}
				if got := j.Strs("result.results", "xmppUsername"); !slices.Equal(got, []string{xmpp("new1"), xmpp("new2")}) {
					t.Errorf("xmppUsernames: %v", got)
				}
				if j.Str("result.results.0.user.xmppPassword") == "" || j.Str("result.results.0.user.email") != "new1@example.test" {
					t.Errorf("a created result carries the user with its xmppPassword: %s", j.Raw)
				}
			}
			if !c.visible("new1") || !c.visible("new2") {
				t.Errorf("the users are listed once the job completed")
			}
			if g := c.ok("POST", "/v2/chats/users-access", map[string]any{"chatName": "room", "members": []string{"new1"}}); g.Str("details.0.status") != "granted" {
				t.Errorf("grant after completion: %s", g.Raw)
			}
			h.as(clientToken(appID, appSecret, "new1")).ok("POST", "/v1/users/client", nil)
		})
	}
}

func TestUserBatchConflicts(t *testing.T) {
	h := newHarness(t, ethora.Options{JobDelay: 3 * time.Second})
	c := h.app()
	first := c.must(http.StatusAccepted, "POST", "/v2/users/batch", batch(user("dup", "dup@example.test"))).Str("jobId")
	// Still pending, the uuid and the e-mail are already taken.
	second := c.must(http.StatusAccepted, "POST", "/v2/users/batch", batch(
		user("dup", "other@example.test"),
		user("fresh", "DUP@Example.test"),
		user("admin", "admin2@example.test"),
		user("pair", "pair@example.test"),
		user("pair", "pair2@example.test"),
		user("twin1", "twin@example.test"),
		user("twin2", "twin@example.test"),
	)).Str("jobId")
	h.clock.Advance(3 * time.Second)
	if got := c.ok("GET", "/v2/users/batch/"+first, nil).Strs("result.results", "status"); !slices.Equal(got, []string{"created"}) {
		t.Errorf("first job: %v", got)
	}
	j := c.ok("GET", "/v2/users/batch/"+second, nil)
	want := []string{"uuid_exists", "exists", "uuid_exists", "created", "uuid_exists", "created", "exists"}
	if got := j.Strs("result.results", "status"); !slices.Equal(got, want) {
		t.Errorf("statuses: want %v, got %v (%s)", want, got, j.Raw)
	}
	for i, e := range j.List("result.results") {
		m := e.(map[string]any)
		if m["status"] != "created" && (m["error"] == nil || m["user"] != nil) {
			t.Errorf("result %d: a conflict carries an error and no user: %v", i, m)
		}
	}
	// The conflicting entries created nobody.
	st := h.state()
	_, fresh := st.Users.Get(xmpp("fresh"))
	_, twin2 := st.Users.Get(xmpp("twin2"))
	if fresh || twin2 {
		t.Errorf("a conflicting entry was created")
	}
	dup, _ := st.Users.Get(xmpp("dup"))
	admin, _ := st.Users.Get(xmpp("admin"))
	if dup.Email != "dup@example.test" || admin.Email != "admin@standin.local" {
		t.Errorf("a conflict changed the existing user")
	}
	// A generated uuid when none is given.
	g := c.must(http.StatusAccepted, "POST", "/v2/users/batch", batch(map[string]any{"email": "anon@example.test", "firstName": "A", "lastName": "Nonymous"})).Str("jobId")
	h.clock.Advance(3 * time.Second)
	if r := c.ok("GET", "/v2/users/batch/"+g, nil); r.Str("result.results.0.status") != "created" || len(r.Str("result.results.0.uuid")) != 24 {
		t.Errorf("generated uuid: %s", r.Raw)
	}
}

func TestUserBatchValidation(t *testing.T) {
	many := make([]map[string]any, 101)
	for i := range many {
		many[i] = user(fmt.Sprintf("m%d", i), fmt.Sprintf("m%d@example.test", i))
	}
	with := func(k string, v any) map[string]any {
		u := user("bad", "bad@example.test")
		u[k] = v
		return u
	}
	for _, tc := range []struct {
		name   string
		body   any
		v2Only bool // the v1 batch has no bound (see TestV1UserBatchHasNoBound)
	}{
		// The entries' fields are any strings (see
		// TestUserBatchFieldsAreUserDataB2B), but strings they must be.
		{"lastName not a string", batch(user("ok", "ok@example.test"), with("lastName", 5)), false},
		{"null e-mail", batch(with("email", nil)), false},
		{"firstName not a string", batch(with("firstName", false)), false},
		{"0 users", batch(), true},
		{"101 users", batch(many...), true},
		{"no usersList", map[string]any{"bypassEmailConfirmation": true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, ethora.Options{})
			c := h.app()
			paths := []string{"/v2/users/batch", "/v2/apps/" + appID + "/users/batch", "/v1/users/batch"}
			if tc.v2Only {
				paths = paths[:2]
			}
			for _, path := range paths {
				c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "POST", path, tc.body)
			}
			if c.visible("ok") || c.visible("m0") {
				t.Errorf("a refused batch created users")
			}
			if h.state().UserJobs.Len() != 0 {
				t.Errorf("a refused batch left a job")
			}
		})
	}
}

func TestUserBatchWithoutDelayCompletesAtOnce(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	job := c.must(http.StatusAccepted, "POST", "/v2/users/batch", batch(user("now", "now@example.test"))).Str("jobId")
	if r := c.ok("GET", "/v2/users/batch/"+job, nil); r.Str("state") != "completed" || r.Str("result.results.0.status") != "created" {
		t.Errorf("job: %s", r.Raw)
	}
	// The SDK grants right after createUser, without polling.
	c.createChat("room")
	if g := c.ok("POST", "/v2/chats/users-access", map[string]any{"chatName": "room", "members": []string{"now"}}); g.Str("details.0.status") != "granted" {
		t.Errorf("grant right after the 202: %s", g.Raw)
	}
}

func TestUserBatchJobScope(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	job := c.must(http.StatusAccepted, "POST", "/v2/users/batch", batch(user("a1", "a1@example.test"))).Str("jobId")
	// The implicit job is also the app's job.
	c.ok("GET", "/v2/apps/"+appID+"/users/batch/"+job, nil)
	c.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v2/users/batch/no-such-job", nil)

	child, secret := c.childApp("Child")
	childJob := c.must(http.StatusAccepted, "POST", "/v2/apps/"+child+"/users/batch", batch(user("k1", "k1@example.test"))).Str("jobId")
	c.ok("GET", "/v2/apps/"+child+"/users/batch/"+childJob, nil)
	h.as(serverToken(child, secret)).ok("GET", "/v2/users/batch/"+childJob, nil)
	// A job is found only in its own app.
	c.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v2/users/batch/"+childJob, nil)
	c.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v2/apps/"+child+"/users/batch/"+job, nil)
	h.as(serverToken(child, secret)).refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v2/users/batch/"+job, nil)
}

func TestCreateUsersV1(t *testing.T) {
	h := newHarness(t, ethora.Options{JobDelay: 3 * time.Second})
	c := h.app()
	r := c.ok("POST", "/v1/users/batch", batch(user("s1", "s1@example.test"), user("s2", "s2@example.test")))
	if r.Get("ok") != true || len(r.List("results")) != 2 {
		t.Fatalf("v1 batch: %s", r.Raw)
	}
	if got := r.Strs("results", "xmppUsername"); !slices.Equal(got, []string{xmpp("s1"), xmpp("s2")}) {
		t.Errorf("results in request order: %v", got)
	}
	if r.Str("results.0.xmppPassword") == "" || r.Str("results.0.uuid") != "s1" || r.Str("results.0.appId") != appID {
		t.Errorf("a v1 result is the user with its xmppPassword: %s", r.Raw)
	}
	// Synchronous: visible at once, whatever the job delay.
	if !c.visible("s1") || !c.visible("s2") {
		t.Errorf("v1 users must be visible at once")
	}
	for _, tc := range []struct {
		name  string
		users []map[string]any
	}{
		{"uuid taken", []map[string]any{user("s3", "s3@example.test"), user("s1", "other@example.test")}},
		{"seeded uuid taken", []map[string]any{user("s3", "s3@example.test"), user("admin", "other@example.test")}},
		{"e-mail taken", []map[string]any{user("s3", "s3@example.test"), user("s4", "S1@example.test")}},
		{"uuid twice in the batch", []map[string]any{user("s3", "s3@example.test"), user("s3", "s3b@example.test")}},
		{"e-mail twice in the batch", []map[string]any{user("s3", "same@example.test"), user("s4", "same@example.test")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := c.refused(http.StatusUnprocessableEntity, "ALREADY_EXISTS", "POST", "/v1/users/batch", batch(tc.users...))
			if !strings.HasSuffix(e.Str("error"), "already exists") {
				t.Errorf("error should end in 'already exists': %q", e.Str("error"))
			}
			if c.visible("s3") || c.visible("s4") {
				t.Errorf("a refused batch created users")
			}
		})
	}
}

func TestUpdateUsers(t *testing.T) {
	for _, path := range []string{"/v2/chats/users", "/v2/apps/" + appID + "/chats/users"} {
		t.Run(path, func(t *testing.T) {
			h := newHarness(t, ethora.Options{})
			c := h.app()
			c.createUsers("u1", "u2", "u3")
			r := c.ok("PATCH", path, map[string]any{"users": []any{
				map[string]any{"xmppUsername": xmpp("u1"), "firstName": "Alicia", "profileImage": "https://img.example/a.png"},
				map[string]any{"xmppUsername": xmpp("ghost"), "lastName": "Nobody"},
				map[string]any{"uuid": "u2", "lastName": "Kelly"},
				map[string]any{"xmppUsername": xmpp("u3")},
			}})
			want := []string{"updated", "not-found", "updated", "skipped"}
			if got := r.Strs("results", "status"); !slices.Equal(got, want) {
				t.Fatalf("statuses: want %v, got %v (%s)", want, got, r.Raw)
			}
			if got := r.Strs("results", "xmppUsername"); !slices.Equal(got, []string{xmpp("u1"), xmpp("ghost"), xmpp("u2"), xmpp("u3")}) {
				t.Errorf("xmppUsernames: %v", got)
			}
			if r.Str("results.0.user.firstName") != "Alicia" || r.Str("results.0.user.lastName") != "Last" || r.Get("results.1.user") != nil {
				t.Errorf("updated entries carry the new record: %s", r.Raw)
			}
			if r.Get("results.0.user.xmppPassword") != nil {
				t.Errorf("updates must not show xmppPassword: %s", r.Raw)
			}
			// Visible in later reads.
			u := c.ok("GET", "/v2/chats/users?xmppUsername=u1", nil)
			if u.Str("results.0.firstName") != "Alicia" || u.Str("results.0.profileImage") != "https://img.example/a.png" {
				t.Errorf("after update: %s", u.Raw)
			}
			if got := c.ok("GET", "/v2/chats/users?xmppUsername=u2", nil).Str("results.0.lastName"); got != "Kelly" {
				t.Errorf("u2 lastName: %q", got)
			}
		})
	}
}

func TestUpdateUsersEntryWithoutIdentifierIsSkipped(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	r := h.app().ok("PATCH", "/v2/chats/users", map[string]any{"users": []any{map[string]any{"firstName": "Nobody"}}})
	if got := r.Str("results.0.status"); got != "skipped" {
		t.Errorf("status: want skipped, got %s", r.Raw)
	}
}

func TestUpdateUsersValidation(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	many := make([]any, 101)
	for i := range many {
		many[i] = map[string]any{"xmppUsername": xmpp("admin"), "firstName": "X"}
	}
	for _, path := range []string{"/v2/chats/users", "/v2/apps/" + appID + "/chats/users"} {
		c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "PATCH", path, map[string]any{"users": []any{}})
		c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "PATCH", path, map[string]any{"users": many})
		c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "PATCH", path, map[string]any{})
	}
	// 100 is the limit, not over it.
	c.ok("PATCH", "/v2/chats/users", map[string]any{"users": many[:100]})
}

func TestGetChatUsers(t *testing.T) {
	h := newHarnessWith(t, mockserver.Setup{DataSet: "empty"}, ethora.Options{})
	c := h.app()
	var all []string
	for i := range 6 {
		h.clock.Advance(time.Second)
		u := fmt.Sprintf("u%d", i)
		c.createUsers(u)
		all = append(all, xmpp(u))
	}
	all = append([]string{xmpp("admin")}, all...)
	c.createChat("room", "u1", "u3")

	full := c.ok("GET", "/v2/chats/users", nil)
	if got := full.Strs("results", "xmppUsername"); !slices.Equal(got, all) || full.Num("total") != 7 || full.Num("limit") != 100 || full.Num("offset") != 0 {
		t.Errorf("every user, by creation: want %v, got %s", all, full.Raw)
	}
	if strings.Contains(full.Raw, "xmppPassword") {
		t.Errorf("lists never show xmppPassword")
	}
	id := full.Str("results.2._id")
	for _, tc := range []struct {
		query string
		want  []string
		total int
	}{
		{"chatName=room", []string{xmpp("u1"), xmpp("u3")}, 2},
		{"chatName=" + xmpp("room"), []string{xmpp("u1"), xmpp("u3")}, 2},
		{"xmppUsername=" + xmpp("u4"), []string{xmpp("u4")}, 1},
		{"xmppUsername=u4", []string{xmpp("u4")}, 1},
		{"xmppUsername=ghost", nil, 0},
		{"userId=" + id, []string{all[2]}, 1},
		{"userId=000000000000000000000000", nil, 0},
		{"chatName=room&xmppUsername=u3", []string{xmpp("u3")}, 1},
		{"chatName=room&xmppUsername=u4", nil, 0},
		{"limit=2", all[:2], 7},
		{"limit=2&offset=2", all[2:4], 7},
		{"limit=3&offset=6", all[6:], 7},
		{"offset=50", nil, 7},
		{"chatName=room&limit=1&offset=1", []string{xmpp("u3")}, 2},
	} {
		r := c.ok("GET", "/v2/chats/users?"+tc.query, nil)
		if got := r.Strs("results", "xmppUsername"); !slices.Equal(got, tc.want) || r.Num("total") != tc.total {
			t.Errorf("?%s: want %v (total %d), got %s", tc.query, tc.want, tc.total, r.Raw)
		}
		if r.List("results") == nil {
			t.Errorf("?%s: results must be an array: %s", tc.query, r.Raw)
		}
	}
	c.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v2/chats/users?chatName=nope", nil)
	// limit has no upper bound here (see TestListLimitsFollowTheSources).
	for _, q := range []string{"limit=0", "limit=ten", "offset=-1"} {
		c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "GET", "/v2/chats/users?"+q, nil)
	}
}

func TestExchangeClientToken(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	created := c.ok("POST", "/v1/users/batch", batch(user("end", "end@example.test")))
	r := h.as(clientToken(appID, appSecret, "end")).ok("POST", "/v1/users/client", nil)
	if r.Get("success") != true || r.Str("user.uuid") != "end" || r.Str("user.xmppUsername") != xmpp("end") {
		t.Errorf("session: %s", r.Raw)
	}
	if pw := r.Str("user.xmppPassword"); pw == "" || pw != created.Str("results.0.xmppPassword") {
		t.Errorf("xmppPassword: want the one given at creation %q, got %q", created.Str("results.0.xmppPassword"), pw)
	}
	if r.Str("token") == "" || r.Str("refreshToken") == "" {
		t.Errorf("session tokens: %s", r.Raw)
	}
	// A seeded user, and a 26.2.x client token signed with the raw secret.
	var legacy ethoratoken.Claims
	legacy.Data.AppID, legacy.Data.Type, legacy.Data.UserID = appID, ethoratoken.PurposeClient, "admin"
	h.as(ethoratoken.Sign(legacy, []byte(appSecret))).ok("POST", "/v1/users/client", nil)

	for _, tc := range []struct {
		name string
		c    client
		code string
	}{
		{"unknown user", h.as(clientToken(appID, appSecret, "ghost")), "USER_NOT_FOUND"},
		{"no userId", h.as(clientToken(appID, appSecret, "")), "USER_NOT_FOUND"},
		{"prefixed userId of another app", h.as(clientToken(appID, appSecret, "other-app_end")), "USER_NOT_FOUND"},
		{"server token", h.app(), "UNAUTHORIZED"},
		{"client token as Bearer only", h.as(clientToken(appID, appSecret, "end")).bearer(), "UNAUTHORIZED"},
		{"client token, wrong secret", h.as(clientToken(appID, "wrong", "end")), "UNAUTHORIZED"},
		{"client token, unknown app", h.as(clientToken("no-such-app", appSecret, "end")), "UNAUTHORIZED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.c.refused(http.StatusUnauthorized, tc.code, "POST", "/v1/users/client", nil)
		})
	}
	// An app token is a server token.
	tok := c.ok("POST", "/v2/apps/"+appID+"/tokens", nil).Str("token")
	h.as(tok).refused(http.StatusUnauthorized, "UNAUTHORIZED", "POST", "/v1/users/client", nil)
	// Users of a child app exchange with the child's secret only.
	child, secret := c.childApp("Child")
	h.as(serverToken(child, secret)).createUsers("kid")
	h.as(clientToken(child, secret, "kid")).ok("POST", "/v1/users/client", nil)
	h.as(clientToken(appID, appSecret, "kid")).refused(http.StatusUnauthorized, "USER_NOT_FOUND", "POST", "/v1/users/client", nil)
}
