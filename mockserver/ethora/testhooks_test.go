package ethora_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/mocks"
	"github.com/standin/standin/mockserver/mockservertest"
)

// TestHooks runs the test kit's hooks against a fresh server, the API at
// the root of its handler as the kit serves it: Login must authenticate
// as the default app, and every value Known returns must name something
// that exists, so that generated requests reach real users and chats.
func TestHooks(t *testing.T) {
	catalog := mocks.Catalog{ethora.Mock}
	srv, err := catalog.New(catalog.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := srv.RootHandler(ethora.Name)
	if err != nil {
		t.Fatal(err)
	}
	const ns = "hooks"
	hooks := ethora.Mock.Test
	if hooks.Login == nil || hooks.Known == nil {
		t.Fatal("Ethora must have both test hooks")
	}
	auth, err := hooks.Login(h, ns)
	if err != nil {
		t.Fatal(err)
	}
	if auth.Get("x-custom-token") == "" {
		t.Fatalf("Login returned no x-custom-token: %v", auth)
	}
	get := func(path string) mockservertest.Reply {
		t.Helper()
		req := mockservertest.NewRequest(t, "GET", path, nil, ns)
		for k, v := range auth {
			req.Header[k] = v
		}
		return mockservertest.Record(h, req)
	}
	if r := get("/v2/apps/" + appID); r.Status != http.StatusOK || r.Str("app._id") != appID {
		t.Fatalf("Login's headers must act as the default app: %d %s", r.Status, r.Raw)
	}

	known, err := hooks.Known(h, auth, ns)
	if err != nil {
		t.Fatal(err)
	}
	// Each value must be found by an operation that takes it, so that a
	// request naming it is answered 200.
	lookups := map[string]func(v string) string{
		"appId":        func(v string) string { return "/v2/apps/" + url.PathEscape(v) },
		"chatName":     func(v string) string { return "/v2/chats/users?chatName=" + url.QueryEscape(v) },
		"name":         func(v string) string { return "/v2/chats/users?chatName=" + url.QueryEscape(v) },
		"chatNames":    func(v string) string { return "/v2/chats/users?chatName=" + url.QueryEscape(v) },
		"chatId":       func(v string) string { return "/v2/chats/users?chatName=" + url.QueryEscape(v) },
		"chatIds":      func(v string) string { return "/v2/chats/users?chatName=" + url.QueryEscape(appID+"_"+v) },
		"xmppUsername": func(v string) string { return "/v1/apps/users/" + url.PathEscape(v) },
		"members":      func(v string) string { return "/v1/apps/users/" + url.PathEscape(v) },
		"userId":       func(v string) string { return "/v2/apps/" + appID + "/users/" + url.PathEscape(v) + "/chats" },
		"usersIdList":  func(v string) string { return "/v2/apps/" + appID + "/users/" + url.PathEscape(v) + "/chats" },
	}
	for key, lookup := range lookups {
		values := known[key]
		if len(values) == 0 {
			t.Errorf("Known has no %q", key)
		}
		for _, v := range values {
			if v == "" {
				t.Errorf("Known[%q] holds an empty value", key)
				continue
			}
			if r := get(lookup(v)); r.Status != http.StatusOK {
				t.Errorf("Known[%q] = %q names nothing: %d %s", key, v, r.Status, r.Raw)
			}
		}
	}
	for key := range known {
		if _, ok := lookups[key]; !ok {
			t.Errorf("Known[%q] is not checked by this test", key)
		}
	}

	// The seeded data set has chats with members, and those members are
	// among the known users.
	if len(known["chatName"]) < 2 {
		t.Errorf("want the seeded chats, got %q", known["chatName"])
	}
	if !slices.Contains(known["xmppUsername"], xmpp("admin")) {
		t.Errorf("the seeded user %s is not known: %q", xmpp("admin"), known["xmppUsername"])
	}
	for _, v := range known["userId"] {
		if strings.HasPrefix(v, appID+"_") {
			t.Errorf("userId must be a plain uuid, got %q", v)
		}
	}

	// Known reads, it does not write.
	before := mockservertest.Snapshot(t, srv.Store())
	if _, err := hooks.Known(h, auth, ns); err != nil {
		t.Fatal(err)
	}
	if after := mockservertest.Snapshot(t, srv.Store()); after != before {
		t.Error("Known changed the state")
	}
}
