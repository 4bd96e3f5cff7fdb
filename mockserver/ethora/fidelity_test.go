package ethora_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
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

// TestV1UserBatchHasNoBound: the v1 Swagger neither requires nor bounds
// the v1 batch's usersList, so an absent or empty list creates nobody and
// 101 users are created; the v2 batches keep their bound of 1 to 100.
func TestV1UserBatchHasNoBound(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	for _, body := range []any{map[string]any{}, map[string]any{"bypassEmailConfirmation": true}, batch()} {
		if r := c.ok("POST", "/v1/users/batch", body); r.Get("ok") != true || r.List("results") == nil || len(r.List("results")) != 0 {
			t.Errorf("POST /v1/users/batch %v: %s", body, r.Raw)
		}
	}
	many := make([]map[string]any, 101)
	for i := range many {
		many[i] = user("m"+strconv.Itoa(i), "m"+strconv.Itoa(i)+"@example.test")
	}
	if r := c.ok("POST", "/v1/users/batch", batch(many...)); len(r.List("results")) != 101 || !c.visible("m100") {
		t.Errorf("101 users: %d created", len(r.List("results")))
	}
	c.refused(http.StatusUnprocessableEntity, "VALIDATION_ERROR", "POST", "/v2/users/batch", batch(many...))
}

// updateCounter counts the Updates made through a store.
type updateCounter struct {
	mockserver.Store
	n atomic.Int64
}

func (u *updateCounter) Update(ctx context.Context, ns, api string, fn func(any) error) error {
	u.n.Add(1)
	return u.Store.Update(ctx, ns, api, fn)
}

// TestAppTokenLastUsedAt: a use of an app token stamps its lastUsedAt, to
// the minute: the first use, then the first one a minute or more after the
// stamp, whatever the request's outcome; reads made with the token in
// between make no write, a server JWT's use none at all, and the stamp
// survives a snapshot.
func TestAppTokenLastUsedAt(t *testing.T) {
	store := &updateCounter{Store: mockserver.NewMemoryStore()}
	h := newHarnessWith(t, mockserver.Setup{Store: store}, ethora.Options{})
	c := h.app()
	base := "/v2/apps/" + appID + "/tokens"
	created := c.ok("POST", base, map[string]any{"label": "ci"})
	tok := h.as(created.Str("token"))
	lastUsed := func() any {
		t.Helper()
		return c.ok("GET", base, nil).Get("tokens.0.lastUsedAt")
	}
	if got := lastUsed(); got != nil {
		t.Fatalf("an unused token: lastUsedAt %v, want null", got)
	}
	read := func(want int64) {
		t.Helper()
		before := store.n.Load()
		tok.ok("GET", "/v2/chats/users", nil)
		if n := store.n.Load() - before; n != want {
			t.Errorf("a read with the token made %d updates, want %d", n, want)
		}
	}
	t0 := h.clock.Now().UTC().Format(time.RFC3339)
	read(1) // the first use is stamped
	if got := lastUsed(); got != t0 {
		t.Errorf("after the first use: lastUsedAt %v, want %s", got, t0)
	}
	h.clock.Advance(59 * time.Second)
	read(0) // within the minute: a read stays a read
	before := store.n.Load()
	c.ok("GET", base, nil) // a server JWT is no app token
	if n := store.n.Load() - before; n != 0 {
		t.Errorf("a read with a server JWT made %d updates", n)
	}
	if got := lastUsed(); got != t0 {
		t.Errorf("within the minute: lastUsedAt %v, want %s", got, t0)
	}
	h.clock.Advance(time.Second)
	t1 := h.clock.Now().UTC().Format(time.RFC3339)
	read(1)
	if got := lastUsed(); got != t1 {
		t.Errorf("a minute later: lastUsedAt %v, want %s", got, t1)
	}
	// A refused request used the token all the same.
	h.clock.Advance(time.Hour)
	t2 := h.clock.Now().UTC().Format(time.RFC3339)
	tok.must(http.StatusNotFound, "GET", "/v2/apps/"+appID+"/users/ghost/chats", nil)
	if got := lastUsed(); got != t2 {
		t.Errorf("after a refused request: lastUsedAt %v, want %s", got, t2)
	}

	// The stamp survives an export and an import.
	snap, err := h.store.Export(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t, ethora.Options{})
	if err := h2.store.Import(context.Background(), "", snap); err != nil {
		t.Fatal(err)
	}
	if got := h2.app().ok("GET", base, nil).Get("tokens.0.lastUsedAt"); got != t2 {
		t.Errorf("after a snapshot: lastUsedAt %v, want %s", got, t2)
	}

	// A revoked token is refused and not stamped.
	c.ok("DELETE", base+"/"+created.Str("tokenId"), nil)
	h.clock.Advance(time.Hour)
	tok.must(http.StatusUnauthorized, "GET", "/v2/chats/users", nil)
	if got := lastUsed(); got != t2 {
		t.Errorf("a revoked token's use: lastUsedAt %v, want %s", got, t2)
	}
}

// BenchmarkReadWithToken compares a read made with an app token (stamped
// at most once a minute, so here only by the first call) with one made
// with a server JWT, which is never stamped.
func BenchmarkReadWithToken(b *testing.B) {
	for _, kind := range []string{"jwt", "appToken"} {
		b.Run(kind, func(b *testing.B) {
			h := newHarness(b, ethora.Options{})
			c := h.app()
			if kind == "appToken" {
				c = h.as(c.ok("POST", "/v2/apps/"+appID+"/tokens", map[string]any{"label": "bench"}).Str("token"))
			}
			req := func() *http.Request { return c.request("GET", "/v2/chats/users?limit=1", nil) }
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.handler.ServeHTTP(w, req())
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}
