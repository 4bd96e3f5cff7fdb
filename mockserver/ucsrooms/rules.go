package ucsrooms

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/standin/standin/mockserver"
)

// defaultEndReason is early_end_reason when an end names none (1.x's text).
const defaultEndReason = "session terminated"

// The rules. Each takes the caller and the clock's time, makes every
// check before its first change, and returns copies, never pointers into
// the state (the store's contract for transaction functions).

// seat returns room id and the caller's place in it, refusing a caller
// who is not a participant exactly as a room that does not exist, so that
// non-participants learn nothing of it.
func (s *State) seat(id string, c Caller) (Room, Participant, error) {
	p, ok := s.Participants.Get(participantID(id, c.ID))
	if !ok {
		return Room{}, Participant{}, ErrRoomNotFound.Withf("no room %q among your rooms", id)
	}
	r, _ := s.Rooms.Get(id)
	return r, p, nil
}

// adminSeat is seat for the admin APIs: the caller must also be an admin.
func (s *State) adminSeat(id string, c Caller) (Room, Participant, error) {
	r, p, err := s.seat(id, c)
	if err == nil && !p.IsAdmin {
		err = ErrNotAdmin.Withf("you are a participant of room %q but not one of its admins", id)
	}
	return r, p, err
}

// openAdminSeat is adminSeat for a change: the room must not have ended.
func (s *State) openAdminSeat(id string, c Caller, now time.Time) (Room, error) {
	r, _, err := s.adminSeat(id, c)
	if err == nil {
		err = changeable(r, now)
	}
	return r, err
}

// changeable refuses a change to a room that has ended.
func changeable(r Room, now time.Time) error {
	if r.Status(now) == StatusEnded {
		return ErrRoomEnded.Withf("room %q ended at %s: it can be read but not changed", r.ID, r.EndTime.Format(time.RFC3339))
	}
	return nil
}

// newRoom is what a create request gives.
type newRoom struct {
	Name        string
	Start, End  time.Time
	Invitations []string
}

// latest is the last instant a time field can hold: RFC 3339 has four
// digits for the year.
var latest = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

// checkTimes refuses times that RFC 3339 cannot write in UTC (a valid
// "9999-12-31T23:59:59-05:00" is in the year 10000 there), naming the
// field.
func checkTimes(fields map[string]*time.Time) error {
	for name, t := range fields {
		if t != nil && (t.UTC().Year() < 1 || t.UTC().After(latest)) {
			return &mockserver.Error{Status: http.StatusBadRequest, Kind: mockserver.KindInvalid, Field: "body." + name, Rule: "format",
				Message: fmt.Sprintf("%s is outside the years 0001 to 9999 in UTC, which the API's times can hold", t.Format(time.RFC3339))}
		}
	}
	return nil
}

// createRoom makes a room with the caller as its first participant and
// admin, and the invited users as participants.
func (s *State) createRoom(c Caller, in newRoom, now time.Time) (Room, error) {
	if err := checkTimes(map[string]*time.Time{"start_time": &in.Start, "end_time": &in.End}); err != nil {
		return Room{}, err
	}
	if in.End.Before(in.Start) {
		return Room{}, ErrTimeRange.With("end_time is before start_time").WithDetail("field", "body.end_time")
	}
	r := Room{ID: uuid.NewString(), Name: in.Name, StartTime: in.Start.UTC(), EndTime: in.End.UTC(),
		CreatedBy: c.ID, CreatedAt: now, UpdatedBy: c.ID, UpdatedAt: now}
	if err := s.Rooms.Insert(r); err != nil {
		return Room{}, err
	}
	s.seatUser(r, c.ID, c.Username, true, "", now)
	for _, id := range in.Invitations {
		if id != c.ID {
			s.seatUser(r, id, "", false, c.ID, now)
		}
	}
	return r, nil
}

// seatUser adds user to room r unless they are in it already.
func (s *State) seatUser(r Room, user, username string, admin bool, by string, now time.Time) {
	id := participantID(r.ID, user)
	if _, ok := s.Participants.Get(id); ok {
		return
	}
	_ = s.Participants.Insert(Participant{RoomID: r.ID, UserID: user, Username: username, IsAdmin: admin,
		AddedAt: now, AddedBy: by, RoomStart: r.StartTime, RoomMade: r.CreatedAt})
}

// roomPatch is an update's fields; nil keeps the room's value.
type roomPatch struct {
	Name       *string
	Start, End *time.Time
}

// updateRoom changes a room's name and times.
func (s *State) updateRoom(id string, c Caller, patch roomPatch, now time.Time) (Room, error) {
	r, err := s.openAdminSeat(id, c, now)
	if err != nil {
		return Room{}, err
	}
	if err := checkTimes(map[string]*time.Time{"start_time": patch.Start, "end_time": patch.End}); err != nil {
		return Room{}, err
	}
	next := r
	if patch.Name != nil {
		next.Name = *patch.Name
	}
	if patch.Start != nil {
		next.StartTime = patch.Start.UTC()
	}
	if patch.End != nil {
		next.EndTime = patch.End.UTC()
	}
	if !next.StartTime.Equal(r.StartTime) && r.Status(now) != StatusBooked {
		return Room{}, ErrRoomStarted.Withf("room %q started at %s: its start_time can no longer change", id, r.StartTime.Format(time.RFC3339)).
			WithDetail("field", "body.start_time")
	}
	if next.EndTime.Before(next.StartTime) {
		return Room{}, ErrTimeRange.Withf("end_time %s would be before start_time %s", next.EndTime.Format(time.RFC3339), next.StartTime.Format(time.RFC3339))
	}
	next.UpdatedBy, next.UpdatedAt = c.ID, now
	return next, s.saveRoom(r, next)
}

// endRoom ends a room secondsLeft from now, recording why.
func (s *State) endRoom(id string, c Caller, secondsLeft int64, reason string, now time.Time) (Room, error) {
	r, err := s.openAdminSeat(id, c, now)
	if err != nil {
		return Room{}, err
	}
	next := r
	next.EndTime = latest // seconds beyond what the field can hold are served as its last instant
	if secondsLeft <= latest.Unix()-now.Unix() {
		next.EndTime = time.Unix(now.Unix()+secondsLeft, int64(now.Nanosecond())).UTC()
	}
	if next.StartTime.After(next.EndTime) {
		next.StartTime = next.EndTime // a booked room ended: it never starts
	}
	next.EarlyEndReason = reason
	if next.EarlyEndReason == "" {
		next.EarlyEndReason = defaultEndReason
	}
	next.UpdatedBy, next.UpdatedAt = c.ID, now
	return next, s.saveRoom(r, next)
}

// saveRoom stores next in place of old, moving the copies of its start
// time its participants hold.
func (s *State) saveRoom(old, next Room) error {
	if err := s.Rooms.Replace(next); err != nil {
		return err
	}
	if next.StartTime.Equal(old.StartTime) {
		return nil
	}
	var ids []string
	for p := range s.Participants.Range(participantsOf, next.ID, 0, false) {
		ids = append(ids, participantID(p.RoomID, p.UserID))
	}
	for _, pid := range ids {
		if err := s.Participants.Update(pid, func(p *Participant) error { p.RoomStart = next.StartTime; return nil }); err != nil {
			return err
		}
	}
	return nil
}

// addParticipants invites users into a room; those in it already stay as
// they are.
func (s *State) addParticipants(id string, c Caller, users []string, now time.Time) error {
	r, err := s.openAdminSeat(id, c, now)
	if err != nil {
		return err
	}
	for _, u := range users {
		s.seatUser(r, u, "", false, c.ID, now)
	}
	return nil
}

// removeParticipants removes users from a room, all or none: each must be
// a participant, and an admin must stay.
func (s *State) removeParticipants(id string, c Caller, users []string, now time.Time) error {
	if _, err := s.openAdminSeat(id, c, now); err != nil {
		return err
	}
	users = uniq(users)
	admins := 0
	for _, u := range users {
		p, ok := s.Participants.Get(participantID(id, u))
		if !ok {
			return ErrParticipantNotFound.Withf("%q is not a participant of room %q: nobody was removed", u, id).WithDetail("participant_id", u)
		}
		if p.IsAdmin {
			admins++
		}
	}
	if admins > 0 && admins >= s.Participants.Count(adminsOf, id) {
		return ErrLastAdmin.Withf("removing them would leave room %q without an admin: grant admin to another participant first", id)
	}
	for _, u := range users {
		s.Participants.Delete(participantID(id, u))
	}
	return nil
}

// setAdmin grants or revokes a participant's admin right. Both are
// idempotent; a revoke that would leave no admin is refused.
func (s *State) setAdmin(id string, c Caller, target string, admin bool, now time.Time) (Participant, error) {
	if _, err := s.openAdminSeat(id, c, now); err != nil {
		return Participant{}, err
	}
	pid := participantID(id, target)
	p, ok := s.Participants.Get(pid)
	switch {
	case !ok:
		return Participant{}, ErrParticipantNotFound.Withf("%q is not a participant of room %q: invite them first", target, id).WithDetail("participant_id", target)
	case p.IsAdmin == admin:
		return p, nil
	case !admin && s.Participants.Count(adminsOf, id) == 1:
		return Participant{}, ErrLastAdmin.Withf("%q is the last admin of room %q: grant admin to another participant first", target, id)
	}
	p.IsAdmin = admin
	return p, s.Participants.Replace(p)
}

// setProfile sets the caller's username and archive flag in a room. A
// participant without a username gets the token's preferred_username.
func (s *State) setProfile(id string, c Caller, username *string, archive *bool) (Participant, error) {
	_, p, err := s.seat(id, c)
	if err != nil {
		return Participant{}, err
	}
	switch {
	case username != nil:
		p.Username = *username
	case p.Username == "":
		p.Username = c.Username
	}
	if archive != nil {
		p.Archived = *archive
	}
	return p, s.Participants.Replace(p)
}

// sendMessage records a chat message from the caller.
func (s *State) sendMessage(id string, c Caller, text string, att *Attachment, now time.Time) (Message, error) {
	r, p, err := s.seat(id, c)
	if err != nil {
		return Message{}, err
	}
	if err := changeable(r, now); err != nil {
		return Message{}, err
	}
	if att != nil {
		f, ok := s.Files.Get(att.FileID)
		if !ok || f.RoomID != id {
			return Message{}, ErrFileNotFound.Withf("no file %q was uploaded to room %q: upload it through an upload URL first", att.FileID, id).
				WithDetail("field", "body.attachment.file_id")
		}
		a := *att
		att = &a
	}
	seq := 0
	if last, n := s.Messages.Page(historyOf, id, 0, 1, true); n > 0 {
		seq = last[0].Seq + 1
	}
	name := p.Username
	if name == "" {
		name = c.Username
	}
	m := Message{ID: uuid.NewString(), RoomID: id, Seq: seq, UID: c.ID, Name: name, Text: text, Attachment: att, Timestamp: now}
	return m, s.Messages.Insert(m)
}

// storeFile keeps an upload: the URL's signature was checked, and user
// must still be a participant of an open room.
func (s *State) storeFile(f File, limit int64, now time.Time) error {
	r, ok := s.Rooms.Get(f.RoomID)
	if !ok {
		return ErrFileNotFound.Withf("room %q does not exist", f.RoomID)
	}
	if _, ok := s.Participants.Get(participantID(f.RoomID, f.UploadedBy)); !ok {
		return ErrNoLongerParticipant.Withf("%q is no longer a participant of room %q", f.UploadedBy, f.RoomID)
	}
	if err := changeable(r, now); err != nil {
		return err
	}
	if _, ok := s.Files.Get(f.ID); ok {
		return ErrFileExists.Withf("file %q was uploaded already: get a new upload URL", f.ID)
	}
	size := int64(len(f.Data))
	if s.fileBytes+size > limit {
		return ErrStorageFull.Withf("storing %d bytes would take this namespace's files beyond %d bytes (fileStoreBytes)", size, limit)
	}
	if err := s.Files.Insert(f); err != nil {
		return err
	}
	s.fileBytes += size
	return nil
}

// file returns a file of a room to user, who must still be a participant.
func (s *State) file(room, fileID, user string) (File, error) {
	if _, ok := s.Participants.Get(participantID(room, user)); !ok {
		return File{}, ErrNoLongerParticipant.Withf("%q is not a participant of room %q", user, room)
	}
	f, ok := s.Files.Get(fileID)
	if !ok || f.RoomID != room {
		return File{}, ErrFileNotFound.Withf("no file %q was uploaded to room %q", fileID, room)
	}
	return f, nil
}

// uniq returns ids without repeats, in first-seen order.
func uniq(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// pageWindow turns a 1-based page and a size (nil: defaults 1 and 10;
// above maxPageSize served as maxPageSize) into an offset and a limit.
func pageWindow(page, size *int) (number, limit, offset int) {
	number, limit = 1, defaultPageSize
	if page != nil {
		number = *page
	}
	if size != nil {
		limit = min(*size, maxPageSize)
	}
	if number-1 > math.MaxInt/limit {
		return number, limit, math.MaxInt // far past the end: an empty page
	}
	return number, limit, (number - 1) * limit
}

// Paging bounds (openapi/ucsrooms.yaml, decision 7).
const (
	defaultPageSize = 10
	maxPageSize     = 100
)
