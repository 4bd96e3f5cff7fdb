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
	if !s.authenticated(userID, token) {
		return nil, false
	}
	return s.user(userID), true
}

// authenticated reports whether userID and the token whose digest is
// token identify an active user: authenticate without the copy of the
// user it returns, which the request's check does not need.
func (s *State) authenticated(userID string, token mockserver.SecretDigest) bool {
	if userID == "" || token == (mockserver.SecretDigest{}) || s.Tokens[string(token[:])] != userID {
		return false
	}
	u, ok := s.Users.Get(userID)
	return ok && u.Active
}

// logout revokes the token whose digest is token.
func (s *State) logout(token mockserver.SecretDigest) {
	delete(s.Tokens, string(token[:]))
}
