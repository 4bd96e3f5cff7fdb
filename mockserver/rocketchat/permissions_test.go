package rocketchat_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/standin/standin/mockserver/rocketchat"
)

// TestPermissionsListAll: any logged-in user reads the whole table, in
// order, with the default roles.
func TestPermissionsListAll(t *testing.T) {
	h := newHarness(t)
	h.admin().createUser("kim")
	r := h.login("kim", "pw-kim").must("GET", "/api/v1/permissions.listAll", nil)
	ids := r.Strs("update", "_id")
	if len(ids) != len(rocketchat.DefaultPermissions) || !slices.IsSorted(ids) || r.Get("success") != true {
		t.Fatalf("want the %d default permissions in order: %v", len(rocketchat.DefaultPermissions), ids)
	}
	if remove := r.List("remove"); remove == nil || len(remove) != 0 {
		t.Errorf("remove is an empty list: %s", r.Raw)
	}
	for i, id := range ids {
		roles := fmt.Sprint(r.Get(fmt.Sprintf("update.%d.roles", i)))
		if want := fmt.Sprint(rocketchat.DefaultPermissions[id]); roles != want {
			t.Errorf("%s: want roles %s, got %s", id, want, roles)
		}
		if r.Str(fmt.Sprintf("update.%d._updatedAt", i)) == "" {
			t.Errorf("%s has no _updatedAt", id)
		}
	}
	// A permission no role holds lists an empty array, not null.
	i := slices.Index(ids, "add-user-to-any-p-room")
	if roles, ok := r.Get(fmt.Sprintf("update.%d.roles", i)).([]any); !ok || len(roles) != 0 {
		t.Errorf("add-user-to-any-p-room: %v", r.Get(fmt.Sprintf("update.%d", i)))
	}
	h.anon().refuses(refusal{401, "-", ""}, "GET", "/api/v1/permissions.listAll", nil)
}

// TestPermissionsUpdatedSince lists only the permissions changed after
// the instant given.
func TestPermissionsUpdatedSince(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	h.clock.Advance(time.Hour)
	admin.must("POST", "/api/v1/permissions.update", map[string]any{"permissions": []map[string]any{
		{"_id": "create-c", "roles": []string{"admin"}}, {"_id": "create-p", "roles": []string{"admin"}}}})
	since := func(at string) []string {
		t.Helper()
		return admin.must("GET", "/api/v1/permissions.listAll?updatedSince="+url.QueryEscape(at), nil).Strs("update", "_id")
	}
	if got := since("2026-03-02T10:30:00Z"); !slices.Equal(got, []string{"create-c", "create-p"}) {
		t.Errorf("changed since 10:30: %v", got)
	}
	if got := since("2026-03-02T11:00:00Z"); len(got) != 0 {
		t.Errorf("nothing changed after 11:00 (the change itself is at 11:00): %v", got)
	}
	if got := since("2020-01-01T00:00:00Z"); len(got) != len(rocketchat.DefaultPermissions) {
		t.Errorf("everything changed since 2020: %d", len(got))
	}
	// An unreadable date is the route's own Meteor error, not a schema
	// refusal (apps/meteor/app/api/server/v1/permissions.ts:
	// isNaN(Date.parse(updatedSince))); before, the spec's date-time format
	// refused it with invalid-params.
	invalid := refusal{400, "error-roomId-param-invalid", `The "updatedSince" query parameter must be a valid date. [error-roomId-param-invalid]`}
	for _, at := range []string{"yesterday", "2026-13-01", "2026-03-02T25:00", "2026-03-02T10:61:00Z", "-000000-01-01"} {
		admin.refuses(invalid, "GET", "/api/v1/permissions.listAll?updatedSince="+url.QueryEscape(at), nil)
	}
}

// TestPermissionsUpdatedSinceDateForms: updatedSince takes what the
// server's Date.parse takes, not only RFC 3339 date-times (before, the
// spec's format: date-time refused every other form): date-only and
// partial ISO forms (UTC), date-times without seconds, offsets, fractions,
// and the toUTCString/toString/RFC 2822 forms.
func TestPermissionsUpdatedSinceDateForms(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	h.clock.Advance(time.Hour) // the change below is at 2026-03-02T11:00:00Z
	admin.must("POST", "/api/v1/permissions.update", map[string]any{"permissions": []map[string]any{{"_id": "create-c", "roles": []string{"admin"}}}})
	count := func(at string) int {
		t.Helper()
		return len(admin.must("GET", "/api/v1/permissions.listAll?updatedSince="+url.QueryEscape(at), nil).Strs("update", "_id"))
	}
	for _, before := range []string{
		"2026-03-02", "2026-03", "2026", "+002026-03-02T10:00:00Z",
		"2026-03-02T10:59", "2026-03-02T10:59:59.5", "2026-03-02 10:59:59",
		"2026-03-02T12:59:00+02:00", "2026-03-02T05:59:00-0500",
		"Mon, 02 Mar 2026 10:59:00 GMT", "Mon Mar 02 2026 10:59:00 GMT+0000 (Coordinated Universal Time)",
		"2 Mar 2026 10:59 +0000",
	} {
		if got := count(before); got != 1 {
			t.Errorf("updatedSince=%s is before the change: want 1 permission, got %d", before, got)
		}
	}
	for _, after := range []string{"2026-03-03", "2026-03-02T11:00", "2026-03-02T13:00:00+02:00", "Mon, 02 Mar 2026 11:00:00 GMT"} {
		if got := count(after); got != 0 {
			t.Errorf("updatedSince=%s is not before the change: want none, got %d", after, got)
		}
	}
}

// TestPermissionsUpdateAnswer: the answer is the whole permission table
// as it now stands, as the server's (permissionsGetMethod() in
// apps/meteor/app/api/server/v1/permissions.ts), the changed roles sorted
// and without duplicates.
func TestPermissionsUpdateAnswer(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	h.clock.Advance(time.Minute)
	r := admin.must("POST", "/api/v1/permissions.update", map[string]any{"permissions": []map[string]any{
		{"_id": "set-owner", "roles": []string{"user", "admin", "user"}}, {"_id": "delete-c", "roles": []string{}}}})
	ids := r.Strs("permissions", "_id")
	if len(ids) != len(rocketchat.DefaultPermissions) || !slices.IsSorted(ids) {
		t.Errorf("the answer lists %d permissions, want the whole table of %d in order of id: %v", len(ids), len(rocketchat.DefaultPermissions), ids)
	}
	owner, del := slices.Index(ids, "set-owner"), slices.Index(ids, "delete-c")
	if owner < 0 || del < 0 || fmt.Sprint(r.Get(fmt.Sprintf("permissions.%d.roles", owner))) != "[admin user]" ||
		fmt.Sprint(r.Get(fmt.Sprintf("permissions.%d.roles", del))) != "[]" ||
		r.Str(fmt.Sprintf("permissions.%d._updatedAt", owner)) != "2026-03-02T10:01:00Z" || r.Get("success") != true {
		t.Errorf("permissions.update answer: %.600s", r.Raw)
	}
	if untouched := slices.Index(ids, "create-c"); untouched < 0 || r.Str(fmt.Sprintf("permissions.%d._updatedAt", untouched)) == "2026-03-02T10:01:00Z" {
		t.Errorf("an unchanged permission is missing from the answer or was touched: %v", r.Get(fmt.Sprintf("permissions.%d", untouched)))
	}
	list := admin.must("GET", "/api/v1/permissions.listAll", nil)
	i := slices.Index(list.Strs("update", "_id"), "set-owner")
	if fmt.Sprint(list.Get(fmt.Sprintf("update.%d.roles", i))) != "[admin user]" {
		t.Errorf("listAll shows the change: %v", list.Get(fmt.Sprintf("update.%d", i)))
	}
	// Without delete-c even the room's owner cannot delete it.
	admin.must("POST", "/api/v1/channels.create", map[string]any{"name": "keep"})
	admin.refuses(refusal{status: 400, errType: "error-not-allowed"}, "POST", "/api/v1/channels.delete", map[string]any{"roomName": "keep"})
	// With set-owner, any user may make owners of a room's members.
	admin.createUser("kim")
	admin.createUser("lee")
	admin.must("POST", "/api/v1/channels.invite", map[string]any{"roomName": "keep", "usernames": []string{"kim", "lee"}})
	h.login("kim", "pw-kim").must("POST", "/api/v1/channels.addOwner", map[string]any{"roomName": "keep", "username": "lee"})
}

// TestPermissionsUpdateRefusalsMore: refusals besides those of
// TestPermissionsUpdateRefusals, each leaving the table as it was.
func TestPermissionsUpdateRefusalsMore(t *testing.T) {
	w := newWorld(t)
	grant := map[string]any{"permissions": []map[string]any{{"_id": "create-c", "roles": []string{"user"}}}}
	w.ann.refuses(refusal{403, "error-forbidden", "User does not have the permissions required for this action [error-forbidden]"}, "POST", "/api/v1/permissions.update", grant)
	// An empty list is valid upstream (no minItems in the route's schema):
	// it changes nothing and answers the table.
	before := w.admin.must("GET", "/api/v1/permissions.listAll", nil).Raw
	if got := w.admin.must("POST", "/api/v1/permissions.update", map[string]any{"permissions": []any{}}).Strs("permissions", "_id"); len(got) != len(rocketchat.DefaultPermissions) {
		t.Errorf("an empty update answers %d permissions, want the table of %d", len(got), len(rocketchat.DefaultPermissions))
	}
	if after := w.admin.must("GET", "/api/v1/permissions.listAll", nil).Raw; after != before {
		t.Errorf("an empty update changed the table")
	}
	w.admin.refuses(refusal{400, "error-invalid-permission", "Invalid permission"}, "POST", "/api/v1/permissions.update", map[string]any{"permissions": []map[string]any{{"_id": "fly", "roles": []string{}}}})
	w.admin.refuses(refusal{400, "error-invalid-role", "Invalid role"}, "POST", "/api/v1/permissions.update", map[string]any{"permissions": []map[string]any{{"_id": "create-c", "roles": []string{"root"}}}})
	w.admin.refuses(refusal{status: 400, errType: "invalid-params"}, "POST", "/api/v1/permissions.update", map[string]any{"permissions": []map[string]any{{"_id": "create-c"}}})
	w.admin.refuses(refusal{status: 400, errType: "invalid-params"}, "POST", "/api/v1/permissions.update", map[string]any{})
	// Once the admin role loses access-permissions, nobody can give it
	// back: the table is locked.
	w.admin.must("POST", "/api/v1/permissions.update", map[string]any{"permissions": []map[string]any{{"_id": "access-permissions", "roles": []string{}}}})
	w.admin.refuses(refusal{status: 403, errType: "error-forbidden"}, "POST", "/api/v1/permissions.update", grant)
}

// TestKickNeedsAccess: a caller who holds remove-user but may neither
// kick from any room nor see the room is told the room does not exist.
func TestKickNeedsAccess(t *testing.T) {
	w := newWorld(t)
	room := w.ann.must("POST", "/api/v1/channels.create", map[string]any{"name": "anns", "members": []string{"bob"}}).Str("channel._id")
	w.admin.must("POST", "/api/v1/permissions.update", map[string]any{"permissions": []map[string]any{
		{"_id": "kick-user-from-any-c-room", "roles": []string{}}, {"_id": "view-c-room", "roles": []string{}}}})
	r := w.admin.refuses(refusal{status: 400, errType: "error-room-not-found"}, "POST", "/api/v1/channels.kick", map[string]any{"roomId": room, "username": "bob"})
	if r.Str("details.method") != "removeUserFromRoom" {
		t.Errorf("details.method: %s", r.Raw)
	}
	w.ann.must("POST", "/api/v1/channels.kick", map[string]any{"roomId": room, "username": "bob"})
}
