package chatkitty

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	gen "github.com/standin/standin/gen/chatkitty"
)

var receiptSorts = sortable[Receipt]{"createdTime": receiptsOf}

func messageID(m Message) int64 { return m.ID }

// newMessage reads a send body.
func newMessage(b gen.SendChannelMessageRequest) NewMessage {
	in := NewMessage{Type: string(b.Type)}
	if b.Body != nil {
		in.Body = *b.Body
	}
	if b.File != nil {
		in.File = &File{URL: b.File.Url, Name: b.File.Name, ContentType: b.File.ContentType, Size: b.File.Size}
	}
	if b.User != nil {
		r := refOf(*b.User)
		in.User = &r
	}
	if b.GroupTag != nil {
		in.GroupTag = *b.GroupTag
	}
	if b.Properties != nil {
		in.Properties = *b.Properties
	}
	return in
}

// messageFilter keeps the messages sent by username and whose text holds
// query (case-insensitive); empty keeps all.
func messageFilter(st *State, app int64, username, query *string) (func(Message) bool, bool) {
	var sender int64
	if username != nil && *username != "" {
		u, ok := st.Users.Lookup(usersByName, idKey(app)+"\x00"+*username)
		if !ok {
			return nil, false // nobody by that name sent anything
		}
		sender = u.ID
	}
	q := ""
	if query != nil {
		q = strings.ToLower(*query)
	}
	if sender == 0 && q == "" {
		return nil, true
	}
	return func(m Message) bool {
		if sender != 0 && m.UserID != sender {
			return false
		}
		if q == "" {
			return true
		}
		text := m.Body
		if m.File != nil {
			text = m.File.Name
		}
		return strings.Contains(strings.ToLower(text), q)
	}, true
}

// messagesPage renders a cursor page of messages.
func (st *State) messagesPage(ctx context.Context, pg CursorPage[Message], c Cursor) gen.CursorPagedModelMessageResource {
	views := st.messagesView(ctx, pg.Items)
	return gen.CursorPagedModelMessageResource{UnderscoreEmbedded: &gen.CursorPagedModelMessageResourceEmbedded{Messages: &views},
		Page: gen.CursorPageMetadata{Size: int64(c.Size)}, UnderscoreLinks: cursorLinks(ctx, pg, messageID, c.Size)}
}

// SendChannelMessage implements POST /v1/channels/{id}/messages.
func (s *Server) SendChannelMessage(ctx context.Context, req gen.SendChannelMessageRequestObject) (gen.SendChannelMessageResponseObject, error) {
	in := newMessage(*req.Body)
	var out gen.MessageResource
	err := s.update(ctx, func(st *State, app int64, now time.Time) error {
		m, err := st.send(app, req.ChannelId, 0, in, now)
		if err == nil {
			out = st.messageView(ctx, m)
		}
		return err
	})
	return gen.SendChannelMessage200JSONResponse(out), err
}

// ListChannelMessages implements GET /v1/channels/{id}/messages: the
// channel's main thread, newest first.
func (s *Server) ListChannelMessages(ctx context.Context, req gen.ListChannelMessagesRequestObject) (gen.ListChannelMessagesResponseObject, error) {
	q := req.Params
	c := cursorOf(q.Size, q.Start, q.Next, (*string)(q.Relation))
	var out gen.CursorPagedModelMessageResource
	err := s.view(ctx, func(st *State, app int64) error {
		ch, err := st.channel(app, req.ChannelId)
		if err != nil {
			return err
		}
		keep, any := messageFilter(st, app, q.Username, q.Query)
		var pg CursorPage[Message]
		if any {
			pg = cursorPage(&st.Messages, msgsByThread, threadPartition(mainThread(ch)), messageID, c, keep)
		}
		out = st.messagesPage(ctx, pg, c)
		return nil
	})
	return gen.ListChannelMessages200JSONResponse(out), err
}

// ListMessages implements GET /v1/messages: every message of the
// application, newest first.
func (s *Server) ListMessages(ctx context.Context, req gen.ListMessagesRequestObject) (gen.ListMessagesResponseObject, error) {
	q := req.Params
	c := cursorOf(q.Size, q.Start, q.Next, (*string)(q.Relation))
	var out gen.CursorPagedModelMessageResource
	err := s.view(ctx, func(st *State, app int64) error {
		keep, any := messageFilter(st, app, q.Username, q.Query)
		var pg CursorPage[Message]
		if any {
			pg = cursorPage(&st.Messages, msgsOfApp, idKey(app), messageID, c, keep)
		}
		out = st.messagesPage(ctx, pg, c)
		return nil
	})
	return gen.ListMessages200JSONResponse(out), err
}

// DeleteMessages implements DELETE /v1/messages: every message of the
// application; it answers the application.
func (s *Server) DeleteMessages(ctx context.Context, _ gen.DeleteMessagesRequestObject) (gen.DeleteMessagesResponseObject, error) {
	var out gen.ApplicationResource
	err := s.update(ctx, func(st *State, app int64, _ time.Time) error {
		a, err := st.app(app)
		if err != nil {
			return err
		}
		st.deleteMessages(app)
		out = appView(ctx, a)
		return nil
	})
	return gen.DeleteMessages200JSONResponse(out), err
}

// RetrieveMessage implements GET /v1/messages/{id}.
func (s *Server) RetrieveMessage(ctx context.Context, req gen.RetrieveMessageRequestObject) (gen.RetrieveMessageResponseObject, error) {
	var out gen.MessageResource
	err := s.view(ctx, func(st *State, app int64) error {
		m, err := st.message(app, req.MessageId)
		if err == nil {
			out = st.messageView(ctx, m)
		}
		return err
	})
	return gen.RetrieveMessage200JSONResponse(out), err
}

// UpdateMessage implements PATCH /v1/messages/{id} (a merge-patch).
func (s *Server) UpdateMessage(ctx context.Context, req gen.UpdateMessageRequestObject) (gen.UpdateMessageResponseObject, error) {
	var p MessagePatch
	if b := firstOf(req.JSONBody, req.ApplicationMergePatchPlusJSONBody); b != nil {
		p.Body = b.Body
		if b.Properties != nil {
			p.Properties, p.HasProps = *b.Properties, true
		}
	}
	var out gen.MessageResource
	err := s.update(ctx, func(st *State, app int64, now time.Time) error {
		m, err := st.updateMessage(app, req.MessageId, p, now)
		if err == nil {
			out = st.messageView(ctx, m)
		}
		return err
	})
	return gen.UpdateMessage200JSONResponse(out), err
}

// DeleteMessage implements DELETE /v1/messages/{id}: it answers the
// thread the message was in.
func (s *Server) DeleteMessage(ctx context.Context, req gen.DeleteMessageRequestObject) (gen.DeleteMessageResponseObject, error) {
	var out gen.ReplyThreadResource
	err := s.update(ctx, func(st *State, app int64, _ time.Time) error {
		t, err := st.deleteMessage(app, req.MessageId)
		out = threadView(ctx, t)
		return err
	})
	return gen.DeleteMessage200JSONResponse(out), err
}

// ListMessageReadReceipts implements GET /v1/messages/{id}/read-receipts.
func (s *Server) ListMessageReadReceipts(ctx context.Context, req gen.ListMessageReadReceiptsRequestObject) (gen.ListMessageReadReceiptsResponseObject, error) {
	p := pageOf(req.Params.Page, req.Params.Size, req.Params.Sort)
	o, desc, err := receiptSorts.order(p, "createdTime")
	if err != nil {
		return nil, err
	}
	var out gen.PagedModelMessageReadReceiptResource
	err = s.view(ctx, func(st *State, app int64) error {
		m, err := st.message(app, req.MessageId)
		if err != nil {
			return err
		}
		views, links, meta := pageItems(ctx, &st.Receipts, o, idKey(m.ID), p, desc, func(r Receipt) gen.MessageReadReceiptResource {
			return gen.MessageReadReceiptResource{CreatedTime: r.Created, User: userProps(st.userOrDeleted(r.UserID)),
				UnderscoreLinks: &gen.Links{"message": link(ctx, fmt.Sprintf("/v1/messages/%d", r.MessageID))}}
		})
		out = gen.PagedModelMessageReadReceiptResource{UnderscoreEmbedded: &gen.PagedModelMessageReadReceiptResourceEmbedded{Receipts: &views}, Page: meta, UnderscoreLinks: links}
		return nil
	})
	return gen.ListMessageReadReceipts200JSONResponse(out), err
}

// --- threads ---

// RetrieveThread implements GET /v1/threads/{id}.
func (s *Server) RetrieveThread(ctx context.Context, req gen.RetrieveThreadRequestObject) (gen.RetrieveThreadResponseObject, error) {
	var out gen.ReplyThreadResource
	err := s.view(ctx, func(st *State, app int64) error {
		t, err := st.thread(app, req.ThreadId)
		out = threadView(ctx, t)
		return err
	})
	return gen.RetrieveThread200JSONResponse(out), err
}

// ListThreadMessages implements GET /v1/threads/{id}/messages.
func (s *Server) ListThreadMessages(ctx context.Context, req gen.ListThreadMessagesRequestObject) (gen.ListThreadMessagesResponseObject, error) {
	q := req.Params
	c := cursorOf(q.Size, q.Start, q.Next, (*string)(q.Relation))
	var out gen.CursorPagedModelMessageResource
	err := s.view(ctx, func(st *State, app int64) error {
		t, err := st.thread(app, req.ThreadId)
		if err != nil {
			return err
		}
		out = st.messagesPage(ctx, cursorPage(&st.Messages, msgsByThread, threadPartition(t), messageID, c, nil), c)
		return nil
	})
	return gen.ListThreadMessages200JSONResponse(out), err
}

// SendThreadMessage implements POST /v1/threads/{id}/messages: to a
// channel's main thread or as a reply to a message.
func (s *Server) SendThreadMessage(ctx context.Context, req gen.SendThreadMessageRequestObject) (gen.SendThreadMessageResponseObject, error) {
	in := newMessage(*req.Body)
	var out gen.MessageResource
	err := s.update(ctx, func(st *State, app int64, now time.Time) error {
		t, err := st.thread(app, req.ThreadId)
		if err != nil {
			return err
		}
		m, err := st.send(app, t.ChannelID, t.MessageID, in, now)
		if err == nil {
			out = st.messageView(ctx, m)
		}
		return err
	})
	return gen.SendThreadMessage200JSONResponse(out), err
}

// SendThreadKeystrokes implements POST /v1/threads/{id}/keystrokes:
// checked and answered, not stored.
func (s *Server) SendThreadKeystrokes(ctx context.Context, req gen.SendThreadKeystrokesRequestObject) (gen.SendThreadKeystrokesResponseObject, error) {
	var out gen.ReplyThreadKeystrokesResource
	err := s.view(ctx, func(st *State, app int64) error {
		t, err := st.thread(app, req.ThreadId)
		if err != nil {
			return err
		}
		c, err := st.channel(app, t.ChannelID)
		if err != nil {
			return err
		}
		u, err := st.keystrokes(app, c, refOf(req.Body.User))
		if err != nil {
			return err
		}
		out = gen.ReplyThreadKeystrokesResource{Keys: req.Body.Keys, Username: u.Name,
			UnderscoreLinks: &gen.Links{"thread": link(ctx, fmt.Sprintf("/v1/threads/%d", t.ID))}}
		return nil
	})
	return gen.SendThreadKeystrokes200JSONResponse(out), err
}

// --- a user's messages and notifications ---

// ListUserMessages implements GET /v1/users/{id}/messages: the messages
// of the user's channels, newest first; with unread, those the user has
// no read receipt for. Each channel is read from its cursor, so the cost
// is the user's channels times the page.
func (s *Server) ListUserMessages(ctx context.Context, req gen.ListUserMessagesRequestObject) (gen.ListUserMessagesResponseObject, error) {
	q := req.Params
	c := cursorOf(q.Size, q.Start, q.Next, (*string)(q.Relation))
	var out gen.CursorPagedModelMessageResource
	err := s.view(ctx, func(st *State, app int64) error {
		u, err := st.user(app, req.UserId)
		if err != nil {
			return err
		}
		var keep func(Message) bool
		if q.Unread != nil && *q.Unread {
			keep = func(m Message) bool { _, read := st.Receipts.Get(pairKey(m.ID, u.ID)); return !read }
		}
		var merged CursorPage[Message]
		for mem := range st.Members.Range(channelsOfUser, idKey(u.ID), 0, false) {
			pg := cursorPage(&st.Messages, msgsByChannel, idKey(mem.ChannelID), messageID, c, keep)
			merged.Items = append(merged.Items, pg.Items...)
			merged.Older = merged.Older || pg.Older
			merged.Newer = merged.Newer || pg.Newer
		}
		slices.SortFunc(merged.Items, func(a, b Message) int { return int(b.ID - a.ID) })
		if len(merged.Items) > c.Size {
			if c.Relation == RelPrevious && c.Next != 0 {
				merged.Items, merged.Newer = merged.Items[len(merged.Items)-c.Size:], true
			} else {
				merged.Items, merged.Older = merged.Items[:c.Size], true
			}
		}
		out = st.messagesPage(ctx, merged, c)
		return nil
	})
	return gen.ListUserMessages200JSONResponse(out), err
}

func notificationID(n Notification) int64 { return n.ID }

// ListUserNotifications implements GET /v1/users/{id}/notifications,
// newest first.
func (s *Server) ListUserNotifications(ctx context.Context, req gen.ListUserNotificationsRequestObject) (gen.ListUserNotificationsResponseObject, error) {
	q := req.Params
	c := cursorOf(q.Size, q.Start, q.Next, (*string)(q.Relation))
	var out gen.CursorPagedModelNotificationResource
	err := s.view(ctx, func(st *State, app int64) error {
		u, err := st.user(app, req.UserId)
		if err != nil {
			return err
		}
		pg := cursorPage(&st.Notifications, notificationsOf, idKey(u.ID), notificationID, c, nil)
		views := make([]gen.NotificationResource, 0, len(pg.Items))
		for _, n := range pg.Items {
			views = append(views, st.notificationView(ctx, n))
		}
		out = gen.CursorPagedModelNotificationResource{UnderscoreEmbedded: &gen.CursorPagedModelNotificationResourceEmbedded{Notifications: &views},
			Page: gen.CursorPageMetadata{Size: int64(c.Size)}, UnderscoreLinks: cursorLinks(ctx, pg, notificationID, c.Size)}
		return nil
	})
	return gen.ListUserNotifications200JSONResponse(out), err
}

// notificationView renders n with the message it is about as that
// message is now (or as deleted when it is gone).
func (st *State) notificationView(ctx context.Context, n Notification) gen.NotificationResource {
	out := gen.NotificationResource{Id: n.ID, Title: n.Title, Body: n.Body, CreatedTime: n.Created, ReadTime: n.Read,
		UnderscoreLinks: &gen.Links{"recipient": link(ctx, fmt.Sprintf("/v1/users/%d", n.UserID))}}
	c, ok := st.Channels.Get(idKey(n.ChannelID))
	if ok {
		out.Channel = st.notificationChannel(c)
	}
	msg := st.notifiedMessage(n.Data["message"], n.ChannelID)
	kind, _ := n.Data["type"].(string)
	switch kind {
	case "USER:MENTIONED:USER":
		var text gen.TextMessageResource
		if m, ok := st.Messages.Get(idKey(msg.ID)); ok && m.Type == MessageText {
			_ = text.FromTextChatUserMessageResource(gen.TextChatUserMessageResource{Id: m.ID, Body: m.Body, ChannelId: m.ChannelID,
				CreatedTime: m.Created, NestedLevel: int64(m.Level), Properties: orEmpty(m.Properties), User: userProps(st.userOrDeleted(m.UserID))})
		} else {
			_ = text.FromTextSystemMessageResource(gen.TextSystemMessageResource{Id: msg.ID, Body: n.Body, ChannelId: n.ChannelID, CreatedTime: n.Created, Properties: map[string]any{}})
		}
		_ = out.Data.FromChatUserMentionedChatUserNotificationData(gen.ChatUserMentionedChatUserNotificationData{ChannelId: n.ChannelID,
			Message: text, MentionedUser: userView(ctx, st.userOrDeleted(n.UserID))})
	case "USER:REPLIED_TO:MESSAGE":
		parent := st.notifiedMessage(n.Data["parent"], n.ChannelID)
		_ = out.Data.FromChatUserRepliedToChatUserMessageNotificationData(gen.ChatUserRepliedToChatUserMessageNotificationData{ChannelId: n.ChannelID,
			Message: st.messageView(ctx, msg), Parent: st.messageView(ctx, parent)})
	default:
		var um gen.ChatUserMessageResource
		if msg.Type == MessageFile {
			_ = um.FromFileChatUserMessageResource(gen.FileChatUserMessageResource{Id: msg.ID, File: fileView(msg.File), ChannelId: msg.ChannelID,
				CreatedTime: msg.Created, NestedLevel: int64(msg.Level), Properties: orEmpty(msg.Properties), User: userProps(st.userOrDeleted(msg.UserID))})
		} else {
			_ = um.FromTextChatUserMessageResource(gen.TextChatUserMessageResource{Id: msg.ID, Body: msg.Body, ChannelId: msg.ChannelID,
				CreatedTime: msg.Created, NestedLevel: int64(msg.Level), Properties: orEmpty(msg.Properties), User: userProps(st.userOrDeleted(msg.UserID))})
		}
		_ = out.Data.FromChatUserSentChatUserMessageNotificationData(gen.ChatUserSentChatUserMessageNotificationData{ChannelId: n.ChannelID, Message: um})
	}
	return out
}

// notifiedMessage returns the message a notification names, or a deleted
// stand-in.
func (st *State) notifiedMessage(id any, channel int64) Message {
	n := toInt64(id)
	if m, ok := st.Messages.Get(idKey(n)); ok {
		return m
	}
	return Message{ID: n, ChannelID: channel, Type: MessageText, Body: "(deleted)", Properties: map[string]any{}}
}

// toInt64 reads a number kept in a JSON-decoded map.
func toInt64(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int:
		return int64(n)
	case float64:
		return int64(n)
	}
	return 0
}
