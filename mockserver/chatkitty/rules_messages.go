package chatkitty

import (
	"regexp"
	"strings"
	"time"
)

// NewMessage is what sends a message: the Platform API's body or an
// import row. A message without a user is the application's (a system
// message).
type NewMessage struct {
	Type       string // TEXT or FILE (SYSTEM_TEXT, SYSTEM_FILE from imports)
	Body       string
	File       *File
	User       *Ref
	GroupTag   string
	Properties map[string]any
	Key        string // idempotency key of an import row
}

// message returns message id of app.
func (s *State) message(app, id int64) (Message, error) {
	m, ok := s.Messages.Get(idKey(id))
	if !ok || m.AppID != app {
		return Message{}, notFound("message", id)
	}
	return m, nil
}

// mention finds @name mentions in a message body.
var mention = regexp.MustCompile(`(?:^|\s)@([^\s@]+)`)

// send adds a message to channel id of app: to its main thread, or with
// parent to the reply thread of message parent. The sender must be a
// member of a private or direct channel and joins a public one. The
// sender reads its own message; the other users of a direct channel, the
// users mentioned and the parent's author are notified.
func (s *State) send(app, channel, parent int64, in NewMessage, now time.Time) (Message, error) {
	c, err := s.channel(app, channel)
	if err != nil {
		return Message{}, err
	}
	m := Message{ID: 0, AppID: app, ChannelID: c.ID, Type: in.Type, GroupTag: in.GroupTag, Properties: orEmpty(in.Properties), Created: now, Imported: in.Key}
	var p Message
	if parent != 0 {
		if p, err = s.message(app, parent); err != nil {
			return Message{}, err
		}
		m.ParentID, m.Level = p.ID, p.Level+1
	}
	switch in.Type {
	case MessageText, MessageSystemText:
		if in.Body == "" {
			return Message{}, ErrInvalid.With("body: a TEXT message needs a body")
		}
		m.Body = in.Body
	case MessageFile, MessageSystemFile:
		if in.File == nil || in.File.URL == "" {
			return Message{}, ErrInvalid.With("file: a FILE message needs a file with a url")
		}
		m.File = in.File
	default:
		return Message{}, ErrInvalid.Withf("type must be TEXT or FILE, not %q", in.Type)
	}
	var sender User
	if in.User != nil {
		if sender, err = s.resolve(app, *in.User); err != nil {
			return Message{}, err
		}
		if _, ok := s.member(c.ID, sender.ID); !ok {
			if c.Type != TypePublic {
				return Message{}, ErrNotMember.Withf("%s is not a member of %s channel %d", in.User, strings.ToLower(c.Type), c.ID)
			}
			if err := s.join(c, sender.ID, now); err != nil {
				return Message{}, err
			}
		}
		m.UserID = sender.ID
	} else {
		m.Type = systemType(m.Type)
	}
	m.ID = s.newID()
	if err := s.Messages.Insert(m); err != nil {
		return Message{}, err
	}
	c.LastMessage = m.ID
	if err := s.Channels.Replace(c); err != nil {
		return Message{}, err
	}
	if parent != 0 {
		p.Replies++
		if err := s.Messages.Replace(p); err != nil {
			return Message{}, err
		}
	}
	if m.UserID != 0 {
		if err := s.Receipts.Insert(Receipt{MessageID: m.ID, UserID: m.UserID, Seq: s.newID(), Created: now}); err != nil {
			return Message{}, err
		}
	}
	return m, s.notify(c, m, sender, p, now)
}

func systemType(t string) string {
	if t == MessageFile || t == MessageSystemFile {
		return MessageSystemFile
	}
	return MessageSystemText
}

// notify adds the notifications m causes.
func (s *State) notify(c Channel, m Message, sender User, parent Message, now time.Time) error {
	if m.UserID == 0 {
		return nil
	}
	told := map[int64]bool{m.UserID: true}
	add := func(user int64, title, kind string) error {
		if told[user] {
			return nil
		}
		told[user] = true
		body := m.Body
		if m.File != nil {
			body = m.File.Name
		}
		data := map[string]any{"type": kind, "message": m.ID, "channelId": c.ID}
		if parent.ID != 0 {
			data["parent"] = parent.ID
		}
		return s.Notifications.Insert(Notification{ID: s.newID(), AppID: m.AppID, UserID: user, ChannelID: c.ID, Title: title, Body: body,
			Data: data, Created: now})
	}
	for _, match := range mention.FindAllStringSubmatch(m.Body, 20) {
		u, ok := s.Users.Lookup(usersByName, idKey(m.AppID)+"\x00"+match[1])
		if !ok {
			continue
		}
		if _, member := s.member(c.ID, u.ID); !member {
			continue
		}
		if err := add(u.ID, sender.DisplayName+" mentioned you", "USER:MENTIONED:USER"); err != nil {
			return err
		}
	}
	if parent.ID != 0 && parent.UserID != 0 {
		if err := add(parent.UserID, sender.DisplayName+" replied to your message", "USER:REPLIED_TO:MESSAGE"); err != nil {
			return err
		}
	}
	if c.Type == TypeDirect {
		for mem := range s.Members.Range(membersOf, idKey(c.ID), 0, false) {
			if err := add(mem.UserID, "New message from "+sender.DisplayName, "USER:SENT:MESSAGE"); err != nil {
				return err
			}
		}
	}
	return nil
}

// MessagePatch is a merge-patch of a message.
type MessagePatch struct {
	Body       *string
	Properties map[string]any
	HasProps   bool
}

// updateMessage applies p to message id of app.
func (s *State) updateMessage(app, id int64, p MessagePatch, now time.Time) (Message, error) {
	m, err := s.message(app, id)
	if err != nil {
		return Message{}, err
	}
	if p.Body != nil {
		if m.Type != MessageText && m.Type != MessageSystemText {
			return Message{}, ErrInvalid.Withf("body: message %d is a %s message and has no body", m.ID, m.Type)
		}
		if *p.Body == "" {
			return Message{}, ErrInvalid.With("body must not be empty")
		}
		m.Body = *p.Body
		m.Edited = &now
	}
	if p.HasProps {
		m.Properties = mergePatch(m.Properties, p.Properties)
	}
	return m, s.Messages.Replace(m)
}

// deleteMessage removes message id of app and its replies, and returns
// the thread it was in: its channel's main thread or its parent's.
func (s *State) deleteMessage(app, id int64) (Thread, error) {
	m, err := s.message(app, id)
	if err != nil {
		return Thread{}, err
	}
	s.dropTree(m)
	if m.ParentID != 0 {
		if p, ok := s.Messages.Get(idKey(m.ParentID)); ok {
			p.Replies = max(0, p.Replies-1)
			if err := s.Messages.Replace(p); err != nil {
				return Thread{}, err
			}
			return messageThread(p), nil
		}
	}
	c, err := s.channel(app, m.ChannelID)
	if err != nil {
		return Thread{}, err
	}
	return mainThread(c), nil
}

// dropTree removes m, its replies and theirs.
func (s *State) dropTree(m Message) {
	for _, r := range collect(s.Messages.Range(msgsByThread, "m"+idKey(m.ID), 0, false)) {
		s.dropTree(r)
	}
	s.dropMessage(m)
}

// deleteMessages removes every message of app.
func (s *State) deleteMessages(app int64) {
	for _, m := range collect(s.Messages.Range(msgsOfApp, idKey(app), 0, false)) {
		s.dropMessage(m)
	}
}

// The thread types.
const (
	ThreadMain    = "MAIN"
	ThreadMessage = "MESSAGE"
)

// Thread is a reply thread: a channel's main thread (its id is the
// channel's) or the replies of a message (its id is the message's).
type Thread struct {
	ID        int64
	Type      string
	ChannelID int64
	MessageID int64
	Created   time.Time
}

func mainThread(c Channel) Thread {
	return Thread{ID: c.ID, Type: ThreadMain, ChannelID: c.ID, Created: c.Created}
}

func messageThread(m Message) Thread {
	return Thread{ID: m.ID, Type: ThreadMessage, ChannelID: m.ChannelID, MessageID: m.ID, Created: m.Created}
}

// thread returns thread id of app.
func (s *State) thread(app, id int64) (Thread, error) {
	if c, err := s.channel(app, id); err == nil {
		return mainThread(c), nil
	}
	if m, err := s.message(app, id); err == nil {
		return messageThread(m), nil
	}
	return Thread{}, notFound("thread", id)
}

// threadPartition is the msgsByThread partition of t.
func threadPartition(t Thread) string {
	if t.Type == ThreadMain {
		return "c" + idKey(t.ChannelID)
	}
	return "m" + idKey(t.MessageID)
}

// keystrokes checks that the user r names may type in channel.
func (s *State) keystrokes(app int64, c Channel, r Ref) (User, error) {
	u, err := s.resolve(app, r)
	if err != nil {
		return User{}, err
	}
	if _, ok := s.member(c.ID, u.ID); !ok && c.Type != TypePublic {
		return User{}, ErrNotMember.Withf("%s is not a member of channel %d", r, c.ID)
	}
	return u, nil
}
