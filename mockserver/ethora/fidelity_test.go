package ethora_test

import (
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/standin/standin/mockserver/ethora"
)

// The tests of this file hold the mock to its sources (issue 11): never
// stricter than the backend's schema and the SDK's types, and lists that
// behave as the SDK expects.

// TestListLimitsFollowTheSources: the apps listing defaults to 100 and
// serves at most 500 (the v1 Swagger's GET /v1/apps), clamping a larger
// limit instead of refusing it; the other listings, which no source
// bounds, serve any limit, however large.
func TestListLimitsFollowTheSources(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	c.childApp("Only child")
	for _, tc := range []struct {
		query string
		limit int
	}{{"", 100}, {"?limit=101", 101}, {"?limit=500", 500}, {"?limit=501", 500}, {"?limit=9223372036854775807", 500}} {
		r := c.ok("GET", "/v2/apps"+tc.query, nil)
		if r.Num("limit") != tc.limit || r.Num("total") != 1 || len(r.List("apps")) != 1 {
			t.Errorf("GET /v2/apps%s: want limit %d and the one child, got %s", tc.query, tc.limit, r.Raw)
		}
	}

	c.createUsers("u1", "u2")
	c.createChat("room", "u1", "u2")
	const huge = "9223372036854775807"
	for _, tc := range []struct {
		path   string
		offset int
	}{
		{"/v2/chats/users?limit=1001", 0},
		{"/v2/chats/users?limit=" + huge + "&offset=1", 1},
		{"/v2/chats/users?chatName=room&limit=" + huge + "&offset=1", 1}, // a page cut from a filtered list
		{"/v2/chats/users?xmppUsername=u1&limit=" + huge, 0},
		{"/v2/apps/" + appID + "/chats?limit=5000", 0},
		{"/v2/apps/" + appID + "/chats?limit=" + huge + "&offset=1", 1},
		{"/v2/apps/" + appID + "/users/u1/chats?limit=" + huge, 0},
	} {
		r := c.ok("GET", tc.path, nil)
		rows := r.List("results")
		if rows == nil {
			rows = r.List("chats")
		}
		if want := r.Num("total") - tc.offset; len(rows) != want || want < 0 {
			t.Errorf("GET %s: want the %d rows from offset %d on, got %s", tc.path, want, tc.offset, r.Raw)
		}
	}
	if r := c.ok("GET", "/v2/chats/users?limit=1001", nil); r.Num("limit") != 1001 {
		t.Errorf("the limit is served as asked: %s", r.Raw)
	}
	// The filtered page past its start holds the rest of the list.
	r := c.ok("GET", "/v2/chats/users?chatName=room&limit="+huge+"&offset=1", nil)
	if got := r.Strs("results", "xmppUsername"); !slices.Equal(got, []string{xmpp("u2")}) || r.Num("total") != 2 {
		t.Errorf("chat members from offset 1: %s", r.Raw)
	}
}

// TestChatTypeAndBotStatusTakeAnyString: the SDK types a chat's type and
// the bot's status as plain strings; the known values work as before, and
// an unknown one is kept as given and read back unchanged.
func TestChatTypeAndBotStatusTakeAnyString(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	for _, tc := range []struct{ given, want string }{
		{"group", "group"}, {"public", "public"}, {"private", "private"}, {"channel", "channel"}, {"", "group"},
	} {
		for i, path := range []string{"/v2/chats", "/v2/apps/" + appID + "/chats"} {
			r := c.ok("POST", path, map[string]any{"uuid": "t-" + tc.given + strconv.Itoa(i), "type": tc.given})
			if r.Str("result.type") != tc.want {
				t.Errorf("POST %s type %q: want %q, got %s", path, tc.given, tc.want, r.Raw)
			}
		}
	}
	chats := c.ok("GET", "/v2/apps/"+appID+"/chats?limit=1000", nil)
	if got := chats.Strs("chats", "type"); !slices.Contains(got, "channel") {
		t.Errorf("the listing keeps the unknown type: %v", got)
	}

	bot := "/v2/apps/" + appID + "/bot"
	for _, status := range []string{"paused", "on", "ON", "off"} {
		if r := c.ok("PUT", bot, map[string]any{"status": status}); r.Str("bot.status") != status {
			t.Errorf("PUT status %q: %s", status, r.Raw)
		}
		if r := c.ok("GET", bot, nil); r.Str("bot.status") != status {
			t.Errorf("GET after status %q: %s", status, r.Raw)
		}
	}
}

// TestEmptyListsAnswerAsTheSDKExpects: the SDK sends the lists it is given,
// empty ones included, and throws on any refusal but the v1 deletes'
// plain-text not-found; an empty members or usersIdList is answered 200
// and changes nothing.
func TestEmptyListsAnswerAsTheSDKExpects(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	c.createUsers("u1")
	c.createChat("room", "u1")
	before := h.snapshot()
	for _, path := range []string{"/v2/chats/users-access", "/v2/apps/" + appID + "/chats/users-access"} {
		for _, method := range []string{"POST", "DELETE"} {
			r := c.ok(method, path, map[string]any{"chatName": "room", "members": []string{}})
			if r.Get("ok") != true || r.Num("summary.requested") != 0 || r.List("details") == nil || len(r.List("details")) != 0 {
				t.Errorf("%s %s with no members: %s", method, path, r.Raw)
			}
			if by, ok := r.Get("summary.byStatus").(map[string]any); !ok || len(by) != 0 {
				t.Errorf("%s %s with no members: byStatus: %s", method, path, r.Raw)
			}
		}
	}
	for _, path := range []string{"/v1/users/batch", "/v2/apps/" + appID + "/users/batch"} {
		if r := c.ok("DELETE", path, map[string]any{"usersIdList": []string{}}); r.Get("ok") != true || r.Num("deleted") != 0 {
			t.Errorf("DELETE %s with no users: %s", path, r.Raw)
		}
	}
	if h.snapshot() != before {
		t.Errorf("empty lists changed the state")
	}
	if got := c.members("room"); !slices.Equal(got, []string{xmpp("u1")}) {
		t.Errorf("members after empty lists: %v", got)
	}
}

// TestUserBatchFieldsAreUserDataB2B: a batch entry's fields are the
// backend's UserDataB2B, optional strings without length or format rules,
// despite the SDK's comment that lastName needs two characters: each is
// accepted and kept as given, on all three batch routes, and so is a short
// lastName in an update.
func TestUserBatchFieldsAreUserDataB2B(t *testing.T) {
	entries := []map[string]any{
		{"uuid": "short", "email": "short@example.test", "firstName": "Bo", "lastName": "B"},
		{"uuid": "empty", "email": "empty@example.test", "firstName": "", "lastName": ""},
		{"uuid": "bare", "firstName": "Bare"}, // no e-mail, no lastName
		{"uuid": "bare2"},                     // nothing but the uuid: no e-mail conflict with "bare"
		{"uuid": "odd", "email": "not-an-email", "firstName": "Odd", "lastName": "One"},
	}
	for _, path := range []string{"/v2/users/batch", "/v2/apps/" + appID + "/users/batch", "/v1/users/batch"} {
		t.Run(path, func(t *testing.T) {
			h := newHarness(t, ethora.Options{})
			c := h.app()
			r := c.do("POST", path, batch(entries...))
			if r.Status != http.StatusOK && r.Status != http.StatusAccepted {
				t.Fatalf("want the batch accepted, got %d %s", r.Status, r.Raw)
			}
			if path != "/v1/users/batch" {
				job := c.ok("GET", "/v2/apps/"+appID+"/users/batch/"+r.Str("jobId"), nil)
				if got := job.Strs("result.results", "status"); !slices.Equal(got, []string{"created", "created", "created", "created", "created"}) {
					t.Fatalf("job: %s", job.Raw)
				}
			}
			for _, e := range entries {
				u := c.ok("GET", "/v2/chats/users?xmppUsername="+e["uuid"].(string), nil)
				for _, f := range []string{"email", "firstName", "lastName"} {
					want, _ := e[f].(string)
					if got := u.Str("results.0." + f); got != want || u.Num("total") != 1 {
						t.Errorf("%s.%s: want %q, got %s", e["uuid"], f, want, u.Raw)
					}
				}
			}
		})
	}
	h := newHarness(t, ethora.Options{})
	c := h.app()
	c.createUsers("u1")
	for _, path := range []string{"/v2/chats/users", "/v2/apps/" + appID + "/chats/users"} {
		r := c.ok("PATCH", path, map[string]any{"users": []any{map[string]any{"xmppUsername": "u1", "lastName": "K"}}})
		if r.Str("results.0.status") != "updated" || r.Str("results.0.user.lastName") != "K" {
			t.Errorf("PATCH %s with a one-letter lastName: %s", path, r.Raw)
		}
	}
}
