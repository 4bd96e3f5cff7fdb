package ucsrooms_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver/ucsrooms"
)

// upload gets an upload URL as u in room and PUTs body to it.
func (u user) upload(room, contentType, body string) (fileID, uploadURL string) {
	u.h.t.Helper()
	r := u.do("GET", "/participant/room/"+room+"/upload", nil)
	want(u.h.t, r, http.StatusOK, "")
	uploadURL = r.Str("data.url")
	want(u.h.t, u.h.raw("PUT", relative(u.h.t, uploadURL), contentType, body), http.StatusOK, "")
	return r.Str("data.file_id"), uploadURL
}

// A file one participant uploads and references in chat, another
// downloads, byte for byte, with its content type.
func TestFilesRoundTrip(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	alice, bob := h.as("alice-id"), h.as("bob-id")
	room := alice.createRoom(-time.Hour, time.Hour, bob.id)
	fileID, upURL := alice.upload(room, "text/csv", "a,b\n1,2\n")
	if !strings.HasPrefix(upURL, "http://example.com/ucs/files/"+fileID+"?") {
		t.Errorf("the upload URL is absolute, on the mock's own mount: %s", upURL)
	}
	want(t, h.raw("PUT", relative(t, upURL), "text/csv", "again"), http.StatusConflict, "FILE_EXISTS")

	msg := alice.do("POST", "/participant/room/"+room+"/chat", map[string]any{"text": "numbers",
		"attachment": map[string]any{"file_id": fileID, "name": "n.csv", "size": 8, "content_type": "text/csv"}})
	want(t, msg, http.StatusOK, "")
	chat := bob.do("GET", "/participant/room/"+room+"/chat", nil)
	if chat.Str("data.0.attachment.file_id") != fileID || chat.Str("data.0.name") != "name-of-alice-id" {
		t.Fatalf("bob reads the attachment: %s", chat.Raw)
	}
	r := bob.do("GET", "/participant/room/"+room+"/download?file_id="+fileID, nil)
	want(t, r, http.StatusOK, "")
	got := h.raw("GET", relative(t, r.Str("data.url")), "", "")
	if got.Status != http.StatusOK || got.Raw != "a,b\n1,2\n" || got.ContentType != "text/csv" {
		t.Fatalf("download: %d %q %q", got.Status, got.ContentType, got.Raw)
	}
	want(t, alice.do("POST", "/participant/room/"+room+"/chat", map[string]any{"text": "x", "attachment": map[string]any{"file_id": "nope"}}),
		http.StatusNotFound, "FILE_NOT_FOUND")
	want(t, bob.do("GET", "/participant/room/"+room+"/download?file_id=nope", nil), http.StatusNotFound, "FILE_NOT_FOUND")
}

// Signed URLs refuse tampering, the other method, expiry, and users who
// left the room.
func TestSignedURLsAreChecked(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	alice, bob := h.as("alice-id"), h.as("bob-id")
	room := alice.createRoom(-time.Hour, time.Hour, bob.id)
	fileID, upURL := alice.upload(room, "application/pdf", "%PDF-1.7")
	down := relative(t, bob.do("GET", "/participant/room/"+room+"/download?file_id="+fileID, nil).Str("data.url"))

	tamper := func(raw, key, value string) string {
		u, _ := url.Parse(raw)
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.RequestURI()
	}
	sig := func(raw string) string { u, _ := url.Parse(raw); return u.Query().Get("signature") }
	flipped := []byte(sig(down))
	flipped[0] ^= 1
	for name, target := range map[string]string{
		"a changed signature":    tamper(down, "signature", string(flipped)),
		"another user":           tamper(down, "user_id", "carol-id"),
		"another room":           tamper(down, "room_id", ucsrooms.StartedRoomID),
		"a later expiry":         tamper(down, "expires", "99999999999"),
		"another namespace":      tamper(down, "namespace", "other"),
		"the upload URL for GET": relative(t, upURL),
	} {
		want(t, h.raw("GET", target, "", ""), http.StatusForbidden, "SIGNATURE_INVALID")
		_ = name
	}
	want(t, h.raw("PUT", down, "text/plain", "x"), http.StatusForbidden, "SIGNATURE_INVALID")

	want(t, h.raw("GET", down, "", ""), http.StatusOK, "")
	want(t, alice.do("DELETE", "/admin/room/"+room+"/participant", map[string]any{"participant_ids": []string{bob.id}}), http.StatusOK, "")
	want(t, h.raw("GET", down, "", ""), http.StatusForbidden, "NOT_A_PARTICIPANT")

	h.clock.Advance(61 * time.Second)
	fresh := alice.do("GET", "/participant/room/"+room+"/download?file_id="+fileID, nil).Str("data.url")
	h.clock.Advance(61 * time.Second)
	want(t, h.raw("GET", relative(t, fresh), "", ""), http.StatusForbidden, "URL_EXPIRED")
	late := alice.do("GET", "/participant/room/"+room+"/upload", nil).Str("data.url")
	h.clock.Advance(61 * time.Second)
	want(t, h.raw("PUT", relative(t, late), "text/plain", "late"), http.StatusForbidden, "URL_EXPIRED")
}

// A signed URL carries its namespace, so that it works without the
// namespace header (an img tag) and only in that namespace.
func TestSignedURLsCarryTheirNamespace(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	h.ns = "team-a"
	alice := h.as("alice-id")
	room := alice.createRoom(-time.Hour, time.Hour)
	fileID, _ := alice.upload(room, "image/png", "png bytes")
	down := relative(t, alice.do("GET", "/participant/room/"+room+"/download?file_id="+fileID, nil).Str("data.url"))
	h.ns = "default" // the header of the GET below names another namespace
	got := h.raw("GET", down, "", "")
	if got.Status != http.StatusOK || got.Raw != "png bytes" {
		t.Fatalf("download from namespace team-a with another header: %d %s", got.Status, got.Raw)
	}
}

// Uploads count against fileStoreBytes; a refused upload stores nothing.
func TestFileStoreIsBounded(t *testing.T) {
	opts := defaultOptions(t)
	opts.FileStoreBytes = 10
	h := newHarness(t, opts)
	alice := h.as("alice-id")
	room := alice.createRoom(-time.Hour, time.Hour)
	alice.upload(room, "text/plain", "123456")
	r := alice.do("GET", "/participant/room/"+room+"/upload", nil)
	want(t, h.raw("PUT", relative(t, r.Str("data.url")), "text/plain", "12345"), http.StatusRequestEntityTooLarge, "STORAGE_FULL")
	want(t, h.raw("PUT", relative(t, r.Str("data.url")), "text/plain", "1234"), http.StatusOK, "")
}

// An upload to a room that ended after the URL was signed is refused.
func TestUploadToEndedRoom(t *testing.T) {
	h := newHarness(t, defaultOptions(t))
	alice := h.as("alice-id")
	room := alice.createRoom(-time.Hour, time.Hour)
	r := alice.do("GET", "/participant/room/"+room+"/upload", nil)
	want(t, alice.do("POST", "/admin/room/"+room, nil), http.StatusOK, "")
	want(t, h.raw("PUT", relative(t, r.Str("data.url")), "text/plain", "x"), http.StatusConflict, "ROOM_ENDED")
}
