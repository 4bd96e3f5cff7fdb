package rocketchat

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/standin/standin/mockserver/table"
)

// This file holds the messages: their table, and the rules that post,
// edit, delete and react to them, written against State alone as rules.go
// is. Sources: apps/meteor/app/lib/server/methods/sendMessage.ts,
// updateMessage.ts, functions/deleteMessage.ts, processWebhookMessage.ts,
// authorization/server/functions/canSendMessage.ts, canDeleteMessage.ts and
// lib/notifyUsersOnMessage.ts of RocketChat/Rocket.Chat.

// Message is one message of a room (core-typings IMessage, the part the
// fake keeps).
type Message struct {
	ID          string              `json:"_id"`
	RoomID      string              `json:"rid"`
	Text        string              `json:"msg"`
	At          time.Time           `json:"ts"`
	Seq         int                 `json:"seq,omitempty"` // the room's count of messages when it was sent: orders messages sent at one instant
	User        Author              `json:"u"`
	Updated     time.Time           `json:"_updatedAt"`
	Alias       string              `json:"alias,omitempty"`
	Emoji       string              `json:"emoji,omitempty"`
	Avatar      string              `json:"avatar,omitempty"`
	Groupable   *bool               `json:"groupable,omitempty"`
	ParseUrls   *bool               `json:"parseUrls,omitempty"`
	Attachments []map[string]any    `json:"attachments"` // nil and empty kept apart: a snapshot keeps what the answers show
	Custom      map[string]any      `json:"customFields"`
	EditedAt    time.Time           `json:"editedAt,omitzero"`
	EditedBy    *Ref                `json:"editedBy,omitempty"`
	Reactions   map[string][]string `json:"reactions,omitempty"` // emoji → usernames
	Mentions    []Author            `json:"mentions,omitempty"`  // users, and "all"/"here"
	ThreadID    string              `json:"tmid,omitempty"`
	ThreadShow  bool                `json:"tshow,omitempty"`
	Replies     int                 `json:"tcount,omitempty"`
	LastReply   time.Time           `json:"tlm,omitzero"`
}

// Author names a user as messages do: id, username and name.
type Author struct {
	ID       string `json:"_id"`
	Username string `json:"username"`
	Name     string `json:"name,omitempty"`
}

// shown reports whether m shows in its room's history without
// showThreadMessages: not a thread reply, or one sent to the room too.
func (m Message) shown() bool { return m.ThreadID == "" || m.ThreadShow }

type msgKey struct {
	at  time.Time
	seq int
}

func compareMsgKey(a, b msgKey) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.seq, b.seq)) }

func messageKey(m Message) msgKey { return msgKey{m.At.Round(0), m.Seq} }

var (
	// messagesOf is each room's messages by time; shownIn the same
	// without thread replies kept in their thread (partition "" holds
	// those). A history page is then O(log n + page) either way.
	messagesOf = table.ByCompare("room", messageKey, compareMsgKey).PartitionBy(func(m Message) string { return m.RoomID })
	shownIn    = table.ByCompare("shown", messageKey, compareMsgKey).PartitionBy(func(m Message) string {
		if m.shown() {
			return m.RoomID
		}
		return ""
	})
)

// TableSpec declares the messages table.
func (Message) TableSpec() table.Spec[Message] {
	return table.Spec[Message]{Name: "messages", ID: func(m Message) string { return m.ID },
		Ordered: []*table.Order[Message]{messagesOf, shownIn}, Clone: cloneMessage}
}

// cloneMessage copies m's slices and maps.
func cloneMessage(m Message) Message {
	m.Attachments = slices.Clone(m.Attachments)
	m.Custom = maps.Clone(m.Custom)
	m.Mentions = slices.Clone(m.Mentions)
	if m.EditedBy != nil {
		e := *m.EditedBy
		m.EditedBy = &e
	}
	if m.Reactions != nil {
		r := make(map[string][]string, len(m.Reactions))
		for k, v := range m.Reactions {
			r[k] = slices.Clone(v)
		}
		m.Reactions = r
	}
	return m
}

// messagePermissions are the default roles of the permissions the
// message rules use (apps/meteor/app/authorization/server/constant/
// permissions.ts), added to DefaultPermissions.
var messagePermissions = map[string][]string{
	"edit-message":                      {"admin", "owner", "moderator"},
	"delete-message":                    {"admin", "owner", "moderator"},
	"delete-own-message":                {"admin", "user"},
	"force-delete-message":              {"admin", "owner"},
	"post-readonly":                     {"admin", "owner", "moderator"},
	"bypass-time-limit-edit-and-delete": {"bot", "app"},
}

func init() {
	for id, roles := range messagePermissions {
		DefaultPermissions[id] = roles
	}
}

// maxMessageSize is the setting Message_MaxAllowedSize at its default.
const maxMessageSize = 5000

// Errors of the message rules. Those the server throws as plain Error
// objects reach the client as {"success": false, "error": "<message>"}.
var (
	errInvalidRoom     = plain(http.StatusBadRequest, "", "error-invalid-room")
	errSendNotAllowed  = plain(http.StatusBadRequest, "", "error-not-allowed")
	errReadOnly        = plain(http.StatusBadRequest, "", "You can't send messages because the room is readonly.")
	errInvalidChannel  = plain(http.StatusBadRequest, "invalid-channel", "[invalid-channel]") // Meteor.Error with no reason
	errSizeExceeded    = fail("error-message-size-exceeded", "Message size exceeds Message_MaxAllowedSize").WithDetail("method", "sendMessage")
	errEditNotAllowed  = fail("error-action-not-allowed", "Message editing not allowed").WithDetail("method", "updateMessage").WithDetail("action", "Message_editing")
	errDeleteForbidden = fail("error-action-not-allowed", "Not allowed")
	errRoomMismatch    = plain(http.StatusBadRequest, "", "The room id provided does not match where the message is from.")
	errMessageNotFound = fail("error-message-not-found", "The provided \"messageId\" does not match any existing message.")
)

func errNoMessage(id string) error {
	return plain(http.StatusBadRequest, "", fmt.Sprintf("No message found with the id of %q.", id))
}

// message returns the message id, or nil.
func (s *State) message(id string) *Message {
	if m, ok := s.Messages.Get(id); ok {
		return &m
	}
	return nil
}

// canPost is validateRoomMessagePermissions: the caller can access r,
// and in a read-only room holds post-readonly.
func (s *State) canPost(u *User, r *Room) error {
	if u.Type != "app" && !s.canAccess(u, r) {
		return errSendNotAllowed
	}
	if r.ReadOnly && !s.can(u, "post-readonly", r) {
		return errReadOnly
	}
	return nil
}

// Draft is a message as a client sends it.
type Draft struct {
	ID, Text, Alias, Emoji, Avatar string
	Attachments                    []map[string]any
	Custom                         map[string]any
	Groupable, ParseUrls           *bool
	ThreadID                       string
	ThreadShow                     bool
	At                             *time.Time // a client's ts, for sendMessage
}

var mentionPattern = regexp.MustCompile(`(?:^|[\s(>*_~])@([0-9A-Za-z._-]+)`)

// mentions finds the users (and "all"/"here") text names with @.
func (s *State) mentions(text string) []Author {
	var out []Author
	seen := map[string]bool{}
	for _, m := range mentionPattern.FindAllStringSubmatch(text, -1) {
		name := strings.TrimRight(m[1], ".")
		var a Author
		switch name {
		case "all", "here":
			a = Author{ID: name, Username: name}
		default:
			u := s.userByName(name)
			if u == nil {
				continue
			}
			a = Author{ID: u.ID, Username: u.Username, Name: u.Name}
		}
		if !seen[a.ID] {
			seen[a.ID] = true
			out = append(out, a)
		}
	}
	return out
}

// send stores d in r as u's message, with the room's counters and the
// members' subscriptions kept true (sendMessage and notifyUsersOnMessage).
// The caller has checked that u may post in r.
func (s *State) send(u *User, r *Room, d Draft, now time.Time) (*Message, error) {
	if len(d.Text) > maxMessageSize {
		return nil, errSizeExceeded
	}
	if d.ThreadShow && d.ThreadID == "" {
		return nil, fail("invalid-params", "tshow provided but missing tmid").WithDetail("method", "sendMessage")
	}
	at := now
	if d.At != nil {
		diff := d.At.Sub(now).Abs()
		if diff > time.Minute {
			return nil, fail("error-message-ts-out-of-sync", "Message timestamp is out of sync").WithDetail("method", "sendMessage")
		}
		if diff <= 10*time.Second {
			at = d.At.UTC()
		}
	}
	id := d.ID
	if id == "" {
		id = newID()
	} else if s.message(id) != nil {
		return nil, plain(http.StatusBadRequest, "", fmt.Sprintf("E11000 duplicate key error collection: rocketchat.rocketchat_message index: _id_ dup key: { _id: %q }", id))
	}
	var parent *Message
	if d.ThreadID != "" {
		if parent = s.message(d.ThreadID); parent != nil && parent.ThreadID != "" {
			// No nested threads: a reply to a reply joins the first one's thread.
			d.ThreadID = parent.ThreadID
			parent = s.message(d.ThreadID)
		}
	}
	r.Seq++
	m := Message{ID: id, RoomID: r.ID, Text: strings.TrimSpace(d.Text), At: at, Seq: r.Seq, Updated: now,
		User: Author{ID: u.ID, Username: u.Username, Name: u.Name}, Alias: d.Alias, Emoji: d.Emoji, Avatar: d.Avatar,
		Groupable: d.Groupable, ParseUrls: d.ParseUrls, Attachments: d.Attachments, Custom: d.Custom,
		ThreadID: d.ThreadID, ThreadShow: d.ThreadShow, Mentions: s.mentions(d.Text)}
	must(s.Messages.Insert(m))
	if parent != nil {
		p := *parent
		p.Replies++
		p.LastReply = at
		p.Updated = now
		must(s.Messages.Replace(p))
	}
	r.Msgs++
	r.Updated = now
	if m.shown() {
		r.LastMessage = m.ID
		r.LastMessageAt = at
		s.notify(r, &m, now)
	}
	s.putRoom(r)
	return &m, nil
}

// notify keeps the members' subscriptions true after m
// (updateUsersSubscriptions): others get alert and open; unread counts
// every message in a direct room (Unread_Count_DM = all_messages) and, in
// channels and groups, the messages that mention the member or @all/@here
// (Unread_Count = user_and_group_mentions_only, the server's default). The
// sender has read the room. It costs O(members log n), as the server's
// update of every subscription of the room does.
func (s *State) notify(r *Room, m *Message, now time.Time) {
	var toAll bool
	users := map[string]bool{}
	for _, a := range m.Mentions {
		switch a.ID {
		case "all", "here":
			toAll = true
		default:
			if a.ID != m.User.ID {
				users[a.ID] = true
			}
		}
	}
	var subs []Subscription
	for sub := range s.Members.Range(membersOf, r.ID, 0, false) {
		subs = append(subs, sub)
	}
	for _, sub := range subs {
		if sub.UserID == m.User.ID {
			sub.markRead(m.At, now)
		} else {
			switch {
			case users[sub.UserID]:
				sub.UserMentions++
				sub.Unread++
			case toAll && len(users) == 0:
				sub.GroupMentions++
				sub.Unread++
			case r.Type == TypeDirect:
				sub.Unread++
			}
			sub.Alert, sub.Hidden, sub.Updated = true, false, now
		}
		must(s.Members.Replace(sub))
	}
}

// markRead is readMessages on one subscription.
func (sub *Subscription) markRead(seen, now time.Time) {
	sub.Unread, sub.UserMentions, sub.GroupMentions = 0, 0, 0
	sub.Alert, sub.Hidden = false, false
	sub.LastSeen, sub.Updated = seen, now
}

// edit is updateMessage: the caller holds edit-message in the room, or is
// the author (Message_AllowEditing is true and its time limit 0, the
// defaults), and may still post there.
func (s *State) edit(u *User, m *Message, text string, custom map[string]any, now time.Time) error {
	r := s.room(m.RoomID)
	if r == nil {
		return errInvalidRoom
	}
	if !s.can(u, "edit-message", r) && m.User.ID != u.ID {
		return errEditNotAllowed
	}
	if err := s.canPost(u, r); err != nil {
		return err
	}
	if len(text) > maxMessageSize {
		return errSizeExceeded.WithDetail("method", "updateMessage")
	}
	if text == m.Text && custom == nil {
		return nil
	}
	m.Text = text
	if custom != nil {
		m.Custom = custom
	}
	m.Mentions = s.mentions(text)
	m.EditedAt, m.EditedBy, m.Updated = now, &Ref{u.ID, u.Username}, now
	must(s.Messages.Replace(*m))
	if r.LastMessage == m.ID {
		r.Updated = now
		s.putRoom(r)
	}
	return nil
}

// remove is deleteMessageValidatingPermission and deleteMessage with the
// default settings (Message_KeepHistory and Message_ShowDeletedStatus
// false): the message goes, the room's msgs drops and lastMessage falls
// back to the last message left.
func (s *State) remove(u *User, m *Message, now time.Time) error {
	r := s.room(m.RoomID)
	if r == nil {
		return errDeleteForbidden
	}
	if !s.can(u, "force-delete-message", r) {
		allowed := s.can(u, "delete-message", r) || (m.User.ID == u.ID && s.can(u, "delete-own-message", r))
		if !allowed {
			return errDeleteForbidden
		}
		if r.ReadOnly && !s.can(u, "post-readonly", r) {
			return plain(http.StatusBadRequest, "", "You can't delete messages because the room is readonly.")
		}
	}
	s.Messages.Delete(m.ID)
	if m.ThreadID != "" {
		if p := s.message(m.ThreadID); p != nil && p.Replies > 0 {
			p.Replies--
			must(s.Messages.Replace(*p))
		}
	}
	r.Msgs = max(r.Msgs-1, 0)
	if r.LastMessage == m.ID {
		r.LastMessage, r.LastMessageAt = "", time.Time{}
		for last := range s.Messages.Range(shownIn, r.ID, 0, true) {
			r.LastMessage = last.ID
			r.LastMessageAt = last.At
			break
		}
	}
	r.Updated = now
	s.putRoom(r)
	return nil
}

// react is setReaction: it toggles u's reaction, or with should set,
// makes it what should says.
func (s *State) react(u *User, m *Message, emoji string, should *bool, now time.Time) error {
	r := s.room(m.RoomID)
	if r == nil || !s.canAccess(u, r) {
		return fail("not-authorized", "Not Authorized").WithDetail("method", "setReaction")
	}
	if r.ReadOnly && !s.can(u, "post-readonly", r) {
		return fail("error-not-allowed", "You can't send messages because the room is readonly.").WithDetail("method", "setReaction")
	}
	key := ":" + strings.ReplaceAll(emoji, ":", "") + ":"
	has := slices.Contains(m.Reactions[key], u.Username)
	if should != nil && *should == has {
		return nil
	}
	*m = cloneMessage(*m) // the reactions are the stored ones until cloned
	if m.Reactions == nil {
		m.Reactions = map[string][]string{}
	}
	if has {
		left := slices.DeleteFunc(m.Reactions[key], func(n string) bool { return n == u.Username })
		if len(left) == 0 {
			delete(m.Reactions, key)
		} else {
			m.Reactions[key] = left
		}
	} else {
		m.Reactions[key] = append(m.Reactions[key], u.Username)
	}
	if len(m.Reactions) == 0 {
		m.Reactions = nil
	}
	m.Updated = now
	must(s.Messages.Replace(*m))
	return nil
}

// dropMessages deletes every message of room id, when the room goes.
func (s *State) dropMessages(id string) {
	var ids []string
	for m := range s.Messages.Range(messagesOf, id, 0, false) {
		ids = append(ids, m.ID)
	}
	for _, mid := range ids {
		s.Messages.Delete(mid)
	}
}
