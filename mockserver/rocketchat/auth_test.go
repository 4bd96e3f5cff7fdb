package rocketchat_test

import (
	"net/http"
	"testing"
)

// TestLoginForms logs in every way the server accepts and checks the
// answer: status/data with no success key, the user's id, a token that
// works, and the caller's profile.
func TestLoginForms(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	id := admin.createUser("kim")
	for _, tc := range []struct {
		name string
		body map[string]any
	}{
		{"user as username", map[string]any{"user": "kim", "password": "pw-kim"}},
		{"user as username, other case", map[string]any{"user": "KIM", "password": "pw-kim"}},
		{"user as e-mail", map[string]any{"user": "kim@example.test", "password": "pw-kim"}},
		{"user as e-mail, other case", map[string]any{"user": "Kim@Example.TEST", "password": "pw-kim"}},
		{"username", map[string]any{"username": "kim", "password": "pw-kim"}},
		{"email", map[string]any{"email": "kim@example.test", "password": "pw-kim"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.anon().do("POST", "/api/v1/login", tc.body)
			if r.Status != http.StatusOK {
				t.Fatalf("want 200, got %d %s", r.Status, r.Raw)
			}
			if r.Str("status") != "success" || r.Get("success") != nil {
				t.Errorf("login answers {status, data} without success: %s", r.Raw)
			}
			if r.Str("data.userId") != id || r.Str("data.me._id") != id || r.Str("data.me.username") != "kim" {
				t.Errorf("the answer should name kim (%s): %s", id, r.Raw)
			}
			if len(r.Str("data.authToken")) < 40 {
				t.Errorf("the token is too short to be one: %q", r.Str("data.authToken"))
			}
			if r.Str("data.me.emails.0.address") != "kim@example.test" || r.Get("data.me.active") != true ||
				r.Str("data.me.roles.0") != "user" || r.Get("data.me.settings.preferences") == nil {
				t.Errorf("the profile in data.me is incomplete: %s", r.Raw)
			}
			kim := client{h: h, userID: r.Str("data.userId"), token: r.Str("data.authToken")}
			if me := kim.must("GET", "/api/v1/me", nil); me.Str("_id") != id {
				t.Errorf("the token should work: %s", me.Raw)
			}
		})
	}
}

// TestLoginRefusals answers every wrong login with the 8.x 401 body,
// {"success": false, "error": "unauthorized"}, and changes nothing: the
// login route's catch returns self.unauthorized() and adds the older
// status/error/message fields only when the 8.0 breaking changes are off
// (apps/meteor/app/api/server/ApiClass.ts, _initAuth). It was
// {"status": "error", "error": "Unauthorized", "message": "Unauthorized"},
// the pre-8.0 body, before.
func TestLoginRefusals(t *testing.T) {
	h := newHarness(t)
	h.admin().createUser("kim")
	for _, tc := range []struct {
		name string
		body map[string]any
	}{
		{"wrong password", map[string]any{"user": "kim", "password": "nope"}},
		{"password of another user", map[string]any{"user": "kim", "password": "admin"}},
		{"empty password", map[string]any{"user": "kim", "password": ""}},
		{"no password", map[string]any{"user": "kim"}},
		{"unknown user", map[string]any{"user": "nobody", "password": "pw-kim"}},
		{"unknown e-mail", map[string]any{"email": "nobody@example.test", "password": "pw-kim"}},
		{"no one named", map[string]any{"password": "pw-kim"}},
		{"an empty body", map[string]any{}},
		{"an unknown resume token", map[string]any{"resume": "not-a-token-at-all"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := h.snapshot()
			r := h.anon().do("POST", "/api/v1/login", tc.body)
			if r.Status != http.StatusUnauthorized {
				t.Fatalf("want 401, got %d %s", r.Status, r.Raw)
			}
			if r.Get("success") != false || r.Str("error") != "unauthorized" || r.Get("status") != nil || r.Get("message") != nil || r.Get("errorType") != nil {
				t.Errorf("want the 8.x login failure body, got %s", r.Raw)
			}
			if h.snapshot() != before {
				t.Errorf("a refused login changed the state")
			}
		})
	}
}

// TestResumeReusesTheToken logs in with a token instead of a password: the
// same token comes back and no new one is stored.
func TestResumeReusesTheToken(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	before := h.snapshot()
	r := h.anon().must("POST", "/api/v1/login", map[string]any{"resume": admin.token})
	if r.Str("data.authToken") != admin.token || r.Str("data.userId") != admin.userID {
		t.Errorf("resume should answer the same token and user: %s", r.Raw)
	}
	if h.snapshot() != before {
		t.Errorf("resuming a session must not store another token")
	}
}

// TestEachLoginGetsItsOwnToken: two logins give two tokens, both valid.
func TestEachLoginGetsItsOwnToken(t *testing.T) {
	h := newHarness(t)
	a, b := h.admin(), h.admin()
	if a.token == b.token || a.userID != b.userID {
		t.Fatalf("want two tokens for one user: %+v %+v", a, b)
	}
	a.must("GET", "/api/v1/me", nil)
	b.must("GET", "/api/v1/me", nil)
}

// TestLogoutRevokesTheToken: after logout the token is refused everywhere,
// including as a resume token, while the user's other sessions go on.
func TestLogoutRevokesTheToken(t *testing.T) {
	h := newHarness(t)
	first, second := h.admin(), h.admin()
	r := first.must("POST", "/api/v1/logout", nil)
	if r.Str("status") != "success" || r.Str("data.message") != "You've been logged out!" || r.Get("success") != nil {
		t.Errorf("logout answers {status, data: {message}}: %s", r.Raw)
	}
	unauthorized := refusal{http.StatusUnauthorized, "-", "You must be logged in to do this."}
	first.refuses(unauthorized, "GET", "/api/v1/me", nil)
	first.refuses(unauthorized, "POST", "/api/v1/logout", nil)
	first.refuses(unauthorized, "GET", "/api/v1/channels.list", nil)
	if r := h.anon().do("POST", "/api/v1/login", map[string]any{"resume": first.token}); r.Status != http.StatusUnauthorized {
		t.Errorf("a revoked token cannot resume a session: %d %s", r.Status, r.Raw)
	}
	second.must("GET", "/api/v1/me", nil)
}

// TestCredentialsMustMatch refuses a token sent with another user's id,
// and requests with a header missing, with the 8.x 401 body.
func TestCredentialsMustMatch(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	kimID := admin.createUser("kim")
	kim := h.login("kim", "pw-kim")
	unauthorized := refusal{http.StatusUnauthorized, "-", "You must be logged in to do this."}
	for _, c := range []client{
		{h: h, userID: kimID, token: admin.token},
		{h: h, userID: admin.userID, token: kim.token},
		{h: h, userID: admin.userID, token: "made-up-token"},
		{h: h, userID: admin.userID},
		{h: h, token: admin.token},
		h.anon(),
	} {
		c.refuses(unauthorized, "GET", "/api/v1/me", nil)
		c.refuses(unauthorized, "POST", "/api/v1/channels.create", map[string]any{"name": "sneaky"})
	}
}

// TestMeIsTheCaller answers the caller's own profile.
func TestMeIsTheCaller(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	admin.must("POST", "/api/v1/users.create", map[string]any{"username": "kim", "name": "Kim Lee", "email": "Kim@Example.test",
		"password": "pw-kim", "nickname": "kimmy"})
	me := h.login("kim", "pw-kim").must("GET", "/api/v1/me", nil)
	if me.Get("success") != true || me.Str("username") != "kim" || me.Str("name") != "Kim Lee" || me.Str("nickname") != "kimmy" ||
		me.Str("emails.0.address") != "kim@example.test" || me.Get("active") != true || me.Str("roles.0") != "user" ||
		me.Str("_updatedAt") != "2026-03-02T10:00:00Z" {
		t.Errorf("me: %s", me.Raw)
	}
	if adminMe := admin.must("GET", "/api/v1/me", nil); adminMe.Str("username") != "admin" {
		t.Errorf("me as admin: %s", adminMe.Raw)
	}
}

// TestMeCarriesUserInfo checks what getUserInfo adds to me and to login's
// data.me (apps/meteor/app/api/server/helpers/getUserInfo.ts; core-typings
// 8.8.1 IMeApiUser): email is the first verified address and absent when
// none is, settings has profile and preferences, avatarUrl is
// <site>/avatar/<username>, isOAuthUser is a boolean. Before, me and
// data.me had neither email, avatarUrl, isOAuthUser nor settings.profile.
func TestMeCarriesUserInfo(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	admin.must("POST", "/api/v1/users.create", map[string]any{"username": "kim", "name": "Kim Lee", "email": "kim@example.test",
		"password": "pw-kim", "verified": true})
	admin.createUser("lou") // not verified
	login := h.anon().must("POST", "/api/v1/login", map[string]any{"user": "kim", "password": "pw-kim"})
	kim := client{h: h, userID: login.Str("data.userId"), token: login.Str("data.authToken")}
	me := kim.must("GET", "/api/v1/me", nil)
	for name, r := range map[string]struct {
		reply
		prefix string
	}{"me": {me, ""}, "login": {login, "data.me."}} {
		p := r.prefix
		if r.Str(p+"email") != "kim@example.test" {
			t.Errorf("%s: email should be the verified address: %s", name, r.Raw)
		}
		if r.Str(p+"avatarUrl") != "http://example.com/rocketchat/avatar/kim" {
			t.Errorf("%s: avatarUrl: %q", name, r.Str(p+"avatarUrl"))
		}
		if r.Get(p+"isOAuthUser") != false {
			t.Errorf("%s: isOAuthUser should be false: %s", name, r.Raw)
		}
		if _, ok := r.Get(p + "settings.profile").(map[string]any); !ok {
			t.Errorf("%s: settings.profile should be an object: %s", name, r.Raw)
		}
		if _, ok := r.Get(p + "settings.preferences").(map[string]any); !ok {
			t.Errorf("%s: settings.preferences should be an object: %s", name, r.Raw)
		}
	}
	lou := h.login("lou", "pw-lou").must("GET", "/api/v1/me", nil)
	if lou.Get("email") != nil || lou.Str("avatarUrl") == "" {
		t.Errorf("a user without a verified address has no email: %s", lou.Raw)
	}
}

// TestLoginMatchesNamesCaseInsensitively: Meteor's Accounts lookups
// (findUserByUsername / findUserByEmail through _findUserByQuery) match
// usernames and addresses case-insensitively; the password is compared
// exactly.
func TestLoginMatchesNamesCaseInsensitively(t *testing.T) {
	h := newHarness(t)
	h.admin().createUser("kim")
	for _, body := range []map[string]any{
		{"username": "KiM", "password": "pw-kim"},
		{"email": "KIM@example.TEST", "password": "pw-kim"},
	} {
		if r := h.anon().do("POST", "/api/v1/login", body); r.Status != http.StatusOK {
			t.Errorf("login %v: want 200, got %d %s", body, r.Status, r.Raw)
		}
	}
	if r := h.anon().do("POST", "/api/v1/login", map[string]any{"user": "kim", "password": "PW-KIM"}); r.Status != http.StatusUnauthorized {
		t.Errorf("the password is case-sensitive: %d %s", r.Status, r.Raw)
	}
}

// TestTokenMustBeTheUsers: a user id is authenticated only with a live
// token of that user: not with none, an empty one, one of another user,
// or a token with a byte changed.
func TestTokenMustBeTheUsers(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	h.admin().must("POST", "/api/v1/users.create", map[string]any{
		"username": "kim", "name": "Kim", "email": "kim@example.test", "password": "pw-kim"})
	kim := h.login("kim", "pw-kim")
	unauthorized := refusal{http.StatusUnauthorized, "-", "You must be logged in to do this."}
	changed := []byte(admin.token)
	changed[len(changed)-1] ^= 1
	for _, c := range []client{
		{h: h, userID: admin.userID},                         // an empty token
		{h: h, userID: admin.userID, token: " "},             // blank
		{h: h, userID: admin.userID, token: kim.token},       // another user's
		{h: h, userID: kim.userID, token: admin.token},       // the other way round
		{h: h, userID: admin.userID, token: string(changed)}, // one bit off
	} {
		c.refuses(unauthorized, "GET", "/api/v1/me", nil)
	}
	admin.must("GET", "/api/v1/me", nil)
	kim.must("GET", "/api/v1/me", nil)
}
