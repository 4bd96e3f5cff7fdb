package chatkitty

import (
	"context"
	"time"

	gen "github.com/standin/standin/gen/chatkitty"
)

// --- application ---

// RetrieveAuthenticatedApplication implements GET /v1/application.
func (s *Server) RetrieveAuthenticatedApplication(ctx context.Context, _ gen.RetrieveAuthenticatedApplicationRequestObject) (gen.RetrieveAuthenticatedApplicationResponseObject, error) {
	var out gen.ApplicationResource
	err := s.view(ctx, func(st *State, app int64) error {
		a, err := st.app(app)
		out = appView(ctx, a)
		return err
	})
	return gen.RetrieveAuthenticatedApplication200JSONResponse(out), err
}

// RetrieveAuthenticatedApplicationSettings implements GET /v1/application/settings.
func (s *Server) RetrieveAuthenticatedApplicationSettings(ctx context.Context, _ gen.RetrieveAuthenticatedApplicationSettingsRequestObject) (gen.RetrieveAuthenticatedApplicationSettingsResponseObject, error) {
	var out gen.ApplicationSettingsResource
	err := s.view(ctx, func(st *State, app int64) error {
		a, err := st.app(app)
		out = settingsView(ctx, a)
		return err
	})
	return gen.RetrieveAuthenticatedApplicationSettings200JSONResponse(out), err
}

// UpdateAuthenticatedApplicationSettings implements PUT /v1/application/settings.
func (s *Server) UpdateAuthenticatedApplicationSettings(ctx context.Context, req gen.UpdateAuthenticatedApplicationSettingsRequestObject) (gen.UpdateAuthenticatedApplicationSettingsResponseObject, error) {
	in := Settings{GuestUsers: string(req.Body.GuestUsers) == enabled, UserCreatedChannels: string(req.Body.UserCreatedChannels) == enabled}
	var out gen.ApplicationSettingsResource
	err := s.update(ctx, func(st *State, app int64, _ time.Time) error {
		a, err := st.setSettings(app, in)
		out = settingsView(ctx, a)
		return err
	})
	return gen.UpdateAuthenticatedApplicationSettings200JSONResponse(out), err
}

// --- users ---

var userSorts = sortable[User]{"id": usersOf, "name": usersByNameIn}

// CreateUser implements POST /v1/users.
func (s *Server) CreateUser(ctx context.Context, req gen.CreateUserRequestObject) (gen.CreateUserResponseObject, error) {
	in := NewUser{Name: req.Body.Name, DisplayName: req.Body.DisplayName, Guest: req.Body.IsGuest}
	if req.Body.Properties != nil {
		in.Properties = *req.Body.Properties
	}
	var out gen.ChatUserResource
	err := s.update(ctx, func(st *State, app int64, now time.Time) error {
		u, err := st.createUser(app, in, now)
		out = userView(ctx, u)
		return err
	})
	return gen.CreateUser200JSONResponse(out), err
}

// CheckUserExists implements HEAD /v1/users?name=.
func (s *Server) CheckUserExists(ctx context.Context, req gen.CheckUserExistsRequestObject) (gen.CheckUserExistsResponseObject, error) {
	found := false
	err := s.view(ctx, func(st *State, app int64) error {
		_, found = st.Users.Lookup(usersByName, idKey(app)+"\x00"+req.Params.Name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return gen.CheckUserExists404Response{}, nil
	}
	return gen.CheckUserExists200Response{}, nil
}

// ListUsers implements GET /v1/users: by id or name; a name filter finds
// the one user of that name.
func (s *Server) ListUsers(ctx context.Context, req gen.ListUsersRequestObject) (gen.ListUsersResponseObject, error) {
	p := pageOf(req.Params.Page, req.Params.Size, req.Params.Sort)
	o, desc, err := userSorts.order(p, "id")
	if err != nil {
		return nil, err
	}
	var out gen.PagedModelChatUserResource
	err = s.view(ctx, func(st *State, app int64) error {
		var users []User
		total := 0
		if req.Params.Name != nil {
			if u, ok := st.Users.Lookup(usersByName, idKey(app)+"\x00"+*req.Params.Name); ok {
				total = 1
				if p.Page == 0 {
					users = []User{u}
				}
			}
		} else {
			users, total = page(&st.Users, o, idKey(app), p, desc)
		}
		out = usersPage(ctx, users, p, total)
		return nil
	})
	return gen.ListUsers200JSONResponse(out), err
}

func usersPage(ctx context.Context, users []User, p PageRequest, total int) gen.PagedModelChatUserResource {
	views := make([]gen.ChatUserResource, len(users))
	for i, u := range users {
		views[i] = userView(ctx, u)
	}
	links, meta := pageLinks(ctx, p, total)
	return gen.PagedModelChatUserResource{UnderscoreEmbedded: &gen.PagedModelChatUserResourceEmbedded{Users: &views}, Page: meta, UnderscoreLinks: links}
}

// RetrieveUser implements GET /v1/users/{id}.
func (s *Server) RetrieveUser(ctx context.Context, req gen.RetrieveUserRequestObject) (gen.RetrieveUserResponseObject, error) {
	var out gen.ChatUserResource
	err := s.view(ctx, func(st *State, app int64) error {
		u, err := st.user(app, req.UserId)
		out = userView(ctx, u)
		return err
	})
	return gen.RetrieveUser200JSONResponse(out), err
}

// UpdateUser implements PATCH /v1/users/{id} (a merge-patch).
func (s *Server) UpdateUser(ctx context.Context, req gen.UpdateUserRequestObject) (gen.UpdateUserResponseObject, error) {
	var p UserPatch
	if b := firstOf(req.JSONBody, req.ApplicationMergePatchPlusJSONBody); b != nil {
		p.DisplayName, p.Guest = b.DisplayName, b.IsGuest
		if b.Presence != nil {
			p.Presence = b.Presence.Status
		}
		if b.Properties != nil {
			p.Properties, p.HasProps = *b.Properties, true
		}
	}
	var out gen.ChatUserResource
	err := s.update(ctx, func(st *State, app int64, _ time.Time) error {
		u, err := st.updateUser(app, req.UserId, p)
		out = userView(ctx, u)
		return err
	})
	return gen.UpdateUser200JSONResponse(out), err
}

// DeleteUser implements DELETE /v1/users/{id}: it answers the application.
func (s *Server) DeleteUser(ctx context.Context, req gen.DeleteUserRequestObject) (gen.DeleteUserResponseObject, error) {
	var out gen.ApplicationResource
	err := s.update(ctx, func(st *State, app int64, _ time.Time) error {
		if err := st.deleteUser(app, req.UserId); err != nil {
			return err
		}
		a, err := st.app(app)
		out = appView(ctx, a)
		return err
	})
	return gen.DeleteUser200JSONResponse(out), err
}

// ListUserChannels implements GET /v1/users/{id}/channels: the channels
// the user is a member of, by id.
func (s *Server) ListUserChannels(ctx context.Context, req gen.ListUserChannelsRequestObject) (gen.ListUserChannelsResponseObject, error) {
	p := pageOf(req.Params.Page, req.Params.Size, req.Params.Sort)
	_, desc, err := memberSorts.order(p, "id")
	if err != nil {
		return nil, err
	}
	var out gen.PagedModelChannelResource
	err = s.view(ctx, func(st *State, app int64) error {
		if _, err := st.user(app, req.UserId); err != nil {
			return err
		}
		ms, total := page(&st.Members, channelsOfUser, idKey(req.UserId), p, desc)
		chans := make([]Channel, 0, len(ms))
		for _, m := range ms {
			if c, ok := st.Channels.Get(idKey(m.ChannelID)); ok {
				chans = append(chans, c)
			}
		}
		out = st.channelsPage(ctx, chans, p, total)
		return nil
	})
	return gen.ListUserChannels200JSONResponse(out), err
}

// UpdateUserDisplayPicture implements POST /v1/users/{id}/display-picture.
func (s *Server) UpdateUserDisplayPicture(ctx context.Context, req gen.UpdateUserDisplayPictureRequestObject) (gen.UpdateUserDisplayPictureResponseObject, error) {
	f := File{URL: req.Body.Url, Name: req.Body.Name, ContentType: req.Body.ContentType, Size: req.Body.Size}
	var out gen.ChatUserResource
	err := s.update(ctx, func(st *State, app int64, _ time.Time) error {
		u, err := st.setPicture(app, req.UserId, f)
		out = userView(ctx, u)
		return err
	})
	return gen.UpdateUserDisplayPicture200JSONResponse(out), err
}

// RetrieveUserSecret implements GET /v1/users/{id}/secrets/{name}.
func (s *Server) RetrieveUserSecret(ctx context.Context, req gen.RetrieveUserSecretRequestObject) (gen.RetrieveUserSecretResponseObject, error) {
	var out gen.SecretResource
	err := s.view(ctx, func(st *State, app int64) error {
		v, err := st.secret(app, req.UserId, req.SecretName)
		out.Secret = v
		return err
	})
	return gen.RetrieveUserSecret200JSONResponse(out), err
}

// SetUserSecret implements PUT /v1/users/{id}/secrets/{name}.
func (s *Server) SetUserSecret(ctx context.Context, req gen.SetUserSecretRequestObject) (gen.SetUserSecretResponseObject, error) {
	var out gen.ChatUserResource
	err := s.update(ctx, func(st *State, app int64, _ time.Time) error {
		u, err := st.setSecret(app, req.UserId, req.SecretName, req.Body.Secret)
		out = userView(ctx, u)
		return err
	})
	return gen.SetUserSecret200JSONResponse(out), err
}

// RemoveUserSecret implements DELETE /v1/users/{id}/secrets/{name}.
func (s *Server) RemoveUserSecret(ctx context.Context, req gen.RemoveUserSecretRequestObject) (gen.RemoveUserSecretResponseObject, error) {
	var out gen.ChatUserResource
	err := s.update(ctx, func(st *State, app int64, _ time.Time) error {
		u, err := st.removeSecret(app, req.UserId, req.SecretName)
		out = userView(ctx, u)
		return err
	})
	return gen.RemoveUserSecret200JSONResponse(out), err
}
