package rocketchat

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	gen "github.com/standin/standin/gen/rocketchat"
	"github.com/standin/standin/mockserver"
)

// im.create, im.list, subscriptions.get/read, rooms.get, settings.public
// and /api/info.

// ImCreate implements POST /api/v1/im.create.
func (s *Server) ImCreate(ctx context.Context, req gen.ImCreateRequestObject) (gen.ImCreateResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	b := req.Body
	var names []string
	switch {
	case b.Username != nil:
		names = []string{*b.Username}
	case b.Usernames != nil:
		names = strings.Split(*b.Usernames, ",")
	default:
		return nil, fail("invalid-params", "must have required property 'username' or 'usernames'")
	}
	var out gen.ImCreate200JSONResponse
	err := s.update(ctx, func(st *State, me *User, now time.Time) error {
		r, err := st.openDirect(me, names, b.ExcludeSelf != nil && *b.ExcludeSelf, now)
		if err != nil {
			return err
		}
		room := st.roomWithLast(r)
		room.Rid = new(r.ID)
		out = gen.ImCreate200JSONResponse{Room: room, Success: true}
		return nil
	})
	return out, err
}

// ImList implements GET /api/v1/im.list: the caller's direct rooms,
// O(k log n) for the caller's k rooms.
func (s *Server) ImList(ctx context.Context, req gen.ImListRequestObject) (gen.ImListResponseObject, error) {
	p := req.Params
	field, desc, err := sortSpec(p.Sort, "name", "ts", "_updatedAt", "lm")
	if err != nil {
		return nil, err
	}
	pg := paging(p.Count, p.Offset)
	var out gen.ImList200JSONResponse
	err = s.view(ctx, func(st *State, me *User) error {
		var rooms []Room
		for _, sub := range st.mySubscriptions(me) {
			if r := st.room(sub.RoomID); r != nil && r.Type == TypeDirect {
				rooms = append(rooms, *r)
			}
		}
		slices.SortFunc(rooms, func(a, b Room) int {
			var c int
			switch field {
			case "ts":
				c = a.Created.Compare(b.Created)
			case "_updatedAt":
				c = a.Updated.Compare(b.Updated)
			case "lm":
				c = a.LastMessageAt.Compare(b.LastMessageAt)
			default:
				c = strings.Compare(a.Name, b.Name)
			}
			c = cmp.Or(c, strings.Compare(a.ID, b.ID))
			if desc {
				return -c
			}
			return c
		})
		items, total := cut(rooms, pg)
		ims := make([]gen.Room, len(items))
		for i := range items {
			ims[i] = st.roomWithLast(&items[i])
		}
		out = gen.ImList200JSONResponse{Ims: ims, Count: len(ims), Offset: pg.offset, Total: total, Success: true}
		return nil
	})
	return out, err
}

// wire is sub as the server sends it to its user.
func (sub *Subscription) wire(r *Room, me *User) gen.Subscription {
	name := r.subName(me)
	roles := append([]string{}, sub.Roles...)
	return gen.Subscription{UnderscoreId: subscriptionID(r.ID, me.ID), Rid: r.ID, T: gen.SubscriptionT(r.Type),
		U:    gen.MessageUser{UnderscoreId: me.ID, Username: me.Username, Name: mockserver.NonZero(me.Name)},
		Name: name, Fname: mockserver.NonZero(name), Ts: sub.Joined, Ls: sub.lastSeen(), UnderscoreUpdatedAt: sub.updated(),
		Open: !sub.Hidden, Alert: sub.Alert, Unread: sub.Unread, UserMentions: sub.UserMentions, GroupMentions: sub.GroupMentions,
		Roles: &roles}
}

func removedWire(rs []Removal) []gen.Removed {
	out := make([]gen.Removed, len(rs))
	for i, r := range rs {
		out[i] = gen.Removed{UnderscoreId: r.ID, UnderscoreDeletedAt: r.At}
	}
	return out
}

// SubscriptionsGet implements GET /api/v1/subscriptions.get.
func (s *Server) SubscriptionsGet(ctx context.Context, req gen.SubscriptionsGetRequestObject) (gen.SubscriptionsGetResponseObject, error) {
	var since *time.Time
	if raw := deref(req.Params.UpdatedSince); raw != "" {
		t, ok := parseJSDate(raw)
		if !ok {
			return nil, fail("error-roomId-param-invalid", "The \"lastUpdate\" query parameter must be a valid date.")
		}
		since = &t
	}
	var out gen.SubscriptionsGet200JSONResponse
	err := s.view(ctx, func(st *State, me *User) error {
		update := []gen.Subscription{}
		for _, sub := range st.mySubscriptions(me) {
			if since != nil && !sub.updated().After(*since) {
				continue
			}
			if r := st.room(sub.RoomID); r != nil {
				update = append(update, sub.wire(r, me))
			}
		}
		remove := []gen.Removed{}
		if since != nil {
			remove = removedWire(st.removedSince(me.ID, *since))
		}
		out = gen.SubscriptionsGet200JSONResponse{Update: update, Remove: remove, Success: true}
		return nil
	})
	return out, err
}

// SubscriptionsRead implements POST /api/v1/subscriptions.read.
func (s *Server) SubscriptionsRead(ctx context.Context, req gen.SubscriptionsReadRequestObject) (gen.SubscriptionsReadResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	rid := firstOf(req.Body.Rid, req.Body.RoomId)
	err := s.update(ctx, func(st *State, me *User, now time.Time) error {
		sub := st.sub(rid, me.ID)
		if sub == nil {
			return plain(400, "", "error-invalid-subscription")
		}
		sub.markRead(now, now)
		must(st.Members.Replace(*sub))
		return nil
	})
	return gen.SubscriptionsRead200JSONResponse{Success: true}, err
}

// RoomsGet implements GET /api/v1/rooms.get.
func (s *Server) RoomsGet(ctx context.Context, req gen.RoomsGetRequestObject) (gen.RoomsGetResponseObject, error) {
	var since *time.Time
	if raw := deref(req.Params.UpdatedSince); raw != "" {
		t, ok := parseJSDate(raw)
		if !ok {
			return nil, fail("error-updatedSince-param-invalid", "The \"updatedSince\" query parameter must be a valid date.")
		}
		since = &t
	}
	var out gen.RoomsGet200JSONResponse
	err := s.view(ctx, func(st *State, me *User) error {
		update := []gen.Room{}
		for _, sub := range st.mySubscriptions(me) {
			r := st.room(sub.RoomID)
			if r == nil || since != nil && !r.Updated.After(*since) {
				continue
			}
			update = append(update, st.roomWithLast(r))
		}
		remove := []gen.Removed{}
		if since != nil {
			remove = removedWire(st.removedSince("", *since))
		}
		out = gen.RoomsGet200JSONResponse{Update: update, Remove: remove, Success: true}
		return nil
	})
	return out, err
}

// publicSettings are the public settings the mock's rules read, at the
// server's defaults (apps/meteor/server/settings/*.ts), by id. They are
// fixed: the mock has no call that changes them.
var publicSettings = []gen.Setting{
	{UnderscoreId: "API_Default_Count", Value: defaultCount},
	{UnderscoreId: "API_Upper_Count_Limit", Value: maxCount},
	{UnderscoreId: "Message_AllowDeleting", Value: true},
	{UnderscoreId: "Message_AllowDeleting_BlockDeleteInMinutes", Value: 0},
	{UnderscoreId: "Message_AllowEditing", Value: true},
	{UnderscoreId: "Message_AllowEditing_BlockEditInMinutes", Value: 0},
	{UnderscoreId: "Message_KeepHistory", Value: false},
	{UnderscoreId: "Message_MaxAllowedSize", Value: maxMessageSize},
	{UnderscoreId: "Message_ShowDeletedStatus", Value: false},
	{UnderscoreId: "Site_Name", Value: "Rocket.Chat"},
	{UnderscoreId: "Threads_enabled", Value: true},
	{UnderscoreId: "Unread_Count", Value: "user_and_group_mentions_only"},
	{UnderscoreId: "Unread_Count_DM", Value: "all_messages"},
}

// SettingsPublic implements GET /api/v1/settings.public.
func (s *Server) SettingsPublic(_ context.Context, req gen.SettingsPublicRequestObject) (gen.SettingsPublicResponseObject, error) {
	p := req.Params
	_, desc, err := sortSpec(p.Sort, "_id")
	if err != nil {
		return nil, err
	}
	ids := splitIDs(p.UnderscoreId)
	var all []gen.Setting
	for _, st := range publicSettings {
		if len(ids) == 0 || slices.Contains(ids, st.UnderscoreId) {
			all = append(all, st)
		}
	}
	if desc {
		slices.Reverse(all)
	}
	items, total := cut(all, paging(p.Count, p.Offset))
	pg := paging(p.Count, p.Offset)
	return gen.SettingsPublic200JSONResponse{Settings: items, Count: len(items), Offset: pg.offset, Total: total, Success: true}, nil
}

// ServerVersion is the Rocket.Chat version the mock emulates, as
// /api/info shows it to a caller without view-statistics (no patch level).
const ServerVersion = "8.0"

// ServerInfo implements GET /api/info.
func (s *Server) ServerInfo(context.Context, gen.ServerInfoRequestObject) (gen.ServerInfoResponseObject, error) {
	return gen.ServerInfo200JSONResponse{Version: ServerVersion, Success: true,
		MinimumClientVersions: &gen.MinimumClientVersions{Desktop: "3.9.6", Mobile: "4.39.0"}}, nil
}
