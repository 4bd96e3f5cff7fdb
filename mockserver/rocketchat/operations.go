package rocketchat

// The operations of channels.* and groups.*, each a thin wrapper that picks
// the room type and the response key around the shared helpers in rooms.go.
// When a helper fails, the error wins: the strict handler ignores the
// response and writes the error instead.

import (
	"context"

	gen "github.com/standin/standin/gen/rocketchat"
)

func bodyRef(b *gen.RoomRefRequest) RoomRef {
	if b == nil {
		return RoomRef{}
	}
	return roomRef(b.RoomId, b.RoomName)
}

// ChannelsCreate implements POST /api/v1/channels.create.
func (s *Server) ChannelsCreate(ctx context.Context, req gen.ChannelsCreateRequestObject) (gen.ChannelsCreateResponseObject, error) {
	room, err := s.roomCreate(ctx, TypeChannel, req.Body)
	return gen.ChannelsCreate200JSONResponse{Channel: room, Success: true}, err
}

// ChannelsInfo implements GET /api/v1/channels.info.
func (s *Server) ChannelsInfo(ctx context.Context, req gen.ChannelsInfoRequestObject) (gen.ChannelsInfoResponseObject, error) {
	room, err := s.roomInfo(ctx, TypeChannel, roomRef(req.Params.RoomId, req.Params.RoomName))
	return gen.ChannelsInfo200JSONResponse{Channel: room, Success: true}, err
}

// ChannelsInvite implements POST /api/v1/channels.invite, single and bulk.
func (s *Server) ChannelsInvite(ctx context.Context, req gen.ChannelsInviteRequestObject) (gen.ChannelsInviteResponseObject, error) {
	room, err := s.roomInvite(ctx, TypeChannel, req.Body)
	return gen.ChannelsInvite200JSONResponse{Channel: room, Success: true}, err
}

// ChannelsKick implements POST /api/v1/channels.kick.
func (s *Server) ChannelsKick(ctx context.Context, req gen.ChannelsKickRequestObject) (gen.ChannelsKickResponseObject, error) {
	room, err := s.roomUser(ctx, TypeChannel, req.Body, kickOp)
	return gen.ChannelsKick200JSONResponse{Channel: room, Success: true}, err
}

// ChannelsAddOwner implements POST /api/v1/channels.addOwner.
func (s *Server) ChannelsAddOwner(ctx context.Context, req gen.ChannelsAddOwnerRequestObject) (gen.ChannelsAddOwnerResponseObject, error) {
	_, err := s.roomUser(ctx, TypeChannel, req.Body, changeRoleOp(addOwner))
	return gen.ChannelsAddOwner200JSONResponse{Success: true}, err
}

// ChannelsRemoveOwner implements POST /api/v1/channels.removeOwner.
func (s *Server) ChannelsRemoveOwner(ctx context.Context, req gen.ChannelsRemoveOwnerRequestObject) (gen.ChannelsRemoveOwnerResponseObject, error) {
	_, err := s.roomUser(ctx, TypeChannel, req.Body, changeRoleOp(removeOwner))
	return gen.ChannelsRemoveOwner200JSONResponse{Success: true}, err
}

// ChannelsAddModerator implements POST /api/v1/channels.addModerator.
func (s *Server) ChannelsAddModerator(ctx context.Context, req gen.ChannelsAddModeratorRequestObject) (gen.ChannelsAddModeratorResponseObject, error) {
	_, err := s.roomUser(ctx, TypeChannel, req.Body, changeRoleOp(addModerator))
	return gen.ChannelsAddModerator200JSONResponse{Success: true}, err
}

// ChannelsRemoveModerator implements POST /api/v1/channels.removeModerator.
func (s *Server) ChannelsRemoveModerator(ctx context.Context, req gen.ChannelsRemoveModeratorRequestObject) (gen.ChannelsRemoveModeratorResponseObject, error) {
	_, err := s.roomUser(ctx, TypeChannel, req.Body, changeRoleOp(removeModerator))
	return gen.ChannelsRemoveModerator200JSONResponse{Success: true}, err
}

// ChannelsJoin implements POST /api/v1/channels.join.
func (s *Server) ChannelsJoin(ctx context.Context, req gen.ChannelsJoinRequestObject) (gen.ChannelsJoinResponseObject, error) {
	var ref RoomRef
	if req.Body != nil {
		ref = roomRef(req.Body.RoomId, req.Body.RoomName)
	}
	room, err := s.roomSelf(ctx, TypeChannel, ref, req.Body != nil, joinOp)
	return gen.ChannelsJoin200JSONResponse{Channel: room, Success: true}, err
}

// ChannelsLeave implements POST /api/v1/channels.leave.
func (s *Server) ChannelsLeave(ctx context.Context, req gen.ChannelsLeaveRequestObject) (gen.ChannelsLeaveResponseObject, error) {
	room, err := s.roomSelf(ctx, TypeChannel, bodyRef(req.Body), req.Body != nil, leaveOp)
	return gen.ChannelsLeave200JSONResponse{Channel: room, Success: true}, err
}

// ChannelsDelete implements POST /api/v1/channels.delete.
func (s *Server) ChannelsDelete(ctx context.Context, req gen.ChannelsDeleteRequestObject) (gen.ChannelsDeleteResponseObject, error) {
	_, err := s.roomSelf(ctx, TypeChannel, bodyRef(req.Body), req.Body != nil, deleteOp)
	return gen.ChannelsDelete200JSONResponse{Success: true}, err
}

// ChannelsMembers implements GET /api/v1/channels.members.
func (s *Server) ChannelsMembers(ctx context.Context, req gen.ChannelsMembersRequestObject) (gen.ChannelsMembersResponseObject, error) {
	p := req.Params
	q := memberQuery{ref: roomRef(p.RoomId, p.RoomName), filter: deref(p.Filter), count: p.Count, offset: p.Offset, sort: p.Sort}
	q.status = statuses(p.Status, p.StatusPlain)
	members, pg, total, err := s.roomMembers(ctx, TypeChannel, q)
	return gen.ChannelsMembers200JSONResponse{Members: members, Count: len(members), Offset: pg.offset, Total: total, Success: true}, err
}

// ChannelsRoles implements GET /api/v1/channels.roles.
func (s *Server) ChannelsRoles(ctx context.Context, req gen.ChannelsRolesRequestObject) (gen.ChannelsRolesResponseObject, error) {
	roles, err := s.roomRolesOf(ctx, TypeChannel, roomRef(req.Params.RoomId, req.Params.RoomName))
	return gen.ChannelsRoles200JSONResponse{Roles: roles, Success: true}, err
}

// GroupsCreate implements POST /api/v1/groups.create.
func (s *Server) GroupsCreate(ctx context.Context, req gen.GroupsCreateRequestObject) (gen.GroupsCreateResponseObject, error) {
	room, err := s.roomCreate(ctx, TypeGroup, req.Body)
	return gen.GroupsCreate200JSONResponse{Group: room, Success: true}, err
}

// GroupsInfo implements GET /api/v1/groups.info.
func (s *Server) GroupsInfo(ctx context.Context, req gen.GroupsInfoRequestObject) (gen.GroupsInfoResponseObject, error) {
	room, err := s.roomInfo(ctx, TypeGroup, roomRef(req.Params.RoomId, req.Params.RoomName))
	return gen.GroupsInfo200JSONResponse{Group: room, Success: true}, err
}

// GroupsInvite implements POST /api/v1/groups.invite, single and bulk.
func (s *Server) GroupsInvite(ctx context.Context, req gen.GroupsInviteRequestObject) (gen.GroupsInviteResponseObject, error) {
	room, err := s.roomInvite(ctx, TypeGroup, req.Body)
	return gen.GroupsInvite200JSONResponse{Group: room, Success: true}, err
}

// GroupsKick implements POST /api/v1/groups.kick.
func (s *Server) GroupsKick(ctx context.Context, req gen.GroupsKickRequestObject) (gen.GroupsKickResponseObject, error) {
	room, err := s.roomUser(ctx, TypeGroup, req.Body, kickOp)
	return gen.GroupsKick200JSONResponse{Group: &room, Success: true}, err
}

// GroupsAddOwner implements POST /api/v1/groups.addOwner.
func (s *Server) GroupsAddOwner(ctx context.Context, req gen.GroupsAddOwnerRequestObject) (gen.GroupsAddOwnerResponseObject, error) {
	_, err := s.roomUser(ctx, TypeGroup, req.Body, changeRoleOp(addOwner))
	return gen.GroupsAddOwner200JSONResponse{Success: true}, err
}

// GroupsRemoveOwner implements POST /api/v1/groups.removeOwner.
func (s *Server) GroupsRemoveOwner(ctx context.Context, req gen.GroupsRemoveOwnerRequestObject) (gen.GroupsRemoveOwnerResponseObject, error) {
	_, err := s.roomUser(ctx, TypeGroup, req.Body, changeRoleOp(removeOwner))
	return gen.GroupsRemoveOwner200JSONResponse{Success: true}, err
}

// GroupsAddModerator implements POST /api/v1/groups.addModerator.
func (s *Server) GroupsAddModerator(ctx context.Context, req gen.GroupsAddModeratorRequestObject) (gen.GroupsAddModeratorResponseObject, error) {
	_, err := s.roomUser(ctx, TypeGroup, req.Body, changeRoleOp(addModerator))
	return gen.GroupsAddModerator200JSONResponse{Success: true}, err
}

// GroupsRemoveModerator implements POST /api/v1/groups.removeModerator.
func (s *Server) GroupsRemoveModerator(ctx context.Context, req gen.GroupsRemoveModeratorRequestObject) (gen.GroupsRemoveModeratorResponseObject, error) {
	_, err := s.roomUser(ctx, TypeGroup, req.Body, changeRoleOp(removeModerator))
	return gen.GroupsRemoveModerator200JSONResponse{Success: true}, err
}

// GroupsLeave implements POST /api/v1/groups.leave.
func (s *Server) GroupsLeave(ctx context.Context, req gen.GroupsLeaveRequestObject) (gen.GroupsLeaveResponseObject, error) {
	_, err := s.roomSelf(ctx, TypeGroup, bodyRef(req.Body), req.Body != nil, leaveOp)
	return gen.GroupsLeave200JSONResponse{Success: true}, err
}

// GroupsDelete implements POST /api/v1/groups.delete.
func (s *Server) GroupsDelete(ctx context.Context, req gen.GroupsDeleteRequestObject) (gen.GroupsDeleteResponseObject, error) {
	_, err := s.roomSelf(ctx, TypeGroup, bodyRef(req.Body), req.Body != nil, deleteOp)
	return gen.GroupsDelete200JSONResponse{Success: true}, err
}

// GroupsMembers implements GET /api/v1/groups.members.
func (s *Server) GroupsMembers(ctx context.Context, req gen.GroupsMembersRequestObject) (gen.GroupsMembersResponseObject, error) {
	p := req.Params
	q := memberQuery{ref: roomRef(p.RoomId, p.RoomName), filter: deref(p.Filter), count: p.Count, offset: p.Offset, sort: p.Sort}
	q.status = statuses(p.Status, p.StatusPlain)
	members, pg, total, err := s.roomMembers(ctx, TypeGroup, q)
	return gen.GroupsMembers200JSONResponse{Members: members, Count: len(members), Offset: pg.offset, Total: total, Success: true}, err
}

// GroupsRoles implements GET /api/v1/groups.roles.
func (s *Server) GroupsRoles(ctx context.Context, req gen.GroupsRolesRequestObject) (gen.GroupsRolesResponseObject, error) {
	roles, err := s.roomRolesOf(ctx, TypeGroup, roomRef(req.Params.RoomId, req.Params.RoomName))
	return gen.GroupsRoles200JSONResponse{Roles: roles, Success: true}, err
}

// ChannelsList implements GET /api/v1/channels.list: every public channel.
func (s *Server) ChannelsList(ctx context.Context, req gen.ChannelsListRequestObject) (gen.ChannelsListResponseObject, error) {
	p := req.Params
	if deref(p.Query) != "" {
		// The server merges query into its own filter; the mock does not
		// implement it, and says so rather than ignore it.
		return nil, fail("error-invalid-query", `standin does not implement the "query" filter of channels.list`)
	}
	rooms, pg, total, err := s.roomList(ctx, TypeChannel, false, p.Count, p.Offset, p.Sort, deref(p.Id))
	return gen.ChannelsList200JSONResponse{Channels: rooms, Count: len(rooms), Offset: pg.offset, Total: total, Success: true}, err
}

// ChannelsListJoined implements GET /api/v1/channels.list.joined.
func (s *Server) ChannelsListJoined(ctx context.Context, req gen.ChannelsListJoinedRequestObject) (gen.ChannelsListJoinedResponseObject, error) {
	p := req.Params
	rooms, pg, total, err := s.roomList(ctx, TypeChannel, true, p.Count, p.Offset, p.Sort, "")
	return gen.ChannelsListJoined200JSONResponse{Channels: rooms, Count: len(rooms), Offset: pg.offset, Total: total, Success: true}, err
}

// GroupsList implements GET /api/v1/groups.list: the caller's groups.
func (s *Server) GroupsList(ctx context.Context, req gen.GroupsListRequestObject) (gen.GroupsListResponseObject, error) {
	p := req.Params
	rooms, pg, total, err := s.roomList(ctx, TypeGroup, true, p.Count, p.Offset, p.Sort, "")
	return gen.GroupsList200JSONResponse{Groups: rooms, Count: len(rooms), Offset: pg.offset, Total: total, Success: true}, err
}
