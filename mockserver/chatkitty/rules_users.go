package chatkitty

import (
	"net/url"
	"strings"
	"time"
)

// Ref names a user by id or by name, as ChatKitty's user references do
// ({"id": 5} or {"username": "jane"}).
type Ref struct {
	ID       int64
	Username string
}

func (r Ref) String() string {
	if r.ID != 0 {
		return "user " + idKey(r.ID)
	}
	return "user " + r.Username
}

// resolve finds the user r names in app.
func (s *State) resolve(app int64, r Ref) (User, error) {
	switch {
	case r.ID != 0:
		return s.user(app, r.ID)
	case r.Username != "":
		if u, ok := s.Users.Lookup(usersByName, idKey(app)+"\x00"+r.Username); ok {
			return u, nil
		}
		return User{}, notFound("user", r.Username)
	}
	return User{}, ErrInvalid.With("a user reference needs an id or a username")
}

// user returns the user id of app.
func (s *State) user(app, id int64) (User, error) {
	u, ok := s.Users.Get(idKey(id))
	if !ok || u.AppID != app {
		return User{}, notFound("user", id)
	}
	return u, nil
}

// app returns the application id.
func (s *State) app(id int64) (App, error) {
	a, ok := s.Apps.Get(idKey(id))
	if !ok {
		return App{}, notFound("application", id)
	}
	return a, nil
}

// NewUser is what creates a user: the Platform API's body or an import
// row.
type NewUser struct {
	Name        string
	DisplayName string
	Guest       bool
	Properties  map[string]any
	Picture     *File
	Key         string // idempotency key of an import row
}

// defaultPicture is the avatar of a user who has not set one: an
// initials image drawn from the display name.
func defaultPicture(displayName string) string {
	return "https://api.dicebear.com/9.x/initials/svg?seed=" + url.QueryEscape(displayName)
}

// createUser adds a user to app.
func (s *State) createUser(app int64, in NewUser, now time.Time) (User, error) {
	a, err := s.app(app)
	if err != nil {
		return User{}, err
	}
	switch {
	case strings.TrimSpace(in.Name) == "":
		return User{}, ErrInvalid.With("name must not be blank")
	case strings.TrimSpace(in.DisplayName) == "":
		return User{}, ErrInvalid.With("displayName must not be blank")
	case in.Guest && !a.GuestUsers:
		return User{}, ErrGuestsDisabled
	}
	if _, taken := s.Users.Lookup(usersByName, idKey(app)+"\x00"+in.Name); taken {
		return User{}, ErrUserNameTaken.Withf("a user named %q already exists", in.Name)
	}
	u := User{ID: s.newID(), AppID: app, Name: in.Name, DisplayName: in.DisplayName, Guest: in.Guest,
		Presence: "UNAVAILABLE", CallStatus: "AVAILABLE", Properties: orEmpty(in.Properties), Created: now, Imported: in.Key}
	u.PictureURL = defaultPicture(in.DisplayName)
	if in.Picture != nil {
		u.Picture, u.PictureURL = in.Picture, in.Picture.URL
	}
	return u, s.Users.Insert(u)
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// UserPatch is a merge-patch of a user: nil fields are left alone.
type UserPatch struct {
	DisplayName *string
	Guest       *bool
	Presence    *string
	Properties  map[string]any // merged (RFC 7396): a null value removes a key
	HasProps    bool
}

// updateUser applies p to user id of app.
func (s *State) updateUser(app, id int64, p UserPatch) (User, error) {
	u, err := s.user(app, id)
	if err != nil {
		return User{}, err
	}
	a, err := s.app(app)
	if err != nil {
		return User{}, err
	}
	if p.DisplayName != nil {
		if strings.TrimSpace(*p.DisplayName) == "" {
			return User{}, ErrInvalid.With("displayName must not be blank")
		}
		u.DisplayName = *p.DisplayName
	}
	if p.Guest != nil {
		if *p.Guest && !u.Guest && !a.GuestUsers {
			return User{}, ErrGuestsDisabled
		}
		u.Guest = *p.Guest
	}
	if p.Presence != nil {
		u.Presence = *p.Presence
	}
	if p.HasProps {
		u.Properties = mergePatch(u.Properties, p.Properties)
	}
	return u, s.Users.Replace(u)
}

// mergePatch returns target with patch merged in as RFC 7396 says: a null
// removes a key, an object merges into an object, anything else replaces.
// Neither argument is changed.
func mergePatch(target, patch map[string]any) map[string]any {
	out := make(map[string]any, len(target)+len(patch))
	for k, v := range target {
		out[k] = v
	}
	for k, v := range patch {
		switch pv := v.(type) {
		case nil:
			delete(out, k)
		case map[string]any:
			tv, _ := out[k].(map[string]any)
			out[k] = mergePatch(tv, pv)
		default:
			out[k] = v
		}
	}
	return out
}

// setPicture sets the display picture of user id of app.
func (s *State) setPicture(app, id int64, f File) (User, error) {
	u, err := s.user(app, id)
	if err != nil {
		return User{}, err
	}
	if strings.TrimSpace(f.URL) == "" {
		return User{}, ErrInvalid.With("url must not be blank")
	}
	u.Picture, u.PictureURL = &f, f.URL
	return u, s.Users.Replace(u)
}

// secret returns the secret name of user id of app.
func (s *State) secret(app, id int64, name string) (any, error) {
	u, err := s.user(app, id)
	if err != nil {
		return nil, err
	}
	v, ok := u.Secrets[name]
	if !ok {
		return nil, notFound("secret", name)
	}
	return v, nil
}

// setSecret sets the secret name of user id of app to v.
func (s *State) setSecret(app, id int64, name string, v any) (User, error) {
	u, err := s.user(app, id)
	if err != nil {
		return User{}, err
	}
	u.Secrets = cloneMap(u.Secrets)
	if u.Secrets == nil {
		u.Secrets = map[string]any{}
	}
	u.Secrets[name] = v
	return u, s.Users.Replace(u)
}

// removeSecret removes the secret name of user id of app.
func (s *State) removeSecret(app, id int64, name string) (User, error) {
	u, err := s.user(app, id)
	if err != nil {
		return User{}, err
	}
	if _, ok := u.Secrets[name]; !ok {
		return User{}, notFound("secret", name)
	}
	u.Secrets = cloneMap(u.Secrets)
	delete(u.Secrets, name)
	return u, s.Users.Replace(u)
}

// deleteUser removes user id of app with its memberships (moderation
// with them), invites, notifications and sessions. Its messages stay and
// show a deleted user.
func (s *State) deleteUser(app, id int64) error {
	if _, err := s.user(app, id); err != nil {
		return err
	}
	uk := idKey(id)
	for _, m := range collect(s.Members.Range(channelsOfUser, uk, 0, false)) {
		s.Members.Delete(pairKey(m.ChannelID, m.UserID))
	}
	for _, i := range collect(s.Invites.Range(invitesOfUser, uk, 0, false)) {
		s.Invites.Delete(pairKey(i.ChannelID, i.UserID))
	}
	for _, n := range collect(s.Notifications.Range(notificationsOf, uk, 0, false)) {
		s.Notifications.Delete(idKey(n.ID))
	}
	for _, cs := range collect(s.ChatSessions.Range(chatSessionsOfUser, uk, 0, false)) {
		s.ChatSessions.Delete(idKey(cs.ID))
	}
	for _, us := range collect(s.UserSessions.Range(sessionsOfUser, uk, 0, false)) {
		s.UserSessions.Delete(idKey(us.ID))
	}
	s.Users.Delete(uk)
	return nil
}

// collect gathers a sequence first, so that the table can change after.
func collect[V any](seq func(func(V) bool)) []V {
	var out []V
	for v := range seq {
		out = append(out, v)
	}
	return out
}
