package chatkitty

import (
	"github.com/standin/standin/mockserver"
)

// CopyState returns a copy-on-write copy of s (mockserver.Copier).
func (s *State) CopyState() any {
	return &State{Apps: s.Apps.Copy(), Tokens: s.Tokens.Copy(), Users: s.Users.Copy(), Channels: s.Channels.Copy(),
		Members: s.Members.Copy(), Invites: s.Invites.Copy(), Messages: s.Messages.Copy(), Receipts: s.Receipts.Copy(),
		Notifications: s.Notifications.Copy(), Jobs: s.Jobs.Copy(), UserSessions: s.UserSessions.Copy(),
		ChatSessions: s.ChatSessions.Copy(), Runtimes: s.Runtimes.Copy(), Functions: s.Functions.Copy(),
		Versions: s.Versions.Copy(), Invocations: s.Invocations.Copy(), NextID: s.NextID}
}

// check refuses a snapshot whose records do not hang together: a record
// of an application, channel, user, message or function that does not
// exist (or belongs to another application), a direct channel whose key
// is not its members', an id at or above nextId, an id beyond
// JavaScript's safe integers.
func check(s *State) error {
	var maxID int64
	seen := func(id int64) { maxID = max(maxID, id) }
	appOK := func(id int64) bool { _, ok := s.Apps.Get(idKey(id)); return ok }
	userIn := func(app, id int64) bool { u, ok := s.Users.Get(idKey(id)); return ok && u.AppID == app }
	chanIn := func(app, id int64) bool { c, ok := s.Channels.Get(idKey(id)); return ok && c.AppID == app }
	bad := func(table, id, field, format string, args ...any) error {
		return mockserver.Invalid(mockserver.Pointer(table, id, field), format, args...)
	}
	for id, a := range s.Apps.All() {
		if a.ID <= 0 || a.ID > maxSafeID {
			return bad("applications", id, "id", "must be between 1 and %d", int64(maxSafeID))
		}
		if a.ClientID == "" || a.ClientSecret == "" {
			return bad("applications", id, "clientId", "an application needs a client id and secret")
		}
	}
	for id, t := range s.Tokens.All() {
		if !appOK(t.AppID) {
			return bad("tokens", id, "applicationId", "names application %d, which does not exist", t.AppID)
		}
	}
	for id, u := range s.Users.All() {
		seen(u.ID)
		if !appOK(u.AppID) {
			return bad("users", id, "applicationId", "names application %d, which does not exist", u.AppID)
		}
		if u.Name == "" {
			return bad("users", id, "name", "must not be empty")
		}
	}
	for id, c := range s.Channels.All() {
		seen(c.ID)
		if !appOK(c.AppID) {
			return bad("channels", id, "applicationId", "names application %d, which does not exist", c.AppID)
		}
		switch c.Type {
		case TypePublic, TypePrivate:
			if c.Name == "" {
				return bad("channels", id, "name", "a %s channel needs a name", c.Type)
			}
		case TypeDirect:
			var ids []int64
			for m := range s.Members.Range(membersOf, idKey(c.ID), 0, false) {
				ids = append(ids, m.UserID)
			}
			if len(ids) > maxDirectUsers || directKey(ids) != c.MemberKey {
				return bad("channels", id, "memberKey", "is %q, but the channel's members are %q", c.MemberKey, directKey(ids))
			}
		default:
			return bad("channels", id, "type", "must be PUBLIC, PRIVATE or DIRECT, not %q", c.Type)
		}
	}
	for id, m := range s.Members.All() {
		seen(m.Seq)
		if !chanIn(m.AppID, m.ChannelID) || !userIn(m.AppID, m.UserID) {
			return bad("members", id, "", "names a channel or user that is not of application %d", m.AppID)
		}
	}
	for id, i := range s.Invites.All() {
		seen(i.Seq)
		c, ok := s.Channels.Get(idKey(i.ChannelID))
		if !ok || !userIn(c.AppID, i.UserID) {
			return bad("invites", id, "", "names a channel or user that does not exist")
		}
	}
	for id, m := range s.Messages.All() {
		seen(m.ID)
		if !chanIn(m.AppID, m.ChannelID) {
			return bad("messages", id, "channelId", "names channel %d, which is not of application %d", m.ChannelID, m.AppID)
		}
		if m.ParentID != 0 {
			if p, ok := s.Messages.Get(idKey(m.ParentID)); !ok || p.ChannelID != m.ChannelID {
				return bad("messages", id, "parentId", "names message %d, which is not in channel %d", m.ParentID, m.ChannelID)
			}
		}
	}
	for id, r := range s.Receipts.All() {
		seen(r.Seq)
		if _, ok := s.Messages.Get(idKey(r.MessageID)); !ok {
			return bad("receipts", id, "messageId", "names message %d, which does not exist", r.MessageID)
		}
	}
	for id, n := range s.Notifications.All() {
		seen(n.ID)
		if !userIn(n.AppID, n.UserID) {
			return bad("notifications", id, "userId", "names user %d, which is not of application %d", n.UserID, n.AppID)
		}
	}
	for id, j := range s.Jobs.All() {
		seen(j.ID)
		if !appOK(j.AppID) {
			return bad("jobs", id, "applicationId", "names application %d, which does not exist", j.AppID)
		}
	}
	for id, us := range s.UserSessions.All() {
		seen(us.ID)
		if !userIn(us.AppID, us.UserID) {
			return bad("userSessions", id, "userId", "names user %d, which is not of application %d", us.UserID, us.AppID)
		}
	}
	for id, cs := range s.ChatSessions.All() {
		seen(cs.ID)
		if !userIn(cs.AppID, cs.UserID) || !chanIn(cs.AppID, cs.ChannelID) {
			return bad("chatSessions", id, "", "names a user or channel that is not of application %d", cs.AppID)
		}
	}
	for id, r := range s.Runtimes.All() {
		seen(r.ID)
		if !appOK(r.AppID) {
			return bad("runtimes", id, "applicationId", "names application %d, which does not exist", r.AppID)
		}
	}
	for id, f := range s.Functions.All() {
		seen(f.ID)
		if !appOK(f.AppID) {
			return bad("functions", id, "applicationId", "names application %d, which does not exist", f.AppID)
		}
	}
	for id, v := range s.Versions.All() {
		seen(v.ID)
		if _, ok := s.Functions.Get(idKey(v.FunctionID)); !ok {
			return bad("functionVersions", id, "functionId", "names function %d, which does not exist", v.FunctionID)
		}
	}
	for id, i := range s.Invocations.All() {
		seen(i.ID)
		if _, ok := s.Functions.Get(idKey(i.FunctionID)); !ok {
			return bad("invocations", id, "functionId", "names function %d, which does not exist", i.FunctionID)
		}
	}
	if maxID >= s.NextID {
		return mockserver.Invalid("/nextId", "is %d, not above the id %d in use", s.NextID, maxID)
	}
	if s.NextID > maxSafeID {
		return mockserver.Invalid("/nextId", "is beyond JavaScript's safe integers (%d)", int64(maxSafeID))
	}
	return nil
}
