package chatkitty

import (
	"strings"
	"time"

	"github.com/google/uuid"
)

// maxDirectUsers is how many users a direct channel holds at most,
// creator included (ChatKitty's channel concepts).
const maxDirectUsers = 10

// NewChannel is what creates a channel: the Platform API's body or an
// import row.
type NewChannel struct {
	Type        string
	Name        string
	DisplayName string
	Creator     *Ref
	Members     []Ref
	Properties  map[string]any
	Key         string // idempotency key of an import row
}

// channel returns channel id of app.
func (s *State) channel(app, id int64) (Channel, error) {
	c, ok := s.Channels.Get(idKey(id))
	if !ok || c.AppID != app {
		return Channel{}, notFound("channel", id)
	}
	return c, nil
}

// createChannel adds a channel to app, its creator and members joined. A
// direct channel of a set of users that already has one is that channel
// (created false).
func (s *State) createChannel(app int64, in NewChannel, now time.Time) (c Channel, created bool, err error) {
	a, err := s.app(app)
	if err != nil {
		return Channel{}, false, err
	}
	var users []User
	var creator *User
	if in.Creator != nil {
		if !a.UserCreatedChannels {
			return Channel{}, false, ErrUserChannelsDisabled
		}
		u, err := s.resolve(app, *in.Creator)
		if err != nil {
			return Channel{}, false, err
		}
		creator, users = &u, append(users, u)
	}
	for _, r := range in.Members {
		u, err := s.resolve(app, r)
		if err != nil {
			return Channel{}, false, err
		}
		users = append(users, u)
	}
	ids := make([]int64, 0, len(users))
	seen := map[int64]bool{}
	for _, u := range users {
		if !seen[u.ID] {
			seen[u.ID] = true
			ids = append(ids, u.ID)
		}
	}
	c = Channel{AppID: app, Type: in.Type, Properties: orEmpty(in.Properties), Created: now, Imported: in.Key}
	if creator != nil {
		c.CreatorID = creator.ID
	}
	switch in.Type {
	case TypeDirect:
		switch {
		case len(ids) == 0:
			return Channel{}, false, ErrInvalid.With("a direct channel needs its users in members (or creator)")
		case len(ids) > maxDirectUsers:
			return Channel{}, false, ErrDirectChannelFull.Withf("a direct channel holds at most %d users, got %d", maxDirectUsers, len(ids))
		}
		c.MemberKey = directKey(ids)
		if old, ok := s.Channels.Lookup(channelsByMembers, idKey(app)+"\x00"+c.MemberKey); ok {
			return old, false, nil
		}
	case TypePublic, TypePrivate:
		c.Name, c.DisplayName = in.Name, in.DisplayName
		if c.Name == "" {
			c.Name = uuid.NewString()
		}
		if c.DisplayName == "" {
			c.DisplayName = c.Name
		}
		if _, taken := s.Channels.Lookup(channelsByName, idKey(app)+"\x00"+c.Name); taken {
			return Channel{}, false, ErrChannelNameTaken.Withf("a channel named %q already exists", c.Name)
		}
	default:
		return Channel{}, false, ErrInvalid.Withf("type must be PUBLIC, PRIVATE or DIRECT, not %q", in.Type)
	}
	c.ID = s.newID()
	if err := s.Channels.Insert(c); err != nil {
		return Channel{}, false, err
	}
	for _, id := range ids {
		if err := s.join(c, id, now); err != nil {
			return Channel{}, false, err
		}
	}
	return c, true, nil
}

// join makes user a member of c; a pending invite is used up.
func (s *State) join(c Channel, user int64, now time.Time) error {
	s.Invites.Delete(pairKey(c.ID, user))
	return s.Members.Insert(Member{ChannelID: c.ID, UserID: user, AppID: c.AppID, Seq: s.newID(), Joined: now})
}

// member returns the membership of user in channel.
func (s *State) member(channel, user int64) (Member, bool) {
	return s.Members.Get(pairKey(channel, user))
}

// addMember makes the user r names a member of channel id of app; one
// who already is stays one.
func (s *State) addMember(app, id int64, r Ref, now time.Time) (Channel, error) {
	c, err := s.channel(app, id)
	if err != nil {
		return Channel{}, err
	}
	u, err := s.resolve(app, r)
	if err != nil {
		return Channel{}, err
	}
	if _, ok := s.member(c.ID, u.ID); ok {
		return c, nil
	}
	if c.Type == TypeDirect {
		if s.Members.Count(membersOf, idKey(c.ID)) >= maxDirectUsers {
			return Channel{}, ErrDirectChannelFull.Withf("direct channel %d already holds %d users", c.ID, maxDirectUsers)
		}
		return Channel{}, ErrDirectChannelFixed.Withf("direct channel %d takes no new members: create the direct channel of the new set of users", c.ID)
	}
	return c, s.join(c, u.ID, now)
}

// removeMember removes user from channel id of app, and with it the
// user's moderation of the channel.
func (s *State) removeMember(app, id, user int64) (Channel, error) {
	c, err := s.channel(app, id)
	if err != nil {
		return Channel{}, err
	}
	if _, err := s.user(app, user); err != nil {
		return Channel{}, err
	}
	if _, ok := s.member(c.ID, user); !ok {
		return Channel{}, ErrNoSuchMember.Withf("user %d is not a member of channel %d", user, c.ID)
	}
	if c.Type == TypeDirect {
		return Channel{}, ErrDirectChannelFixed.Withf("the members of direct channel %d cannot change", c.ID)
	}
	s.Members.Delete(pairKey(c.ID, user))
	return c, nil
}

// addModerator makes the member r names a moderator of channel id.
func (s *State) addModerator(app, id int64, r Ref) (User, error) {
	c, err := s.channel(app, id)
	if err != nil {
		return User{}, err
	}
	u, err := s.resolve(app, r)
	if err != nil {
		return User{}, err
	}
	m, ok := s.member(c.ID, u.ID)
	if !ok {
		return User{}, ErrNotMember.Withf("%s is not a member of channel %d; only members can moderate it", r, c.ID)
	}
	if !m.Moderator {
		m.Moderator = true
		if err := s.Members.Replace(m); err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// removeModerator takes moderation of channel id from user.
func (s *State) removeModerator(app, id, user int64) (Channel, error) {
	c, err := s.channel(app, id)
	if err != nil {
		return Channel{}, err
	}
	m, ok := s.member(c.ID, user)
	if !ok || !m.Moderator {
		return Channel{}, ErrNoSuchModerator.Withf("user %d is not a moderator of channel %d", user, c.ID)
	}
	m.Moderator = false
	return c, s.Members.Replace(m)
}

// invite invites the user r names to channel id.
func (s *State) invite(app, id int64, r Ref, now time.Time) (Invite, error) {
	c, err := s.channel(app, id)
	if err != nil {
		return Invite{}, err
	}
	if c.Type == TypeDirect {
		return Invite{}, ErrNoInvites
	}
	u, err := s.resolve(app, r)
	if err != nil {
		return Invite{}, err
	}
	if _, ok := s.member(c.ID, u.ID); ok {
		return Invite{}, ErrAlreadyMember.Withf("%s is already a member of channel %d", r, c.ID)
	}
	if old, ok := s.Invites.Get(pairKey(c.ID, u.ID)); ok {
		return old, nil
	}
	inv := Invite{ChannelID: c.ID, UserID: u.ID, Seq: s.newID(), Created: now}
	return inv, s.Invites.Insert(inv)
}

// ChannelPatch is a merge-patch of a channel.
type ChannelPatch struct {
	DisplayName *string
	Properties  map[string]any
	HasProps    bool
}

// updateChannel applies p to channel id of app.
func (s *State) updateChannel(app, id int64, p ChannelPatch) (Channel, error) {
	c, err := s.channel(app, id)
	if err != nil {
		return Channel{}, err
	}
	if p.DisplayName != nil {
		if c.Type == TypeDirect {
			return Channel{}, ErrInvalid.With("a direct channel has no displayName")
		}
		if strings.TrimSpace(*p.DisplayName) == "" {
			return Channel{}, ErrInvalid.With("displayName must not be blank")
		}
		c.DisplayName = *p.DisplayName
	}
	if p.HasProps {
		c.Properties = mergePatch(c.Properties, p.Properties)
	}
	return c, s.Channels.Replace(c)
}

// deleteChannel removes channel id of app with its members, invites,
// messages (their receipts too) and chat sessions.
func (s *State) deleteChannel(app, id int64) error {
	c, err := s.channel(app, id)
	if err != nil {
		return err
	}
	ck := idKey(c.ID)
	for _, m := range collect(s.Members.Range(membersOf, ck, 0, false)) {
		s.Members.Delete(pairKey(m.ChannelID, m.UserID))
	}
	for _, i := range collect(s.Invites.Range(invitesOf, ck, 0, false)) {
		s.Invites.Delete(pairKey(i.ChannelID, i.UserID))
	}
	for _, m := range collect(s.Messages.Range(msgsByChannel, ck, 0, false)) {
		s.dropMessage(m)
	}
	for _, cs := range collect(s.ChatSessions.Range(chatSessionsIn, ck, 0, false)) {
		s.ChatSessions.Delete(idKey(cs.ID))
	}
	s.Channels.Delete(ck)
	return nil
}

// dropMessage removes m and its read receipts.
func (s *State) dropMessage(m Message) {
	for _, r := range collect(s.Receipts.Range(receiptsOf, idKey(m.ID), 0, false)) {
		s.Receipts.Delete(pairKey(r.MessageID, r.UserID))
	}
	s.Messages.Delete(idKey(m.ID))
}
