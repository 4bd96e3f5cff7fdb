package rocketchat_test

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mocks"
	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/mockserver/rocketchat"
)

// TestMockDescriptor checks what the list of APIs learns from the
// descriptor: its name and title, its default options and the credentials
// they give.
func TestMockDescriptor(t *testing.T) {
	m := rocketchat.Mock
	if m.Name != "rocketchat" || rocketchat.Name != "rocketchat" || m.Title != "Rocket.Chat" {
		t.Errorf("name %q, title %q", m.Name, m.Title)
	}
	opts, ok := m.DefaultOptions().(rocketchat.Options)
	if !ok || opts.Admin.Username != "admin" || opts.Admin.Password != "admin" {
		t.Fatalf("default options: %#v", m.DefaultOptions())
	}
	creds := m.Credentials(opts)
	got := map[string]string{}
	for _, c := range creds {
		if c.Hint == "" {
			t.Errorf("credential %q has no hint", c.Key)
		}
		got[c.Key] = c.Value
	}
	if got["username"] != "admin" || got["password"] != "admin" || len(got) != 2 {
		t.Errorf("default credentials: %+v", creds)
	}
	custom := m.Credentials(rocketchat.Options{Admin: fixtures.Credentials{Username: "root", Password: "s3cret"}})
	if custom[0].Value != "root" || custom[1].Value != "s3cret" {
		t.Errorf("credentials follow the options: %+v", custom)
	}
}

// TestConfiguredAdmin serves the mock with an admin of the configuration's
// choosing, from apis.rocketchat.options: that admin logs in and is an
// admin, and the default one does not exist.
func TestConfiguredAdmin(t *testing.T) {
	catalog := mocks.Catalog{rocketchat.Mock}
	cfg, err := catalog.Parse([]byte("apis:\n  rocketchat:\n    options:\n      admin:\n        username: root\n        password: s3cret\n"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := catalog.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, handler: srv.Handler(), store: srv.Store(), ns: "configured"}
	root := h.login("root", "s3cret")
	if me := root.must("GET", "/api/v1/me", nil); me.Str("roles.0") != "admin" || me.Str("username") != "root" {
		t.Errorf("the configured admin is an admin: %s", me.Raw)
	}
	root.createUser("kim")
	if r := h.anon().do("POST", "/api/v1/login", map[string]any{"user": "admin", "password": "admin"}); r.Status != http.StatusUnauthorized {
		t.Errorf("the default admin must not exist: %d %s", r.Status, r.Raw)
	}

	if _, err := catalog.Parse([]byte("apis:\n  rocketchat:\n    options:\n      admins: []\n")); err == nil {
		t.Error("an unknown option must be refused")
	}
	bad := catalog.Default()
	api := bad.APIs["rocketchat"]
	api.Options = rocketchat.Options{Admin: fixtures.Credentials{Username: "not valid!"}}
	bad.APIs["rocketchat"] = api
	if _, err := catalog.New(bad, nil); !errors.Is(err, fixtures.ErrInvalidCredentials) {
		t.Errorf("an invalid admin must be refused when the API is built: %v", err)
	}
}

// TestUnknownDataSet: building the fake from a data set that does not
// exist fails.
func TestUnknownDataSet(t *testing.T) {
	_, err := rocketchat.New(mockserver.Setup{Store: mockserver.NewMemoryStore(), DataSet: "nope"}, rocketchat.Options{})
	if !errors.Is(err, fixtures.ErrUnknownDataSet) {
		t.Errorf("want ErrUnknownDataSet, got %v", err)
	}
}

// TestSeedIsStable: the same data set and seed give the same state, and
// another seed another one.
func TestSeedIsStable(t *testing.T) {
	export := func(seed uint64) string {
		store := mockserver.NewMemoryStore()
		api, err := rocketchat.New(mockserver.Setup{Store: store, Seed: seed}, rocketchat.Options{})
		if err != nil {
			t.Fatal(err)
		}
		srv := mockserver.New(mockserver.Options{Store: store, JournalSize: -1})
		if err := srv.Mount(api); err != nil {
			t.Fatal(err)
		}
		h := &harness{t: t, handler: srv.Handler(), store: store, ns: "seeded"}
		h.touch()
		return h.snapshot()
	}
	if export(7) != export(7) {
		t.Error("the same seed must give the same state")
	}
	if export(7) == export(8) {
		t.Error("another seed must give another state")
	}
}

// TestHooks runs the test kit's hooks against a fresh server, the API at
// the root of its handler as the kit serves it: Login must authenticate
// as the default admin, and every value Known returns must name something
// that exists, so that generated requests reach real users and rooms.
func TestHooks(t *testing.T) {
	catalog := mocks.Catalog{rocketchat.Mock}
	srv, err := catalog.New(catalog.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := srv.RootHandler(rocketchat.Name)
	if err != nil {
		t.Fatal(err)
	}
	const ns = "hooks"
	hooks := rocketchat.Mock.Test
	if hooks.Login == nil || hooks.Known == nil {
		t.Fatal("Rocket.Chat must have both test hooks")
	}
	auth, err := hooks.Login(h, ns)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) reply {
		t.Helper()
		req := mockservertest.NewRequest(t, "GET", path, nil, ns)
		for k, v := range auth {
			req.Header[k] = v
		}
		return mockservertest.Record(h, req)
	}
	if r := get("/api/v1/me"); r.Status != http.StatusOK || r.Str("username") != "admin" {
		t.Fatalf("Login's headers must act as the admin: %d %s", r.Status, r.Raw)
	}

	known, err := hooks.Known(h, auth, ns)
	if err != nil {
		t.Fatal(err)
	}
	lookups := map[string]func(v string) string{
		"userId":    func(v string) string { return "/api/v1/users.info?userId=" + url.QueryEscape(v) },
		"userIds":   func(v string) string { return "/api/v1/users.info?userId=" + url.QueryEscape(v) },
		"username":  func(v string) string { return "/api/v1/users.info?username=" + url.QueryEscape(v) },
		"usernames": func(v string) string { return "/api/v1/users.info?username=" + url.QueryEscape(v) },
		"roomId":    func(v string) string { return "/api/v1/rooms.info?roomId=" + url.QueryEscape(v) },
		"roomName":  func(v string) string { return "/api/v1/rooms.info?roomName=" + url.QueryEscape(v) },
	}
	for key := range lookups {
		if len(known[key]) == 0 {
			t.Errorf("Known has no %q", key)
		}
	}
	// Keys may be scoped to operations ("Channels:roomId"); each value of
	// an id or a name must name something that exists.
	for key, values := range known {
		lookup, ok := lookups[key[strings.LastIndex(key, ":")+1:]]
		if !ok {
			continue
		}
		for _, v := range values {
			if r := get(lookup(v)); v == "" || r.Status != http.StatusOK {
				t.Errorf("Known[%q] = %q names nothing: %d %s", key, v, r.Status, r.Raw)
			}
		}
	}
	// The default data set: the admin and 6 users, 3 channels (and a
	// private group the admin is not in, so may not name).
	if len(known["userId"]) != 7 || len(known["roomId"]) != 3 || !slices.Contains(known["username"], "admin") {
		t.Errorf("want every seeded user and room: %q", known)
	}
	before := mockservertest.Snapshot(t, srv.Store())
	if _, err := hooks.Known(h, auth, ns); err != nil {
		t.Fatal(err)
	}
	if after := mockservertest.Snapshot(t, srv.Store()); after != before {
		t.Error("Known changed the state")
	}
	if _, err := hooks.Known(h, http.Header{}, ns); err == nil {
		t.Error("Known without credentials must fail")
	}
}
