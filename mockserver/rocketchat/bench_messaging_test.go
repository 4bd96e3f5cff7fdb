package rocketchat_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// historyMessages is how many messages the benchmark's history room
// holds.
const historyMessages = 20_000

// runMessaging measures history pages in a room of historyMessages
// messages (first page, a page deep in it, a time window in its middle,
// channels.messages' last page), and a post to the big room, whose every
// member's subscription the post updates.
func (f *scale) runMessaging(b *testing.B) {
	var room struct {
		Channel struct {
			ID string `json:"_id"`
		} `json:"channel"`
	}
	f.call(b, http.MethodPost, "/api/v1/channels.create", map[string]any{"name": "bench-history"}, &room)
	id := room.Channel.ID
	var mid string
	for i := range historyMessages {
		var sent struct {
			Message struct {
				Ts string `json:"ts"`
			} `json:"message"`
		}
		f.call(b, http.MethodPost, "/api/v1/chat.sendMessage", map[string]any{"message": map[string]any{"rid": id, "msg": fmt.Sprintf("message %d", i)}}, &sent)
		if i == historyMessages/2 {
			mid = sent.Message.Ts
		}
	}
	b.Run("channels.history-first", func(b *testing.B) {
		f.loop(b, f.get("/api/v1/channels.history?count=50&roomId="+id))
	})
	b.Run("channels.history-deep", func(b *testing.B) {
		f.loop(b, f.get(fmt.Sprintf("/api/v1/channels.history?count=50&offset=%d&roomId=%s", historyMessages-50, id)))
	})
	b.Run("channels.history-window", func(b *testing.B) {
		f.loop(b, f.get("/api/v1/channels.history?count=50&latest="+url.QueryEscape(mid)+"&roomId="+id))
	})
	b.Run("channels.messages-last", func(b *testing.B) {
		f.loop(b, f.get(fmt.Sprintf("/api/v1/channels.messages?count=50&offset=%d&roomId=%s", historyMessages-50, id)))
	})
	b.Run("chat.postMessage-general", func(b *testing.B) {
		body := map[string]any{"roomId": f.general, "text": "hello everyone"}
		f.loop(b, func(int) (string, string, any) { return http.MethodPost, "/api/v1/chat.postMessage", body })
	})
}
