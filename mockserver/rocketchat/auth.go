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

// authenticate returns the active user that userID and token identify.
func (s *State) authenticate(userID, token string) (*User, bool) {
	if userID == "" || token == "" {
		return nil, false
	}
	if d := mockserver.DigestSecret(token); s.Tokens[string(d[:])] != userID {
		return nil, false
	}
	u := s.user(userID)
	if u == nil || !u.Active {
		return nil, false
	}
	return u, true
}

// logout revokes token.
func (s *State) logout(token string) {
	delete(s.Tokens, hashSecret(token))
}
