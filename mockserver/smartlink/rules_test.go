package smartlink_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/mockserver/smartlink"
	"github.com/standin/standin/openapi"
)

const (
	keyA = "standin-smartlink-key"
	keyB = "standin-smartlink-key-2"
)

// harness serves the fake under /smartlink with a fixed clock, checking
// every reply against the spec and that refusals change nothing.
type harness struct {
	t       *testing.T
	handler http.Handler
	store   mockserver.Store
	check   *mockservertest.Conformance
	now     time.Time
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, store: mockserver.NewMemoryStore(), now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	opts, _ := smartlink.Mock.DefaultOptions().(smartlink.Options)
	api, err := smartlink.New(mockserver.Setup{Store: h.store, Now: func() time.Time { return h.now }}, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := mockserver.New(mockserver.Options{Store: h.store, JournalSize: -1})
	if err := srv.Mount(api); err != nil {
		t.Fatal(err)
	}
	doc, _ := openapi.Load(smartlink.Name)
	if h.check, err = mockservertest.NewConformance(doc, "/smartlink"); err != nil {
		t.Fatal(err)
	}
	h.handler = srv.Handler()
	mockservertest.Touch(t, h.store, mockserver.DefaultNamespace, smartlink.Name)
	return h
}

func (h *harness) do(key, method, path string, body any) mockservertest.Reply {
	h.t.Helper()
	req := mockservertest.NewRequest(h.t, method, "/smartlink/api/workflow"+path, body, mockserver.DefaultNamespace)
	if key != "" {
		req.Header.Set("x-api-key", key)
	}
	before := mockservertest.Snapshot(h.t, h.store)
	r := mockservertest.RecordChecked(h.t, h.handler, req, h.check)
	if r.Status >= 500 {
		h.t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Raw)
	}
	if r.Status >= 400 && mockservertest.Snapshot(h.t, h.store) != before {
		h.t.Errorf("%s %s was refused (%d) but changed the state", method, path, r.Status)
	}
	return r
}

func want(t *testing.T, r mockservertest.Reply, status int, text string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	if text != "" && r.Str("error") != text && !strings.HasPrefix(r.Str("error"), text) {
		t.Fatalf("error %q, want %q", r.Str("error"), text)
	}
}

// A missing or unknown key is 401 {"error": "Not authorized"}.
func TestAuth(t *testing.T) {
	h := newHarness(t)
	want(t, h.do("", "GET", "/apps", nil), http.StatusUnauthorized, "Not authorized")
	want(t, h.do("nope", "GET", "/memberships", nil), http.StatusUnauthorized, "Not authorized")
	want(t, h.do(keyA, "GET", "/apps", nil), http.StatusOK, "")
}

// One organisation's key never reaches another's records, and deletes
// answer the resource, then 404.
func TestOrganisationIsolationAndDeletes(t *testing.T) {
	h := newHarness(t)
	app := h.do(keyA, "POST", "/app", map[string]any{"title": "Payroll", "slug": "payroll"})
	want(t, app, http.StatusOK, "")
	id := app.Str("clientId")
	m := h.do(keyA, "POST", "/membership", map[string]any{"firstName": "Ada", "name": "Lovelace", "email": "ada@example.com"})
	mid := strconv.Itoa(m.Num("id"))
	want(t, h.do(keyB, "GET", "/app/"+id, nil), http.StatusNotFound, "App not found")
	want(t, h.do(keyB, "DELETE", "/app/"+id, nil), http.StatusNotFound, "App not found")
	want(t, h.do(keyB, "PUT", "/membership/"+mid, map[string]any{"name": "x"}), http.StatusNotFound, "User not found")
	for _, path := range []string{"/apps", "/memberships", "/folders"} {
		if strings.Contains(h.do(keyB, "GET", path, nil).Raw, `"organizationId":1`) {
			t.Errorf("organisation 2 sees organisation 1's records at %s", path)
		}
	}
	// Slugs are per organisation.
	want(t, h.do(keyB, "POST", "/app", map[string]any{"title": "Theirs", "slug": "payroll"}), http.StatusOK, "")
	want(t, h.do(keyA, "POST", "/app", map[string]any{"title": "Again", "slug": "payroll"}), http.StatusConflict, "Slug already used")

	del := h.do(keyA, "DELETE", "/app/"+id, nil)
	if del.Status != http.StatusOK || del.Str("clientId") != id || del.Str("title") != "Payroll" {
		t.Fatalf("delete answers the app: %s", del.Raw)
	}
	want(t, h.do(keyA, "GET", "/app/"+id, nil), http.StatusNotFound, "App not found")
	want(t, h.do(keyA, "DELETE", "/membership/"+mid, nil), http.StatusOK, "")
	want(t, h.do(keyA, "GET", "/membership/"+mid, nil), http.StatusNotFound, "User not found")
}

// Bulk creation takes both shapes and is all or nothing.
func TestBulkShapes(t *testing.T) {
	h := newHarness(t)
	r := h.do(keyA, "POST", "/apps", map[string]any{"apps": []map[string]any{{"title": "A"}, {"title": "B"}}})
	if r.Status != http.StatusOK || len(r.List("")) != 2 {
		t.Fatalf("{apps: [...]}: %s", r.Raw)
	}
	r = h.do(keyA, "POST", "/apps", []map[string]any{{"title": "C", "slug": "c"}})
	if r.Status != http.StatusOK || r.Str("0.slug") != "c" || r.Str("0.type") != "SMARTLINK" {
		t.Fatalf("a bare array: %s", r.Raw)
	}
	want(t, h.do(keyA, "POST", "/apps", []map[string]any{{"title": "D", "slug": "d"}, {"title": "E", "slug": "c"}}), http.StatusConflict, "Slug already used")
	want(t, h.do(keyA, "GET", "/apps", nil), http.StatusOK, "")

	r = h.do(keyA, "POST", "/memberships", []map[string]any{{"email": "x1@example.com"}, {"email": "x2@example.com", "isAdmin": true}})
	if r.Status != http.StatusOK || r.Str("1.role") != "ADMIN" || r.Str("0.role") != "USER" || r.Str("0.status") != "ACTIVE" {
		t.Fatalf("memberships as an array: %s", r.Raw)
	}
	want(t, h.do(keyA, "POST", "/memberships", map[string]any{"memberships": []map[string]any{{"email": "x3@example.com"}, {"email": "X1@example.com"}}}),
		http.StatusConflict, "A membership with this email already exists")
}

// Updates keep omitted fields; deactivate is idempotent; the owner is
// protected.
func TestMembershipUpdates(t *testing.T) {
	h := newHarness(t)
	m := h.do(keyA, "POST", "/membership", map[string]any{"firstName": "Grace", "name": "Hopper", "email": "grace@example.com", "phone": "+1 555", "isAdmin": true})
	id := strconv.Itoa(m.Num("id"))
	r := h.do(keyA, "PUT", "/membership/"+id, map[string]any{"role": "USER", "language": "fr"})
	if r.Str("role") != "USER" || r.Str("language") != "fr" || r.Str("firstName") != "Grace" || r.Str("phone") != "+1 555" {
		t.Fatalf("partial update: %s", r.Raw)
	}
	for range 2 {
		if r := h.do(keyA, "POST", "/membership/"+id+"/deactivate", nil); r.Str("status") != "INACTIVE" {
			t.Fatalf("deactivate: %s", r.Raw)
		}
	}
	want(t, h.do(keyA, "PUT", "/membership/"+id, map[string]any{"role": "OWNER"}), http.StatusBadRequest, "")
	var owner string
	for _, x := range h.do(keyA, "GET", "/memberships", nil).List("") {
		if o := x.(map[string]any); o["role"] == "OWNER" {
			owner = fmt.Sprint(int(o["id"].(float64)))
		}
	}
	want(t, h.do(keyA, "DELETE", "/membership/"+owner, nil), http.StatusForbidden, "")
	want(t, h.do(keyA, "POST", "/membership/"+owner+"/deactivate", nil), http.StatusForbidden, "")
	want(t, h.do(keyA, "PUT", "/membership/"+owner, map[string]any{"name": "x"}), http.StatusForbidden, "")
}

// The search pages through every match once, with a true count, and
// applies its filters.
func TestSearch(t *testing.T) {
	h := newHarness(t)
	all := h.do(keyA, "GET", "/memberships", nil).List("")
	seen := map[float64]bool{}
	for page := 1; ; page++ {
		r := h.do(keyA, "GET", fmt.Sprintf("/memberships/search?page=%d&pageSize=3", page), nil)
		if r.Num("count") != len(all) {
			t.Fatalf("count %d, want %d", r.Num("count"), len(all))
		}
		ms := r.List("memberships")
		if len(ms) == 0 {
			break
		}
		for _, m := range ms {
			id := m.(map[string]any)["id"].(float64)
			if seen[id] {
				t.Fatalf("membership %v on two pages", id)
			}
			seen[id] = true
		}
	}
	if len(seen) != len(all) {
		t.Fatalf("pages covered %d of %d", len(seen), len(all))
	}
	h.do(keyA, "POST", "/membership", map[string]any{"firstName": "Zed", "name": "Quux", "email": "zq@example.com", "phone": "+44 999"})
	for query, n := range map[string]int{"search=QUUX": 1, "search=%2B44%20999": 1, "search=zq%40": 1, "roles=OWNER": 1, "roles=OWNER,ADMIN,USER": len(all) + 1} {
		if r := h.do(keyA, "GET", "/memberships/search?page=1&pageSize=100&"+query, nil); r.Num("count") != n {
			t.Errorf("%s: count %d, want %d", query, r.Num("count"), n)
		}
	}
	reg := h.do(keyA, "GET", "/memberships/search?page=1&statusFilter=registered", nil).Num("count")
	unreg := h.do(keyA, "GET", "/memberships/search?page=1&statusFilter=unregistered", nil).Num("count")
	if reg == 0 || unreg == 0 || reg+unreg != len(all)+1 {
		t.Errorf("registered %d + unregistered %d, want %d, both non-zero", reg, unreg, len(all)+1)
	}
	want(t, h.do(keyA, "GET", "/memberships/search", nil), http.StatusBadRequest, "")
	want(t, h.do(keyA, "GET", "/memberships/search?page=1&roles=BOSS", nil), http.StatusBadRequest, "")
}

// Folders nest with paths of their parents; a folder with subfolders is
// not deleted.
func TestFolders(t *testing.T) {
	h := newHarness(t)
	root := h.do(keyA, "POST", "/folder", map[string]any{"name": "Test Folder"})
	if root.Str("path") != "/" || root.Get("parentId") != nil {
		t.Fatalf("root folder: %s", root.Raw)
	}
	child := h.do(keyA, "POST", "/folder", map[string]any{"name": "HR", "parentId": root.Num("id")})
	if child.Str("path") != "/Test Folder/" {
		t.Fatalf("child's path: %s", child.Raw)
	}
	grand := h.do(keyA, "POST", "/folder", map[string]any{"name": "Payroll", "parentId": child.Num("id")})
	if grand.Str("path") != "/Test Folder/HR/" {
		t.Fatalf("grandchild's path: %s", grand.Raw)
	}
	want(t, h.do(keyA, "POST", "/folder", map[string]any{"name": "x", "parentId": 999999}), http.StatusNotFound, "Folder not found")
	want(t, h.do(keyA, "DELETE", "/folder/"+strconv.Itoa(root.Num("id")), nil), http.StatusConflict, "Folder has")
	want(t, h.do(keyA, "DELETE", "/folder/"+strconv.Itoa(grand.Num("id")), nil), http.StatusOK, "")
	want(t, h.do(keyA, "GET", "/folder/"+strconv.Itoa(grand.Num("id")), nil), http.StatusNotFound, "Folder not found")
}

// Log events filter by every parameter; timestamps are seconds or
// milliseconds; an app open counts its ping.
func TestEvents(t *testing.T) {
	h := newHarness(t)
	app := h.do(keyA, "POST", "/app", map[string]any{"title": "Wiki"})
	id := app.Str("clientId")
	h.now = h.now.Add(time.Hour)
	for range 3 {
		want(t, h.do(keyA, "POST", "/events", map[string]any{"type": 0, "appClientId": id}), http.StatusOK, "")
	}
	if r := h.do(keyA, "GET", "/app/"+id, nil); r.Num("ping") != 3 {
		t.Errorf("ping after three opens: %s", r.Raw)
	}
	want(t, h.do(keyA, "POST", "/events", map[string]any{"type": 0}), http.StatusBadRequest, "")
	want(t, h.do(keyB, "POST", "/events", map[string]any{"type": 0, "appClientId": id}), http.StatusNotFound, "App not found")
	sec, ms := h.now.Unix(), h.now.UnixMilli()
	for _, q := range []string{
		fmt.Sprintf("appClientId=%s", id), fmt.Sprintf("fromDate=%d", sec), fmt.Sprintf("fromDate=%d", ms),
		fmt.Sprintf("fromDate=%d&toDate=%d&type=0", sec, ms),
	} {
		if r := h.do(keyA, "GET", "/events?"+q, nil); len(r.List("")) != 3 {
			t.Errorf("%s: %d events, want 3: %s", q, len(r.List("")), r.Raw)
		}
	}
	if r := h.do(keyA, "GET", fmt.Sprintf("/events?toDate=%d", sec-1), nil); strings.Contains(r.Raw, id) {
		t.Errorf("events before the opens include them")
	}
	if r := h.do(keyB, "GET", "/events", nil); strings.Contains(r.Raw, id) {
		t.Errorf("organisation 2 sees organisation 1's events")
	}
}

// The seed is the same in every run: apps' client ids included.
func TestSeedIsDeterministic(t *testing.T) {
	a, b := newHarness(t), newHarness(t)
	if x, y := a.do(keyA, "GET", "/apps", nil).Raw, b.do(keyA, "GET", "/apps", nil).Raw; x != y {
		t.Fatalf("two seeds differ:\n%s\n%s", x, y)
	}
}
