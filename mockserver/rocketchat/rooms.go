package rocketchat

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	gen "github.com/standin/standin/gen/rocketchat"
)

// channels.* and groups.* share their behaviour; they differ in the room
// type they accept and the key their response uses. The helpers here do
// the work once for both; the methods below only pick the type and wrap
// the result.

// roomInfo returns the room ref names, of type t.
func (s *Server) roomInfo(ctx context.Context, t string, ref RoomRef) (gen.Room, error) {
	var out gen.Room
	err := s.view(ctx, func(st *State, me *User) error {
		r, err := st.findRoom(me, ref, t)
		if err != nil {
			return err
		}
		out = r.wire()
		return nil
	})
	return out, err
}

// roomCreate creates a room of type t.
func (s *Server) roomCreate(ctx context.Context, t string, b *gen.RoomCreateRequest) (gen.Room, error) {
	if b == nil {
		return gen.Room{}, errEmptyBody
	}
	// A missing name: channels.create's ajv schema refuses it in the typed
	// router's body form (rest-typings 8.8.1 ChannelsCreateProps,
	// packages/http-router/src/Router.ts); groups.create checks it first
	// thing (apps/meteor/app/api/server/v1/groups.ts). An empty channel name
	// is refused by createChannelValidator after the permission check
	// (apps/meteor/app/api/server/v1/channels.ts), in createRoom.
	if b.Name == nil && t == TypeChannel {
		return gen.Room{}, plain(http.StatusBadRequest, "invalid-params", "must have required property 'name'")
	}
	if deref(b.Name) == "" && t == TypeGroup {
		return gen.Room{}, plain(http.StatusBadRequest, "", `Body param "name" is required`)
	}
	in := RoomInput{Name: deref(b.Name), ReadOnly: b.ReadOnly != nil && *b.ReadOnly, ExcludeSelf: b.ExcludeSelf != nil && *b.ExcludeSelf}
	if b.Members != nil {
		in.Members = *b.Members
	}
	if b.CustomFields != nil {
		in.Custom = *b.CustomFields
	}
	if x := b.ExtraData; x != nil {
		in.Broadcast = x.Broadcast != nil && *x.Broadcast
		in.Encrypted = x.Encrypted != nil && *x.Encrypted
	}
	var out gen.Room
	err := s.update(ctx, func(st *State, me *User, now time.Time) error {
		r, err := st.createRoom(me, t, in, now)
		if err != nil {
			return err
		}
		out = r.wire()
		return nil
	})
	return out, err
}

// roomInvite adds the users the body names to a room of type t.
func (s *Server) roomInvite(ctx context.Context, t string, b *gen.RoomInviteRequest) (gen.Room, error) {
	if b == nil {
		return gen.Room{}, errEmptyBody
	}
	list := InviteList{UserID: deref(b.UserId), Username: deref(b.Username), User: deref(b.User)}
	if b.UserIds != nil {
		list.UserIDs = *b.UserIds
	}
	if b.Usernames != nil {
		list.Usernames = *b.Usernames
	}
	var out gen.Room
	err := s.update(ctx, func(st *State, me *User, now time.Time) error {
		r, err := st.findRoom(me, roomRef(b.RoomId, b.RoomName), t)
		if err != nil {
			return err
		}
		users, err := st.resolveInvitees(list)
		if err != nil {
			return err
		}
		if _, err := st.invite(me, r, users, now); err != nil {
			return err
		}
		out = r.wire()
		return nil
	})
	return out, err
}

// roomUser runs op on a room of type t and the user the body names.
func (s *Server) roomUser(ctx context.Context, t string, b *gen.RoomUserRequest,
	op func(st *State, me *User, r *Room, target *User, now time.Time) error) (gen.Room, error) {
	if b == nil {
		return gen.Room{}, errEmptyBody
	}
	var out gen.Room
	err := s.update(ctx, func(st *State, me *User, now time.Time) error {
		r, err := st.findRoom(me, roomRef(b.RoomId, b.RoomName), t)
		if err != nil {
			return err
		}
		target, err := st.findUser(UserRef{ID: deref(b.UserId), Username: deref(b.Username)})
		if err != nil {
			return err
		}
		if err := op(st, me, r, target, now); err != nil {
			return err
		}
		out = r.wire()
		return nil
	})
	return out, err
}

// roomSelf runs op on a room of type t for the caller (join, leave, delete).
func (s *Server) roomSelf(ctx context.Context, t string, ref RoomRef, body bool,
	op func(st *State, me *User, r *Room, now time.Time) error) (gen.Room, error) {
	if !body {
		return gen.Room{}, errEmptyBody
	}
	var out gen.Room
	err := s.update(ctx, func(st *State, me *User, now time.Time) error {
		r, err := st.findRoom(me, ref, t)
		if err != nil {
			return err
		}
		if err := op(st, me, r, now); err != nil {
			return err
		}
		out = r.wire()
		return nil
	})
	return out, err
}

func changeRoleOp(c roleChange) func(*State, *User, *Room, *User, time.Time) error {
	return func(st *State, me *User, r *Room, target *User, now time.Time) error {
		return st.changeRole(me, r, target, c, now)
	}
}

func kickOp(st *State, me *User, r *Room, target *User, now time.Time) error {
	return st.kick(me, r, target, now)
}

func joinOp(st *State, me *User, r *Room, now time.Time) error  { return st.join(me, r, now) }
func leaveOp(st *State, me *User, r *Room, now time.Time) error { return st.leave(me, r, now) }
func deleteOp(st *State, me *User, r *Room, _ time.Time) error  { return st.deleteRoom(me, r) }

// statuses merges status[]= and status= (the server's qs parse and ajv
// query coercion take both: channelsMembersQuery in
// apps/meteor/app/api/server/v1/channels.ts).
func statuses(bracket, plain *[]string) []string {
	var out []string
	if bracket != nil {
		out = append(out, *bracket...)
	}
	if plain != nil {
		out = append(out, *plain...)
	}
	return out
}

// memberQuery is what channels.members and groups.members take.
type memberQuery struct {
	ref           RoomRef
	filter        string
	status        []string
	count, offset *int
	sort          *string
}

// roomMembers lists one page of a room's members.
func (s *Server) roomMembers(ctx context.Context, t string, q memberQuery) ([]gen.Member, page, int, error) {
	_, desc, err := sortSpec(q.sort, "username")
	if err != nil {
		return nil, page{}, 0, err
	}
	pg := paging(q.count, q.offset)
	var out []gen.Member
	var total int
	err = s.view(ctx, func(st *State, me *User) error {
		r, err := st.findRoom(me, q.ref, t)
		if err != nil {
			return err
		}
		if !st.canAccess(me, r) || (r.Broadcast && !st.can(me, "view-broadcast-member-list", r)) {
			return errForbiddenHelper
		}
		out = []gen.Member{}
		filter := strings.ToLower(q.filter)
		if len(q.status) == 0 && filter == "" {
			// A page of the room's members by username: O(log n + page).
			var subs []Subscription
			subs, total = st.Members.Page(membersOf, r.ID, pg.offset, pg.limit(), desc)
			out = make([]gen.Member, 0, len(subs))
			for _, sub := range subs {
				out = append(out, st.user(sub.UserID).member())
			}
			return nil
		}
		// The status and text filters scan the room's members.
		for sub := range st.Members.Range(membersOf, r.ID, 0, desc) {
			u := st.user(sub.UserID)
			if len(q.status) > 0 && !slices.Contains(q.status, u.Status) {
				continue
			}
			if filter != "" && !strings.Contains(strings.ToLower(u.Username), filter) && !strings.Contains(strings.ToLower(u.Name), filter) {
				continue
			}
			if pg.takes(total, len(out)) {
				out = append(out, u.member())
			}
			total++
		}
		return nil
	})
	return out, pg, total, err
}

// roomList lists one page of rooms of type t: every public channel the
// caller may see, or only the rooms the caller is in when joined is set;
// only room id when id is set (channels.list's _id: ourQuery._id in
// apps/meteor/app/api/server/v1/channels.ts).
func (s *Server) roomList(ctx context.Context, t string, joined bool, count, offset *int, sort *string, id string) ([]gen.Room, page, int, error) {
	field, desc, err := sortSpec(sort, "name", "ts", "_updatedAt", "usersCount")
	if err != nil {
		return nil, page{}, 0, err
	}
	pg := paging(count, offset)
	var out []gen.Room
	var total int
	err = s.view(ctx, func(st *State, me *User) error {
		if !joined && t == TypeChannel && !st.can(me, "view-c-room", nil) && !st.can(me, "view-joined-room", nil) {
			return errForbiddenHelper
		}
		onlyJoined := joined || t == TypeGroup || !st.can(me, "view-c-room", nil)
		if id != "" {
			// One lookup: the room, if it is of type t and the caller may
			// list it.
			out = []gen.Room{}
			r := st.room(id)
			if r == nil || r.Type != t || (onlyJoined && !st.isMember(r.ID, me.ID)) {
				return nil
			}
			total = 1
			if pg.takes(0, 0) {
				out = append(out, r.wire())
			}
			return nil
		}
		if !onlyJoined {
			// A page of every room of type t: O(log n + page).
			var rooms []Room
			rooms, total = st.Rooms.Page(roomsIn[field], t, pg.offset, pg.limit(), desc)
			out = wireRooms(rooms)
			return nil
		}
		// The caller's rooms: O(k log n) for the k rooms the caller is in.
		var rooms []Room
		for m := range st.Members.Range(roomsOf, me.ID, 0, false) {
			if r, ok := st.Rooms.Get(m.RoomID); ok && r.Type == t {
				rooms = append(rooms, r)
			}
		}
		order := roomOrder[field]
		slices.SortFunc(rooms, func(a, b Room) int {
			c := cmp.Or(order(a, b), strings.Compare(a.ID, b.ID))
			if desc {
				return -c
			}
			return c
		})
		var items []Room
		items, total = cut(rooms, pg)
		out = wireRooms(items)
		return nil
	})
	return out, pg, total, err
}

// roomRolesOf lists who holds a room role in a room of type t.
func (s *Server) roomRolesOf(ctx context.Context, t string, ref RoomRef) ([]gen.RoomRoles, error) {
	var out []gen.RoomRoles
	err := s.view(ctx, func(st *State, me *User) error {
		r, err := st.findRoom(me, ref, t)
		if err != nil {
			return err
		}
		if !st.canAccess(me, r) {
			return errForbiddenHelper
		}
		out = st.roomRoles(r)
		return nil
	})
	return out, err
}
