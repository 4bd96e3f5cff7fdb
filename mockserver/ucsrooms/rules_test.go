package ucsrooms_test

import (
	"net/http"
	"testing"
	"time"
)

// A room is booked until its start, started until its end, then ended;
// ending it sets end_time to now plus the seconds left and records why.
func TestLifecycleFollowsTheClock(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	alice := h.as("alice-id")
	room := alice.createRoom(time.Hour, 3*time.Hour)
	status := func() string { return alice.do("GET", "/participant/room/"+room, nil).Str("data.status") }

	if got := status(); got != "booked" {
		t.Fatalf("before its start: %q, want booked", got)
	}
	h.clock.Advance(time.Hour)
	if got := status(); got != "started" {
		t.Fatalf("at its start: %q, want started", got)
	}
	r := alice.do("POST", "/admin/room/"+room, map[string]any{"time_left_in_second": 300, "reason": "wrapping up"})
	want(t, r, http.StatusOK, "")
	if got, wantEnd := r.Str("data.end_time"), h.clock.Now().Add(5*time.Minute).Format(time.RFC3339); got != wantEnd {
		t.Errorf("end_time %s, want now + 300 s = %s", got, wantEnd)
	}
	if r.Str("data.early_end_reason") != "wrapping up" || r.Str("data.status") != "started" || r.Str("message") == "" {
		t.Errorf("end with 300 s left: %s", r.Raw)
	}
	h.clock.Advance(5 * time.Minute)
	if got := status(); got != "ended" {
		t.Fatalf("after the seconds left: %q, want ended", got)
	}
}

// An end with no body ends the room at once, with the default reason; a
// booked room ended never starts.
func TestEndWithoutBodyEndsAtOnce(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	alice := h.as("alice-id")
	room := alice.createRoom(24*time.Hour, 25*time.Hour)
	r := alice.do("POST", "/admin/room/"+room, nil)
	want(t, r, http.StatusOK, "")
	if r.Str("data.status") != "ended" || r.Str("data.early_end_reason") != "session terminated" {
		t.Fatalf("ended without a body: %s", r.Raw)
	}
	if r.Str("data.start_time") != r.Str("data.end_time") {
		t.Errorf("a booked room ended must not end before it starts: %s", r.Raw)
	}
	want(t, alice.do("POST", "/admin/room/"+room, map[string]any{}), http.StatusConflict, "ROOM_ENDED")
}

// An ended room refuses every change and stays readable; its participants
// may still archive it.
func TestEndedRoomRefusesChanges(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	alice, bob := h.as("alice-id"), h.as("bob-id")
	room := alice.createRoom(-time.Hour, time.Hour, bob.id)
	want(t, alice.do("POST", "/admin/room/"+room, nil), http.StatusOK, "")
	base := "/admin/room/" + room
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"POST", base, map[string]any{"name": "renamed"}},
		{"POST", base, map[string]any{"time_left_in_second": 60}},
		{"POST", base + "/participant", map[string]any{"participant_ids": []string{"carol-id"}}},
		{"DELETE", base + "/participant", map[string]any{"participant_ids": []string{bob.id}}},
		{"POST", base + "/participant/" + bob.id + "/admin", nil},
		{"DELETE", base + "/participant/" + alice.id + "/admin", nil},
		{"POST", "/participant/room/" + room + "/chat", map[string]any{"text": "late"}},
		{"GET", "/participant/room/" + room + "/upload", nil},
	} {
		want(t, alice.do(c.method, c.path, c.body), http.StatusConflict, "ROOM_ENDED")
	}
	for _, path := range []string{"", "/participant", "/chat"} {
		want(t, bob.do("GET", "/participant/room/"+room+path, nil), http.StatusOK, "")
	}
	r := bob.do("PATCH", "/participant/room/"+room+"/userprofile", map[string]any{"archive_room": true})
	want(t, r, http.StatusOK, "")
	if room := bob.do("GET", "/participant/room/"+room, nil); room.Get("data.archive_room") != true || room.Str("data.status") != "ended" {
		t.Errorf("archiving changes the caller's flag and not the status: %s", room.Raw)
	}
}

// start_time cannot change once started; an end before the start is
// refused on create and update; update and end fields together are
// ambiguous.
func TestTimeRules(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	alice := h.as("alice-id")
	now := h.clock.Now()
	want(t, alice.do("POST", "/room", map[string]any{"name": "x", "start_time": now.Add(2 * time.Hour), "end_time": now.Add(time.Hour)}),
		http.StatusBadRequest, "INVALID_TIME_RANGE")

	booked := alice.createRoom(time.Hour, 2*time.Hour)
	want(t, alice.do("POST", "/admin/room/"+booked, map[string]any{"end_time": now.Add(30 * time.Minute)}), http.StatusBadRequest, "INVALID_TIME_RANGE")
	r := alice.do("POST", "/admin/room/"+booked, map[string]any{"start_time": now.Add(-time.Minute)})
	want(t, r, http.StatusOK, "")
	if r.Str("data.status") != "started" {
		t.Errorf("a start moved into the past starts the room: %s", r.Raw)
	}
	want(t, alice.do("POST", "/admin/room/"+booked, map[string]any{"start_time": now.Add(time.Minute)}), http.StatusConflict, "ROOM_STARTED")
	want(t, alice.do("POST", "/admin/room/"+booked, map[string]any{"name": "n", "reason": "r"}), http.StatusBadRequest, "AMBIGUOUS_REQUEST")
	r = alice.do("POST", "/admin/room/"+booked, map[string]any{"name": "renamed", "end_time": now.Add(5 * time.Hour)})
	want(t, r, http.StatusOK, "")
	if r.Str("data.name") != "renamed" || r.Str("data.updated_by") != alice.id {
		t.Errorf("update: %s", r.Raw)
	}
}

// The last admin cannot be revoked or removed; grants need a participant
// and are idempotent; a revoked admin is refused admin APIs.
func TestAdminRevocation(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	alice, bob, carol := h.as("alice-id"), h.as("bob-id"), h.as("carol-id")
	room := alice.createRoom(-time.Hour, time.Hour, bob.id)
	admin := "/admin/room/" + room + "/participant/"

	want(t, alice.do("POST", admin+carol.id+"/admin", nil), http.StatusNotFound, "PARTICIPANT_NOT_FOUND")
	want(t, alice.do("DELETE", admin+alice.id+"/admin", nil), http.StatusConflict, "LAST_ADMIN")
	want(t, alice.do("DELETE", "/admin/room/"+room+"/participant?participant_id="+alice.id, nil), http.StatusConflict, "LAST_ADMIN")
	want(t, bob.do("POST", admin+bob.id+"/admin", nil), http.StatusForbidden, "NOT_ADMIN")

	for range 2 { // idempotent
		r := alice.do("POST", admin+bob.id+"/admin", nil)
		want(t, r, http.StatusOK, "")
		if r.Get("data.is_admin") != true {
			t.Fatalf("grant: %s", r.Raw)
		}
	}
	want(t, bob.do("DELETE", admin+alice.id+"/admin", nil), http.StatusOK, "")
	want(t, alice.do("POST", "/admin/room/"+room, map[string]any{"name": "mine"}), http.StatusForbidden, "NOT_ADMIN")
	want(t, bob.do("DELETE", admin+bob.id+"/admin", nil), http.StatusConflict, "LAST_ADMIN")
	r := bob.do("DELETE", admin+alice.id+"/admin", nil) // alice is no admin: nothing to do
	want(t, r, http.StatusOK, "")
	if r.Get("data.is_admin") != false {
		t.Errorf("revoke of a non-admin: %s", r.Raw)
	}
	want(t, bob.do("POST", "/admin/room/"+room, map[string]any{"name": "bob's"}), http.StatusOK, "")
	if got := alice.do("GET", "/participant/room/"+room, nil); got.Str("data.name") != "bob's" || got.Get("data.is_admin") != false {
		t.Errorf("alice's view after bob renamed the room: %s", got.Raw)
	}
}

// Removal is all or nothing, takes ids from the body and the query, and an
// admin may leave while another admin stays.
func TestRemoveParticipants(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	alice, bob, carol, dave := h.as("alice-id"), h.as("bob-id"), h.as("carol-id"), h.as("dave-id")
	room := alice.createRoom(-time.Hour, time.Hour, bob.id, carol.id, dave.id)
	path := "/admin/room/" + room + "/participant"

	want(t, alice.do("DELETE", path, map[string]any{"participant_ids": []string{bob.id, "nobody"}}), http.StatusNotFound, "PARTICIPANT_NOT_FOUND")
	want(t, alice.do("DELETE", path, nil), http.StatusBadRequest, "NO_PARTICIPANTS")
	r := alice.do("DELETE", path+"?participant_id="+carol.id, map[string]any{"participant_ids": []string{bob.id}})
	want(t, r, http.StatusOK, "")
	if got := ids(r, "data", "participant_id"); got != alice.id+","+dave.id {
		t.Errorf("after removing bob (body) and carol (query): %s", got)
	}
	want(t, bob.do("GET", "/participant/room/"+room, nil), http.StatusNotFound, "ROOM_NOT_FOUND")
	want(t, alice.do("POST", path+"/"+dave.id+"/admin", nil), http.StatusOK, "")
	want(t, alice.do("DELETE", path, map[string]any{"participant_ids": []string{alice.id}}), http.StatusOK, "")
	want(t, dave.do("DELETE", path, map[string]any{"participant_ids": []string{dave.id}}), http.StatusConflict, "LAST_ADMIN")
}

// A non-participant gets the same 404 as for a room that does not exist,
// on every operation that names the room, and does not see it listed.
func TestNonParticipantsSeeNothing(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	alice, carol := h.as("alice-id"), h.as("carol-id")
	room := alice.createRoom(-time.Hour, time.Hour)
	for _, id := range []string{room, "no-such-room"} {
		for _, c := range []struct{ method, path string }{
			{"GET", "/participant/room/" + id}, {"GET", "/participant/room/" + id + "/participant"},
			{"GET", "/participant/room/" + id + "/chat"}, {"GET", "/participant/room/" + id + "/upload"},
			{"GET", "/participant/room/" + id + "/download?file_id=f"},
			{"POST", "/admin/room/" + id}, {"POST", "/admin/room/" + id + "/participant/" + carol.id + "/admin"},
		} {
			want(t, carol.do(c.method, c.path, nil), http.StatusNotFound, "ROOM_NOT_FOUND")
		}
		want(t, carol.do("PATCH", "/participant/room/"+id+"/userprofile", map[string]any{"username": "c"}), http.StatusNotFound, "ROOM_NOT_FOUND")
	}
	if r := carol.do("GET", "/participant/room", nil); r.Num("page.total_records") != 0 {
		t.Errorf("carol lists rooms she is not in: %s", r.Raw)
	}
	want(t, alice.do("POST", "/admin/room/"+room+"/participant", map[string]any{"participant_ids": []string{carol.id}}), http.StatusOK, "")
	if r := carol.do("GET", "/participant/room", nil); ids(r, "data", "id") != room {
		t.Errorf("invited, carol lists: %s", r.Raw)
	}
}

// Profiles: the username defaults to the token's preferred_username, the
// archive flag is per participant.
func TestProfile(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	alice, bob := h.as("alice-id"), h.as("bob-id")
	room := alice.createRoom(-time.Hour, time.Hour, bob.id)
	r := alice.do("GET", "/participant/room/"+room+"/participant", nil)
	if r.Str("data.0.username") != "name-of-alice-id" || r.Get("data.1.username") != nil {
		t.Fatalf("the creator has the token's preferred_username, an invitee none yet: %s", r.Raw)
	}
	r = bob.do("PATCH", "/participant/room/"+room+"/userprofile", map[string]any{})
	want(t, r, http.StatusOK, "")
	if r.Str("data.username") != "name-of-bob-id" {
		t.Errorf("a first profile call without username takes the token's: %s", r.Raw)
	}
	r = bob.do("PATCH", "/participant/room/"+room+"/userprofile", map[string]any{"username": "Bob B", "archive_room": true})
	if r.Str("data.username") != "Bob B" || r.Get("data.archive_room") != true {
		t.Errorf("profile: %s", r.Raw)
	}
	if a := alice.do("GET", "/participant/room/"+room, nil); a.Get("data.archive_room") != false {
		t.Errorf("bob's archive flag leaked into alice's view: %s", a.Raw)
	}
}

// Listings page through indexes: my rooms newest first or by start,
// participants in the order added, chat oldest first with a true total.
func TestListings(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	alice := h.as("alice-id")
	var rooms []string
	for i := range 12 {
		rooms = append(rooms, alice.createRoom(time.Duration(12-i)*time.Hour, 24*time.Hour))
		h.clock.Advance(time.Second)
	}
	r := alice.do("GET", "/participant/room?size=5&page=3", nil)
	if ids(r, "data", "id") != rooms[1]+","+rooms[0] || r.Num("page.total_records") != 12 || r.Num("page.number") != 3 || r.Num("page.size") != 5 {
		t.Errorf("page 3 of 5, newest first: %s", r.Raw)
	}
	r = alice.do("GET", "/participant/room?sort=start_time,asc&size=2", nil)
	if ids(r, "data", "id") != rooms[11]+","+rooms[10] {
		t.Errorf("by start ascending: %s", r.Raw)
	}
	want(t, alice.do("GET", "/participant/room?sort=name", nil), http.StatusBadRequest, "INVALID_REQUEST")
	if r := alice.do("GET", "/participant/room?size=1000", nil); r.Num("page.size") != 100 {
		t.Errorf("a size above 100 is served as 100: %s", r.Raw)
	}
	if r := alice.do("GET", "/participant/room?page=9223372036854775807", nil); r.Status != http.StatusOK || len(r.List("data")) != 0 {
		t.Errorf("a page far past the end is empty: %s", r.Raw)
	}

	room := rooms[0]
	for i := range 3 {
		want(t, alice.do("POST", "/participant/room/"+room+"/chat", map[string]any{"text": string(rune('a' + i))}), http.StatusOK, "")
	}
	h.clock.Advance(-time.Minute) // a message stamped earlier sorts first
	want(t, alice.do("POST", "/participant/room/"+room+"/chat", map[string]any{"text": "early"}), http.StatusOK, "")
	r = alice.do("GET", "/participant/room/"+room+"/chat?size=3", nil)
	if ids(r, "data", "text") != "early,a,b" || r.Num("page.total_records") != 4 {
		t.Errorf("chat in time order, then as sent: %s", r.Raw)
	}
}

// Times RFC 3339 cannot write in UTC are refused, never a 5xx, and the
// seconds left of an end are clamped to the last time the field holds.
func TestTimeBounds(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	alice := h.as("alice-id")
	for _, c := range []struct{ start, end string }{
		{"2026-01-01T00:00:00Z", "9999-12-31T23:59:59-05:00"},
		{"0000-01-01T00:00:00+01:00", "2026-01-01T00:00:00Z"},
	} {
		r := alice.do("POST", "/room", map[string]any{"name": "x", "start_time": c.start, "end_time": c.end})
		want(t, r, http.StatusBadRequest, "INVALID_REQUEST")
	}
	room := alice.createRoom(-time.Hour, time.Hour)
	want(t, alice.do("POST", "/admin/room/"+room, map[string]any{"end_time": "9999-12-31T23:59:59-05:00"}), http.StatusBadRequest, "INVALID_REQUEST")
	r := alice.do("POST", "/admin/room/"+room, map[string]any{"time_left_in_second": int64(400_000_000_000)})
	want(t, r, http.StatusOK, "")
	if r.Str("data.end_time") != "9999-12-31T23:59:59Z" || r.Str("data.status") != "started" {
		t.Errorf("an end far beyond what the field holds: %s", r.Raw)
	}
	want(t, alice.do("GET", "/participant/room", nil), http.StatusOK, "")
}

// Refusals carry sent_at from the mock's clock, as successes do.
func TestRefusalsUseTheClock(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	r := h.as("alice-id").do("GET", "/participant/room/none", nil)
	if r.Str("sent_at") != epoch.Format(time.RFC3339) {
		t.Errorf("sent_at %s, want the clock's %s", r.Str("sent_at"), epoch.Format(time.RFC3339))
	}
}

// An end 300 years ahead lands 300 years ahead: seconds are not limited
// to what a time.Duration holds.
func TestEndCenturiesAhead(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	alice := h.as("alice-id")
	room := alice.createRoom(-time.Hour, time.Hour)
	secs := epoch.AddDate(300, 0, 0).Unix() - epoch.Unix()
	r := alice.do("POST", "/admin/room/"+room, map[string]any{"time_left_in_second": secs})
	if got, want := r.Str("data.end_time"), epoch.AddDate(300, 0, 0).Format(time.RFC3339); got != want {
		t.Errorf("end_time %s, want %s", got, want)
	}
}
