package ucsrooms

import (
	"cmp"
	"slices"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/table"
)

// State is the UCS world of one namespace. It encodes as an object of four
// tables, each an object of records keyed by id; decoding checks every
// reference and invariant (see check) and rebuilds the indexes.
type State struct {
	Rooms        table.Table[Room]        `json:"rooms"`        // by room id
	Participants table.Table[Participant] `json:"participants"` // by room id "/" user id
	Messages     table.Table[Message]     `json:"messages"`     // by message id
	Files        table.Table[File]        `json:"files"`        // by file id

	// fileBytes is the size of every uploaded file together, kept by the
	// upload rule and recounted on import.
	fileBytes int64
}

// Room is a room. Its status is computed from its times (Status).
type Room struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	StartTime      time.Time `json:"start_time"`
	EndTime        time.Time `json:"end_time"`
	EarlyEndReason string    `json:"early_end_reason,omitempty"`
	CreatedBy      string    `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedBy      string    `json:"updated_by"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// The statuses of a room.
const (
	StatusBooked  = "booked"
	StatusStarted = "started"
	StatusEnded   = "ended"
)

// Status is the room's status at now: ended once its end has passed,
// started once its start has, booked before.
func (r Room) Status(now time.Time) string {
	switch {
	case !now.Before(r.EndTime):
		return StatusEnded
	case !now.Before(r.StartTime):
		return StatusStarted
	default:
		return StatusBooked
	}
}

// Participant is one user's place in one room: their profile there and
// their admin right. It holds copies of the room's creation and start
// times, which order the user's listing of rooms.
type Participant struct {
	RoomID    string    `json:"room_id"`
	UserID    string    `json:"participant_id"`
	Username  string    `json:"username,omitempty"`
	IsAdmin   bool      `json:"is_admin"`
	Archived  bool      `json:"archive_room"`
	AddedAt   time.Time `json:"added_at"`
	AddedBy   string    `json:"added_by,omitempty"`
	RoomStart time.Time `json:"room_start_time"`
	RoomMade  time.Time `json:"room_created_at"`
}

// participantID is the primary key of user's place in room.
func participantID(room, user string) string { return room + "/" + user }

// Message is one chat message of a room. Seq orders messages with the same
// timestamp as they were recorded.
type Message struct {
	ID         string      `json:"id"`
	RoomID     string      `json:"room_id"`
	Seq        int         `json:"seq"`
	UID        string      `json:"uid"`
	Name       string      `json:"name"`
	Text       string      `json:"text"`
	Attachment *Attachment `json:"attachment,omitempty"`
	Timestamp  time.Time   `json:"timestamp"`
}

// Attachment is a file a message refers to.
type Attachment struct {
	Name        string `json:"name,omitempty"`
	Size        int64  `json:"size,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	FileID      string `json:"file_id"`
}

// File is an uploaded file of a room.
type File struct {
	ID          string    `json:"id"`
	RoomID      string    `json:"room_id"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
	ContentType string    `json:"content_type"`
	Data        []byte    `json:"data"`
}

// Indexes.
var (
	// participantsOf is each room's participants in the order they were
	// added; adminsOf each room's admins alone.
	participantsOf = table.ByTime("room", func(p Participant) time.Time { return p.AddedAt }).
			PartitionBy(func(p Participant) string { return p.RoomID })
	adminsOf = table.ByID[Participant]("admins").PartitionBy(func(p Participant) string {
		if p.IsAdmin {
			return p.RoomID
		}
		return ""
	})
	// roomsByCreated and roomsByStart are each user's rooms, in the two
	// orders of GET /participant/room.
	roomsByCreated = table.ByTime("created_at", func(p Participant) time.Time { return p.RoomMade }).
			PartitionBy(func(p Participant) string { return p.UserID })
	roomsByStart = table.ByTime("start_time", func(p Participant) time.Time { return p.RoomStart }).
			PartitionBy(func(p Participant) string { return p.UserID })
	// historyOf is each room's chat in time order, then as recorded.
	historyOf = table.ByCompare("history", func(m Message) messageKey { return messageKey{m.Timestamp.Round(0), m.Seq} }, compareMessageKeys).
			PartitionBy(func(m Message) string { return m.RoomID })
	// filesOf is each room's files.
	filesOf = table.ByID[File]("room").PartitionBy(func(f File) string { return f.RoomID })
)

type messageKey struct {
	at  time.Time
	seq int
}

func compareMessageKeys(a, b messageKey) int {
	if c := a.at.Compare(b.at); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// TableSpec declares the rooms table.
func (Room) TableSpec() table.Spec[Room] {
	return table.Spec[Room]{Name: "rooms", ID: func(r Room) string { return r.ID }}
}

// TableSpec declares the participants table.
func (Participant) TableSpec() table.Spec[Participant] {
	return table.Spec[Participant]{Name: "participants", ID: func(p Participant) string { return participantID(p.RoomID, p.UserID) },
		Ordered: []*table.Order[Participant]{participantsOf, adminsOf, roomsByCreated, roomsByStart}}
}

// TableSpec declares the messages table.
func (Message) TableSpec() table.Spec[Message] {
	return table.Spec[Message]{Name: "messages", ID: func(m Message) string { return m.ID },
		Ordered: []*table.Order[Message]{historyOf},
		Clone: func(m Message) Message {
			if m.Attachment != nil {
				a := *m.Attachment
				m.Attachment = &a
			}
			return m
		}}
}

// TableSpec declares the files table.
func (File) TableSpec() table.Spec[File] {
	return table.Spec[File]{Name: "files", ID: func(f File) string { return f.ID },
		Ordered: []*table.Order[File]{filesOf},
		Clone:   func(f File) File { f.Data = slices.Clone(f.Data); return f }}
}

// CopyState returns a copy-on-write copy of s (mockserver.Copier), for an
// export to encode outside the namespace's lock.
func (s *State) CopyState() any {
	return &State{Rooms: s.Rooms.Copy(), Participants: s.Participants.Copy(), Messages: s.Messages.Copy(),
		Files: s.Files.Copy(), fileBytes: s.fileBytes}
}

// check refuses a snapshot that would break a rule of the API: a record
// of a room that does not exist, a room without an admin, an end before a
// start, a participant whose copies of the room's times disagree with the
// room, a message numbered twice. It recounts the stored file bytes.
func check(s *State) error {
	for id, r := range s.Rooms.All() {
		at := mockserver.Pointer("rooms", id)
		switch {
		case r.Name == "":
			return mockserver.Invalid(at+"/name", "must not be empty")
		case r.EndTime.Before(r.StartTime):
			return mockserver.Invalid(at+"/end_time", "is before start_time")
		case s.Participants.Count(adminsOf, id) == 0:
			return mockserver.Invalid(at, "has no admin: every room keeps at least one")
		}
	}
	for id, p := range s.Participants.All() {
		at := mockserver.Pointer("participants", id)
		r, ok := s.Rooms.Get(p.RoomID)
		switch {
		case p.UserID == "":
			return mockserver.Invalid(at+"/participant_id", "must not be empty")
		case !ok:
			return mockserver.Invalid(at+"/room_id", "names room %q, which does not exist", p.RoomID)
		case !p.RoomStart.Equal(r.StartTime):
			return mockserver.Invalid(at+"/room_start_time", "differs from the room's start_time")
		case !p.RoomMade.Equal(r.CreatedAt):
			return mockserver.Invalid(at+"/room_created_at", "differs from the room's created_at")
		}
	}
	seqs := map[string]map[int]bool{}
	for id, m := range s.Messages.All() {
		at := mockserver.Pointer("messages", id)
		if _, ok := s.Rooms.Get(m.RoomID); !ok {
			return mockserver.Invalid(at+"/room_id", "names room %q, which does not exist", m.RoomID)
		}
		if seqs[m.RoomID] == nil {
			seqs[m.RoomID] = map[int]bool{}
		}
		if seqs[m.RoomID][m.Seq] {
			return mockserver.Invalid(at+"/seq", "is %d, which another message of room %q has", m.Seq, m.RoomID)
		}
		seqs[m.RoomID][m.Seq] = true
	}
	s.fileBytes = 0
	for id, f := range s.Files.All() {
		if _, ok := s.Rooms.Get(f.RoomID); !ok {
			return mockserver.Invalid(mockserver.Pointer("files", id, "room_id"), "names room %q, which does not exist", f.RoomID)
		}
		s.fileBytes += int64(len(f.Data))
	}
	return nil
}
