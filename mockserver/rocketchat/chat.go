package rocketchat

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	gen "github.com/standin/standin/gen/rocketchat"
	"github.com/standin/standin/mockserver"
)

// The chat.* operations: each resolves its inputs, runs one rule of
// messages.go in one transaction and maps the result.

func (m *Message) wire() gen.Message {
	out := gen.Message{UnderscoreId: m.ID, Rid: m.RoomID, Msg: m.Text, Ts: m.At, UnderscoreUpdatedAt: m.Updated,
		U:     gen.MessageUser{UnderscoreId: m.User.ID, Username: m.User.Username, Name: mockserver.NonZero(m.User.Name)},
		Alias: mockserver.NonZero(m.Alias), Emoji: mockserver.NonZero(m.Emoji), Avatar: mockserver.NonZero(m.Avatar),
		Groupable: m.Groupable, ParseUrls: m.ParseUrls, Tmid: mockserver.NonZero(m.ThreadID)}
	if m.Attachments != nil {
		out.Attachments = &m.Attachments
	}
	if m.Custom != nil {
		out.CustomFields = &m.Custom
	}
	if !m.EditedAt.IsZero() {
		out.EditedAt = new(m.EditedAt)
	}
	if m.EditedBy != nil {
		out.EditedBy = &gen.UserRef{UnderscoreId: m.EditedBy.ID, Username: m.EditedBy.Username}
	}
	if len(m.Reactions) > 0 {
		r := make(map[string]gen.Reaction, len(m.Reactions))
		for k, v := range m.Reactions {
			r[k] = gen.Reaction{Usernames: v}
		}
		out.Reactions = &r
	}
	mentions := make([]gen.Mention, len(m.Mentions))
	for i, a := range m.Mentions {
		mentions[i] = gen.Mention{UnderscoreId: a.ID, Username: mockserver.NonZero(a.Username), Name: mockserver.NonZero(a.Name)}
	}
	out.Mentions = &mentions
	out.Channels = &[]map[string]any{}
	if m.ThreadShow {
		out.Tshow = new(true)
	}
	if m.Replies > 0 || !m.LastReply.IsZero() {
		out.Tcount = new(m.Replies)
		out.Tlm = new(m.LastReply)
	}
	return out
}

func wireMessages(ms []Message) []gen.Message {
	out := make([]gen.Message, len(ms))
	for i := range ms {
		out[i] = ms[i].wire()
	}
	return out
}

// wireMessaging adds the room's messaging fields to its wire form, lm
// pointing into v.
func (r *Room) wireMessaging(out *gen.Room, v *roomValues) {
	if !v.lm.IsZero() {
		out.Lm = &v.lm
	}
	if r.Type == TypeDirect {
		out.Uids = new(append([]string{}, r.Uids...))
		out.Usernames = new(append([]string{}, r.Usernames...))
	}
}

// roomWithLast is r's wire form with its lastMessage
// (composeRoomWithLastMessage).
func (s *State) roomWithLast(r *Room) gen.Room {
	out := r.wire()
	if m := s.message(r.LastMessage); m != nil {
		w := m.wire()
		out.LastMessage = &w
	}
	return out
}

// resolveDestination is getRoomByNameOrIdWithOptionToJoin as
// processWebhookMessage calls it for one destination: #name, @username,
// or a room id or name, then a user id. A public channel is joined.
func (s *State) resolveDestination(u *User, dest string, now time.Time) (*Room, error) {
	var r *Room
	switch {
	case strings.HasPrefix(dest, "#"):
		name := dest[1:]
		if r = s.room(name); r == nil {
			r = s.roomByName(name)
		}
	case strings.HasPrefix(dest, "@"):
		name := dest[1:]
		other := s.user(name)
		if other == nil {
			other = s.userByName(name)
		}
		if other == nil {
			if r = s.room(name); r == nil || r.Type != TypeDirect {
				return nil, errInvalidChannel
			}
			return r, nil
		}
		return s.openDirect(u, []string{other.Username}, false, now)
	default:
		if r = s.room(dest); r == nil {
			r = s.roomByName(dest)
		}
		if r == nil {
			if other := s.user(dest); other != nil {
				return s.openDirect(u, []string{other.Username}, false, now)
			}
		}
	}
	if r == nil {
		return nil, errInvalidChannel
	}
	if r.Type == TypeChannel && !s.isMember(r.ID, u.ID) {
		if err := s.join(u, r, now); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func destinations(v *gen.StringOrList) []string {
	if v == nil {
		return nil
	}
	if one, err := v.AsStringOrList0(); err == nil {
		return []string{one}
	}
	list, _ := v.AsStringOrList1()
	return list
}

func firstOf(vals ...*string) string {
	for _, v := range vals {
		if v != nil && *v != "" {
			return *v
		}
	}
	return ""
}

// ChatPostMessage implements POST /api/v1/chat.postMessage.
func (s *Server) ChatPostMessage(ctx context.Context, req gen.ChatPostMessageRequestObject) (gen.ChatPostMessageResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	b := req.Body
	dests := destinations(b.Channel)
	if len(dests) == 0 {
		dests = destinations(b.RoomId)
	}
	d := Draft{Text: firstOf(b.Text, b.Msg), Alias: firstOf(b.Username, b.Alias), ParseUrls: b.ParseUrls,
		Groupable: b.Groupable, ThreadID: deref(b.Tmid)}
	if d.Groupable == nil {
		d.Groupable = new(false)
	}
	if d.ParseUrls == nil {
		d.ParseUrls = new(b.Attachments == nil)
	}
	if avatar := firstOf(b.IconUrl, b.Avatar); avatar != "" {
		d.Avatar = avatar
	} else {
		d.Emoji = firstOf(b.IconEmoji, b.Emoji)
	}
	if b.Attachments != nil {
		d.Attachments = *b.Attachments
		for _, a := range d.Attachments {
			if len(stringField(a, "text")) > maxMessageSize {
				return nil, plain(http.StatusBadRequest, "", "error-message-size-exceeded")
			}
		}
	} else {
		d.Attachments = []map[string]any{}
	}
	if b.CustomFields != nil {
		d.Custom = *b.CustomFields
	}
	if len(d.Text) > maxMessageSize {
		return nil, plain(http.StatusBadRequest, "", "error-message-size-exceeded")
	}
	var out gen.ChatPostMessage200JSONResponse
	err := s.update(ctx, func(st *State, me *User, now time.Time) error {
		if len(dests) == 0 {
			return errInvalidChannel
		}
		// Joining a channel or opening a direct room comes before the
		// checks of posting: all of it is done on a copy, kept only if
		// every destination took the message.
		return st.atomically(func(st *State) error {
			return postTo(st, me, dests, d, now, &out)
		})
	})
	return out, err
}

func postTo(st *State, me *User, dests []string, d Draft, now time.Time, out *gen.ChatPostMessage200JSONResponse) error {
	{
		var first *Message
		for _, dest := range dests {
			r, err := st.resolveDestination(me, dest, now)
			if err != nil {
				return err
			}
			if err := st.canPost(me, r); err != nil {
				return err
			}
			m, err := st.send(me, r, d, now)
			if err != nil {
				return err
			}
			if first == nil {
				first = m
			}
		}
		*out = gen.ChatPostMessage200JSONResponse{Ts: now.UnixMilli(), Channel: dests[0], Message: first.wire(), Success: true}
		return nil
	}
}

func stringField(m map[string]any, k string) string {
	v, _ := m[k].(string)
	return v
}

// ChatSendMessage implements POST /api/v1/chat.sendMessage.
func (s *Server) ChatSendMessage(ctx context.Context, req gen.ChatSendMessageRequestObject) (gen.ChatSendMessageResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	b := req.Body.Message
	d := Draft{ID: deref(b.UnderscoreId), Text: deref(b.Msg), Alias: deref(b.Alias), Emoji: deref(b.Emoji), Avatar: deref(b.Avatar),
		Groupable: b.Groupable, ParseUrls: b.ParseUrls, ThreadID: deref(b.Tmid), ThreadShow: b.Tshow != nil && *b.Tshow, At: b.Ts}
	if b.Attachments != nil {
		d.Attachments = *b.Attachments
	}
	if b.CustomFields != nil {
		d.Custom = *b.CustomFields
	}
	var out gen.ChatSendMessage200JSONResponse
	err := s.update(ctx, func(st *State, me *User, now time.Time) error {
		rid := b.Rid
		if d.ThreadID != "" {
			if p := st.message(d.ThreadID); p != nil {
				rid = p.RoomID
			}
		}
		r := st.room(rid)
		if r == nil {
			return errInvalidRoom
		}
		if err := st.canPost(me, r); err != nil {
			return err
		}
		m, err := st.send(me, r, d, now)
		if err != nil {
			return err
		}
		out = gen.ChatSendMessage200JSONResponse{Message: m.wire(), Success: true}
		return nil
	})
	return out, err
}

// ChatUpdate implements POST /api/v1/chat.update.
func (s *Server) ChatUpdate(ctx context.Context, req gen.ChatUpdateRequestObject) (gen.ChatUpdateResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	b := req.Body
	var custom map[string]any
	if b.CustomFields != nil {
		custom = *b.CustomFields
	}
	var out gen.ChatUpdate200JSONResponse
	err := s.update(ctx, func(st *State, me *User, now time.Time) error {
		m := st.message(b.MsgId)
		if m == nil {
			return errNoMessage(b.MsgId)
		}
		if m.RoomID != b.RoomId {
			return errRoomMismatch
		}
		if err := st.edit(me, m, b.Text, custom, now); err != nil {
			return err
		}
		out = gen.ChatUpdate200JSONResponse{Message: m.wire(), Success: true}
		return nil
	})
	return out, err
}

// ChatDelete implements POST /api/v1/chat.delete.
func (s *Server) ChatDelete(ctx context.Context, req gen.ChatDeleteRequestObject) (gen.ChatDeleteResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	b := req.Body
	var out gen.ChatDelete200JSONResponse
	err := s.update(ctx, func(st *State, me *User, now time.Time) error {
		m := st.message(b.MsgId)
		if m == nil {
			return errNoMessage(b.MsgId)
		}
		if m.RoomID != b.RoomId {
			return errRoomMismatch
		}
		as := me
		if b.AsUser != nil && *b.AsUser && m.User.ID != me.ID {
			if !st.can(me, "force-delete-message", st.room(m.RoomID)) {
				return plain(http.StatusBadRequest, "", "Unauthorized. You must have the permission \"force-delete-message\" to delete other's message as them.")
			}
			if as = st.user(m.User.ID); as == nil {
				return plain(http.StatusBadRequest, "", "User not found")
			}
		}
		if err := st.remove(as, m, now); err != nil {
			return err
		}
		out = gen.ChatDelete200JSONResponse{UnderscoreId: m.ID, Ts: strconv.FormatInt(now.UnixMilli(), 10), Success: true,
			Message: gen.DeletedMessage{UnderscoreId: m.ID, Rid: m.RoomID,
				U: gen.MessageUser{UnderscoreId: m.User.ID, Username: m.User.Username, Name: mockserver.NonZero(m.User.Name)}}}
		return nil
	})
	return out, err
}

// ChatGetMessage implements GET /api/v1/chat.getMessage.
func (s *Server) ChatGetMessage(ctx context.Context, req gen.ChatGetMessageRequestObject) (gen.ChatGetMessageResponseObject, error) {
	var out gen.ChatGetMessageResponseObject
	err := s.view(ctx, func(st *State, me *User) error {
		m := st.message(req.Params.MsgId)
		if m == nil {
			// getSingleMessage finds nothing: API.v1.failure() with no text.
			out = gen.ChatGetMessage400JSONResponse{Success: false}
			return nil
		}
		if r := st.room(m.RoomID); r == nil || !st.canAccess(me, r) {
			return fail("error-action-not-allowed", "Not allowed")
		}
		out = gen.ChatGetMessage200JSONResponse{Message: m.wire(), Success: true}
		return nil
	})
	return out, err
}

// ChatReact implements POST /api/v1/chat.react.
func (s *Server) ChatReact(ctx context.Context, req gen.ChatReactRequestObject) (gen.ChatReactResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	b := req.Body
	err := s.update(ctx, func(st *State, me *User, now time.Time) error {
		m := st.message(b.MessageId)
		if m == nil {
			return errMessageNotFound
		}
		emoji := firstOf(b.Emoji, b.Reaction)
		if emoji == "" {
			return fail("error-emoji-param-not-provided", "The required \"emoji\" param is missing.")
		}
		return st.react(me, m, emoji, b.ShouldReact, now)
	})
	return gen.ChatReact200JSONResponse{Success: true}, err
}
