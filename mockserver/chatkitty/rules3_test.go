package chatkitty_test

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"
)

// Presence and secrets: a merge-patch sets the presence status, and a
// secret is kept, read back and removed (then 404).
func TestPresenceAndSecrets(t *testing.T) {
	h := newHarness(t)
	tok := h.login(false)
	uid := newUser(t, h, tok, "pia")
	if p := h.do(tok, "PATCH", "/v1/users/"+uid, map[string]any{"presence": map[string]any{"status": "AVAILABLE"}}); p.Str("presence.status") != "AVAILABLE" {
		t.Errorf("presence after PATCH: %s", p.Raw)
	}
	want(t, h.do(tok, "GET", "/v1/users/"+uid+"/secrets/api", nil), http.StatusNotFound, "RESOURCE_NOT_FOUND")
	want(t, h.do(tok, "PUT", "/v1/users/"+uid+"/secrets/api", map[string]any{"secret": map[string]any{"key": "k1"}}), http.StatusOK, "")
	if got := h.do(tok, "GET", "/v1/users/"+uid+"/secrets/api", nil); got.Str("secret.key") != "k1" {
		t.Errorf("the secret read back: %s", got.Raw)
	}
	want(t, h.do(tok, "DELETE", "/v1/users/"+uid+"/secrets/api", nil), http.StatusOK, "")
	want(t, h.do(tok, "GET", "/v1/users/"+uid+"/secrets/api", nil), http.StatusNotFound, "RESOURCE_NOT_FOUND")
}

// An invite is listed until the invitee joins; a member is not invited;
// a sender's message is read by the sender.
func TestInvitesAndReceipts(t *testing.T) {
	h := newHarness(t)
	tok := h.login(false)
	newUser(t, h, tok, "ivy")
	newUser(t, h, tok, "jon")
	c := h.do(tok, "POST", "/v1/channels", map[string]any{"type": "PRIVATE", "name": "inv", "members": []any{map[string]any{"username": "ivy"}}})
	cid := id(c)
	want(t, h.do(tok, "POST", "/v1/channels/"+cid+"/invites", map[string]any{"user": map[string]any{"username": "ivy"}}), http.StatusBadRequest, "ALREADY_A_CHANNEL_MEMBER")
	want(t, h.do(tok, "POST", "/v1/channels/"+cid+"/invites", map[string]any{"user": map[string]any{"username": "jon"}}), http.StatusOK, "")
	if n := h.do(tok, "GET", "/v1/channels/"+cid+"/invites", nil).Num("page.totalElements"); n != 1 {
		t.Errorf("pending invites %d, want 1", n)
	}
	want(t, h.do(tok, "POST", "/v1/channels/"+cid+"/members", map[string]any{"username": "jon"}), http.StatusOK, "")
	if n := h.do(tok, "GET", "/v1/channels/"+cid+"/invites", nil).Num("page.totalElements"); n != 0 {
		t.Errorf("after joining, pending invites %d, want 0", n)
	}
	m := h.do(tok, "POST", "/v1/channels/"+cid+"/messages", map[string]any{"type": "TEXT", "body": "hi", "user": map[string]any{"username": "ivy"}})
	if got := h.do(tok, "GET", "/v1/messages/"+id(m)+"/read-receipts", nil).Strs("_embedded.receipts", "createdTime"); len(got) != 1 {
		t.Errorf("read receipts of a new message %v, want the sender's", got)
	}
	unread := h.do(tok, "GET", "/v1/users/"+newID(t, h, tok, "jon")+"/messages?unread=true", nil)
	if got := ids(unread, "_embedded.messages"); !slices.Contains(got, id(m)) {
		t.Errorf("jon's unread messages %v lack %s", got, id(m))
	}
}

// newID returns the id of the user called name.
func newID(t *testing.T, h *harness, tok, name string) string {
	t.Helper()
	return ids(h.do(tok, "GET", "/v1/users?name="+name, nil), "_embedded.users")[0]
}

// Channel and message imports take effect: the channel exists with its
// members, the messages are in it, each sent by its user or as the
// application's.
func TestChannelAndMessageImports(t *testing.T) {
	h := newHarness(t)
	tok := h.login(false)
	newUser(t, h, tok, "kai")
	job := h.upload(tok, "/v1/imports/channels", []any{map[string]any{"type": "PUBLIC", "name": "imported", "members": []string{"kai"}}})
	want(t, job, http.StatusOK, "")
	h.now = h.now.Add(time.Second)
	if s := h.do(tok, "GET", "/v1/jobs/"+id(job), nil).Str("state"); s != "FINISHED" {
		t.Fatalf("channel import ended %s", s)
	}
	chans := h.do(tok, "GET", "/v1/channels?type=PUBLIC&size=2000", nil)
	var cid string
	for _, c := range chans.List("_embedded.channels") {
		if m := c.(map[string]any); m["name"] == "imported" {
			cid = idString(m["id"])
		}
	}
	if cid == "" {
		t.Fatalf("the imported channel is not listed")
	}
	msgs := h.upload(tok, "/v1/imports/messages", []any{
		map[string]any{"type": "TEXT", "channelId": mustInt(t, cid), "body": "from kai", "user": "kai"},
		map[string]any{"type": "SYSTEM_TEXT", "channelId": mustInt(t, cid), "body": "welcome"},
	})
	h.now = h.now.Add(time.Second)
	if s := h.do(tok, "GET", "/v1/jobs/"+id(msgs), nil).Str("state"); s != "FINISHED" {
		t.Fatalf("message import ended %s", s)
	}
	page := h.do(tok, "GET", "/v1/channels/"+cid+"/messages", nil)
	if types := page.Strs("_embedded.messages", "type"); !slices.Equal(types, []string{"SYSTEM_TEXT", "TEXT"}) {
		t.Errorf("imported messages, newest first, are %v: %s", types, page.Raw)
	}
}

func idString(v any) string {
	n, _ := v.(float64)
	return strconv.FormatInt(int64(n), 10)
}
