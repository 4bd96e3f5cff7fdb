package rocketchat_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestUsersCreate creates a user and finds it everywhere a client looks
// afterwards: the answer, users.info by id and by name, users.list, and a
// login with its password.
func TestUsersCreate(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	total := admin.must("GET", "/api/v1/users.list", nil).Num("total")
	r := admin.must("POST", "/api/v1/users.create", map[string]any{"username": "kim", "name": "Kim Lee", "email": "Kim@Example.TEST",
		"password": "secret", "nickname": "kimmy", "verified": true})
	id := r.Str("user._id")
	if r.Get("success") != true || len(id) != 17 || r.Str("user.username") != "kim" || r.Str("user.name") != "Kim Lee" ||
		r.Str("user.emails.0.address") != "kim@example.test" || r.Get("user.emails.0.verified") != true ||
		fmt.Sprint(r.Get("user.roles")) != "[user]" || r.Get("user.active") != true || r.Str("user.type") != "user" ||
		r.Str("user.status") != "offline" || r.Str("user.nickname") != "kimmy" || r.Str("user.createdAt") != "2026-03-02T10:00:00Z" {
		t.Errorf("users.create answer: %s", r.Raw)
	}
	if r.Get("user.password") != nil || strings.Contains(r.Raw, "secret") {
		t.Errorf("the answer must not carry the password: %s", r.Raw)
	}
	for _, q := range []string{"userId=" + id, "username=kim", "username=KIM"} {
		info := admin.must("GET", "/api/v1/users.info?"+q, nil)
		if info.Str("user._id") != id || info.Str("user.username") != "kim" || info.Get("success") != true {
			t.Errorf("users.info?%s: %s", q, info.Raw)
		}
	}
	if got := admin.must("GET", "/api/v1/users.list", nil).Num("total"); got != total+1 {
		t.Errorf("users.list total: want %d, got %d", total+1, got)
	}
	if kim := h.login("kim", "secret"); kim.userID != id {
		t.Errorf("kim logs in as %s, want %s", kim.userID, id)
	}
}

// TestUsersCreateOptions: roles, inactive accounts, and admins made by
// admins.
func TestUsersCreateOptions(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	r := admin.must("POST", "/api/v1/users.create", map[string]any{"username": "boss", "name": "B", "email": "boss@example.test",
		"password": "pw", "roles": []string{"admin", "user"}})
	if fmt.Sprint(r.Get("user.roles")) != "[admin user]" {
		t.Errorf("roles: %s", r.Raw)
	}
	boss := h.login("boss", "pw")
	boss.createUser("minion") // an admin may create users

	r = admin.must("POST", "/api/v1/users.create", map[string]any{"username": "sleepy", "name": "S", "email": "sleepy@example.test",
		"password": "pw", "active": false})
	if r.Get("user.active") != false {
		t.Errorf("active:false: %s", r.Raw)
	}
	if l := h.anon().do("POST", "/api/v1/login", map[string]any{"user": "sleepy", "password": "pw"}); l.Status != http.StatusUnauthorized {
		t.Errorf("an inactive user cannot log in: %d %s", l.Status, l.Raw)
	}
	bot := admin.must("POST", "/api/v1/users.create", map[string]any{"username": "robo", "name": "R", "email": "robo@example.test",
		"password": "pw", "roles": []string{"bot"}})
	if fmt.Sprint(bot.Get("user.roles")) != "[bot]" {
		t.Errorf("roles: %s", bot.Raw)
	}
}

// TestUsersCreateRefusals: each refusal with its status and errorType,
// and nothing created.
func TestUsersCreateRefusals(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	admin.createUser("kim")
	kim := h.login("kim", "pw-kim")
	user := func(username, email string, extra ...any) map[string]any {
		m := map[string]any{"username": username, "name": "N", "email": email, "password": "pw"}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i].(string)] = extra[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		name   string
		as     client
		body   map[string]any
		want   refusal
		method string // details.method, if any
	}{
		{"a plain user", kim, user("new", "new@example.test"), refusal{400, "error-action-not-allowed", "Adding user is not allowed [error-action-not-allowed]"}, "insertOrUpdateUser"},
		{"a username in use", admin, user("kim", "other@example.test"), refusal{400, "error-field-unavailable", "kim is already in use :( [error-field-unavailable]"}, "insertOrUpdateUser"},
		{"a username in use, other case", admin, user("Kim", "other@example.test"), refusal{400, "error-field-unavailable", ""}, "insertOrUpdateUser"},
		{"an e-mail in use", admin, user("new", "KIM@example.test"), refusal{400, "error-field-unavailable", "KIM@example.test is already in use :( [error-field-unavailable]"}, "insertOrUpdateUser"},
		{"a room role", admin, user("new", "new@example.test", "roles", []string{"owner"}), refusal{400, "error-invalid-role", `Invalid role "owner" [error-invalid-role]`}, "insertOrUpdateUser"},
		{"an unknown role", admin, user("new", "new@example.test", "roles", []string{"user", "wizard"}), refusal{400, "error-invalid-role", ""}, "insertOrUpdateUser"},
		// saveUser's validateUserData refuses a username outside the default
		// UTF8_User_Names_Validation and an address without the basic
		// x@y form with Meteor errors (before: a spec invalid-params).
		{"a username with a space", admin, user("new one", "new@example.test"), refusal{400, "error-input-is-not-a-valid-field", "new one is not a valid username [error-input-is-not-a-valid-field]"}, "insertOrUpdateUser"},
		{"an address without @", admin, user("new", "nope"), refusal{400, "error-invalid-email", "Invalid email nope [error-invalid-email]"}, "insertOrUpdateUser"},
		{"no body", admin, nil, refusal{400, "invalid-params", ""}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != nil {
				body = tc.body
			}
			r := tc.as.refuses(tc.want, "POST", "/api/v1/users.create", body)
			if tc.method != "" && r.Str("details.method") != tc.method {
				t.Errorf("details.method: want %s: %s", tc.method, r.Raw)
			}
		})
	}

	// A user who may create users but not assign admin cannot make admins.
	grant := map[string]any{"permissions": []map[string]any{{"_id": "create-user", "roles": []string{"admin", "user"}}}}
	admin.must("POST", "/api/v1/permissions.update", grant)
	kim.refuses(refusal{400, "error-action-not-allowed", "Assigning admin is not allowed [error-action-not-allowed]"},
		"POST", "/api/v1/users.create", user("usurper", "u@example.test", "roles", []string{"admin"}))
	kim.createUser("kims-friend")
}

// TestUsersInfoRefusals: an unknown user is the plain 400 "User not
// found." with no errorType (API.v1.failure('User not found.') in
// apps/meteor/app/api/server/v1/users.ts; before, the mock added an
// invented errorType); no lookup key, or two, is the ajv anyOf refusal
// invalid-params (rest-typings 8.8.1 UsersInfoParamsGet, the Open-API
// file's example; before, "User not found.").
func TestUsersInfoRefusals(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	notFound := refusal{400, "-", "User not found."}
	admin.refuses(notFound, "GET", "/api/v1/users.info?userId=nobodyNobody12345", nil)
	admin.refuses(notFound, "GET", "/api/v1/users.info?username=nobody", nil)
	admin.refuses(notFound, "GET", "/api/v1/users.info?email=nobody@example.test", nil)
	admin.refuses(notFound, "GET", "/api/v1/users.info?importId=imp-1", nil)
	admin.refuses(notFound, "GET", "/api/v1/users.info?freeSwitchExtension=1234", nil)
	// The route looks up only a non-empty key (users.ts, users.info's
	// searchTerms); an empty one is "Invalid search query.", not a lookup.
	for _, key := range []string{"userId", "username", "email"} {
		admin.refuses(refusal{400, "-", "Invalid search query."}, "GET", "/api/v1/users.info?"+key+"=", nil)
	}
	anyOf := refusal{400, "invalid-params", "must have required property 'userId'\n must have required property 'username'\n must have required property 'importId'\n must have required property 'email'\n must have required property 'freeSwitchExtension'\n must match a schema in anyOf [invalid-params]"}
	admin.refuses(anyOf, "GET", "/api/v1/users.info", nil)
	admin.refuses(anyOf, "GET", "/api/v1/users.info?includeUserRooms=true", nil)
	admin.refuses(anyOf, "GET", "/api/v1/users.info?username=admin&userId="+admin.userID, nil)
	h.anon().refuses(refusal{401, "-", ""}, "GET", "/api/v1/users.info?username=admin", nil)
}

// TestUsersInfoByEmail finds a user by e-mail address (Rocket.Chat 8.4+,
// rest-typings 8.8.1 UsersInfoParamsGet), case-insensitively like the
// other lookups. Before, email was not a parameter of users.info.
func TestUsersInfoByEmail(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	id := admin.createUser("kim")
	for _, email := range []string{"kim@example.test", "KIM@Example.Test"} {
		if r := admin.must("GET", "/api/v1/users.info?email="+url.QueryEscape(email), nil); r.Str("user._id") != id {
			t.Errorf("users.info?email=%s: %s", email, r.Raw)
		}
	}
}

// TestUsersInfoIncludeUserRooms: includeUserRooms=true adds user.rooms,
// the user's subscriptions projected to _id, rid, name, t, roles and
// unread and sorted by t then name, for the user itself or a holder of
// view-other-user-channels (the users.info route in
// apps/meteor/app/api/server/v1/users.ts). Before, the parameter was
// ignored.
func TestUsersInfoIncludeUserRooms(t *testing.T) {
	w := newWorld(t)
	rooms := func(r reply) []string {
		var out []string
		for i := range r.List("user.rooms") {
			p := fmt.Sprintf("user.rooms.%d.", i)
			out = append(out, fmt.Sprintf("%s:%s:%v:%v", r.Str(p+"t"), r.Str(p+"name"), r.Get(p+"roles"), r.Get(p+"unread")))
		}
		return out
	}
	w.ann.must("POST", "/api/v1/channels.create", map[string]any{"name": "anns"})
	mine := w.ann.must("GET", "/api/v1/users.info?includeUserRooms=true&userId="+w.ids["ann"], nil)
	got := rooms(mine)
	if len(got) < 3 || !slices.IsSortedFunc(got, strings.Compare) {
		t.Errorf("ann's rooms, sorted by t then name: %v", got)
	}
	if !slices.Contains(got, "c:anns:[owner]:0") || !slices.Contains(got, "p:secret:<nil>:0") {
		t.Errorf("ann owns anns and is a plain member of secret (no roles key): %v", got)
	}
	for i := range mine.List("user.rooms") {
		p := fmt.Sprintf("user.rooms.%d.", i)
		if mine.Str(p+"rid") == "" || mine.Str(p+"_id") == "" || mine.Str(p+"_id") == mine.Str(p+"rid") {
			t.Errorf("each room carries its rid and its subscription's _id: %s", mine.Raw)
		}
	}
	if byAdmin := w.admin.must("GET", "/api/v1/users.info?includeUserRooms=true&username=ann", nil); !slices.Equal(rooms(byAdmin), got) {
		t.Errorf("admin holds view-other-user-channels: %v", rooms(byAdmin))
	}
	for _, path := range []string{
		"/api/v1/users.info?includeUserRooms=true&username=ann", // bob lacks view-other-user-channels
		"/api/v1/users.info?includeUserRooms=false&username=bob",
		"/api/v1/users.info?username=bob",
	} {
		if r := w.bob.must("GET", path, nil); r.Get("user.rooms") != nil {
			t.Errorf("%s: no rooms expected: %s", path, r.Raw)
		}
	}
}

// usernames lists the usernames of a users.list answer.
func usernames(r reply) []string { return r.Strs("users", "username") }

// TestUsersListPaging checks count, offset and total, before and after the
// set of users changes.
func TestUsersListPaging(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	all := admin.must("GET", "/api/v1/users.list?count=0", nil)
	n := all.Num("total")
	if n != 7 || all.Num("count") != 7 || len(all.List("users")) != 7 || all.Num("offset") != 0 {
		t.Fatalf("the default data set has 7 users: %s", all.Raw)
	}
	names := usernames(all)
	if !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Errorf("users.list is ordered by username: %v", names)
	}
	page := admin.must("GET", "/api/v1/users.list?count=3&offset=2", nil)
	if page.Num("count") != 3 || page.Num("offset") != 2 || page.Num("total") != 7 || !slices.Equal(usernames(page), names[2:5]) {
		t.Errorf("count=3&offset=2: want %v, got %s", names[2:5], page.Raw)
	}
	tail := admin.must("GET", "/api/v1/users.list?count=5&offset=5", nil)
	if tail.Num("count") != 2 || tail.Num("total") != 7 || !slices.Equal(usernames(tail), names[5:]) {
		t.Errorf("the last page is short: %s", tail.Raw)
	}
	past := admin.must("GET", "/api/v1/users.list?offset=50", nil)
	if past.Num("count") != 0 || past.Num("total") != 7 || past.List("users") == nil {
		t.Errorf("past the end: an empty page, the same total: %s", past.Raw)
	}

	for i := range 100 {
		admin.createUser(fmt.Sprintf("zz%03d", i))
	}
	def := admin.must("GET", "/api/v1/users.list", nil)
	if def.Num("count") != 50 || def.Num("total") != 107 {
		t.Errorf("the default page holds 50 of 107: count %d, total %d", def.Num("count"), def.Num("total"))
	}
	capped := admin.must("GET", "/api/v1/users.list?count=500", nil)
	if capped.Num("count") != 100 || capped.Num("total") != 107 {
		t.Errorf("count is capped at 100: count %d, total %d", capped.Num("count"), capped.Num("total"))
	}
	last := admin.must("GET", "/api/v1/users.list?count=100&offset=100", nil)
	if last.Num("count") != 7 || last.Str("users.6.username") != "zz099" {
		t.Errorf("the last page: %s", last.Raw)
	}

	admin.must("POST", "/api/v1/users.delete", map[string]any{"username": "zz000"})
	after := admin.must("GET", "/api/v1/users.list?count=0", nil)
	if after.Num("total") != 106 || slices.Contains(usernames(after), "zz000") {
		t.Errorf("a deleted user leaves the list: total %d", after.Num("total"))
	}
}

// TestUsersListQuery filters users.list with its query document.
func TestUsersListQuery(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	admin.must("POST", "/api/v1/users.create", map[string]any{"username": "kim", "name": "Kim Lee", "email": "kim@example.test", "password": "pw"})
	admin.must("POST", "/api/v1/users.create", map[string]any{"username": "robo", "name": "Robo", "email": "robo@example.test", "password": "pw", "roles": []string{"bot"}})
	admin.must("POST", "/api/v1/users.create", map[string]any{"username": "gone", "name": "Gone", "email": "gone@example.test", "password": "pw", "active": false})
	list := func(query string) []string {
		t.Helper()
		return usernames(admin.must("GET", "/api/v1/users.list?count=0&query="+url.QueryEscape(query), nil))
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{`{"username":"kim"}`, []string{"kim"}},
		{`{"username":"KIM"}`, nil},
		{`{"name":"Kim Lee"}`, []string{"kim"}},
		{`{"roles":"bot"}`, []string{"robo"}},
		{`{"roles":"admin"}`, []string{"admin"}},
		{`{"active":false}`, []string{"gone"}},
		{`{"active":true,"roles":"bot"}`, []string{"robo"}},
		{`{"username":"kim","active":false}`, nil},
		{`{"type":"bot"}`, nil},
		{`{}`, list("")},
	} {
		if got := list(tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("query %s: want %v, got %v", tc.query, tc.want, got)
		}
	}
	if got := list(`{"type":"user"}`); len(got) != 10 {
		t.Errorf("every user is of type user: %v", got)
	}
	if got := list(`{"status":"offline"}`); len(got) != 10 {
		t.Errorf("every user is offline: %v", got)
	}
	// As the server filters (parseJsonQuery, clean, isValidQuery in
	// apps/meteor/app/api/server/): a top-level operator other than $or,
	// $and and $regex is dropped by clean(); a value of another type
	// matches nobody (before, the mock refused all three); $regex with
	// $options, $or and $and filter.
	if got := list(`{"$where":"1"}`); len(got) != 10 {
		t.Errorf("clean() drops $where: %v", got)
	}
	for q, want := range map[string][]string{
		`{"username":1}`:   nil,
		`{"active":"yes"}`: nil,
		`{"username":{"$regex":"^R","$options":"i"}}`:                    {"robo"},
		`{"name":{"$regex":"ee$"}}`:                                      {"kim"},
		`{"emails.address":"kim@example.test"}`:                          {"kim"},
		`{"$or":[{"username":"kim"},{"roles":"bot"}]}`:                   {"kim", "robo"},
		`{"$and":[{"active":true},{"username":{"$regex":"^ro"}}]}`:       {"robo"},
		`{"$or":[{"username":"kim"},{"username":"gone"}],"active":true}`: {"kim"},
	} {
		if got := list(q); !slices.Equal(got, want) {
			t.Errorf("query %s: want %v, got %v", q, want, got)
		}
	}
	for q, text := range map[string]string{
		`["username"]`:                               `Invalid query parameter provided: "[\"username\"]" [error-invalid-query]`,
		`{"username":`:                               `Invalid query parameter provided: "{\"username\":" [error-invalid-query]`,
		`{"username":{"$ne":"kim"}}`:                 "Invalid operation: $ne [error-invalid-query]",
		`{"$or":[{"roles":{"$in":["bot"]}}]}`:        "Invalid operation: $in [error-invalid-query]",
		`{"services.password":"x"}`:                  "Invalid attribute: services.password [error-invalid-query]",
		`{"$or":[{"customFields.x":1}]}`:             "Invalid attribute: customFields.x [error-invalid-query]",
		`{"username":{"$regex":"(?<=a)b"}}`:          "",
		`{"username":{"$regex":"a","$options":"u"}}`: "",
	} {
		r := admin.refuses(refusal{400, "error-invalid-query", text}, "GET", "/api/v1/users.list?query="+url.QueryEscape(q), nil)
		if text == "" && !strings.Contains(r.Str("error"), "standin") {
			t.Errorf("query %s: the refusal should say the mock cannot do it: %s", q, r.Raw)
		}
	}
}

// TestUsersListEmailAndFields: email (8.4+) keeps the user with that
// address (before, it was ignored and every user came back); fields, a
// projection the mock does not implement, is refused rather than ignored.
func TestUsersListEmailAndFields(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	admin.createUser("kim")
	r := admin.must("GET", "/api/v1/users.list?email=KIM%40example.test", nil)
	if !slices.Equal(usernames(r), []string{"kim"}) || r.Num("total") != 1 {
		t.Errorf("users.list?email: %s", r.Raw)
	}
	if r := admin.must("GET", "/api/v1/users.list?email=nobody%40example.test", nil); r.Num("total") != 0 || len(usernames(r)) != 0 {
		t.Errorf("users.list?email of nobody: %s", r.Raw)
	}
	admin.refuses(refusal{400, "error-invalid-fields", `standin does not implement the "fields" projection of users.list [error-invalid-fields]`},
		"GET", "/api/v1/users.list?fields="+url.QueryEscape(`{"username":1}`), nil)
}

// TestUsersListSort orders users.list by each sortable field, both ways.
func TestUsersListSort(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	for _, u := range []struct{ username, name string }{{"carl", "Aaron"}, {"Bea", "zed"}, {"abe", "Mia"}, {"dan", "bea"}} {
		h.clock.Advance(500 * time.Millisecond)
		admin.must("POST", "/api/v1/users.create", map[string]any{"username": u.username, "name": u.name, "email": u.username + "@example.test", "password": "pw"})
	}
	mine := func(sort string) []string {
		t.Helper()
		r := admin.must("GET", "/api/v1/users.list?count=0&query="+url.QueryEscape(`{"roles":"user"}`)+"&sort="+url.QueryEscape(sort), nil)
		var out []string
		for _, n := range usernames(r) {
			if slices.Contains([]string{"carl", "Bea", "abe", "dan"}, n) {
				out = append(out, n)
			}
		}
		return out
	}
	for sort, want := range map[string][]string{
		`{"username":1}`:  {"abe", "Bea", "carl", "dan"},
		`{"username":-1}`: {"dan", "carl", "Bea", "abe"},
		// Names compare case-insensitively too: bea before Mia.
		`{"name":1}`:  {"carl", "dan", "abe", "Bea"},
		`{"name":-1}`: {"Bea", "abe", "dan", "carl"},
		// Created at 10:00:00.5, 10:00:01, 10:00:01.5 and 10:00:02:
		// times compare as times, not as text ("…01Z" sorts after
		// "…01.5Z").
		`{"createdAt":1}`:  {"carl", "Bea", "abe", "dan"},
		`{"createdAt":-1}`: {"dan", "abe", "Bea", "carl"},
	} {
		if got := mine(sort); !slices.Equal(got, want) {
			t.Errorf("sort %s: want %v, got %v", sort, want, got)
		}
	}
	for _, s := range []string{`username`, `{"username":2}`, `{"password":1}`, `{"username":1,"name":1}`, `{}`} {
		admin.refuses(refusal{status: 400, errType: "error-invalid-sort"}, "GET", "/api/v1/users.list?sort="+url.QueryEscape(s), nil)
	}
}

// TestUsersListNeedsViewDRoom: users.list needs view-d-room, checked in
// the route's body, which answers API.v1.unauthorized()
// (apps/meteor/app/api/server/v1/users.ts): 401 "unauthorized" in 8.x
// (unauthorized() in apps/meteor/app/api/server/ApiClass.ts). Before, the
// mock answered 403 [error-forbidden], the body of a route-level
// permission the route does not declare.
func TestUsersListNeedsViewDRoom(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	admin.createUser("kim")
	kim := h.login("kim", "pw-kim")
	kim.must("GET", "/api/v1/users.list", nil)
	admin.must("POST", "/api/v1/permissions.update", map[string]any{"permissions": []map[string]any{{"_id": "view-d-room", "roles": []string{"admin"}}}})
	kim.refuses(refusal{401, "-", "unauthorized"}, "GET", "/api/v1/users.list", nil)
	admin.must("GET", "/api/v1/users.list", nil)
}

// TestUsersDelete deletes a user and checks that it is gone everywhere:
// users.info, users.list, the rooms it was in (usersCount and members
// agree), its tokens and its login.
func TestUsersDelete(t *testing.T) {
	w := newWorld(t)
	teamBefore, secretBefore := w.count("channels", "team"), w.count("groups", "secret")
	r := w.admin.must("POST", "/api/v1/users.delete", map[string]any{"userId": w.ids["ann"]})
	if r.Get("success") != true {
		t.Errorf("users.delete: %s", r.Raw)
	}
	w.admin.refuses(refusal{400, "-", "User not found."}, "GET", "/api/v1/users.info?userId="+w.ids["ann"], nil)
	if slices.Contains(usernames(w.admin.must("GET", "/api/v1/users.list?count=0", nil)), "ann") {
		t.Errorf("ann is still listed")
	}
	if got := w.count("channels", "team"); got != teamBefore-1 {
		t.Errorf("team usersCount: want %d, got %d", teamBefore-1, got)
	}
	if got := w.count("groups", "secret"); got != secretBefore-1 {
		t.Errorf("secret usersCount: want %d, got %d", secretBefore-1, got)
	}
	members := w.admin.must("GET", "/api/v1/channels.members?count=0&roomId="+w.ids["team"], nil)
	if members.Num("total") != teamBefore-1 || slices.Contains(members.Strs("members", "username"), "ann") {
		t.Errorf("team members: %s", members.Raw)
	}
	w.ann.refuses(refusal{401, "-", ""}, "GET", "/api/v1/me", nil)
	if l := w.anon().do("POST", "/api/v1/login", map[string]any{"user": "ann", "password": "pw-ann"}); l.Status != http.StatusUnauthorized {
		t.Errorf("a deleted user cannot log in: %d", l.Status)
	}
	// The name is free again.
	w.admin.createUser("ann")
	w.admin.must("POST", "/api/v1/users.delete", map[string]any{"username": "ann"})
}

// TestUsersDeleteRefusals: each refusal with its status and errorType.
func TestUsersDeleteRefusals(t *testing.T) {
	w := newWorld(t)
	// users.delete without delete-user: API.v1.unauthorized(), 401 in 8.x
	// (before: 403 [error-forbidden]).
	w.ann.refuses(refusal{401, "-", "unauthorized"}, "POST", "/api/v1/users.delete", map[string]any{"userId": w.ids["bob"]})
	w.admin.refuses(refusal{400, "error-invalid-user", ""}, "POST", "/api/v1/users.delete", map[string]any{"userId": "nobodyNobody12345"})
	w.admin.refuses(refusal{400, "error-invalid-user", ""}, "POST", "/api/v1/users.delete", map[string]any{"username": "nobody"})
	w.admin.refuses(refusal{400, "error-user-param-not-provided", ""}, "POST", "/api/v1/users.delete", map[string]any{})
	w.admin.refuses(refusal{400, "invalid-params", ""}, "POST", "/api/v1/users.delete", nil)
}

// TestUsersDeleteLastOwner: deleting the last owner of rooms needs
// confirmRelinquish; then a room with other members passes to its
// longest-standing member, and a room the user is alone in is deleted. The
// answer is the bare {"success": true}: the route returns
// API.v1.success() (apps/meteor/app/api/server/v1/users.ts, users.delete;
// rest-typings 8.8.1 declare it void). Before, the mock added
// deletedRooms, which the server never sends.
func TestUsersDeleteLastOwner(t *testing.T) {
	w := newWorld(t)
	boss := w.admin.createUser("boss")
	bossC := w.login("boss", "pw-boss")
	w.clock.Advance(time.Second)
	room := bossC.must("POST", "/api/v1/channels.create", map[string]any{"name": "bosses", "members": []string{"cid"}}).Str("channel._id")
	w.clock.Advance(time.Second)
	bossC.must("POST", "/api/v1/channels.join", map[string]any{"roomId": room}) // a no-op: boss is in
	w.admin.must("POST", "/api/v1/channels.invite", map[string]any{"roomId": room, "username": "bob"})
	alone := bossC.must("POST", "/api/v1/groups.create", map[string]any{"name": "alone"}).Str("group._id")
	shared := bossC.must("POST", "/api/v1/channels.create", map[string]any{"name": "shared", "members": []string{"ann"}}).Str("channel._id")
	bossC.must("POST", "/api/v1/channels.addOwner", map[string]any{"roomId": shared, "username": "ann"})

	r := w.admin.refuses(refusal{status: 400, errType: "user-last-owner"}, "POST", "/api/v1/users.delete", map[string]any{"userId": boss})
	if fmt.Sprint(r.Get("details.rooms")) != "[alone bosses]" {
		t.Errorf("details.rooms should name the rooms boss is the last owner of: %s", r.Raw)
	}
	r = w.admin.must("POST", "/api/v1/users.delete", map[string]any{"userId": boss, "confirmRelinquish": true})
	if r.Get("deletedRooms") != nil || r.Get("success") != true {
		t.Errorf("users.delete answers success alone: %s", r.Raw)
	}
	w.admin.refuses(refusal{status: 400, errType: "error-room-not-found"}, "GET", "/api/v1/rooms.info?roomId="+alone, nil)
	roles := w.admin.must("GET", "/api/v1/channels.roles?roomId="+room, nil)
	if roles.Str("roles.0.u.username") != "cid" || fmt.Sprint(roles.Get("roles.0.roles")) != "[owner]" || len(roles.List("roles")) != 1 {
		t.Errorf("cid, the longest-standing member, owns the room now: %s", roles.Raw)
	}
	if got := w.admin.must("GET", "/api/v1/channels.info?roomId="+room, nil).Num("channel.usersCount"); got != 2 {
		t.Errorf("usersCount: want 2, got %d", got)
	}
	// A room with another owner stays as it is, less boss.
	if roles := w.admin.must("GET", "/api/v1/channels.roles?roomId="+shared, nil); fmt.Sprint(roles.Strs("roles", "rid")) != "["+shared+"]" ||
		roles.Str("roles.0.u.username") != "ann" {
		t.Errorf("shared keeps ann as its owner: %s", roles.Raw)
	}
	// The new owner can do what owners do.
	cid := w.login("cid", "pw-cid")
	cid.must("POST", "/api/v1/channels.kick", map[string]any{"roomId": room, "username": "bob"})

	w.admin.createUser("temp")
	if r := w.admin.must("POST", "/api/v1/users.delete", map[string]any{"username": "temp", "confirmRelinquish": true}); r.Get("deletedRooms") != nil {
		t.Errorf("deletedRooms: %s", r.Raw)
	}
}

// TestUsersCreateTakesNulls: the optional fields the server's ajv schema
// declares nullable (rest-typings 8.8.1 UserCreateParamsPOST) accept null,
// which counts as absent; before, the spec refused null. Usernames and
// addresses already taken are found case-insensitively, as the server's
// checkUsernameAvailability and checkEmailAvailability do.
func TestUsersCreateTakesNulls(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	r := admin.must("POST", "/api/v1/users.create", map[string]any{"username": "kim", "name": "Kim", "email": "kim@example.test", "password": "pw",
		"active": nil, "nickname": nil, "bio": nil, "statusText": nil, "joinDefaultChannels": nil, "requirePasswordChange": nil,
		"setRandomPassword": nil, "sendWelcomeEmail": nil, "verified": nil, "freeSwitchExtension": nil})
	if r.Get("user.active") != true || r.Get("user.nickname") != nil {
		t.Errorf("null is absent: active defaults to true, no nickname: %s", r.Raw)
	}
	admin.refuses(refusal{status: 400, errType: "error-field-unavailable"}, "POST", "/api/v1/users.create",
		map[string]any{"username": "KIM", "name": "K", "email": "other@example.test", "password": "pw"})
}
