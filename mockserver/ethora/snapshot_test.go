package ethora_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/mocks"
	"github.com/standin/standin/mockserver/mockservertest"
)

// The namespaces of the snapshot tests: the one snapshots are imported
// into, and a bystander whose state must never change.
const (
	nsA = "suite-a"
	nsB = "suite-b"
)

// adminServer is a server built as `standin serve` builds it, from a
// catalog that holds Ethora alone, driven through its admin API.
type adminServer struct {
	t   *testing.T
	srv *mockserver.Server
	h   http.Handler
}

func newAdminServer(t *testing.T) *adminServer {
	t.Helper()
	catalog := mocks.Catalog{ethora.Mock}
	srv, err := catalog.New(catalog.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return &adminServer{t: t, srv: srv, h: srv.Handler()}
}

// call sends a request to the Ethora API in namespace ns with token in
// x-custom-token; body is JSON-encoded unless it is a string.
func (a *adminServer) call(ns, token, method, path string, body any) reply {
	a.t.Helper()
	req := mockservertest.NewRequest(a.t, method, "/ethora"+path, body, ns)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-custom-token", token)
	return mockservertest.Record(a.h, req)
}

// must is call that fails the test unless the answer is status.
func (a *adminServer) must(status int, ns, token, method, path string, body any) reply {
	a.t.Helper()
	r := a.call(ns, token, method, path, body)
	if r.Status != status {
		a.t.Fatalf("%s %s in %s: want %d, got %d %s", method, path, ns, status, r.Status, r.Raw)
	}
	return r
}

// admin sends a request to the admin API.
func (a *adminServer) admin(method, target, body string) reply {
	a.t.Helper()
	req := mockservertest.NewRequest(a.t, method, mockserver.AdminPrefix+target, body, "")
	req.Host = "localhost" // the admin API answers loopback hosts only
	return mockservertest.Record(a.h, req)
}

// export returns GET /__standin/snapshot[?namespace=ns] as text.
func (a *adminServer) export(ns string) string {
	a.t.Helper()
	target := "/snapshot"
	if ns != "" {
		target += "?namespace=" + ns
	}
	r := a.admin(http.MethodGet, target, "")
	if r.Status != http.StatusOK {
		a.t.Fatalf("export %q: %d %s", ns, r.Status, r.Raw)
	}
	return r.Raw
}

// importSnapshot sends body to PUT /__standin/snapshot[?namespace=ns].
func (a *adminServer) importSnapshot(ns, body string) reply {
	a.t.Helper()
	target := "/snapshot"
	if ns != "" {
		target += "?namespace=" + ns
	}
	return a.admin(http.MethodPut, target, body)
}

// stateOf returns namespace ns's Ethora state as generic JSON, for a test
// to poison.
func (a *adminServer) stateOf(ns string) jsonObject {
	a.t.Helper()
	var snap map[string]map[string]jsonObject
	if err := json.Unmarshal([]byte(a.export(ns)), &snap); err != nil {
		a.t.Fatal(err)
	}
	st := snap[ns][ethora.Name]
	if st == nil {
		a.t.Fatalf("namespace %q has no Ethora state", ns)
	}
	return st
}

// jsonObject is a JSON object as encoding/json decodes it.
type jsonObject = map[string]any

// object returns the object at keys below o, failing the test if there is
// none.
func object(t testing.TB, o jsonObject, keys ...string) jsonObject {
	t.Helper()
	cur := o
	for i, k := range keys {
		next, ok := cur[k].(jsonObject)
		if !ok {
			t.Fatalf("no object at %s", strings.Join(keys[:i+1], "/"))
		}
		cur = next
	}
	return cur
}

// cloneJSON deep-copies a generic JSON value.
func cloneJSON(t testing.TB, v any) jsonObject {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out jsonObject
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// snapshotFixture is the world each snapshot case starts from: both
// namespaces exist; in nsA the default app has a child app with a user
// and a user batch job and a broadcast exist.
type snapshotFixture struct {
	a                  *adminServer
	token              string // the default app's server token
	child, childSecret string
	childUser          string // xmppUsername of the child app's user
}

func newSnapshotFixture(t *testing.T) snapshotFixture {
	t.Helper()
	a := newAdminServer(t)
	fx := snapshotFixture{a: a, token: serverToken(appID, appSecret)}
	for _, ns := range []string{nsA, nsB} {
		a.must(http.StatusOK, ns, fx.token, "GET", "/v2/apps/"+appID, nil)
	}
	r := a.must(http.StatusOK, nsA, fx.token, "POST", "/v2/apps", map[string]any{"displayName": "Child"})
	fx.child, fx.childSecret = r.Str("app._id"), r.Str("appSecret")
	a.must(http.StatusOK, nsA, serverToken(fx.child, fx.childSecret), "POST", "/v1/users/batch", batch(user("u1", "u1@example.test")))
	fx.childUser = fx.child + "_u1"
	a.must(http.StatusAccepted, nsA, fx.token, "POST", "/v2/users/batch", batch(user("u2", "u2@example.test")))
	a.must(http.StatusAccepted, nsA, fx.token, "POST", "/v2/apps/"+appID+"/chats/broadcast", map[string]any{"text": "hi", "allRooms": true})
	return fx
}

// body returns the snapshot that imports st as nsA's Ethora state: only
// nsA when the import names it (?namespace=nsA), else the whole export with
// nsA's state replaced.
func (fx snapshotFixture) body(scoped bool, st any) string {
	t := fx.a.t
	t.Helper()
	if scoped {
		return mustJSON(t, map[string]any{nsA: map[string]any{ethora.Name: st}})
	}
	var snap map[string]map[string]any
	if err := json.Unmarshal([]byte(fx.a.export("")), &snap); err != nil {
		t.Fatal(err)
	}
	snap[nsA][ethora.Name] = st
	return mustJSON(t, snap)
}

// probe sends the ordinary requests a client makes after a snapshot was
// refused, on the state it left in place, and fails on any 5xx or an
// answer that state does not explain; the process must survive them all
// (a stack overflow or a concurrent map write would end the test binary).
func (fx snapshotFixture) probe(extra ...func()) {
	a, t := fx.a, fx.a.t
	t.Helper()
	for _, p := range []struct {
		status       int
		method, path string
		body         any
	}{
		{http.StatusOK, "GET", "/v2/apps", nil},
		{http.StatusOK, "GET", "/v2/apps/" + fx.child, nil},
		{http.StatusOK, "GET", "/v2/chats/users?limit=1000", nil},
		{http.StatusOK, "GET", "/v2/apps/" + appID + "/chats?includeMembers=true", nil},
		{http.StatusOK, "GET", "/v2/apps/" + fx.child + "/users/u1/chats?includeMembers=true", nil},
		{http.StatusOK, "POST", "/v2/chats", map[string]any{"uuid": "probe-room", "title": "Probe", "members": []string{"admin"}}},
		{http.StatusOK, "POST", "/v2/chats/users-access", map[string]any{"chatName": xmpp("probe-room"), "members": []string{"u2"}}},
		{http.StatusAccepted, "POST", "/v2/users/batch", batch(user("probe-user", "probe@example.test"))},
		{http.StatusAccepted, "POST", "/v2/apps/" + appID + "/chats/broadcast", map[string]any{"text": "probe", "allRooms": true}},
		{http.StatusOK, "POST", "/v2/apps/" + appID + "/tokens", map[string]any{"label": "probe"}},
		{http.StatusOK, "DELETE", "/v2/apps/" + fx.child, nil},
		{http.StatusOK, "GET", "/v2/apps", nil},
	} {
		r := a.call(nsA, fx.token, p.method, p.path, p.body)
		if r.Status != p.status {
			t.Errorf("after the refused snapshot, %s %s: want %d, got %d %s", p.method, p.path, p.status, r.Status, r.Raw)
		}
	}
	for _, f := range extra {
		f()
	}
	if r := a.admin(http.MethodGet, "/health", ""); r.Status != http.StatusOK {
		t.Errorf("health after the refused snapshot: %d %s", r.Status, r.Raw)
	}
}

// noServerError sends a request whose answer depends on what a poisoned
// snapshot would have left; any answer but a 5xx will do.
func (fx snapshotFixture) noServerError(token, method, path string, body any) func() {
	return func() {
		fx.a.t.Helper()
		if r := fx.a.call(nsA, token, method, path, body); r.Status >= 500 {
			fx.a.t.Errorf("%s %s: %d %s", method, path, r.Status, r.Raw)
		}
	}
}

// wantRefused checks that r is the admin API's 400 whose error names every
// one of want.
func wantRefused(t testing.TB, r reply, want ...string) {
	t.Helper()
	if r.Status != http.StatusBadRequest {
		t.Errorf("want 400, got %d %s", r.Status, r.Raw)
		return
	}
	if !strings.HasPrefix(r.ContentType, "application/json") {
		t.Errorf("content type %q", r.ContentType)
	}
	msg := r.Str("error")
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("the error must name %s: %q", w, msg)
		}
	}
}

// TestSnapshotRefusesBrokenState imports snapshots that break one of the
// Ethora state's invariants each (issue 6, item 4), with and without
// ?namespace=: each must be refused with a 400 naming the namespace, the
// API and the JSON pointer of the problem, leave every namespace as it
// was, and leave a server that answers ordinary requests without a 5xx.
func TestSnapshotRefusesBrokenState(t *testing.T) {
	app := func(id, parent string) func(t testing.TB, fx snapshotFixture, st jsonObject) jsonObject {
		return func(t testing.TB, fx snapshotFixture, st jsonObject) jsonObject {
			a := cloneJSON(t, object(t, st, "apps", fx.child))
			a["_id"], a["parentAppId"], a["secret"] = id, parent, "secret-"+id
			return a
		}
	}
	for _, tc := range []struct {
		name string
		// edit poisons st and returns the JSON pointer of the problem.
		edit func(t testing.TB, fx snapshotFixture, st jsonObject) string
		// after are requests that would hit what the snapshot poisoned.
		after func(fx snapshotFixture) []func()
	}{
		{
			// The report: DELETE /v2/apps/X walked X's children,
			// found Y (whose _id is X) and deleted "X" again, until the
			// stack overflowed and the process died.
			name: "app filed under another id whose parent is that id",
			edit: func(t testing.TB, fx snapshotFixture, st jsonObject) string {
				object(t, st, "apps")["Y"] = app(fx.child, fx.child)(t, fx, st)
				return "/apps/Y/_id"
			},
		},
		{
			name: "app that is its own parent",
			edit: func(t testing.TB, fx snapshotFixture, st jsonObject) string {
				object(t, st, "apps")["cyc-self"] = app("cyc-self", "cyc-self")(t, fx, st)
				return "/apps/cyc-self/parentAppId"
			},
			after: func(fx snapshotFixture) []func() {
				return []func(){fx.noServerError(serverToken("cyc-self", "secret-cyc-self"), "DELETE", "/v2/apps/cyc-self", nil)}
			},
		},
		{
			// Consistent ids, so only the cycle check stands between the
			// snapshot and a DELETE that recurses forever.
			name: "two apps that are each other's parent",
			edit: func(t testing.TB, fx snapshotFixture, st jsonObject) string {
				apps := object(t, st, "apps")
				apps["cyc-a"] = app("cyc-a", "cyc-b")(t, fx, st)
				apps["cyc-b"] = app("cyc-b", "cyc-a")(t, fx, st)
				return "/apps/cyc-a/parentAppId"
			},
			after: func(fx snapshotFixture) []func() {
				return []func(){
					fx.noServerError(serverToken("cyc-b", "secret-cyc-b"), "DELETE", "/v2/apps/cyc-a", nil),
					fx.noServerError(serverToken("cyc-a", "secret-cyc-a"), "DELETE", "/v2/apps/cyc-b", nil),
				}
			},
		},
		{
			name: "cycle above an app",
			edit: func(t testing.TB, fx snapshotFixture, st jsonObject) string {
				apps := object(t, st, "apps")
				apps["cyc-c"] = app("cyc-c", "cyc-d")(t, fx, st)
				apps["cyc-d"] = app("cyc-d", "cyc-c")(t, fx, st)
				apps["cyc-0-leaf"] = app("cyc-0-leaf", "cyc-c")(t, fx, st)
				return "/apps/cyc-c/parentAppId" // where the loop closes, not the leaf above it
			},
		},
		{
			name: "parent that does not exist",
			edit: func(t testing.TB, fx snapshotFixture, st jsonObject) string {
				object(t, st, "apps")["orphan"] = app("orphan", "ghost")(t, fx, st)
				return "/apps/orphan/parentAppId"
			},
			after: func(fx snapshotFixture) []func() {
				return []func(){fx.noServerError(serverToken("orphan", "secret-orphan"), "GET", "/v2/apps", nil)}
			},
		},
		{
			name: "null app",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				object(t, st, "apps")["nul"] = nil
				return "/apps/nul"
			},
		},
		{
			name: "null app token",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				object(t, st, "apps", appID)["tokens"] = jsonObject{"tok": nil}
				return "/apps/" + appID + "/tokens/tok"
			},
		},
		{
			name: "app token filed under another id",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				object(t, st, "apps", appID)["tokens"] = jsonObject{"tok": jsonObject{"tokenId": "other", "hash": "x", "createdAt": "2026-01-01T00:00:00Z"}}
				return "/apps/" + appID + "/tokens/tok/tokenId"
			},
		},
		{
			name: "null user",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				object(t, st, "users")[xmpp("ghost")] = nil
				return "/users/" + xmpp("ghost")
			},
			after: func(fx snapshotFixture) []func() {
				return []func(){fx.noServerError(fx.token, "GET", "/v1/apps/users/"+xmpp("ghost"), nil)}
			},
		},
		{
			// Uniqueness of e-mail addresses within an app is what user
			// batches check (status "exists"), by an index that import
			// rebuilds.
			name: "two users of one app with one e-mail address in another case",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				users := object(t, st, "users")
				twin := cloneJSON(t, users[xmpp("admin")])
				twin["uuid"], twin["email"] = "twin", strings.ToUpper(twin["email"].(string))
				users[xmpp("twin")] = twin
				return "/users/" + xmpp("twin") + "/email"
			},
			after: func(fx snapshotFixture) []func() {
				return []func(){fx.noServerError(fx.token, "GET", "/v2/chats/users", nil)}
			},
		},
		{
			name: "user filed under a key that is not its {appId}_{uuid}",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				users := object(t, st, "users")
				users[xmpp("someone-else")] = cloneJSON(t, users[xmpp("admin")])
				return "/users/" + xmpp("someone-else")
			},
			after: func(fx snapshotFixture) []func() {
				return []func(){fx.noServerError(fx.token, "DELETE", "/v2/apps/"+appID+"/users/batch", map[string]any{"usersIdList": []string{"someone-else", "admin"}})}
			},
		},
		{
			name: "user of an unknown app",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				u := cloneJSON(t, object(t, st, "users", xmpp("admin")))
				u["appId"] = "ghost"
				object(t, st, "users")["ghost_admin"] = u
				return "/users/ghost_admin/appId"
			},
		},
		{
			name: "null chat",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				object(t, st, "chats")[xmpp("nul")] = nil
				return "/chats/" + xmpp("nul")
			},
			after: func(fx snapshotFixture) []func() {
				return []func(){fx.noServerError(fx.token, "DELETE", "/v1/chats", map[string]any{"name": xmpp("nul")})}
			},
		},
		{
			name: "chat filed under another name",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				chats := object(t, st, "chats")
				chats[xmpp("elsewhere")] = cloneJSON(t, chats[xmpp("general")])
				return "/chats/" + xmpp("elsewhere") + "/name"
			},
		},
		{
			name: "chat of an unknown app",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				c := cloneJSON(t, object(t, st, "chats", xmpp("general")))
				c["appId"], c["name"] = "ghost", "ghost_general"
				object(t, st, "chats")["ghost_general"] = c
				return "/chats/ghost_general/appId"
			},
		},
		{
			name: "chat member who is no user",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				c := object(t, st, "chats", xmpp("general"))
				members, _ := c["members"].([]any)
				c["members"] = append(members, xmpp("nobody"))
				return "/chats/" + xmpp("general") + "/members/" + strconv.Itoa(len(members))
			},
			after: func(fx snapshotFixture) []func() {
				return []func(){fx.noServerError(fx.token, "GET", "/v2/chats/users?chatName=general", nil)}
			},
		},
		{
			name: "chat member who is a user of another app",
			edit: func(t testing.TB, fx snapshotFixture, st jsonObject) string {
				c := object(t, st, "chats", xmpp("general"))
				members, _ := c["members"].([]any)
				c["members"] = append([]any{fx.childUser}, members...)
				return "/chats/" + xmpp("general") + "/members/0"
			},
		},
		{
			// Memberships are keyed by chat and member: a member listed
			// twice is no state the rules make, and one row could not
			// hold both places.
			name: "chat member listed twice",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				c := object(t, st, "chats", xmpp("general"))
				members, _ := c["members"].([]any)
				if len(members) == 0 {
					t.Fatal("the seeded general has no members")
				}
				c["members"] = append(members, members[0])
				return "/chats/" + xmpp("general") + "/members/" + strconv.Itoa(len(members))
			},
			after: func(fx snapshotFixture) []func() {
				return []func(){fx.noServerError(fx.token, "GET", "/v2/chats/users?chatName=general", nil)}
			},
		},
		{
			name: "null user job",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				object(t, st, "userJobs")["job-nul"] = nil
				return "/userJobs/job-nul"
			},
			after: func(fx snapshotFixture) []func() {
				return []func(){fx.noServerError(fx.token, "GET", "/v2/users/batch/job-nul", nil)}
			},
		},
		{
			name: "user job of an unknown app",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				object(t, st, "userJobs")["job-x"] = jsonObject{"jobId": "job-x", "appId": "ghost", "results": []any{}}
				return "/userJobs/job-x/appId"
			},
		},
		{
			name: "user job filed under another id",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				object(t, st, "userJobs")["job-x"] = jsonObject{"jobId": "job-y", "appId": appID, "results": []any{}}
				return "/userJobs/job-x/jobId"
			},
		},
		{
			name: "null broadcast",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				object(t, st, "broadcasts")["job-nul"] = nil
				return "/broadcasts/job-nul"
			},
			after: func(fx snapshotFixture) []func() {
				return []func(){fx.noServerError(fx.token, "GET", "/v2/apps/"+appID+"/chats/broadcast/job-nul", nil)}
			},
		},
		{
			name: "broadcast filed under another id",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				object(t, st, "broadcasts")["job-x"] = jsonObject{"jobId": "job-y", "appId": appID, "text": "x", "results": []any{}}
				return "/broadcasts/job-x/jobId"
			},
		},
		{
			name: "broadcast of an unknown app",
			edit: func(t testing.TB, _ snapshotFixture, st jsonObject) string {
				object(t, st, "broadcasts")["job-x"] = jsonObject{"jobId": "job-x", "appId": "ghost", "text": "x", "results": []any{}}
				return "/broadcasts/job-x/appId"
			},
		},
	} {
		for _, scoped := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/scoped=%t", tc.name, scoped), func(t *testing.T) {
				fx := newSnapshotFixture(t)
				st := fx.a.stateOf(nsA)
				path := tc.edit(t, fx, st)
				before := fx.a.export("")
				r := fx.a.importSnapshot(map[bool]string{true: nsA, false: ""}[scoped], fx.body(scoped, st))
				wantRefused(t, r, strconv.Quote(nsA), strconv.Quote(ethora.Name), path)
				if after := fx.a.export(""); after != before {
					t.Errorf("a refused snapshot changed the state:\nbefore %s\nafter  %s", before, after)
				}
				var extra []func()
				if tc.after != nil {
					extra = tc.after(fx)
				}
				fx.probe(extra...)
			})
		}
	}
}

// TestSnapshotRefusesMalformedDocuments imports snapshots that are not a
// well-formed {namespace: {api: state}} document; each is refused with a
// 400 that names what it can, and changes nothing.
func TestSnapshotRefusesMalformedDocuments(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ns    string // ?namespace=
		body  func(fx snapshotFixture) string
		names []string
	}{
		{"the whole API state null", nsA, func(snapshotFixture) string { return `{"suite-a":{"ethora":null}}` },
			[]string{`"suite-a"`, `"ethora"`, "null"}},
		{"the whole API state null, unscoped", "", func(fx snapshotFixture) string { return fx.body(false, nil) },
			[]string{`"suite-a"`, `"ethora"`, "null"}},
		{"a namespace null", nsA, func(snapshotFixture) string { return `{"suite-a":null}` },
			[]string{`"suite-a"`, "null"}},
		{"an unknown API", nsA, func(snapshotFixture) string { return `{"suite-a":{"nope":{}}}` },
			[]string{`"suite-a"`, `"nope"`}},
		{"apps of the wrong type", nsA, func(snapshotFixture) string { return `{"suite-a":{"ethora":{"apps":5}}}` },
			[]string{`"suite-a"`, `"ethora"`, "apps"}},
		{"an app of the wrong type", nsA, func(snapshotFixture) string { return `{"suite-a":{"ethora":{"apps":{"x":"y"}}}}` },
			[]string{`"suite-a"`, `"ethora"`}},
		{"trailing garbage", "", func(fx snapshotFixture) string { return fx.a.export("") + "garbage" }, []string{"after"}},
		{"trailing garbage, scoped", nsA, func(snapshotFixture) string { return `{"suite-a":{"ethora":{}}}garbage` }, []string{"after"}},
		{"a trailing closing brace", nsA, func(snapshotFixture) string { return `{"suite-a":{"ethora":{}}} }` }, nil},
		{"a trailing closing bracket", "", func(fx snapshotFixture) string { return fx.a.export("") + "]" }, nil},
		{"a second JSON value", "", func(fx snapshotFixture) string { return fx.a.export("") + fx.a.export("") }, []string{"after"}},
		{"not JSON", "", func(snapshotFixture) string { return `{"suite-a":` }, nil},
		{"null", "", func(snapshotFixture) string { return `null` }, []string{"null"}},
		{"another namespace than the one named", nsA, func(snapshotFixture) string { return `{"suite-b":{"ethora":{}}}` },
			[]string{`"suite-b"`, `"suite-a"`}},
		{"an invalid namespace name", "", func(snapshotFixture) string { return `{"bad name!":{}}` }, []string{`"bad name!"`}},
		{"an invalid ?namespace=", "bad!", func(snapshotFixture) string { return `{}` }, []string{`"bad!"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newSnapshotFixture(t)
			before := fx.a.export("")
			r := fx.a.importSnapshot(tc.ns, tc.body(fx))
			wantRefused(t, r, tc.names...)
			if after := fx.a.export(""); after != before {
				t.Errorf("a refused snapshot changed the state:\nbefore %s\nafter  %s", before, after)
			}
			fx.probe()
		})
	}
}

// TestSnapshotFillsWhatMayBeLeftOut imports states that leave out maps the
// fake fills in: each is accepted, exported with the maps filled, and the
// requests that need them work (an app without tokens answered
// POST /v2/chats with a 500).
func TestSnapshotFillsWhatMayBeLeftOut(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(t testing.TB, st jsonObject)
		// filled is the JSON the export must show at a path.
		filled map[string]string
		then   func(t testing.TB, fx snapshotFixture)
	}{
		{
			name:   "app without tokens",
			edit:   func(t testing.TB, st jsonObject) { delete(object(t, st, "apps", appID), "tokens") },
			filled: map[string]string{"apps." + appID + ".tokens": `{}`},
			then: func(t testing.TB, fx snapshotFixture) {
				fx.a.must(http.StatusOK, nsA, fx.token, "POST", "/v2/chats", map[string]any{"uuid": "after-import", "title": "T"})
				tok := fx.a.must(http.StatusOK, nsA, fx.token, "POST", "/v2/apps/"+appID+"/tokens", map[string]any{"label": "l"}).Str("token")
				fx.a.must(http.StatusOK, nsA, tok, "GET", "/v2/chats/users", nil)
			},
		},
		{
			name:   "app tokens null",
			edit:   func(t testing.TB, st jsonObject) { object(t, st, "apps", appID)["tokens"] = nil },
			filled: map[string]string{"apps." + appID + ".tokens": `{}`},
			then: func(t testing.TB, fx snapshotFixture) {
				fx.a.must(http.StatusOK, nsA, fx.token, "POST", "/v2/chats", map[string]any{"uuid": "after-import", "title": "T"})
				fx.a.must(http.StatusOK, nsA, fx.token, "GET", "/v2/apps/"+appID+"/tokens", nil)
			},
		},
		{
			name: "state with apps only",
			edit: func(_ testing.TB, st jsonObject) {
				for _, k := range []string{"users", "chats", "userJobs", "broadcasts"} {
					delete(st, k)
				}
			},
			filled: map[string]string{"users": `{}`, "chats": `{}`, "userJobs": `{}`, "broadcasts": `{}`},
			then: func(t testing.TB, fx snapshotFixture) {
				if r := fx.a.must(http.StatusOK, nsA, fx.token, "GET", "/v2/apps/"+appID+"/chats", nil); r.Num("total") != 0 {
					t.Errorf("chats: %s", r.Raw)
				}
				fx.a.must(http.StatusOK, nsA, fx.token, "POST", "/v1/users/batch", batch(user("n1", "n1@example.test")))
				fx.a.must(http.StatusOK, nsA, fx.token, "POST", "/v2/chats", map[string]any{"uuid": "after-import", "members": []string{"n1"}})
				fx.a.must(http.StatusAccepted, nsA, fx.token, "POST", "/v2/users/batch", batch(user("n2", "n2@example.test")))
				fx.a.must(http.StatusAccepted, nsA, fx.token, "POST", "/v2/apps/"+appID+"/chats/broadcast", map[string]any{"text": "hi", "allRooms": true})
			},
		},
		{
			name:   "chat without members",
			edit:   func(t testing.TB, st jsonObject) { delete(object(t, st, "chats", xmpp("general")), "members") },
			filled: map[string]string{"chats." + xmpp("general") + ".members": `[]`},
			then: func(t testing.TB, fx snapshotFixture) {
				if r := fx.a.must(http.StatusOK, nsA, fx.token, "GET", "/v2/chats/users?chatName=general", nil); r.Num("total") != 0 {
					t.Errorf("members: %s", r.Raw)
				}
				fx.a.must(http.StatusOK, nsA, fx.token, "POST", "/v2/chats/users-access", map[string]any{"chatName": "general", "members": []string{"admin"}})
			},
		},
	} {
		for _, scoped := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/scoped=%t", tc.name, scoped), func(t *testing.T) {
				fx := newSnapshotFixture(t)
				bystander := fx.a.export(nsB)
				st := fx.a.stateOf(nsA)
				tc.edit(t, st)
				if r := fx.a.importSnapshot(map[bool]string{true: nsA, false: ""}[scoped], fx.body(scoped, st)); r.Status != http.StatusOK {
					t.Fatalf("import: %d %s", r.Status, r.Raw)
				}
				got := mockservertest.Reply{}
				if err := json.Unmarshal([]byte(fx.a.export(nsA)), &got.Body); err != nil {
					t.Fatal(err)
				}
				for path, want := range tc.filled {
					if v := mustJSON(t, got.Get(nsA+"."+ethora.Name+"."+path)); v != want {
						t.Errorf("%s: want %s, got %s", path, want, v)
					}
				}
				if fx.a.export(nsB) != bystander {
					t.Error("importing into one namespace changed another")
				}
				tc.then(t, fx)
			})
		}
	}
}

// TestSnapshotRoundTrip exports a state that uses every part of the
// Ethora state, resets, imports the export and exports it again: the two
// exports are the same, whole and per namespace, and the restored state
// works (the child app's token, its user, the jobs).
func TestSnapshotRoundTrip(t *testing.T) {
	fx := newSnapshotFixture(t)
	a := fx.a
	a.must(http.StatusOK, nsA, fx.token, "POST", "/v2/apps/"+appID+"/tokens", map[string]any{"label": "kept"})
	a.must(http.StatusOK, nsA, fx.token, "PUT", "/v2/apps/"+appID+"/bot", map[string]any{"status": "on", "prompt": "p"})
	a.must(http.StatusOK, nsB, fx.token, "POST", "/v2/chats", map[string]any{"uuid": "only-in-b"})
	whole := a.export("")
	perNS := a.export(nsA)

	for _, tc := range []struct {
		name, ns, body, want string
	}{
		{"whole store", "", whole, whole},
		{"one namespace", nsA, perNS, perNS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := a.admin(http.MethodPost, "/reset", ""); r.Status != http.StatusOK {
				t.Fatalf("reset: %d %s", r.Status, r.Raw)
			}
			a.must(http.StatusOK, nsA, fx.token, "GET", "/v2/apps", nil) // a fresh namespace differs from the export
			if a.export(tc.ns) == tc.want {
				t.Fatal("the reset did not change the state, so the round trip proves nothing")
			}
			if r := a.importSnapshot(tc.ns, tc.body); r.Status != http.StatusOK {
				t.Fatalf("import: %d %s", r.Status, r.Raw)
			}
			if got := a.export(tc.ns); got != tc.want {
				t.Errorf("export after import differs:\nwant %s\ngot  %s", tc.want, got)
			}
			child := serverToken(fx.child, fx.childSecret)
			if r := a.must(http.StatusOK, nsA, child, "GET", "/v2/chats/users", nil); r.Str("results.0.uuid") != "u1" {
				t.Errorf("the child app's user: %s", r.Raw)
			}
			if r := a.must(http.StatusOK, nsA, fx.token, "GET", "/v2/apps/"+appID+"/bot", nil); r.Str("bot.status") != "on" {
				t.Errorf("bot: %s", r.Raw)
			}
		})
	}
}

// TestSnapshotKeepsChatMembersInGrantOrder exports a chat whose members
// were granted access in an order that is neither their names' nor their
// creation's: the snapshot lists them in that order, and after an import
// the chat lists them so, and a new grant comes last (the order is rebuilt
// from the list, not from the names).
func TestSnapshotKeepsChatMembersInGrantOrder(t *testing.T) {
	a := newAdminServer(t)
	token := serverToken(appID, appSecret)
	a.must(http.StatusOK, nsA, token, "POST", "/v1/users/batch",
		batch(user("m1", "m1@example.test"), user("m2", "m2@example.test"), user("m3", "m3@example.test"), user("m4", "m4@example.test")))
	a.must(http.StatusOK, nsA, token, "POST", "/v2/chats", map[string]any{"uuid": "ordered", "members": []string{"m3", "m1"}})
	access := "/v2/chats/users-access"
	a.must(http.StatusOK, nsA, token, "POST", access, map[string]any{"chatName": "ordered", "members": []string{"m2"}})
	a.must(http.StatusOK, nsA, token, "DELETE", access, map[string]any{"chatName": "ordered", "members": []string{"m1"}})
	a.must(http.StatusOK, nsA, token, "POST", access, map[string]any{"chatName": "ordered", "members": []string{"m1"}})
	want := []string{xmpp("m3"), xmpp("m2"), xmpp("m1")}

	listed := func() []string {
		t.Helper()
		r := a.must(http.StatusOK, nsA, token, "GET", "/v2/apps/"+appID+"/users/m2/chats?includeMembers=true", nil)
		if r.Num("total") != 1 || r.Str("chats.0.name") != xmpp("ordered") {
			t.Fatalf("m2's chats: %s", r.Raw)
		}
		return r.Strs("chats.0.members", "xmppUsername")
	}
	if got := listed(); !slices.Equal(got, want) {
		t.Fatalf("members before the export: want %v, got %v", want, got)
	}
	saved := a.export(nsA)
	var snap map[string]map[string]struct {
		Chats map[string]struct {
			Members []string `json:"members"`
		} `json:"chats"`
	}
	if err := json.Unmarshal([]byte(saved), &snap); err != nil {
		t.Fatal(err)
	}
	if got := snap[nsA][ethora.Name].Chats[xmpp("ordered")].Members; !slices.Equal(got, want) {
		t.Errorf("the snapshot lists %v, want %v", got, want)
	}

	a.must(http.StatusOK, nsA, token, "DELETE", "/v1/chats", map[string]any{"name": xmpp("ordered")})
	if r := a.importSnapshot(nsA, saved); r.Status != http.StatusOK {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	if got := listed(); !slices.Equal(got, want) {
		t.Errorf("members after the import: want %v, got %v", want, got)
	}
	a.must(http.StatusOK, nsA, token, "POST", access, map[string]any{"chatName": "ordered", "members": []string{"m4"}})
	if got, want := listed(), append(slices.Clone(want), xmpp("m4")); !slices.Equal(got, want) {
		t.Errorf("a grant after the import: want %v, got %v", want, got)
	}
}

// TestSnapshotImportKeepsOtherNamespaces imports one namespace's state with
// ?namespace=: the other namespace keeps its state and keeps working.
func TestSnapshotImportKeepsOtherNamespaces(t *testing.T) {
	a := newAdminServer(t)
	token := serverToken(appID, appSecret)
	for _, ns := range []string{nsA, nsB} {
		a.must(http.StatusOK, ns, token, "POST", "/v2/chats", map[string]any{"uuid": "room-" + ns})
	}
	r := a.must(http.StatusOK, nsB, token, "POST", "/v2/apps", map[string]any{"displayName": "B's child"})
	childB, secretB := r.Str("app._id"), r.Str("appSecret")
	savedA := a.export(nsA)
	a.must(http.StatusOK, nsA, token, "POST", "/v2/chats", map[string]any{"uuid": "later"})
	bystander := a.export(nsB)

	if r := a.importSnapshot(nsA, savedA); r.Status != http.StatusOK {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	if got := a.export(nsA); got != savedA {
		t.Errorf("%s after import:\nwant %s\ngot  %s", nsA, savedA, got)
	}
	if a.export(nsB) != bystander {
		t.Errorf("importing %s changed %s", nsA, nsB)
	}
	a.must(http.StatusNotFound, nsA, token, "GET", "/v2/chats/users?chatName=later", nil)
	a.must(http.StatusOK, nsB, token, "GET", "/v2/chats/users?chatName=room-"+nsB, nil)
	a.must(http.StatusOK, nsB, serverToken(childB, secretB), "GET", "/v2/chats/users", nil)

	// A namespace the import names is replaced even if it was never used;
	// one it does not name is left alone.
	if r := a.importSnapshot("fresh", strings.Replace(savedA, `"`+nsA+`"`, `"fresh"`, 1)); r.Status != http.StatusOK {
		t.Fatalf("import into a new namespace: %d %s", r.Status, r.Raw)
	}
	a.must(http.StatusOK, "fresh", token, "GET", "/v2/chats/users?chatName=room-"+nsA, nil)
	if a.export(nsB) != bystander {
		t.Errorf("importing another namespace changed %s", nsB)
	}
}
