package chatkitty

import (
	"time"

	"github.com/standin/standin/mockserver"
)

// JobTiming is how long an import job waits and runs on the mock's clock.
type JobTiming struct {
	Pending time.Duration // PENDING for this long after it is accepted
	Run     time.Duration // then RUNNING for this long
}

// Row is one row of an import: its idempotency key and the rule that
// applies it. A row's rule checks before it changes anything, so a failed
// row leaves nothing behind.
type Row struct {
	Key   string
	Apply func(s *State, now time.Time) error
}

// runImport applies rows as a job of kind typ of app, each on its own:
// a failed row is recorded on the job, which then ends FAILED, and the
// others still take effect.
func (s *State) runImport(app int64, typ string, rows []Row, timing JobTiming, now time.Time) (Job, error) {
	if _, err := s.app(app); err != nil {
		return Job{}, err
	}
	j := Job{ID: s.newID(), AppID: app, Type: typ, Created: now, Starts: now.Add(timing.Pending)}
	j.Ends = j.Starts.Add(timing.Run)
	for i, r := range rows {
		if err := r.Apply(s, j.Ends); err != nil {
			e := mockserver.AsError(err)
			if e.Kind == mockserver.KindInternal {
				return Job{}, err
			}
			j.Errors = append(j.Errors, RowError{Row: i, Key: r.Key, Error: e.Code, Message: e.Error()})
		}
	}
	return j, s.Jobs.Insert(j)
}

// errRow is a row that could not be read.
func errRow(key string, err error) Row {
	return Row{Key: key, Apply: func(*State, time.Time) error { return ErrInvalid.Wrap(err).With(err.Error()) }}
}

// importUser is a user import row: an existing user with the same
// idempotency key means the row was imported before.
func importUser(app int64, in NewUser) Row {
	return Row{Key: in.Key, Apply: func(s *State, now time.Time) error {
		if in.Key != "" {
			if u, ok := s.Users.Lookup(usersByName, idKey(app)+"\x00"+in.Name); ok && u.Imported == in.Key {
				return nil
			}
		}
		_, err := s.createUser(app, in, now)
		return err
	}}
}

// importChannel is a channel import row; its members are user names and
// its creator one.
func importChannel(app int64, in NewChannel) Row {
	return Row{Key: in.Key, Apply: func(s *State, now time.Time) error {
		if in.Key != "" && in.Name != "" {
			if c, ok := s.Channels.Lookup(channelsByName, idKey(app)+"\x00"+in.Name); ok && c.Imported == in.Key {
				return nil
			}
		}
		_, _, err := s.createChannel(app, in, now)
		return err
	}}
}

// importMember is a channel member import row: the user name joins
// channel; a member already in it stays.
func importMember(app, channel int64, key, username string) Row {
	return Row{Key: key, Apply: func(s *State, now time.Time) error {
		if username == "" {
			return ErrInvalid.With("username must not be blank")
		}
		_, err := s.addMember(app, channel, Ref{Username: username}, now)
		return err
	}}
}

// importMessage is a message import row, sent to its channel's main
// thread at the job's end; a message with the same idempotency key was
// imported before.
func importMessage(app, channel int64, in NewMessage) Row {
	return Row{Key: in.Key, Apply: func(s *State, now time.Time) error {
		if in.Key != "" {
			if _, ok := s.Messages.Lookup(msgsByImport, idKey(app)+"\x00"+in.Key); ok {
				return nil
			}
		}
		_, err := s.send(app, channel, 0, in, now)
		return err
	}}
}

// job returns job id of app.
func (s *State) job(app, id int64) (Job, error) {
	j, ok := s.Jobs.Get(idKey(id))
	if !ok || j.AppID != app {
		return Job{}, notFound("job", id)
	}
	return j, nil
}
