package rocketchat_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// These tests hold the messaging rules to what Rocket.Chat 8.x does: who
// may read and write a room's messages, edits and deletes by the
// permission table, the room's msgs/lm/lastMessage and each member's
// unread state, and history paging.

// messaging is a harness with a channel "town" of admin (owner), bob and
// carol (plain members), and dave, in no room.
type messaging struct {
	h                 *harness
	admin, bob, carol client
	dave              client
	room              string
}

func newMessaging(t *testing.T) *messaging {
	h := newHarness(t)
	admin := h.admin()
	for _, u := range []string{"bob", "carol", "dave"} {
		admin.createUser(u)
	}
	room := admin.must("POST", "/api/v1/channels.create", map[string]any{"name": "town", "members": []string{"bob", "carol"}}).Str("channel._id")
	return &messaging{h: h, admin: admin, bob: h.login("bob", "pw-bob"), carol: h.login("carol", "pw-carol"),
		dave: h.login("dave", "pw-dave"), room: room}
}

// post posts text to room as c, a second after the last post.
func (m *messaging) post(c client, room, text string) reply {
	m.h.t.Helper()
	m.h.clock.Advance(time.Second)
	return c.must("POST", "/api/v1/chat.postMessage", map[string]any{"roomId": room, "text": text})
}

func texts(r reply) []string { return r.Strs("messages", "msg") }

func TestHistoryPagesNewestFirstByWindow(t *testing.T) {
	m := newMessaging(t)
	var ts []string
	for i := range 5 {
		ts = append(ts, m.post(m.bob, m.room, fmt.Sprintf("m%d", i)).Str("message.ts"))
	}
	base := "/api/v1/channels.history?roomId=" + m.room
	if got := texts(m.carol.must("GET", base, nil)); !slices.Equal(got, []string{"m4", "m3", "m2", "m1", "m0"}) {
		t.Errorf("history: %v, want newest first", got)
	}
	if got := texts(m.carol.must("GET", base+"&count=2&offset=1", nil)); !slices.Equal(got, []string{"m3", "m2"}) {
		t.Errorf("count=2&offset=1: %v", got)
	}
	q := func(k, v string) string { return "&" + k + "=" + url.QueryEscape(v) }
	if got := texts(m.carol.must("GET", base+q("latest", ts[3])+q("oldest", ts[1]), nil)); !slices.Equal(got, []string{"m2"}) {
		t.Errorf("exclusive window (m1, m3): %v", got)
	}
	if got := texts(m.carol.must("GET", base+q("latest", ts[3])+q("oldest", ts[1])+"&inclusive=true", nil)); !slices.Equal(got, []string{"m3", "m2", "m1"}) {
		t.Errorf("inclusive window [m1, m3]: %v", got)
	}
	r := m.carol.must("GET", base+q("oldest", ts[0])+"&count=2&unreads=true", nil)
	if !slices.Equal(texts(r), []string{"m4", "m3"}) || r.Num("unreadNotLoaded") != 2 || r.Str("firstUnread.msg") != "m1" {
		t.Errorf("unreads: %s", r.Raw)
	}
	// A non-member reads a public channel (view-c-room); the room counts
	// its messages and names its last.
	if got := texts(m.dave.must("GET", base+"&count=1", nil)); !slices.Equal(got, []string{"m4"}) {
		t.Errorf("a non-member's history of a public channel: %v", got)
	}
	info := m.admin.must("GET", "/api/v1/channels.info?roomId="+m.room, nil)
	if info.Num("channel.msgs") != 5 || info.Str("channel.lm") != ts[4] {
		t.Errorf("msgs/lm after 5 posts: %s", info.Raw)
	}
	page := m.carol.must("GET", "/api/v1/channels.messages?count=2&offset=3&roomId="+m.room, nil)
	if !slices.Equal(texts(page), []string{"m1", "m0"}) || page.Num("total") != 5 {
		t.Errorf("channels.messages page: %s", page.Raw)
	}
	asc := m.carol.must("GET", "/api/v1/channels.messages?count=1&sort="+url.QueryEscape(`{"ts":1}`)+"&roomId="+m.room, nil)
	if !slices.Equal(texts(asc), []string{"m0"}) {
		t.Errorf("sort ts ascending: %s", asc.Raw)
	}
	m.carol.refuses(refusal{400, "error-invalid-query", ""}, "GET", "/api/v1/channels.messages?query="+url.QueryEscape(`{"msg":"m1"}`)+"&roomId="+m.room, nil)
	m.carol.refuses(refusal{400, "error-invalid-sort", ""}, "GET", "/api/v1/channels.messages?sort="+url.QueryEscape(`{"msg":1}`)+"&roomId="+m.room, nil)
}

func TestPrivateMessagesOnlyForMembers(t *testing.T) {
	m := newMessaging(t)
	group := m.admin.must("POST", "/api/v1/groups.create", map[string]any{"name": "inner", "members": []string{"bob"}}).Str("group._id")
	id := m.post(m.bob, group, "secret").Str("message._id")
	if got := texts(m.admin.must("GET", "/api/v1/groups.history?roomId="+group, nil)); !slices.Equal(got, []string{"secret"}) {
		t.Errorf("a member reads the group: %v", got)
	}
	m.carol.refuses(refusal{400, "error-room-not-found", ""}, "GET", "/api/v1/groups.history?roomId="+group, nil)
	m.carol.refuses(refusal{400, "error-room-not-found", ""}, "GET", "/api/v1/groups.messages?roomId="+group, nil)
	m.carol.refuses(refusal{400, "error-action-not-allowed", ""}, "GET", "/api/v1/chat.getMessage?msgId="+id, nil)
	m.carol.refuses(refusal{400, "-", "error-not-allowed"}, "POST", "/api/v1/chat.postMessage", map[string]any{"roomId": group, "text": "let me in"})
	m.carol.refuses(refusal{400, "-", "error-not-allowed"}, "POST", "/api/v1/chat.sendMessage", map[string]any{"message": map[string]any{"rid": group, "msg": "x"}})
	m.carol.refuses(refusal{400, "not-authorized", ""}, "POST", "/api/v1/chat.react", map[string]any{"messageId": id, "emoji": "smile"})

	dm := m.bob.must("POST", "/api/v1/im.create", map[string]any{"username": "carol"}).Str("room._id")
	m.post(m.bob, dm, "psst")
	m.dave.refuses(refusal{403, "-", "forbidden"}, "GET", "/api/v1/im.history?roomId="+dm, nil)
	m.dave.refuses(refusal{403, "-", "forbidden"}, "GET", "/api/v1/im.messages?roomId="+dm, nil)
	if got := texts(m.carol.must("GET", "/api/v1/im.history?roomId="+dm, nil)); !slices.Equal(got, []string{"psst"}) {
		t.Errorf("the other member reads the direct room: %v", got)
	}
}

func TestPostingNeedsAccessAndReadOnlyRules(t *testing.T) {
	m := newMessaging(t)
	// Posting to a public channel joins it, as processWebhookMessage does.
	r := m.post(m.dave, "#town", "hi all")
	if r.Str("channel") != "#town" || r.Str("message.rid") != m.room {
		t.Errorf("post to #town: %s", r.Raw)
	}
	if m.admin.must("GET", "/api/v1/channels.info?roomId="+m.room, nil).Num("channel.usersCount") != 4 {
		t.Errorf("posting to a public channel should join it")
	}
	m.bob.refuses(refusal{400, "invalid-channel", "[invalid-channel]"}, "POST", "/api/v1/chat.postMessage", map[string]any{"channel": "#nowhere", "text": "x"})
	ro := m.admin.must("POST", "/api/v1/channels.create", map[string]any{"name": "news", "readOnly": true, "members": []string{"bob"}}).Str("channel._id")
	m.bob.refuses(refusal{400, "-", "You can't send messages because the room is readonly."}, "POST", "/api/v1/chat.postMessage", map[string]any{"roomId": ro, "text": "x"})
	m.post(m.admin, ro, "announcement") // the owner holds post-readonly
	m.bob.refuses(refusal{400, "error-message-size-exceeded", ""}, "POST", "/api/v1/chat.sendMessage",
		map[string]any{"message": map[string]any{"rid": m.room, "msg": string(make([]byte, 5001))}})
	m.bob.refuses(refusal{400, "-", "error-invalid-room"}, "POST", "/api/v1/chat.sendMessage", map[string]any{"message": map[string]any{"rid": "nope", "msg": "x"}})
	id := m.bob.must("POST", "/api/v1/chat.sendMessage", map[string]any{"message": map[string]any{"_id": "clientChosenId123", "rid": m.room, "msg": "mine"}}).Str("message._id")
	if id != "clientChosenId123" {
		t.Errorf("sendMessage keeps the client's _id: %q", id)
	}
	m.bob.refuses(refusal{400, "-", ""}, "POST", "/api/v1/chat.sendMessage", map[string]any{"message": map[string]any{"_id": id, "rid": m.room, "msg": "again"}})
}

func TestEditAndDeleteFollowThePermissionTable(t *testing.T) {
	m := newMessaging(t)
	first := m.post(m.bob, m.room, "first").Str("message._id")
	id := m.post(m.bob, m.room, "bob's").Str("message._id")
	edit := func(c client, text string) reply {
		return c.do("POST", "/api/v1/chat.update", map[string]any{"roomId": m.room, "msgId": id, "text": text})
	}
	m.carol.refuses(refusal{400, "error-action-not-allowed", ""}, "POST", "/api/v1/chat.update", map[string]any{"roomId": m.room, "msgId": id, "text": "carol's now"})
	m.bob.refuses(refusal{400, "-", "The room id provided does not match where the message is from."}, "POST", "/api/v1/chat.update", map[string]any{"roomId": "elsewhere", "msgId": id, "text": "x"})
	m.bob.refuses(refusal{400, "-", `No message found with the id of "nope".`}, "POST", "/api/v1/chat.update", map[string]any{"roomId": m.room, "msgId": "nope", "text": "x"})
	m.h.clock.Advance(time.Minute)
	if r := edit(m.bob, "bob's, edited"); r.Status != 200 || r.Str("message.msg") != "bob's, edited" || r.Str("message.editedBy.username") != "bob" || r.Str("message.editedAt") == "" {
		t.Errorf("the author edits: %d %s", r.Status, r.Raw)
	}
	if r := edit(m.admin, "moderated"); r.Status != 200 || r.Str("message.editedBy.username") != "admin" {
		t.Errorf("edit-message (the room's owner) edits anyone's: %d %s", r.Status, r.Raw)
	}
	rooms := m.bob.must("GET", "/api/v1/rooms.get", nil)
	for _, r := range rooms.List("update") {
		if room := r.(map[string]any); room["_id"] == m.room {
			if last, _ := room["lastMessage"].(map[string]any); last["msg"] != "moderated" {
				t.Errorf("lastMessage shows the edit: %v", last)
			}
		}
	}

	del := map[string]any{"roomId": m.room, "msgId": id}
	m.carol.refuses(refusal{400, "error-action-not-allowed", "Not allowed [error-action-not-allowed]"}, "POST", "/api/v1/chat.delete", del)
	// Without delete-own-message, the author cannot delete either.
	m.admin.must("POST", "/api/v1/permissions.update", map[string]any{"permissions": []map[string]any{{"_id": "delete-own-message", "roles": []string{"admin"}}}})
	m.bob.refuses(refusal{400, "error-action-not-allowed", ""}, "POST", "/api/v1/chat.delete", del)
	m.admin.must("POST", "/api/v1/permissions.update", map[string]any{"permissions": []map[string]any{{"_id": "delete-own-message", "roles": []string{"admin", "user"}}}})
	r := m.bob.must("POST", "/api/v1/chat.delete", del)
	if r.Str("_id") != id || r.Str("message.u.username") != "bob" {
		t.Errorf("delete answer: %s", r.Raw)
	}
	info := m.admin.must("GET", "/api/v1/channels.info?roomId="+m.room, nil)
	if info.Num("channel.msgs") != 1 {
		t.Errorf("msgs after a delete: %s", info.Raw)
	}
	if got := texts(m.bob.must("GET", "/api/v1/channels.history?roomId="+m.room, nil)); !slices.Equal(got, []string{"first"}) {
		t.Errorf("history after the delete: %v", got)
	}
	for _, room := range m.bob.must("GET", "/api/v1/rooms.get", nil).List("update") {
		if room := room.(map[string]any); room["_id"] == m.room {
			if last, _ := room["lastMessage"].(map[string]any); last["_id"] != first {
				t.Errorf("lastMessage falls back to the last message left: %v", last)
			}
		}
	}
	// The owner deletes anyone's (force-delete-message).
	m.admin.must("POST", "/api/v1/chat.delete", map[string]any{"roomId": m.room, "msgId": first})
	if m.admin.must("GET", "/api/v1/channels.info?roomId="+m.room, nil).Get("channel.lm") != nil {
		t.Errorf("an empty room has no lm")
	}
}

func TestReactionsToggle(t *testing.T) {
	m := newMessaging(t)
	id := m.post(m.bob, m.room, "react to me").Str("message._id")
	react := func(c client, body map[string]any) {
		body["messageId"] = id
		c.must("POST", "/api/v1/chat.react", body)
	}
	get := func() reply { return m.bob.must("GET", "/api/v1/chat.getMessage?msgId="+id, nil) }
	react(m.carol, map[string]any{"emoji": "thumbsup"})
	react(m.bob, map[string]any{"emoji": ":thumbsup:"})
	if got := get().Get("message.reactions.:thumbsup:.usernames"); fmt.Sprint(got) != "[carol bob]" {
		t.Errorf("two reactions: %v", got)
	}
	react(m.carol, map[string]any{"emoji": "thumbsup", "shouldReact": true}) // already there: no change
	react(m.carol, map[string]any{"emoji": "thumbsup"})                      // toggles off
	react(m.bob, map[string]any{"reaction": "thumbsup", "shouldReact": false})
	if r := get(); r.Get("message.reactions") != nil {
		t.Errorf("all reactions withdrawn: %s", r.Raw)
	}
	m.bob.refuses(refusal{400, "error-message-not-found", ""}, "POST", "/api/v1/chat.react", map[string]any{"messageId": "nope", "emoji": "x"})
	m.bob.refuses(refusal{400, "error-emoji-param-not-provided", ""}, "POST", "/api/v1/chat.react", map[string]any{"messageId": id})
	if r := m.bob.do("GET", "/api/v1/chat.getMessage?msgId=nope", nil); r.Status != 400 || r.Get("success") != false {
		t.Errorf("unknown message: %d %s", r.Status, r.Raw)
	}
}

// subscription returns c's subscription to room.
func subscription(t *testing.T, c client, room string) map[string]any {
	t.Helper()
	for _, s := range c.must("GET", "/api/v1/subscriptions.get", nil).List("update") {
		if s := s.(map[string]any); s["rid"] == room {
			return s
		}
	}
	t.Fatalf("no subscription to %s", room)
	return nil
}

func TestUnreadCountsAndRead(t *testing.T) {
	m := newMessaging(t)
	dm := m.bob.must("POST", "/api/v1/im.create", map[string]any{"username": "carol"}).Get("room")
	room := dm.(map[string]any)
	if room["rid"] != room["_id"] || fmt.Sprint(room["usernames"]) != "[bob carol]" {
		t.Errorf("im.create's room: %v", room)
	}
	id := room["_id"].(string)
	if again := m.carol.must("POST", "/api/v1/im.create", map[string]any{"username": "bob"}).Str("room._id"); again != id {
		t.Errorf("im.create finds the room there is: %s, want %s", again, id)
	}
	if s := subscription(t, m.carol, id); s["open"] != true {
		t.Errorf("carol opened the room: %v", s)
	}
	m.post(m.bob, id, "one")
	m.post(m.bob, id, "two")
	s := subscription(t, m.carol, id)
	if s["unread"] != 2.0 || s["alert"] != true || s["open"] != true || s["name"] != "bob" {
		t.Errorf("every direct message is unread: %v", s)
	}
	if s := subscription(t, m.bob, id); s["unread"] != 0.0 || s["alert"] != false {
		t.Errorf("the sender has read his room: %v", s)
	}
	m.h.clock.Advance(time.Second)
	m.carol.must("POST", "/api/v1/subscriptions.read", map[string]any{"rid": id})
	s = subscription(t, m.carol, id)
	if s["unread"] != 0.0 || s["alert"] != false || s["ls"] == nil {
		t.Errorf("read: %v", s)
	}
	m.dave.refuses(refusal{400, "-", "error-invalid-subscription"}, "POST", "/api/v1/subscriptions.read", map[string]any{"rid": id})

	// In a channel, only mentions count (Unread_Count), but any message alerts.
	m.post(m.bob, m.room, "no mention")
	if s := subscription(t, m.carol, m.room); s["unread"] != 0.0 || s["alert"] != true {
		t.Errorf("a channel message without a mention: %v", s)
	}
	m.post(m.bob, m.room, "hey @carol")
	m.post(m.bob, m.room, "@all standup")
	if s := subscription(t, m.carol, m.room); s["unread"] != 2.0 || s["userMentions"] != 1.0 || s["groupMentions"] != 1.0 {
		t.Errorf("mentions count: %v", s)
	}
	// updatedSince: what changed after the instant, nothing before it.
	since := m.h.clock.Now().UTC().Format(time.RFC3339Nano)
	m.post(m.bob, id, "three")
	r := m.carol.must("GET", "/api/v1/subscriptions.get?updatedSince="+url.QueryEscape(since), nil)
	if got := r.Strs("update", "rid"); !slices.Equal(got, []string{id}) {
		t.Errorf("subscriptions changed since: %v", got)
	}
	if got := m.carol.must("GET", "/api/v1/rooms.get?updatedSince="+url.QueryEscape(since), nil).Strs("update", "_id"); !slices.Equal(got, []string{id}) {
		t.Errorf("rooms changed since: %v", got)
	}
	// Replying marks the room read for the one who replies.
	if s := subscription(t, m.carol, id); s["unread"] != 1.0 {
		t.Errorf("carol has one unread before she replies: %v", s)
	}
	m.post(m.carol, id, "here")
	if s := subscription(t, m.carol, id); s["unread"] != 0.0 || s["alert"] != false {
		t.Errorf("the sender has read the room she posts in: %v", s)
	}
	m.carol.refuses(refusal{400, "error-roomId-param-invalid", ""}, "GET", "/api/v1/subscriptions.get?updatedSince=yesterday", nil)
	if got := m.carol.must("GET", "/api/v1/im.list", nil).Strs("ims", "_id"); !slices.Equal(got, []string{id}) {
		t.Errorf("im.list: %v", got)
	}
}

func TestRemovedSubscriptionsAndRooms(t *testing.T) {
	m := newMessaging(t)
	m.post(m.bob, m.room, "bye")
	since := m.h.clock.Now().UTC().Format(time.RFC3339Nano)
	m.h.clock.Advance(time.Second)
	m.carol.must("POST", "/api/v1/channels.leave", map[string]any{"roomId": m.room})
	r := m.carol.must("GET", "/api/v1/subscriptions.get?updatedSince="+url.QueryEscape(since), nil)
	if len(r.List("remove")) != 1 || len(r.List("update")) != 0 {
		t.Errorf("a left room is removed: %s", r.Raw)
	}
	m.admin.must("POST", "/api/v1/channels.delete", map[string]any{"roomId": m.room})
	rooms := m.bob.must("GET", "/api/v1/rooms.get?updatedSince="+url.QueryEscape(since), nil)
	if got := rooms.Strs("remove", "_id"); !slices.Equal(got, []string{m.room}) {
		t.Errorf("a deleted room is removed: %s", rooms.Raw)
	}
	if r := m.bob.do("GET", "/api/v1/chat.getMessage?msgId=x", nil); r.Status != http.StatusBadRequest {
		t.Errorf("%d", r.Status)
	}
}

func TestMessagesSurviveASnapshotAndDanglingOnesAreRefused(t *testing.T) {
	h := newServed(t).in("msgs")
	admin := h.admin()
	room := admin.must("POST", "/api/v1/channels.create", map[string]any{"name": "snap"}).Str("channel._id")
	admin.must("POST", "/api/v1/chat.postMessage", map[string]any{"roomId": room, "text": "kept"})
	before := admin.must("GET", "/api/v1/channels.history?roomId="+room, nil).Raw
	st := h.export()
	if r := h.put(false, h.wrap(st)); r.Status != http.StatusOK {
		t.Fatalf("round trip: %d %s", r.Status, r.Raw)
	}
	if after := admin.must("GET", "/api/v1/channels.history?roomId="+room, nil).Raw; after != before {
		t.Errorf("history after a round trip:\n%s\nwant\n%s", after, before)
	}
	msgs := obj(t, st, "messages")
	id := firstKey(t, msgs, anyEntry)
	obj(t, msgs, id)["rid"] = "noSuchRoom"
	exported := h.exportAll()
	r := h.put(false, h.wrap(st))
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Raw, "/messages/"+id+"/rid") {
		t.Errorf("a message in an unknown room: %d %s", r.Status, r.Raw)
	}
	if h.exportAll() != exported {
		t.Errorf("a refused import changed the state")
	}
}

// TestSnapshotWithADirectRoomOfADeletedUser exports and imports a state in
// which a member of a direct room was deleted: the room stays, and the
// export imports again.
func TestSnapshotWithADirectRoomOfADeletedUser(t *testing.T) {
	h := newServed(t).in("gone")
	admin := h.admin()
	bob := admin.createUser("bob")
	dm := admin.must("POST", "/api/v1/im.create", map[string]any{"username": "bob"}).Str("room._id")
	admin.must("POST", "/api/v1/chat.postMessage", map[string]any{"roomId": dm, "text": "bye bob"})
	admin.must("POST", "/api/v1/users.delete", map[string]any{"userId": bob})
	if r := h.put(false, h.wrap(h.export())); r.Status != http.StatusOK {
		t.Fatalf("re-import after deleting a direct room's member: %d %s", r.Status, r.Raw)
	}
	if got := texts(admin.must("GET", "/api/v1/im.history?roomId="+dm, nil)); !slices.Equal(got, []string{"bye bob"}) {
		t.Errorf("the direct room's history: %v", got)
	}
}
