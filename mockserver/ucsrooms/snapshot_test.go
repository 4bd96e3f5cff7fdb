package ucsrooms_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ucsrooms"
)

// export returns the harness namespace's UCS state as a generic document.
func (h *harness) export() map[string]any {
	h.t.Helper()
	snap, err := h.store.Export(context.Background(), h.ns)
	if err != nil {
		h.t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(snap[h.ns][ucsrooms.Name], &doc); err != nil {
		h.t.Fatal(err)
	}
	return doc
}

func (h *harness) importDoc(doc map[string]any) error {
	raw, err := json.Marshal(doc)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.store.Import(context.Background(), h.ns, mockserver.Snapshot{h.ns: {ucsrooms.Name: raw}})
}

// A snapshot round-trips: exported, imported, the rooms, their admins,
// the chat and the files answer as before, and the store's file total is
// counted again.
func TestSnapshotRoundTrip(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	alice, bob := h.as("alice-id"), h.as("bob-id")
	room := alice.createRoom(-time.Hour, time.Hour, bob.id)
	fileID, _ := alice.upload(room, "text/plain", "kept")
	want(t, alice.do("POST", "/participant/room/"+room+"/chat", map[string]any{"text": "hi"}), http.StatusOK, "")
	doc := h.export()
	if err := h.importDoc(doc); err != nil {
		t.Fatal(err)
	}
	if again := h.export(); !jsonEqual(doc, again) {
		t.Fatal("export after import differs from the export before")
	}
	want(t, bob.do("DELETE", "/admin/room/"+room+"/participant/"+alice.id+"/admin", nil), http.StatusForbidden, "NOT_ADMIN")
	want(t, alice.do("DELETE", "/admin/room/"+room+"/participant/"+alice.id+"/admin", nil), http.StatusConflict, "LAST_ADMIN")
	down := bob.do("GET", "/participant/room/"+room+"/download?file_id="+fileID, nil).Str("data.url")
	if got := h.raw("GET", relative(t, down), "", ""); got.Raw != "kept" {
		t.Errorf("the file after import: %d %s", got.Status, got.Raw)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// A snapshot that breaks a rule is refused, naming where, and changes
// nothing.
func TestSnapshotRefusesBrokenState(t *testing.T) {
	for _, c := range []struct {
		name, path string
		breakIt    func(doc map[string]any, room string)
	}{
		{"a room without an admin", "/rooms/", func(doc map[string]any, room string) {
			for _, p := range doc["participants"].(map[string]any) {
				p.(map[string]any)["is_admin"] = false
			}
		}},
		{"an end before the start", "/end_time", func(doc map[string]any, room string) {
			r := doc["rooms"].(map[string]any)[room].(map[string]any)
			r["end_time"] = "2000-01-01T00:00:00Z"
		}},
		{"a participant of a missing room", "/room_id", func(doc map[string]any, room string) {
			ps := doc["participants"].(map[string]any)
			p := ps[room+"/bob-id"].(map[string]any) // not an admin
			p["room_id"] = "gone"
			delete(ps, room+"/bob-id")
			ps["gone/bob-id"] = p
		}},
		{"a participant's stale copy of the start", "/room_start_time", func(doc map[string]any, room string) {
			doc["participants"].(map[string]any)[room+"/bob-id"].(map[string]any)["room_start_time"] = "2001-01-01T00:00:00Z"
		}},
		{"two messages with one number", "/seq", func(doc map[string]any, room string) {
			for _, m := range doc["messages"].(map[string]any) {
				m.(map[string]any)["seq"] = 0
			}
		}},
		{"a file of a missing room", "/files/", func(doc map[string]any, room string) {
			for _, f := range doc["files"].(map[string]any) {
				f.(map[string]any)["room_id"] = "gone"
			}
		}},
		{"a record under another key", "participants", func(doc map[string]any, room string) {
			ps := doc["participants"].(map[string]any)
			ps["x/"+room+"/bob-id"] = ps[room+"/bob-id"]
			delete(ps, room+"/bob-id")
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, defaultOptions(t))
			alice, bob := h.as("alice-id"), h.as("bob-id")
			room := alice.createRoom(-time.Hour, time.Hour, bob.id)
			alice.upload(room, "text/plain", "f")
			want(t, alice.do("POST", "/participant/room/"+room+"/chat", map[string]any{"text": "1"}), http.StatusOK, "")
			want(t, bob.do("POST", "/participant/room/"+room+"/chat", map[string]any{"text": "2"}), http.StatusOK, "")
			doc := h.export()
			before := h.export()
			c.breakIt(doc, room)
			err := h.importDoc(doc)
			var se *mockserver.StateError
			if err == nil || (!errors.As(err, &se) && !strings.Contains(err.Error(), c.path)) {
				t.Fatalf("import: %v, want a refusal naming %q", err, c.path)
			}
			if !strings.Contains(err.Error(), c.path) {
				t.Errorf("the refusal %q does not name %q", err, c.path)
			}
			if !jsonEqual(before, h.export()) {
				t.Error("a refused import changed the state")
			}
		})
	}
}
