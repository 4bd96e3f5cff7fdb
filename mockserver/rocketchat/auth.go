package rocketchat

import (
	"strings"

	"github.com/standin/standin/mockserver"
)

// LoginInput holds the ways POST /api/v1/login names an account.
type LoginInput struct {
	User, Username, Email, Password, Resume string
}

// login checks credentials and issues a new auth token.
func (s *State) login(in LoginInput) (*User, string, error) {
	var u *User
	switch {
	case in.Resume != "":
		u = s.user(s.Tokens[hashSecret(in.Resume)])
		if u == nil || !u.Active {
			return nil, "", errLoginFailed
		}
		return u, in.Resume, nil
	case in.Email != "":
		u = s.userByEmail(in.Email)
	case in.Username != "":
		u = s.userByName(in.Username)
	case in.User != "":
		if strings.Contains(in.User, "@") {
			u = s.userByEmail(in.User)
		}
		if u == nil {
			u = s.userByName(in.User)
		}
	}
	if u == nil || !u.Active || in.Password == "" || u.Password != hashSecret(in.Password) {
		return nil, "", errLoginFailed
	}
	token := newToken()
	s.Tokens[hashSecret(token)] = u.ID
	return u, token, nil
}

// authenticate returns the active user that userID and the token whose
// digest is token identify; a zero digest stands for no token.
func (s *State) authenticate(userID string, token mockserver.SecretDigest) (*User, bool) {
	if !s.holds(userID, token) {
		return nil, false
	}
	u := s.user(userID)
	return u, u != nil && u.Active
}

// authenticated is authenticate without the copy of the user it returns,
// which the request's check does not need.
func (s *State) authenticated(userID string, token mockserver.SecretDigest) bool {
	if !s.holds(userID, token) {
		return false
	}
	u, ok := s.Users.Get(userID)
	return ok && u.Active
}

// holds reports whether the token whose digest is token is a live token
// of userID; a zero digest stands for no token.
func (s *State) holds(userID string, token mockserver.SecretDigest) bool {
	return userID != "" && token != (mockserver.SecretDigest{}) && s.Tokens[string(token[:])] == userID
}

// logout revokes the token whose digest is token.
func (s *State) logout(token mockserver.SecretDigest) {
	delete(s.Tokens, string(token[:]))
}
