package chatkitty

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	gen "github.com/standin/standin/gen/chatkitty"
)

var (
	channelSorts     = sortable[Channel]{"id": channelsOf, "createdTime": channelsOf}
	userChannelSorts = sortable[Member]{"id": channelsOfUser, "createdTime": channelsOfUser}
	memberSorts      = sortable[Member]{"createdTime": membersOf}
	moderatorSorts   = sortable[Member]{"createdTime": moderatorsOf}
	inviteSorts      = sortable[Invite]{"createdTime": invitesOf}
	participantSorts = sortable[ChatSession]{"createdTime": activeIn}
)

func (st *State) channelsPage(ctx context.Context, chans []Channel, p PageRequest, total int) gen.PagedModelChannelResource {
	views := make([]gen.ChannelResource, len(chans))
	for i, c := range chans {
		views[i] = st.channelView(ctx, c)
	}
	links, meta := pageLinks(ctx, p, total)
	return gen.PagedModelChannelResource{UnderscoreEmbedded: &gen.PagedModelChannelResourceEmbedded{Channels: &views}, Page: meta, UnderscoreLinks: links}
}

// CreateChannel implements POST /v1/channels.
func (s *Server) CreateChannel(ctx context.Context, req gen.CreateChannelRequestObject) (gen.CreateChannelResponseObject, error) {
	b := req.Body
	in := NewChannel{Type: string(b.Type)}
	if b.Name != nil {
		in.Name = *b.Name
	}
	if b.DisplayName != nil {
		in.DisplayName = *b.DisplayName
	}
	if b.Creator != nil {
		r := refOf(*b.Creator)
		in.Creator = &r
	}
	if b.Members != nil {
		for _, m := range *b.Members {
			in.Members = append(in.Members, refOf(m))
		}
	}
	if b.Properties != nil {
		in.Properties = *b.Properties
	}
	var out gen.ChannelResource
	err := s.update(ctx, func(st *State, app int64, now time.Time) error {
		c, _, err := st.createChannel(app, in, now)
		if err == nil {
			out = st.channelView(ctx, c)
		}
		return err
	})
	return gen.CreateChannel200JSONResponse(out), err
}

// channelFilter is what GET /v1/channels filters by besides the type.
type channelFilter struct {
	members    []int64
	start, end *time.Time
	props      map[string]any
}

func (f channelFilter) keep(st *State, c Channel) bool {
	if f.start != nil && c.Created.Before(*f.start) || f.end != nil && c.Created.After(*f.end) {
		return false
	}
	for _, u := range f.members {
		if _, ok := st.member(c.ID, u); !ok {
			return false
		}
	}
	for k, v := range f.props {
		if !reflect.DeepEqual(c.Properties[k], v) {
			return false
		}
	}
	return true
}

// ListChannels implements GET /v1/channels. The type filter pages an
// index; members, startTime, endTime and properties filter as they go
// (the members filter walks the first member's channels).
func (s *Server) ListChannels(ctx context.Context, req gen.ListChannelsRequestObject) (gen.ListChannelsResponseObject, error) {
	q := req.Params
	p := pageOf(q.Page, q.Size, q.Sort)
	_, desc, err := channelSorts.order(p, "id")
	if err != nil {
		return nil, err
	}
	f := channelFilter{start: q.StartTime, end: q.EndTime}
	if q.Properties != nil {
		if err := json.Unmarshal([]byte(*q.Properties), &f.props); err != nil {
			return nil, ErrInvalid.Withf("properties must be a JSON object, such as {\"topic\":\"news\"}: %v", err)
		}
	}
	var out gen.PagedModelChannelResource
	err = s.view(ctx, func(st *State, app int64) error {
		if q.Members != nil {
			for _, name := range *q.Members {
				u, ok := st.Users.Lookup(usersByName, idKey(app)+"\x00"+name)
				if !ok {
					out = st.channelsPage(ctx, nil, p, 0) // nobody by that name is in any channel
					return nil
				}
				f.members = append(f.members, u.ID)
			}
		}
		o, part := channelsOf, idKey(app)
		if q.Type != nil {
			o, part = channelsOfType, idKey(app)+"/"+string(*q.Type)
		}
		if len(f.members) == 0 && f.start == nil && f.end == nil && len(f.props) == 0 {
			chans, total := page(&st.Channels, o, part, p, desc)
			out = st.channelsPage(ctx, chans, p, total)
			return nil
		}
		keep := func(c Channel) bool { return (q.Type == nil || c.Type == string(*q.Type)) && f.keep(st, c) }
		var matched []Channel
		total := 0
		visit := func(c Channel) {
			if !keep(c) {
				return
			}
			if total >= p.Page*p.Size && len(matched) < p.Size {
				matched = append(matched, c)
			}
			total++
		}
		if len(f.members) > 0 {
			for m := range st.Members.Range(channelsOfUser, idKey(f.members[0]), 0, desc) {
				if c, ok := st.Channels.Get(idKey(m.ChannelID)); ok {
					visit(c)
				}
			}
		} else {
			for c := range st.Channels.Range(o, part, 0, desc) {
				visit(c)
			}
		}
		out = st.channelsPage(ctx, matched, p, total)
		return nil
	})
	return gen.ListChannels200JSONResponse(out), err
}

// RetrieveChannel implements GET /v1/channels/{id}.
func (s *Server) RetrieveChannel(ctx context.Context, req gen.RetrieveChannelRequestObject) (gen.RetrieveChannelResponseObject, error) {
	var out gen.ChannelResource
	err := s.view(ctx, func(st *State, app int64) error {
		c, err := st.channel(app, req.ChannelId)
		if err == nil {
			out = st.channelView(ctx, c)
		}
		return err
	})
	return gen.RetrieveChannel200JSONResponse(out), err
}

// UpdateChannel implements PATCH /v1/channels/{id} (a merge-patch).
func (s *Server) UpdateChannel(ctx context.Context, req gen.UpdateChannelRequestObject) (gen.UpdateChannelResponseObject, error) {
	var p ChannelPatch
	if b := firstOf(req.JSONBody, req.ApplicationMergePatchPlusJSONBody); b != nil {
		p.DisplayName = b.DisplayName
		if b.Properties != nil {
			p.Properties, p.HasProps = *b.Properties, true
		}
	}
	var out gen.ChannelResource
	err := s.update(ctx, func(st *State, app int64, _ time.Time) error {
		c, err := st.updateChannel(app, req.ChannelId, p)
		if err == nil {
			out = st.channelView(ctx, c)
		}
		return err
	})
	return gen.UpdateChannel200JSONResponse(out), err
}

// firstOf returns the first non-nil of ps.
func firstOf[T any](ps ...*T) *T {
	for _, p := range ps {
		if p != nil {
			return p
		}
	}
	return nil
}

// DeleteChannel implements DELETE /v1/channels/{id}: it answers the
// application.
func (s *Server) DeleteChannel(ctx context.Context, req gen.DeleteChannelRequestObject) (gen.DeleteChannelResponseObject, error) {
	var out gen.ApplicationResource
	err := s.update(ctx, func(st *State, app int64, _ time.Time) error {
		if err := st.deleteChannel(app, req.ChannelId); err != nil {
			return err
		}
		a, err := st.app(app)
		out = appView(ctx, a)
		return err
	})
	return gen.DeleteChannel200JSONResponse(out), err
}

// AddChannelMember implements POST /v1/channels/{id}/members.
func (s *Server) AddChannelMember(ctx context.Context, req gen.AddChannelMemberRequestObject) (gen.AddChannelMemberResponseObject, error) {
	var out gen.ChannelResource
	err := s.update(ctx, func(st *State, app int64, now time.Time) error {
		c, err := st.addMember(app, req.ChannelId, refOf(*req.Body), now)
		if err == nil {
			out = st.channelView(ctx, c)
		}
		return err
	})
	return gen.AddChannelMember200JSONResponse(out), err
}

// ListChannelMembers implements GET /v1/channels/{id}/members, in the
// order they joined.
func (s *Server) ListChannelMembers(ctx context.Context, req gen.ListChannelMembersRequestObject) (gen.ListChannelMembersResponseObject, error) {
	out, err := s.memberUsers(ctx, req.ChannelId, pageOf(req.Params.Page, req.Params.Size, req.Params.Sort), memberSorts)
	return gen.ListChannelMembers200JSONResponse(out), err
}

// memberUsers pages the users of a channel's members along sorts.
func (s *Server) memberUsers(ctx context.Context, channel int64, p PageRequest, sorts sortable[Member]) (gen.PagedModelChatUserResource, error) {
	o, desc, err := sorts.order(p, "createdTime")
	if err != nil {
		return gen.PagedModelChatUserResource{}, err
	}
	var out gen.PagedModelChatUserResource
	err = s.view(ctx, func(st *State, app int64) error {
		c, err := st.channel(app, channel)
		if err != nil {
			return err
		}
		views, links, meta := pageItems(ctx, &st.Members, o, idKey(c.ID), p, desc, func(m Member) gen.ChatUserResource {
			return userView(ctx, st.userOrDeleted(m.UserID))
		})
		out = gen.PagedModelChatUserResource{UnderscoreEmbedded: &gen.PagedModelChatUserResourceEmbedded{Users: &views}, Page: meta, UnderscoreLinks: links}
		return nil
	})
	return out, err
}

// RemoveChannelMember implements DELETE /v1/channels/{id}/members/{user_id}.
func (s *Server) RemoveChannelMember(ctx context.Context, req gen.RemoveChannelMemberRequestObject) (gen.RemoveChannelMemberResponseObject, error) {
	var out gen.ChannelResource
	err := s.update(ctx, func(st *State, app int64, _ time.Time) error {
		c, err := st.removeMember(app, req.ChannelId, req.UserId)
		if err == nil {
			out = st.channelView(ctx, c)
		}
		return err
	})
	return gen.RemoveChannelMember200JSONResponse(out), err
}

// ListChannelMemberships implements GET /v1/channels/{id}/memberships.
func (s *Server) ListChannelMemberships(ctx context.Context, req gen.ListChannelMembershipsRequestObject) (gen.ListChannelMembershipsResponseObject, error) {
	p := pageOf(req.Params.Page, req.Params.Size, req.Params.Sort)
	o, desc, err := memberSorts.order(p, "createdTime")
	if err != nil {
		return nil, err
	}
	var out gen.PagedModelChannelMembershipResource
	err = s.view(ctx, func(st *State, app int64) error {
		c, err := st.channel(app, req.ChannelId)
		if err != nil {
			return err
		}
		views, links, meta := pageItems(ctx, &st.Members, o, idKey(c.ID), p, desc, func(m Member) gen.ChannelMembershipResource {
			return gen.ChannelMembershipResource{CreatedTime: m.Joined, UnderscoreLinks: &gen.Links{
				"channel": link(ctx, fmt.Sprintf("/v1/channels/%d", m.ChannelID)), "member": link(ctx, fmt.Sprintf("/v1/users/%d", m.UserID))}}
		})
		out = gen.PagedModelChannelMembershipResource{UnderscoreEmbedded: &gen.PagedModelChannelMembershipResourceEmbedded{Memberships: &views}, Page: meta, UnderscoreLinks: links}
		return nil
	})
	return gen.ListChannelMemberships200JSONResponse(out), err
}

// AddChannelModerator implements POST /v1/channels/{id}/moderators: it
// answers the moderator.
func (s *Server) AddChannelModerator(ctx context.Context, req gen.AddChannelModeratorRequestObject) (gen.AddChannelModeratorResponseObject, error) {
	var out gen.ChatUserResource
	err := s.update(ctx, func(st *State, app int64, _ time.Time) error {
		u, err := st.addModerator(app, req.ChannelId, refOf(*req.Body))
		out = userView(ctx, u)
		return err
	})
	return gen.AddChannelModerator200JSONResponse(out), err
}

// ListChannelModerators implements GET /v1/channels/{id}/moderators.
func (s *Server) ListChannelModerators(ctx context.Context, req gen.ListChannelModeratorsRequestObject) (gen.ListChannelModeratorsResponseObject, error) {
	out, err := s.memberUsers(ctx, req.ChannelId, pageOf(req.Params.Page, req.Params.Size, req.Params.Sort), moderatorSorts)
	return gen.ListChannelModerators200JSONResponse(out), err
}

// RemoveChannelModerator implements DELETE /v1/channels/{id}/moderators/{user_id}.
func (s *Server) RemoveChannelModerator(ctx context.Context, req gen.RemoveChannelModeratorRequestObject) (gen.RemoveChannelModeratorResponseObject, error) {
	var out gen.ChannelResource
	err := s.update(ctx, func(st *State, app int64, _ time.Time) error {
		c, err := st.removeModerator(app, req.ChannelId, req.UserId)
		if err == nil {
			out = st.channelView(ctx, c)
		}
		return err
	})
	return gen.RemoveChannelModerator200JSONResponse(out), err
}

// ListChannelParticipants implements GET /v1/channels/{id}/participants:
// the users of the channel's active chat sessions.
func (s *Server) ListChannelParticipants(ctx context.Context, req gen.ListChannelParticipantsRequestObject) (gen.ListChannelParticipantsResponseObject, error) {
	p := pageOf(req.Params.Page, req.Params.Size, req.Params.Sort)
	o, desc, err := participantSorts.order(p, "createdTime")
	if err != nil {
		return nil, err
	}
	var out gen.PagedModelChatUserResource
	err = s.view(ctx, func(st *State, app int64) error {
		c, err := st.channel(app, req.ChannelId)
		if err != nil {
			return err
		}
		views, links, meta := pageItems(ctx, &st.ChatSessions, o, idKey(c.ID), p, desc, func(cs ChatSession) gen.ChatUserResource {
			return userView(ctx, st.userOrDeleted(cs.UserID))
		})
		out = gen.PagedModelChatUserResource{UnderscoreEmbedded: &gen.PagedModelChatUserResourceEmbedded{Users: &views}, Page: meta, UnderscoreLinks: links}
		return nil
	})
	return gen.ListChannelParticipants200JSONResponse(out), err
}

// SendChannelInvite implements POST /v1/channels/{id}/invites.
func (s *Server) SendChannelInvite(ctx context.Context, req gen.SendChannelInviteRequestObject) (gen.SendChannelInviteResponseObject, error) {
	var out gen.ChannelInviteResource
	err := s.update(ctx, func(st *State, app int64, now time.Time) error {
		inv, err := st.invite(app, req.ChannelId, refOf(req.Body.User), now)
		out = inviteView(ctx, inv)
		return err
	})
	return gen.SendChannelInvite200JSONResponse(out), err
}

func inviteView(ctx context.Context, inv Invite) gen.ChannelInviteResource {
	return gen.ChannelInviteResource{CreatedTime: inv.Created, UnderscoreLinks: &gen.Links{
		"channel": link(ctx, fmt.Sprintf("/v1/channels/%d", inv.ChannelID)), "invitee": link(ctx, fmt.Sprintf("/v1/users/%d", inv.UserID))}}
}

// ListChannelInvites implements GET /v1/channels/{id}/invites.
func (s *Server) ListChannelInvites(ctx context.Context, req gen.ListChannelInvitesRequestObject) (gen.ListChannelInvitesResponseObject, error) {
	p := pageOf(req.Params.Page, req.Params.Size, req.Params.Sort)
	o, desc, err := inviteSorts.order(p, "createdTime")
	if err != nil {
		return nil, err
	}
	var out gen.PagedModelChannelInviteResource
	err = s.view(ctx, func(st *State, app int64) error {
		c, err := st.channel(app, req.ChannelId)
		if err != nil {
			return err
		}
		views, links, meta := pageItems(ctx, &st.Invites, o, idKey(c.ID), p, desc, func(inv Invite) gen.ChannelInviteResource { return inviteView(ctx, inv) })
		out = gen.PagedModelChannelInviteResource{UnderscoreEmbedded: &gen.PagedModelChannelInviteResourceEmbedded{Invites: &views}, Page: meta, UnderscoreLinks: links}
		return nil
	})
	return gen.ListChannelInvites200JSONResponse(out), err
}

// SendChannelEvent implements POST /v1/channels/{id}/events: the event
// goes to the channel's connected clients (none in a mock) and is
// answered, not stored.
func (s *Server) SendChannelEvent(ctx context.Context, req gen.SendChannelEventRequestObject) (gen.SendChannelEventResponseObject, error) {
	var out gen.ChannelGenericEventResource
	err := s.view(ctx, func(st *State, app int64) error {
		c, err := st.channel(app, req.ChannelId)
		if err != nil {
			return err
		}
		if req.Body.Type == "" {
			return ErrInvalid.With("type must not be empty")
		}
		out = gen.ChannelGenericEventResource{Type: req.Body.Type, Properties: orEmpty(req.Body.Properties),
			UnderscoreLinks: &gen.Links{"channel": link(ctx, fmt.Sprintf("/v1/channels/%d", c.ID))}}
		return nil
	})
	return gen.SendChannelEvent200JSONResponse(out), err
}

// SendChannelKeystrokes implements POST /v1/channels/{id}/keystrokes:
// checked and answered, not stored.
func (s *Server) SendChannelKeystrokes(ctx context.Context, req gen.SendChannelKeystrokesRequestObject) (gen.SendChannelKeystrokesResponseObject, error) {
	var out gen.ReplyThreadKeystrokesResource
	err := s.view(ctx, func(st *State, app int64) error {
		c, err := st.channel(app, req.ChannelId)
		if err != nil {
			return err
		}
		u, err := st.keystrokes(app, c, refOf(req.Body.User))
		if err != nil {
			return err
		}
		out = gen.ReplyThreadKeystrokesResource{Keys: req.Body.Keys, Username: u.Name,
			UnderscoreLinks: &gen.Links{"thread": link(ctx, fmt.Sprintf("/v1/threads/%d", c.ID))}}
		return nil
	})
	return gen.SendChannelKeystrokes200JSONResponse(out), err
}
