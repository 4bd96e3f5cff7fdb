package rocketchat

import (
	"net/http"
	"time"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
)

// Messaging is the chat-screen scenario: what a frontend calls to show
// and send messages.
func Messaging(s *contracts.S) {
	var admin, ann, ben session
	var annU, benU user
	rooms := map[string]string{}
	defer cleanup(s, &admin, rooms, []*user{&annU, &benU})
	var roomID, dmID, firstID, secondID string
	var times []string

	s.Step("admin creates two users and a channel with both", func(e *httpexpect.Expect) {
		admin = loginAdmin(s, e)
		annU, benU = createUser(s, e, admin, "ann"), createUser(s, e, admin, "ben")
		roomID = createRoom(e, admin, "channels", s.Unique("chat"))
		rooms[roomID] = "channels"
		admin.as(e).POST("/api/v1/channels.invite").WithJSON(map[string]any{"roomId": roomID, "userIds": []string{annU.id, benU.id}}).
			Expect().Status(http.StatusOK)
		ann, ben = login(e, annU.username, annU.password), login(e, benU.username, benU.password)
	})
	s.Step("ann posts three messages; each answer carries the message", func(e *httpexpect.Expect) {
		for i, text := range []string{"first", "second", "third"} {
			if i > 0 {
				// A server keeps message times in milliseconds; the
				// window steps below need each post in a millisecond of
				// its own, which a fast target may not give unasked.
				time.Sleep(2 * time.Millisecond)
			}
			msg := ann.as(e).POST("/api/v1/chat.postMessage").WithJSON(map[string]any{"roomId": roomID, "text": text}).
				Expect().Status(http.StatusOK).JSON().Object().HasValue("success", true).
				Value("message").Object().HasValue("msg", text).HasValue("rid", roomID)
			msg.Value("u").Object().HasValue("username", annU.username)
			id := msg.Value("_id").String().NotEmpty().Raw()
			times = append(times, msg.Value("ts").String().NotEmpty().Raw())
			switch i {
			case 0:
				firstID = id
			case 1:
				secondID = id
			}
		}
	})
	s.Step("the channel counts its messages and names the last", func(e *httpexpect.Expect) {
		admin.as(e).GET("/api/v1/channels.info").WithQuery("roomId", roomID).Expect().Status(http.StatusOK).
			JSON().Object().Value("channel").Object().HasValue("msgs", 3).HasValue("lm", times[2])
	})
	s.Step("history is newest first and pages by count and offset", func(e *httpexpect.Expect) {
		msgs := ben.as(e).GET("/api/v1/channels.history").WithQuery("roomId", roomID).
			Expect().Status(http.StatusOK).JSON().Object().Value("messages").Array()
		msgs.Length().IsEqual(3)
		msgs.Value(0).Object().HasValue("msg", "third")
		msgs.Value(2).Object().HasValue("msg", "first")
		page := ben.as(e).GET("/api/v1/channels.history").WithQuery("roomId", roomID).WithQuery("count", 1).WithQuery("offset", 1).
			Expect().Status(http.StatusOK).JSON().Object().Value("messages").Array()
		page.Length().IsEqual(1)
		page.Value(0).Object().HasValue("msg", "second")
	})
	s.Step("history by window: before latest, after oldest", func(e *httpexpect.Expect) {
		win := ben.as(e).GET("/api/v1/channels.history").WithQuery("roomId", roomID).
			WithQuery("latest", times[2]).WithQuery("oldest", times[0]).WithQuery("inclusive", "true").
			Expect().Status(http.StatusOK).JSON().Object().Value("messages").Array()
		win.Length().IsEqual(3)
		older := ben.as(e).GET("/api/v1/channels.history").WithQuery("roomId", roomID).WithQuery("latest", times[1]).
			Expect().Status(http.StatusOK).JSON().Object().Value("messages").Array()
		older.Length().IsEqual(1)
		older.Value(0).Object().HasValue("_id", firstID)
	})
	s.Step("ann edits her message; ben may not", func(e *httpexpect.Expect) {
		refused(ben.as(e).POST("/api/v1/chat.update").WithJSON(map[string]any{"roomId": roomID, "msgId": secondID, "text": "ben was here"}).Expect(),
			http.StatusBadRequest, "error-action-not-allowed")
		ann.as(e).POST("/api/v1/chat.update").WithJSON(map[string]any{"roomId": roomID, "msgId": secondID, "text": "second, edited"}).
			Expect().Status(http.StatusOK).JSON().Object().Value("message").Object().
			HasValue("msg", "second, edited").ContainsKey("editedAt").
			Value("editedBy").Object().HasValue("username", annU.username)
		ben.as(e).GET("/api/v1/chat.getMessage").WithQuery("msgId", secondID).Expect().Status(http.StatusOK).
			JSON().Object().Value("message").Object().HasValue("msg", "second, edited")
	})
	s.Step("ben reacts to the first message", func(e *httpexpect.Expect) {
		ben.as(e).POST("/api/v1/chat.react").WithJSON(map[string]any{"messageId": firstID, "emoji": ":tada:"}).
			Expect().Status(http.StatusOK).JSON().Object().HasValue("success", true)
		ann.as(e).GET("/api/v1/chat.getMessage").WithQuery("msgId", firstID).Expect().Status(http.StatusOK).
			JSON().Object().Value("message").Object().Value("reactions").Object().Value(":tada:").Object().
			Value("usernames").Array().ContainsOnly(benU.username)
	})
	s.Step("ben may not delete ann's message; ann deletes it and msgs drops", func(e *httpexpect.Expect) {
		refused(ben.as(e).POST("/api/v1/chat.delete").WithJSON(map[string]any{"roomId": roomID, "msgId": secondID}).Expect(),
			http.StatusBadRequest, "error-action-not-allowed")
		ann.as(e).POST("/api/v1/chat.delete").WithJSON(map[string]any{"roomId": roomID, "msgId": secondID}).
			Expect().Status(http.StatusOK).JSON().Object().HasValue("_id", secondID)
		admin.as(e).GET("/api/v1/channels.info").WithQuery("roomId", roomID).Expect().Status(http.StatusOK).
			JSON().Object().Value("channel").Object().HasValue("msgs", 2)
		ben.as(e).GET("/api/v1/channels.history").WithQuery("roomId", roomID).Expect().Status(http.StatusOK).
			JSON().Object().Value("messages").Array().Length().IsEqual(2)
	})
	s.Step("ann opens a direct room with ben; opening it again finds the same room", func(e *httpexpect.Expect) {
		dmID = ann.as(e).POST("/api/v1/im.create").WithJSON(map[string]any{"username": benU.username}).
			Expect().Status(http.StatusOK).JSON().Object().Value("room").Object().HasValue("t", "d").
			Value("_id").String().NotEmpty().Raw()
		ben.as(e).POST("/api/v1/im.create").WithJSON(map[string]any{"username": annU.username}).
			Expect().Status(http.StatusOK).JSON().Object().Value("room").Object().HasValue("_id", dmID)
	})
	s.Step("two direct messages make two unread for ben, none for ann", func(e *httpexpect.Expect) {
		for _, text := range []string{"psst", "are you there?"} {
			ann.as(e).POST("/api/v1/chat.sendMessage").WithJSON(map[string]any{"message": map[string]any{"rid": dmID, "msg": text}}).
				Expect().Status(http.StatusOK).JSON().Object().Value("message").Object().HasValue("msg", text)
		}
		sub := subscriptionOf(e, ben, dmID)
		sub.HasValue("unread", 2).HasValue("alert", true).HasValue("open", true)
		subscriptionOf(e, ann, dmID).HasValue("unread", 0)
	})
	s.Step("ben reads the direct room: history, then subscriptions.read clears unread", func(e *httpexpect.Expect) {
		msgs := ben.as(e).GET("/api/v1/im.history").WithQuery("roomId", dmID).Expect().Status(http.StatusOK).
			JSON().Object().Value("messages").Array()
		msgs.Length().IsEqual(2)
		msgs.Value(0).Object().HasValue("msg", "are you there?")
		ben.as(e).POST("/api/v1/subscriptions.read").WithJSON(map[string]any{"rid": dmID}).
			Expect().Status(http.StatusOK).JSON().Object().HasValue("success", true)
		subscriptionOf(e, ben, dmID).HasValue("unread", 0).HasValue("alert", false)
	})
	s.Step("the direct room is listed, and closed to outsiders", func(e *httpexpect.Expect) {
		ims := ben.as(e).GET("/api/v1/im.list").Expect().Status(http.StatusOK).JSON().Object().Value("ims").Array()
		ims.Filter(func(_ int, v *httpexpect.Value) bool { return v.Object().Value("_id").String().Raw() == dmID }).Length().IsEqual(1)
		refused(admin.as(e).GET("/api/v1/im.history").WithQuery("roomId", dmID).Expect(), http.StatusForbidden, "")
	})
}

// subscriptionOf returns c's subscription to room, from subscriptions.get.
func subscriptionOf(e *httpexpect.Expect, c session, room string) *httpexpect.Object {
	subs := c.as(e).GET("/api/v1/subscriptions.get").Expect().Status(http.StatusOK).
		JSON().Object().Value("update").Array().
		Filter(func(_ int, v *httpexpect.Value) bool { return v.Object().Value("rid").String().Raw() == room })
	subs.Length().IsEqual(1)
	return subs.Value(0).Object()
}
