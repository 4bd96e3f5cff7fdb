package chatkitty_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver/mockservertest"
)

func newUser(t *testing.T, h *harness, tok, name string) string {
	t.Helper()
	u := h.do(tok, "POST", "/v1/users", map[string]any{"name": name, "displayName": strings.ToUpper(name), "isGuest": false})
	want(t, u, http.StatusOK, "")
	return id(u)
}

func ids(r mockservertest.Reply, path string) []string {
	var out []string
	for _, e := range r.List(path) {
		m, _ := e.(map[string]any)
		out = append(out, fmt.Sprint(m["id"]))
	}
	return out
}

// A moderator must be a member; removing the member also ends the
// moderation.
func TestModeratorRevocation(t *testing.T) {
	h := newHarness(t)
	tok := h.login(false)
	ann, bob := newUser(t, h, tok, "ann"), newUser(t, h, tok, "bob")
	c := h.do(tok, "POST", "/v1/channels", map[string]any{"type": "PRIVATE", "name": "ops", "members": []any{map[string]any{"username": "ann"}}})
	want(t, c, http.StatusOK, "")
	cid := id(c)
	want(t, h.do(tok, "POST", "/v1/channels/"+cid+"/moderators", map[string]any{"username": "bob"}), http.StatusBadRequest, "NOT_A_CHANNEL_MEMBER")
	want(t, h.do(tok, "POST", "/v1/channels/"+cid+"/moderators", map[string]any{"username": "ann"}), http.StatusOK, "")
	if got := ids(h.do(tok, "GET", "/v1/channels/"+cid+"/moderators", nil), "_embedded.users"); !slices.Equal(got, []string{ann}) {
		t.Fatalf("moderators %v, want [%s]", got, ann)
	}
	want(t, h.do(tok, "DELETE", "/v1/channels/"+cid+"/moderators/"+bob, nil), http.StatusNotFound, "MODERATOR_NOT_FOUND")
	want(t, h.do(tok, "DELETE", "/v1/channels/"+cid+"/members/"+ann, nil), http.StatusOK, "")
	if got := ids(h.do(tok, "GET", "/v1/channels/"+cid+"/moderators", nil), "_embedded.users"); len(got) != 0 {
		t.Errorf("after removing the member, moderators are %v, want none", got)
	}
	want(t, h.do(tok, "DELETE", "/v1/channels/"+cid+"/members/"+ann, nil), http.StatusNotFound, "MEMBER_NOT_FOUND")
	// Joining again does not bring the moderation back.
	want(t, h.do(tok, "POST", "/v1/channels/"+cid+"/members", map[string]any{"id": mustInt(t, ann)}), http.StatusOK, "")
	if got := ids(h.do(tok, "GET", "/v1/channels/"+cid+"/moderators", nil), "_embedded.users"); len(got) != 0 {
		t.Errorf("a member who joined again is a moderator again: %v", got)
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// An import answers a PENDING job that runs on the clock; its rows take
// effect each on its own, and a failed row makes the job FAILED with the
// row's error.
func TestImportJobs(t *testing.T) {
	h := newHarness(t)
	tok := h.login(false)
	newUser(t, h, tok, "kim")
	newUser(t, h, tok, "lee")
	c := h.do(tok, "POST", "/v1/channels", map[string]any{"type": "PUBLIC", "name": "imports"})
	cid := id(c)
	job := h.upload(tok, "/v1/imports/channels/"+cid+"/members", []any{map[string]any{"username": "kim"}, map[string]any{"username": "ghost"}, map[string]any{"username": "lee"}})
	want(t, job, http.StatusOK, "")
	if job.Str("state") != "PENDING" || job.Str("type") != "CHANNEL_MEMBERS_IMPORT" || job.Get("endedTime") != nil {
		t.Fatalf("a new import job: %s", job.Raw)
	}
	jid := id(job)
	if got := ids(h.do(tok, "GET", "/v1/jobs?running=true", nil), "_embedded.jobs"); !slices.Contains(got, jid) {
		t.Errorf("running jobs %v lack the new job %s", got, jid)
	}
	h.now = h.now.Add(200 * time.Millisecond)
	if s := h.do(tok, "GET", "/v1/jobs/"+jid, nil).Str("state"); s != "RUNNING" {
		t.Errorf("after 200 ms the job is %s, want RUNNING", s)
	}
	h.now = h.now.Add(time.Second)
	done := h.do(tok, "GET", "/v1/jobs/"+jid, nil)
	if done.Str("state") != "FAILED" || done.Str("endedTime") == "" || done.Num("errors.0.row") != 1 || done.Str("errors.0.error") != "RESOURCE_NOT_FOUND" || len(done.List("errors")) != 1 {
		t.Fatalf("the ended job: %s; want FAILED with row 1's error", done.Raw)
	}
	if got := ids(h.do(tok, "GET", "/v1/jobs?running=true", nil), "_embedded.jobs"); slices.Contains(got, jid) {
		t.Errorf("an ended job is listed as running: %v", got)
	}
	members := h.do(tok, "GET", "/v1/channels/"+cid+"/members", nil).Strs("_embedded.users", "name")
	if !slices.Equal(members, []string{"kim", "lee"}) {
		t.Errorf("members after the import %v, want [kim lee]", members)
	}
	want(t, h.upload(tok, "/v1/imports/users", map[string]any{"not": "an array"}), http.StatusBadRequest, "INVALID_REQUEST")

	users := h.upload(tok, "/v1/imports/users", []any{map[string]any{"name": "imp-1", "displayName": "Imp", "guest": true, "properties": map[string]any{}, "idempotencyKey": "k1"}})
	h.now = h.now.Add(time.Second)
	if s := h.do(tok, "GET", "/v1/jobs/"+id(users), nil).Str("state"); s != "FINISHED" {
		t.Errorf("a clean user import ended %s, want FINISHED", s)
	}
	want(t, h.do(tok, "HEAD", "/v1/users?name=imp-1", nil), http.StatusOK, "")
	again := h.upload(tok, "/v1/imports/users", []any{map[string]any{"name": "imp-1", "displayName": "Imp", "guest": true, "properties": map[string]any{}, "idempotencyKey": "k1"}})
	h.now = h.now.Add(time.Second)
	if s := h.do(tok, "GET", "/v1/jobs/"+id(again), nil).Str("state"); s != "FINISHED" {
		t.Errorf("a row imported again under its idempotency key ended %s, want FINISHED (skipped)", s)
	}
}

// Messages page back newest first through the links the answers carry;
// replies live in the message's thread.
func TestMessagesCursor(t *testing.T) {
	h := newHarness(t)
	tok := h.login(false)
	newUser(t, h, tok, "amy")
	c := h.do(tok, "POST", "/v1/channels", map[string]any{"type": "PUBLIC", "name": "chat", "members": []any{map[string]any{"username": "amy"}}})
	cid := id(c)
	var sent []string
	for i := range 5 {
		m := h.do(tok, "POST", "/v1/channels/"+cid+"/messages", map[string]any{"type": "TEXT", "body": fmt.Sprintf("hello %d", i), "user": map[string]any{"username": "amy"}})
		want(t, m, http.StatusOK, "")
		sent = append(sent, id(m))
	}
	want(t, h.do(tok, "POST", "/v1/channels/"+cid+"/messages", map[string]any{"type": "TEXT"}), http.StatusBadRequest, "INVALID_REQUEST")
	var seen []string
	path := "/v1/channels/" + cid + "/messages?size=2"
	for range 10 {
		pg := h.do(tok, "GET", path, nil)
		want(t, pg, http.StatusOK, "")
		seen = append(seen, ids(pg, "_embedded.messages")...)
		next := pg.Str("_links.next.href")
		if next == "" {
			break
		}
		u, err := url.Parse(next)
		if err != nil {
			t.Fatal(err)
		}
		path = strings.TrimPrefix(u.Path, "/chatkitty") + "?" + u.RawQuery
	}
	newest := slices.Clone(sent)
	slices.Reverse(newest)
	if !slices.Equal(seen, newest) {
		t.Fatalf("paging back gave %v, want %v", seen, newest)
	}
	reply := h.do(tok, "POST", "/v1/threads/"+sent[1]+"/messages", map[string]any{"type": "TEXT", "body": "a reply", "user": map[string]any{"username": "amy"}})
	want(t, reply, http.StatusOK, "")
	if reply.Num("nestedLevel") != 1 {
		t.Errorf("a reply has nestedLevel %d, want 1", reply.Num("nestedLevel"))
	}
	if got := ids(h.do(tok, "GET", "/v1/threads/"+sent[1]+"/messages", nil), "_embedded.messages"); !slices.Equal(got, []string{id(reply)}) {
		t.Errorf("the thread holds %v, want the reply %s", got, id(reply))
	}
	if h.do(tok, "GET", "/v1/messages/"+sent[1], nil).Num("repliesCount") != 1 {
		t.Errorf("the parent does not count its reply")
	}
	want(t, h.do(tok, "DELETE", "/v1/messages/"+sent[1], nil), http.StatusOK, "")
	want(t, h.do(tok, "GET", "/v1/messages/"+id(reply), nil), http.StatusNotFound, "RESOURCE_NOT_FOUND")
}

// The application's settings change what later calls may do.
func TestSettingsGovernLaterCalls(t *testing.T) {
	h := newHarness(t)
	tok := h.login(false)
	newUser(t, h, tok, "zed")
	want(t, h.do(tok, "PUT", "/v1/application/settings", map[string]any{"guestUsers": "DISABLED", "userCreatedChannels": "DISABLED"}), http.StatusOK, "")
	want(t, h.do(tok, "POST", "/v1/users", map[string]any{"name": "g", "displayName": "G", "isGuest": true}), http.StatusBadRequest, "GUEST_USERS_DISABLED")
	want(t, h.do(tok, "POST", "/v1/channels", map[string]any{"type": "PUBLIC", "name": "mine", "creator": map[string]any{"username": "zed"}}), http.StatusBadRequest, "USER_CREATED_CHANNELS_DISABLED")
	want(t, h.do(tok, "POST", "/v1/channels", map[string]any{"type": "PUBLIC", "name": "theirs"}), http.StatusOK, "")
	s := h.do(tok, "GET", "/v1/application/settings", nil)
	if s.Str("guestUsers") != "DISABLED" || s.Str("userCreatedChannels") != "DISABLED" {
		t.Errorf("settings read back as %s", s.Raw)
	}
}

// One application's token never reaches another's records.
func TestApplicationIsolation(t *testing.T) {
	h := newHarness(t)
	one, two := h.login(false), h.login(true)
	uid := newUser(t, h, one, "private-person")
	want(t, h.do(two, "GET", "/v1/users/"+uid, nil), http.StatusNotFound, "RESOURCE_NOT_FOUND")
	want(t, h.do(two, "DELETE", "/v1/users/"+uid, nil), http.StatusNotFound, "RESOURCE_NOT_FOUND")
	want(t, h.do(two, "HEAD", "/v1/users?name=private-person", nil), http.StatusNotFound, "")
	for _, path := range []string{"/v1/users?size=2000", "/v1/channels?size=2000"} {
		r := h.do(two, "GET", path, nil)
		if strings.Contains(r.Raw, "private-person") || r.Num("page.totalElements") > 2 {
			t.Errorf("application 2 sees application 1's records at %s: %.300s", path, r.Raw)
		}
	}
	// Names are per application.
	want(t, h.do(two, "POST", "/v1/users", map[string]any{"name": "private-person", "displayName": "Other", "isGuest": false}), http.StatusOK, "")
}

// A sort the listing cannot give is refused, not ignored; page and size
// out of range are served as Spring serves them.
func TestPagingAndSort(t *testing.T) {
	h := newHarness(t)
	tok := h.login(false)
	want(t, h.do(tok, "GET", "/v1/users?sort=displayName,asc", nil), http.StatusBadRequest, "INVALID_SORT")
	byName := h.do(tok, "GET", "/v1/users?sort=name,desc&size=3", nil)
	names := byName.Strs("_embedded.users", "name")
	if len(names) != 3 || !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("sort=name,desc gave %v", names)
	}
	total := byName.Num("page.totalElements")
	var all []string
	for p := 0; p < 100; p++ {
		pg := h.do(tok, "GET", fmt.Sprintf("/v1/users?size=2&page=%d", p), nil)
		got := ids(pg, "_embedded.users")
		if len(got) == 0 {
			break
		}
		all = append(all, got...)
	}
	if len(all) != total || len(slices.Compact(slices.Sorted(slices.Values(all)))) != total {
		t.Errorf("walking pages of 2 saw %d users (%d distinct), want %d", len(all), len(slices.Compact(slices.Sorted(slices.Values(all)))), total)
	}
	if n := h.do(tok, "GET", "/v1/users?page=-3&size=0", nil).Num("page.size"); n != 20 {
		t.Errorf("size=0 was served with size %d, want the default 20", n)
	}
}
