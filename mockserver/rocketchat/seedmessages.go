package rocketchat

import (
	"strconv"
	"time"
)

// seedLines are the seeded conversations' lines, said in turn by the
// room's members.
var seedLines = []string{
	"Morning all, the release notes are up for review.",
	"Thanks! I'll go through them after stand-up.",
	"Two typos in the second section, fixed them.",
	"Great, merging this afternoon then.",
}

// seedRoomsWithMessages is how many of the seeded rooms (the first ones)
// get a short conversation, so that a chat screen shows history from the
// start without making a large data set heavier.
const seedRoomsWithMessages = 3

// seedMessages gives the first rooms a short conversation among their
// members, an hour after the room was made, and keeps their msgs, lm and
// lastMessage true. Ids derive from the seed.
func seedMessages(s *State, seed string, rooms []Room) {
	var msgs []Message
	for i := range rooms[:min(seedRoomsWithMessages, len(rooms))] {
		r := &rooms[i]
		var authors []Author
		for m := range s.Members.Range(membersOf, r.ID, 0, false) {
			if u := s.user(m.UserID); u != nil {
				authors = append(authors, Author{ID: u.ID, Username: u.Username, Name: u.Name})
			}
		}
		if len(authors) == 0 {
			continue
		}
		for j, line := range seedLines {
			at := r.Created.Add(time.Hour + time.Duration(j)*time.Minute)
			r.Seq++
			m := Message{ID: seededID(seed, "message", r.Name, strconv.Itoa(j)), RoomID: r.ID, Text: line, At: at,
				Seq: r.Seq, Updated: at, User: authors[j%len(authors)], Groupable: new(false), ParseUrls: new(true),
				Attachments: []map[string]any{}}
			msgs = append(msgs, m)
			r.Msgs++
			r.LastMessage, r.LastMessageAt, r.Updated = m.ID, at, at
		}
	}
	must(s.Messages.InsertAll(msgs))
}
