package chatkitty

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// maxTokensPerApp bounds the live tokens of one application: issuing one
// more revokes the one that expires first, so that a client that asks for
// a token per call cannot grow the state without end.
const maxTokensPerApp = 10000

// issueToken makes an access token for app that lives for ttl, first
// dropping the application's expired tokens.
func (s *State) issueToken(app int64, ttl time.Duration, now time.Time) (Token, error) {
	part := idKey(app)
	live := s.Tokens.Count(tokensByExpiry, part)
	var drop []string
	for t := range s.Tokens.Range(tokensByExpiry, part, 0, false) {
		if t.Expires.After(now) && live < maxTokensPerApp {
			break
		}
		drop = append(drop, t.Value)
		live--
	}
	for _, v := range drop {
		s.Tokens.Delete(v)
	}
	t := Token{Value: newToken(), AppID: app, Expires: now.Add(ttl)}
	return t, s.Tokens.Insert(t)
}

// newToken returns an opaque token in a UUID's shape, as ChatKitty's are.
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// Settings are an application's settings.
type Settings struct {
	GuestUsers          bool
	UserCreatedChannels bool
}

// setSettings replaces the settings of app.
func (s *State) setSettings(app int64, in Settings) (App, error) {
	a, err := s.app(app)
	if err != nil {
		return App{}, err
	}
	a.GuestUsers, a.UserCreatedChannels = in.GuestUsers, in.UserCreatedChannels
	return a, s.Apps.Replace(a)
}

// runtime returns the Node.js runtime of app.
func (s *State) runtime(app int64) (Runtime, error) {
	r, ok := s.Runtimes.Lookup(runtimeOfApp, idKey(app))
	if !ok {
		return Runtime{}, notFound("runtime of application", app)
	}
	return r, nil
}

// updateRuntime changes the runtime of app with fn.
func (s *State) updateRuntime(app int64, fn func(*Runtime)) (Runtime, error) {
	r, err := s.runtime(app)
	if err != nil {
		return Runtime{}, err
	}
	r = Runtime.TableSpec(Runtime{}).Clone(r)
	fn(&r)
	return r, s.Runtimes.Replace(r)
}

// function returns function id of app.
func (s *State) function(app, id int64) (Function, error) {
	f, ok := s.Functions.Get(idKey(id))
	if !ok || f.AppID != app {
		return Function{}, notFound("function", id)
	}
	return f, nil
}

// NewFunction is what creates a chat function.
type NewFunction struct {
	Type        string
	Name        string
	Description string
	Async       bool
}

// createFunction adds a function to the runtime of app, enabled, with no
// version yet (version number 0).
func (s *State) createFunction(app int64, in NewFunction) (Function, error) {
	if _, err := s.runtime(app); err != nil {
		return Function{}, err
	}
	if in.Type == "" || in.Name == "" {
		return Function{}, ErrInvalid.With("type and name must not be blank")
	}
	f := Function{ID: s.newID(), AppID: app, Type: in.Type, Name: in.Name, Description: in.Description, Enabled: true, Async: in.Async}
	return f, s.Functions.Insert(f)
}

// createVersion adds the next version of function id of app, which
// becomes its current one.
func (s *State) createVersion(app, id int64, script string, now time.Time) (Version, error) {
	f, err := s.function(app, id)
	if err != nil {
		return Version{}, err
	}
	f.Current++
	v := Version{ID: s.newID(), FunctionID: f.ID, Number: f.Current, Script: script, Created: now}
	if err := s.Versions.Insert(v); err != nil {
		return Version{}, err
	}
	return v, s.Functions.Replace(f)
}

// currentVersion returns the current version of function id of app.
func (s *State) currentVersion(app, id int64) (Version, error) {
	f, err := s.function(app, id)
	if err != nil {
		return Version{}, err
	}
	v, ok := s.Versions.Lookup(versionNumbers, pairKey(f.ID, f.Current))
	if !ok {
		return Version{}, notFound("current version of function", id).Withf("function %d has no version yet", id)
	}
	return v, nil
}

// version returns function version id of app.
func (s *State) version(app, id int64) (Version, error) {
	v, ok := s.Versions.Get(idKey(id))
	if !ok {
		return Version{}, notFound("function version", id)
	}
	if _, err := s.function(app, v.FunctionID); err != nil {
		return Version{}, notFound("function version", id)
	}
	return v, nil
}
