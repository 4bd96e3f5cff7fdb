package rocketchat

import (
	"net/http"
	"net/url"

	"github.com/standin/standin/mockserver"
)

// The test kit's hooks for the messaging operations: a direct room with a
// message (the seed has none), and values naming seeded messages, rooms
// the admin may post in, dates and flags.

// prepareMessaging opens a direct room between the admin and another
// user, with a message in it.
func prepareMessaging(h http.Handler, auth http.Header, ns string) error {
	var users struct {
		Users []struct {
			Username string `json:"username"`
			ID       string `json:"_id"`
		} `json:"users"`
	}
	if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, "/api/v1/users.list?count=2", nil, &users); err != nil {
		return err
	}
	for _, u := range users.Users {
		if u.ID == auth.Get("X-User-Id") {
			continue
		}
		var dm struct {
			Room struct {
				ID string `json:"_id"`
			} `json:"room"`
		}
		if err := mockserver.CallJSON(h, ns, auth, http.MethodPost, "/api/v1/im.create", map[string]string{"username": u.Username}, &dm); err != nil {
			return err
		}
		msg := map[string]any{"roomId": dm.Room.ID, "text": "hello @" + u.Username}
		return mockserver.CallJSON(h, ns, auth, http.MethodPost, "/api/v1/chat.postMessage", msg, &struct{}{})
	}
	return nil
}

// messagingKnown adds the values the messaging operations need to known.
func messagingKnown(h http.Handler, auth http.Header, ns string, known map[string][]string) error {
	var rooms struct {
		Update []struct {
			ID   string `json:"_id"`
			T    string `json:"t"`
			Name string `json:"name"`
		} `json:"update"`
	}
	if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, "/api/v1/rooms.get", nil, &rooms); err != nil {
		return err
	}
	type message struct {
		ID  string `json:"_id"`
		Rid string `json:"rid"`
	}
	var editable []message // the messages of one room, for calls that name a room and a message
	for _, r := range rooms.Update {
		known["chatSendMessage:rid"] = append(known["chatSendMessage:rid"], r.ID)
		known["chatPostMessage:roomId"] = append(known["chatPostMessage:roomId"], r.ID)
		known["Subscriptions:rid"] = append(known["Subscriptions:rid"], r.ID)
		known["Subscriptions:roomId"] = append(known["Subscriptions:roomId"], r.ID)
		switch r.T {
		case TypeDirect:
			known["Direct messages:roomId"] = append(known["Direct messages:roomId"], r.ID)
		default:
			known["chatPostMessage:channel"] = append(known["chatPostMessage:channel"], "#"+r.Name)
		}
		var page struct {
			Messages []message `json:"messages"`
		}
		path := "/api/v1/channels.messages?roomId=" + url.QueryEscape(r.ID)
		switch r.T {
		case TypeGroup:
			path = "/api/v1/groups.messages?roomId=" + url.QueryEscape(r.ID)
		case TypeDirect:
			path = "/api/v1/im.messages?roomId=" + url.QueryEscape(r.ID)
		}
		if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, path, nil, &page); err != nil {
			return err
		}
		for _, m := range page.Messages {
			known["msgId"] = append(known["msgId"], m.ID)
			known["messageId"] = append(known["messageId"], m.ID)
			known["tmid"] = append(known["tmid"], m.ID)
		}
		if len(editable) == 0 && len(page.Messages) > 0 {
			editable = page.Messages
		}
	}
	known["chatPostMessage:channel"] = append(known["chatPostMessage:channel"], "@"+known["username"][len(known["username"])-1])
	for _, m := range editable {
		known["Chat:msgId"] = append(known["Chat:msgId"], m.ID)
	}
	if len(editable) > 0 {
		known["Chat:roomId"] = []string{editable[0].Rid}
	}
	known["emoji"] = []string{":smile:", "thumbsup"}
	known["reaction"] = known["emoji"]
	for _, k := range []string{"latest", "oldest", "updatedSince"} {
		known[k] = []string{"2026-01-01T00:00:00.000Z", "2026-01-01T01:02:00Z", "2030-01-01T00:00:00Z"}
	}
	for _, k := range []string{"inclusive", "unreads", "showThreadMessages", "pinned"} {
		known[k] = []string{"true", "false"}
	}
	known["mentionIds"] = known["userId"]
	known["starredIds"] = known["userId"]
	for _, op := range []string{"channelsMessages", "groupsMessages", "imMessages"} {
		known[op+":sort"] = []string{`{"ts":-1}`, `{"ts":1}`}
		known[op+":query"] = []string{`{}`}
		known[op+":fields"] = []string{`{}`}
	}
	known["imList:sort"] = []string{`{"name":1}`, `{"ts":-1}`, `{"lm":-1}`}
	known["settingsPublic:sort"] = []string{`{"_id":1}`, `{"_id":-1}`}
	for _, st := range publicSettings {
		known["settingsPublic:_id"] = append(known["settingsPublic:_id"], st.UnderscoreId)
	}
	return nil
}

// messagingRules are the messaging operations' refusals of spec-valid
// requests that come from rules no schema expresses.
func messagingRules(add func(code, reason string, ops ...string)) {
	add("error-invalid-query", "the mock refuses Mongo query and fields documents rather than ignore them",
		"channelsMessages", "groupsMessages", "imMessages")
	add("error-message-ts-out-of-sync", "a client ts more than a minute from the server's clock", "chatSendMessage")
	add("invalid-params", "tshow without tmid", "chatSendMessage")
	add("error-invalid-user", "a username in the comma-separated list names nobody", "imCreate")
}
