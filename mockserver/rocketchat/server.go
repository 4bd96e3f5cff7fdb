package rocketchat

import (
	"context"
	"strings"
	"time"

	gen "github.com/standin/standin/gen/rocketchat"
	"github.com/standin/standin/mockserver"
)

// Server implements the generated strict server interface on top of the
// rules in rules.go. Each method resolves its inputs, runs one rule inside a
// single store transaction and maps the result to the generated response.
type Server struct {
	session mockserver.Session[State, *User]
	now     func() time.Time
}

var _ gen.StrictServerInterface = (*Server)(nil)

// errEmptyBody is answered when an operation's JSON body is absent.
var errEmptyBody = fail("error-invalid-body-params", "Request body is required")

// clockNow is the mock's time cut to milliseconds: Rocket.Chat keeps its
// dates in MongoDB, which holds milliseconds, so no timestamp on the wire
// carries more digits than a real server's.
func (s *Server) clockNow() time.Time {
	return s.now().UTC().Truncate(time.Millisecond)
}

// update runs fn as the caller's user inside a write transaction.
func (s *Server) update(ctx context.Context, fn func(st *State, me *User, now time.Time) error) error {
	return s.session.Update(ctx, func(st *State, me *User) error {
		now := s.clockNow()
		st.now = now
		return fn(st, me, now)
	})
}

// view runs fn as the caller's user inside a read transaction.
func (s *Server) view(ctx context.Context, fn func(st *State, me *User) error) error {
	return s.session.View(ctx, fn)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

func roomRef(id, name *string) RoomRef {
	return RoomRef{ID: deref(id), Name: deref(name), HasID: id != nil, HasName: name != nil}
}

// userInfo is what getUserInfo adds to the caller's own record, for me and
// login's data.me (apps/meteor/app/api/server/helpers/getUserInfo.ts):
// email is the first verified address (none when no address is verified),
// settings has profile {} and the preferences (the mock keeps none),
// avatarUrl is getURL("/avatar/<username>", {full: true}) on the site the
// client reached, and isOAuthUser is false (the mock has no OAuth logins).
type userInfo struct {
	email       *string
	settings    gen.MeSettings
	avatarURL   string
	isOAuthUser bool
}

func infoOf(ctx context.Context, u *User) userInfo {
	in := userInfo{settings: gen.MeSettings{Profile: map[string]any{}, Preferences: map[string]any{}, Calendar: &map[string]any{}},
		avatarURL: mockserver.BaseURLOf(ctx) + "/avatar/" + u.Username}
	if u.Verified && u.Email != "" {
		in.email = new(u.Email)
	}
	return in
}

// --- authentication ---

// Login implements POST /api/v1/login.
func (s *Server) Login(ctx context.Context, req gen.LoginRequestObject) (gen.LoginResponseObject, error) {
	if req.Body == nil {
		return nil, errLoginFailed
	}
	b := req.Body
	in := LoginInput{User: deref(b.User), Username: deref(b.Username), Email: deref(b.Email), Resume: deref(b.Resume)}
	if b.Password != nil {
		in.Password = *b.Password
	}
	var out gen.Login200JSONResponse
	err := s.session.State.Update(ctx, func(st *State) error {
		u, token, err := st.login(in)
		if err != nil {
			return err
		}
		info := infoOf(ctx, u)
		out = gen.Login200JSONResponse{Status: "success", Data: gen.LoginData{
			AuthToken: token, UserId: u.ID, Me: &gen.LoginMe{
				UnderscoreId: u.ID, Username: u.Username, Name: new(u.Name), Active: new(u.Active),
				Roles: new(append([]string{}, u.Roles...)), Status: new(u.Status),
				Emails: &[]gen.UserEmail{{Address: u.Email, Verified: u.Verified}}, Settings: info.settings,
				Email: info.email, AvatarUrl: info.avatarURL, IsOAuthUser: info.isOAuthUser,
			},
		}}
		return nil
	})
	return out, err
}

// Logout implements POST /api/v1/logout: the token used stops working.
func (s *Server) Logout(ctx context.Context, req gen.LogoutRequestObject) (gen.LogoutResponseObject, error) {
	c, _ := mockserver.CallerFrom[caller](ctx)
	err := s.update(ctx, func(st *State, _ *User, _ time.Time) error {
		st.logout(c.token)
		return nil
	})
	return gen.Logout200JSONResponse{Status: "success", Data: gen.LogoutData{Message: "You've been logged out!"}}, err
}

// Me implements GET /api/v1/me.
func (s *Server) Me(ctx context.Context, _ gen.MeRequestObject) (gen.MeResponseObject, error) {
	var out gen.Me200JSONResponse
	err := s.view(ctx, func(_ *State, me *User) error {
		u := me.wire()
		info := infoOf(ctx, me)
		out = gen.Me200JSONResponse{UnderscoreId: u.UnderscoreId, Username: u.Username, Name: u.Name,
			Emails: u.Emails, Status: u.Status, Active: new(u.Active), Roles: new(u.Roles),
			UnderscoreUpdatedAt: u.UnderscoreUpdatedAt, Nickname: u.Nickname,
			Settings: info.settings, Email: info.email, AvatarUrl: info.avatarURL, IsOAuthUser: info.isOAuthUser, Success: true}
		return nil
	})
	return out, err
}

// --- users ---

// UsersCreate implements POST /api/v1/users.create.
func (s *Server) UsersCreate(ctx context.Context, req gen.UsersCreateRequestObject) (gen.UsersCreateResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	b := req.Body
	in := UserInput{Username: strings.TrimSpace(b.Username), Name: strings.TrimSpace(b.Name), Email: strings.TrimSpace(string(b.Email)),
		Password: b.Password, Nickname: deref(b.Nickname), Active: b.Active, Verified: b.Verified != nil && *b.Verified}
	if b.Roles != nil {
		in.Roles = *b.Roles
	}
	var out gen.UsersCreate200JSONResponse
	err := s.update(ctx, func(st *State, me *User, now time.Time) error {
		u, err := st.createUser(me, in, now)
		if err != nil {
			return err
		}
		out = gen.UsersCreate200JSONResponse{User: u.wire(), Success: true}
		return nil
	})
	return out, err
}

// UsersInfo implements GET /api/v1/users.info: one user found by exactly
// one of userId, username, importId, email or freeSwitchExtension, as the
// route's ajv schema demands (rest-typings 8.8.1 UsersInfoParamsGet), with
// user.rooms when includeUserRooms is "true" and the caller is that user or
// holds view-other-user-channels (apps/meteor/app/api/server/v1/users.ts).
func (s *Server) UsersInfo(ctx context.Context, req gen.UsersInfoRequestObject) (gen.UsersInfoResponseObject, error) {
	p := req.Params
	given, empty := 0, false
	for _, v := range []*string{p.UserId, p.Username, p.ImportId, p.Email, p.FreeSwitchExtension} {
		if v != nil {
			given++
			empty = *v == ""
		}
	}
	if given != 1 {
		return nil, errUsersInfoParams
	}
	if empty {
		return nil, errUserInfoEmptyKey
	}
	var out gen.UsersInfo200JSONResponse
	err := s.view(ctx, func(st *State, me *User) error {
		var u *User
		switch {
		case p.UserId != nil:
			u = st.user(*p.UserId)
		case p.Username != nil:
			u = st.userByName(*p.Username)
		case p.Email != nil:
			u = st.userByEmail(*p.Email)
		}
		// No user of the mock has an import id or a FreeSwitch extension.
		if u == nil {
			return errUserInfoNotFound
		}
		out = gen.UsersInfo200JSONResponse{User: u.wire(), Success: true}
		if deref(p.IncludeUserRooms) == "true" && (u.ID == me.ID || st.can(me, "view-other-user-channels", nil)) {
			rooms := st.userRooms(u.ID)
			out.User.Rooms = &rooms
		}
		return nil
	})
	return out, err
}

// UsersList implements GET /api/v1/users.list: email (8.4+) and query as
// the server reads them (see userquery.go); fields, a projection the mock
// does not implement, is refused rather than ignored.
func (s *Server) UsersList(ctx context.Context, req gen.UsersListRequestObject) (gen.UsersListResponseObject, error) {
	p := req.Params
	if p.Fields != nil && *p.Fields != "" {
		return nil, fail("error-invalid-fields", `standin does not implement the "fields" projection of users.list`).WithDetail("helperMethod", "parseJsonQuery")
	}
	keep := userFilter(func(*User) bool { return true })
	if p.Query != nil && *p.Query != "" {
		f, err := parseUserQuery(*p.Query)
		if err != nil {
			return nil, err
		}
		keep = f
	}
	field, desc, err := sortSpec(p.Sort, "username", "name", "createdAt")
	if err != nil {
		return nil, err
	}
	var out gen.UsersList200JSONResponse
	err = s.view(ctx, func(st *State, me *User) error {
		if !st.can(me, "view-d-room", nil) {
			return errUnauthorizedHelper
		}
		idx := usersInUsername
		switch field {
		case "name":
			idx = usersInName
		case "createdAt":
			idx = usersInCreated
		}
		pg := paging(p.Count, p.Offset)
		wire := []gen.User{}
		var total int
		switch {
		case p.Email != nil:
			// One index lookup: addresses are unique.
			if u := st.userByEmail(*p.Email); u != nil && keep(u) {
				total = 1
				if pg.takes(0, 0) {
					wire = append(wire, u.wire())
				}
			}
		case p.Query == nil || *p.Query == "":
			// A page in one of the indexes' orders: O(log n + page).
			var users []User
			users, total = st.Users.Page(idx, "", pg.offset, pg.limit(), desc)
			wire = make([]gen.User, 0, len(users))
			for _, u := range users {
				wire = append(wire, u.wire())
			}
		default:
			// A query scans every user (see the spec's description).
			for u := range st.Users.Range(idx, "", 0, desc) {
				if !keep(&u) {
					continue
				}
				if pg.takes(total, len(wire)) {
					wire = append(wire, u.wire())
				}
				total++
			}
		}
		out = gen.UsersList200JSONResponse{Users: wire, Count: len(wire), Offset: pg.offset, Total: total, Success: true}
		return nil
	})
	return out, err
}

// UsersDelete implements POST /api/v1/users.delete.
func (s *Server) UsersDelete(ctx context.Context, req gen.UsersDeleteRequestObject) (gen.UsersDeleteResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	b := req.Body
	var out gen.UsersDelete200JSONResponse
	err := s.update(ctx, func(st *State, me *User, _ time.Time) error {
		if !st.can(me, "delete-user", nil) {
			return errUnauthorizedHelper
		}
		target, err := st.findUser(UserRef{ID: deref(b.UserId), Username: deref(b.Username)})
		if err != nil {
			return err
		}
		if _, err := st.deleteUser(me, target, b.ConfirmRelinquish != nil && *b.ConfirmRelinquish); err != nil {
			return err
		}
		// The route answers API.v1.success() alone
		// (apps/meteor/app/api/server/v1/users.ts, users.delete).
		out = gen.UsersDelete200JSONResponse{Success: true}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// --- permissions ---

// PermissionsListAll implements GET /api/v1/permissions.listAll.
func (s *Server) PermissionsListAll(ctx context.Context, req gen.PermissionsListAllRequestObject) (gen.PermissionsListAllResponseObject, error) {
	var since *time.Time
	if raw := req.Params.UpdatedSince; raw != nil && *raw != "" {
		t, ok := parseJSDate(*raw)
		if !ok {
			// apps/meteor/app/api/server/v1/permissions.ts: isNaN(Date.parse(updatedSince)).
			return nil, fail("error-roomId-param-invalid", `The "updatedSince" query parameter must be a valid date.`)
		}
		since = &t
	}
	var out gen.PermissionsListAll200JSONResponse
	err := s.view(ctx, func(st *State, _ *User) error {
		update := []gen.Permission{}
		for _, p := range sortedPermissions(st) {
			if since == nil || p.Updated.After(*since) {
				update = append(update, p.wire())
			}
		}
		out = gen.PermissionsListAll200JSONResponse{Update: update, Remove: []gen.Permission{}, Success: true}
		return nil
	})
	return out, err
}

// PermissionsUpdate implements POST /api/v1/permissions.update.
func (s *Server) PermissionsUpdate(ctx context.Context, req gen.PermissionsUpdateRequestObject) (gen.PermissionsUpdateResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	changes := make([]PermissionChange, len(req.Body.Permissions))
	for i, p := range req.Body.Permissions {
		changes[i] = PermissionChange{ID: p.UnderscoreId, Roles: p.Roles}
	}
	var out gen.PermissionsUpdate200JSONResponse
	err := s.update(ctx, func(st *State, me *User, now time.Time) error {
		if _, err := st.updatePermissions(me, changes, now); err != nil {
			return err
		}
		// The server answers the whole table as it now stands
		// (apps/meteor/app/api/server/v1/permissions.ts: permissionsGetMethod()).
		all := sortedPermissions(st)
		wire := make([]gen.Permission, len(all))
		for i, p := range all {
			wire[i] = p.wire()
		}
		out = gen.PermissionsUpdate200JSONResponse{Permissions: wire, Success: true}
		return nil
	})
	return out, err
}

// --- rooms ---

// RoomsInfo implements GET /api/v1/rooms.info for a room of any type.
func (s *Server) RoomsInfo(ctx context.Context, req gen.RoomsInfoRequestObject) (gen.RoomsInfoResponseObject, error) {
	var out gen.RoomsInfo200JSONResponse
	err := s.view(ctx, func(st *State, me *User) error {
		id := deref(req.Params.RoomId)
		if id == "" {
			if r := st.roomByName(deref(req.Params.RoomName)); r != nil {
				id = r.ID
			} else if deref(req.Params.RoomName) != "" {
				return ErrRoomNotFound
			}
		}
		r, err := st.findAnyRoom(me, id)
		if err != nil {
			return err
		}
		out = gen.RoomsInfo200JSONResponse{Room: r.wire(), Success: true}
		return nil
	})
	return out, err
}
