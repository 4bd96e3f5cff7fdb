package ucsrooms

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
)

// API is the spec these scenarios check responses against.
const API = "ucsrooms"

// Scenarios returns every UCS rooms scenario, in the order they run.
func Scenarios() []contracts.Scenario {
	return []contracts.Scenario{
		{API: API, Name: "admin-revocation", Run: AdminRevocation,
			Doc: "The creator is a room's admin and grants admin to a participant, who revokes the creator; the revoked creator is refused every admin API (403 NOT_ADMIN); the last admin can neither revoke himself nor be removed (409 LAST_ADMIN), and still administers."},
		{API: API, Name: "room-lifecycle", Run: RoomLifecycle,
			Doc: "A room reads booked before its start and started after; ending it with seconds left sets end_time and the reason, ending it with no body ends it at once; an ended room refuses every change (409 ROOM_ENDED) and stays readable; a started room's start_time cannot move (409 ROOM_STARTED); an end before the start is 400 INVALID_TIME_RANGE."},
		{API: API, Name: "participant-privacy", Run: ParticipantPrivacy,
			Doc: "A user who is not a participant gets 404 ROOM_NOT_FOUND, as for a room that does not exist, on every participant and admin API of the room, and does not find it among their rooms; once invited they see it, once removed they no longer do, and their download URLs stop working."},
		{API: API, Name: "files", Run: Files,
			Doc: "An upload URL takes one PUT of a file; its file_id, sent in a chat attachment, lets another participant get a download URL that answers the same bytes and content type; tampered URLs, URLs of the other kind, changed expiries and non-participants are refused."},
		{API: API, Name: "auth", Run: Auth,
			Doc: "Every operation of the spec that needs a token refuses a missing, malformed, wrongly signed, unsigned (alg none) or expired one with 401 UNAUTHORIZED in the error envelope; the health probes need none."},
		{API: API, Name: "chat-history", Run: ChatHistory,
			Doc: "Messages from two participants come back oldest first with their senders, paged by page and size with a true total_records; a participant's new username names their later messages."},
	}
}

// AdminRevocation is the admin-revocation scenario.
func AdminRevocation(s *contracts.S) {
	c := actors(s)
	var rooms []string
	defer endRooms(s, &c, &rooms)
	var room string
	name := s.Unique("revocation")

	s.Step("alice creates a room and is its only admin", func(e *httpexpect.Expect) {
		start, end := startedTimes()
		room = createRoom(e, c.alice, name, start, end).Value("id").String().Raw()
		rooms = append(rooms, room)
		items, pg := page(c.alice.as(e).GET(roomPath(room, "/participant")).Expect())
		pg.HasValue("total_records", 1)
		items.Value(0).Object().HasValue("participant_id", c.alice.id).HasValue("is_admin", true)
	})
	s.Step("alice adds bob and carol as participants, not admins", func(e *httpexpect.Expect) {
		items, pg := page(c.alice.as(e).POST(adminPath(room, "/participant")).
			WithJSON(map[string]any{"participant_ids": []string{c.bob.id, c.carol.id}}).Expect())
		pg.HasValue("total_records", 3)
		want := map[string]bool{c.alice.id: true, c.bob.id: false, c.carol.id: false}
		if got := participantIDs(items); fmt.Sprint(got) != fmt.Sprint(want) {
			s.Fail("participants (id: is_admin) are %v, want %v", got, want)
		}
	})
	s.Step("a participant who is not an admin is refused with 403 NOT_ADMIN", func(e *httpexpect.Expect) {
		refused(c.bob.as(e).POST(grantPath(room, c.bob.id)).Expect(), http.StatusForbidden, "NOT_ADMIN")
	})
	s.Step("alice grants bob admin, twice", func(e *httpexpect.Expect) {
		for range 2 {
			data(c.alice.as(e).POST(grantPath(room, c.bob.id)).Expect()).
				HasValue("participant_id", c.bob.id).HasValue("is_admin", true)
		}
		data(c.bob.as(e).GET(roomPath(room, "")).Expect()).HasValue("is_admin", true)
	})
	s.Step("bob revokes alice's admin", func(e *httpexpect.Expect) {
		data(c.bob.as(e).DELETE(grantPath(room, c.alice.id)).Expect()).
			HasValue("participant_id", c.alice.id).HasValue("is_admin", false)
		data(c.alice.as(e).GET(roomPath(room, "")).Expect()).HasValue("is_admin", false)
	})
	s.Step("alice is refused every admin API with 403 NOT_ADMIN", func(e *httpexpect.Expect) {
		a := c.alice.as(e)
		refused(a.POST(adminPath(room, "")).WithJSON(map[string]any{"name": "taken back"}).Expect(), http.StatusForbidden, "NOT_ADMIN")
		refused(a.POST(adminPath(room, "")).Expect(), http.StatusForbidden, "NOT_ADMIN")
		refused(a.POST(adminPath(room, "/participant")).WithJSON(map[string]any{"participant_ids": []string{c.carol.id}}).Expect(), http.StatusForbidden, "NOT_ADMIN")
		refused(a.DELETE(adminPath(room, "/participant")).WithJSON(map[string]any{"participant_ids": []string{c.carol.id}}).Expect(), http.StatusForbidden, "NOT_ADMIN")
		refused(a.POST(grantPath(room, c.alice.id)).Expect(), http.StatusForbidden, "NOT_ADMIN")
		refused(a.DELETE(grantPath(room, c.bob.id)).Expect(), http.StatusForbidden, "NOT_ADMIN")
		data(a.GET(roomPath(room, "")).Expect()).HasValue("name", name).HasValue("is_admin", false)
	})
	s.Step("bob, the last admin, cannot revoke his own admin", func(e *httpexpect.Expect) {
		refused(c.bob.as(e).DELETE(grantPath(room, c.bob.id)).Expect(), http.StatusConflict, "LAST_ADMIN")
	})
	s.Step("bob, the last admin, cannot be removed from the room", func(e *httpexpect.Expect) {
		refused(c.bob.as(e).DELETE(adminPath(room, "/participant")).WithJSON(map[string]any{"participant_ids": []string{c.bob.id}}).Expect(),
			http.StatusConflict, "LAST_ADMIN")
		refused(c.bob.as(e).DELETE(adminPath(room, "/participant")).WithQuery("participant_id", c.bob.id).Expect(),
			http.StatusConflict, "LAST_ADMIN")
		items, pg := page(c.carol.as(e).GET(roomPath(room, "/participant")).Expect())
		pg.HasValue("total_records", 3)
		if got := participantIDs(items); !got[c.bob.id] || got[c.alice.id] {
			s.Fail("after the refusals, bob must still be the one admin; participants (id: is_admin) are %v", got)
		}
	})
	s.Step("bob still administers: carol sees the room renamed", func(e *httpexpect.Expect) {
		renamed := name + "-renamed"
		data(c.bob.as(e).POST(adminPath(room, "")).WithJSON(map[string]any{"name": renamed}).Expect()).
			HasValue("name", renamed).HasValue("updated_by", c.bob.id)
		data(c.carol.as(e).GET(roomPath(room, "")).Expect()).HasValue("name", renamed).HasValue("is_admin", false)
	})
	s.Step("with another admin, bob may step down", func(e *httpexpect.Expect) {
		data(c.bob.as(e).POST(grantPath(room, c.carol.id)).Expect()).HasValue("is_admin", true)
		data(c.bob.as(e).DELETE(grantPath(room, c.bob.id)).Expect()).HasValue("is_admin", false)
		refused(c.bob.as(e).POST(adminPath(room, "")).WithJSON(map[string]any{"name": "not mine"}).Expect(), http.StatusForbidden, "NOT_ADMIN")
		refused(c.carol.as(e).DELETE(grantPath(room, c.carol.id)).Expect(), http.StatusConflict, "LAST_ADMIN")
	})
}

// RoomLifecycle is the room-lifecycle scenario.
func RoomLifecycle(s *contracts.S) {
	c := actors(s)
	var rooms []string
	defer endRooms(s, &c, &rooms)
	var booked, started string

	s.Step("a room that starts tomorrow reads booked", func(e *httpexpect.Expect) {
		start, end := bookedTimes()
		room := createRoom(e, c.alice, s.Unique("booked"), start, end, c.bob)
		room.HasValue("status", "booked")
		booked = room.Value("id").String().Raw()
		rooms = append(rooms, booked)
		data(c.bob.as(e).GET(roomPath(booked, "")).Expect()).HasValue("status", "booked").HasValue("is_admin", false)
	})
	s.Step("a booked room's times can move", func(e *httpexpect.Expect) {
		start, end := bookedTimes()
		start, end = start.Add(24*time.Hour), end.Add(24*time.Hour)
		room := data(c.alice.as(e).POST(adminPath(booked, "")).
			WithJSON(map[string]any{"start_time": stamp(start), "end_time": stamp(end)}).Expect())
		room.HasValue("status", "booked")
		if got := timeOf(s, room, "start_time"); !got.Equal(start) {
			s.Fail("start_time is %s, want %s", stamp(got), stamp(start))
		}
	})
	s.Step("an end before the start is refused with 400 INVALID_TIME_RANGE", func(e *httpexpect.Expect) {
		start, end := bookedTimes()
		refused(c.alice.as(e).POST("/room").WithJSON(map[string]any{
			"name": s.Unique("backwards"), "start_time": stamp(end), "end_time": stamp(start),
		}).Expect(), http.StatusBadRequest, "INVALID_TIME_RANGE")
		refused(c.alice.as(e).POST(adminPath(booked, "")).WithJSON(map[string]any{"end_time": stamp(time.Now().Add(time.Hour))}).Expect(),
			http.StatusBadRequest, "INVALID_TIME_RANGE")
		data(c.alice.as(e).GET(roomPath(booked, "")).Expect()).HasValue("status", "booked")
	})
	s.Step("a room that started an hour ago reads started", func(e *httpexpect.Expect) {
		start, end := startedTimes()
		room := createRoom(e, c.alice, s.Unique("started"), start, end, c.bob)
		room.HasValue("status", "started")
		started = room.Value("id").String().Raw()
		rooms = append(rooms, started)
		data(c.bob.as(e).GET(roomPath(started, "")).Expect()).HasValue("status", "started")
	})
	s.Step("a started room's start_time cannot change: 409 ROOM_STARTED", func(e *httpexpect.Expect) {
		start, _ := startedTimes()
		refused(c.alice.as(e).POST(adminPath(started, "")).WithJSON(map[string]any{"start_time": stamp(start.Add(-time.Hour))}).Expect(),
			http.StatusConflict, "ROOM_STARTED")
		data(c.alice.as(e).POST(adminPath(started, "")).WithJSON(map[string]any{"name": "renamed while started"}).Expect()).
			HasValue("name", "renamed while started").HasValue("status", "started")
	})
	s.Step("ending with an hour left sets end_time and early_end_reason", func(e *httpexpect.Expect) {
		obj := c.alice.as(e).POST(adminPath(started, "")).WithJSON(map[string]any{"time_left_in_second": 3600, "reason": "wrapping up"}).
			Expect().Status(http.StatusOK).JSON().Object()
		room := obj.Value("data").Object()
		room.HasValue("status", "started").HasValue("early_end_reason", "wrapping up")
		near(s, "end_time", timeOf(s, room, "end_time"), sentAt(s, obj).Add(time.Hour), time.Minute)
		data(c.bob.as(e).GET(roomPath(started, "")).Expect()).HasValue("status", "started").HasValue("early_end_reason", "wrapping up")
	})
	s.Step("ending with no body ends the room at once", func(e *httpexpect.Expect) {
		obj := c.alice.as(e).POST(adminPath(started, "")).Expect().Status(http.StatusOK).JSON().Object()
		room := obj.Value("data").Object()
		room.HasValue("status", "ended")
		room.Value("early_end_reason").String().NotEmpty()
		near(s, "end_time", timeOf(s, room, "end_time"), sentAt(s, obj), time.Minute)
		data(c.bob.as(e).GET(roomPath(started, "")).Expect()).HasValue("status", "ended")
	})
	s.Step("an ended room refuses every change with 409 ROOM_ENDED", func(e *httpexpect.Expect) {
		a := c.alice.as(e)
		for _, r := range []*httpexpect.Response{
			a.POST(adminPath(started, "")).WithJSON(map[string]any{"name": "too late"}).Expect(),
			a.POST(adminPath(started, "")).Expect(),
			a.POST(adminPath(started, "")).WithJSON(map[string]any{"time_left_in_second": 600}).Expect(),
			a.POST(adminPath(started, "/participant")).WithJSON(map[string]any{"participant_ids": []string{c.carol.id}}).Expect(),
			a.DELETE(adminPath(started, "/participant")).WithJSON(map[string]any{"participant_ids": []string{c.bob.id}}).Expect(),
			a.POST(grantPath(started, c.bob.id)).Expect(),
			a.DELETE(grantPath(started, c.alice.id)).Expect(),
			a.POST(roomPath(started, "/chat")).WithJSON(map[string]any{"text": "anyone there?"}).Expect(),
			a.GET(roomPath(started, "/upload")).Expect(),
			c.bob.as(e).POST(roomPath(started, "/chat")).WithJSON(map[string]any{"text": "hello?"}).Expect(),
		} {
			refused(r, http.StatusConflict, "ROOM_ENDED")
		}
	})
	s.Step("an ended room stays readable", func(e *httpexpect.Expect) {
		for _, a := range []actor{c.alice, c.bob} {
			data(a.as(e).GET(roomPath(started, "")).Expect()).HasValue("status", "ended").HasValue("name", "renamed while started")
			items, pg := page(a.as(e).GET(roomPath(started, "/participant")).Expect())
			pg.HasValue("total_records", 2)
			items.Length().IsEqual(2)
			page(a.as(e).GET(roomPath(started, "/chat")).Expect())
		}
	})
	s.Step("archiving an ended room is bob's own and changes no status", func(e *httpexpect.Expect) {
		data(c.bob.as(e).PATCH(roomPath(started, "/userprofile")).WithJSON(map[string]any{"archive_room": true}).Expect()).
			HasValue("participant_id", c.bob.id).HasValue("archive_room", true)
		data(c.bob.as(e).GET(roomPath(started, "")).Expect()).HasValue("archive_room", true).HasValue("status", "ended")
		data(c.alice.as(e).GET(roomPath(started, "")).Expect()).HasValue("archive_room", false).HasValue("status", "ended")
	})
	s.Step("ending a booked room ends it at once", func(e *httpexpect.Expect) {
		obj := c.alice.as(e).POST(adminPath(booked, "")).WithJSON(map[string]any{"reason": "cancelled"}).
			Expect().Status(http.StatusOK).JSON().Object()
		room := obj.Value("data").Object()
		room.HasValue("status", "ended").HasValue("early_end_reason", "cancelled")
		if start, end := timeOf(s, room, "start_time"), timeOf(s, room, "end_time"); end.Before(start) {
			s.Fail("the ended booked room ends (%s) before it starts (%s)", stamp(end), stamp(start))
		}
	})
}

// ParticipantPrivacy is the participant-privacy scenario.
func ParticipantPrivacy(s *contracts.S) {
	c := actors(s)
	var rooms []string
	defer endRooms(s, &c, &rooms)
	var room, fileID string
	var carolsURL signedURL
	name := s.Unique("private")

	// outsider checks that a, not a participant, learns nothing of the room.
	outsider := func(e *httpexpect.Expect, a actor) {
		as := a.as(e)
		for _, r := range []*httpexpect.Response{
			as.GET(roomPath(room, "")).Expect(),
			as.GET(roomPath(room, "/participant")).Expect(),
			as.GET(roomPath(room, "/chat")).Expect(),
			as.POST(roomPath(room, "/chat")).WithJSON(map[string]any{"text": "let me in"}).Expect(),
			as.PATCH(roomPath(room, "/userprofile")).WithJSON(map[string]any{"username": "intruder"}).Expect(),
			as.GET(roomPath(room, "/upload")).Expect(),
			as.GET(roomPath(room, "/download")).WithQuery("file_id", fileID).Expect(),
		} {
			refused(r, http.StatusNotFound, "ROOM_NOT_FOUND")
			if strings.Contains(r.Body().Raw(), name) {
				s.Fail("the refusal names the room (%q): a non-participant must learn nothing of it", name)
			}
		}
		if myRooms(s, e, a)[room] {
			s.Fail("room %s is among %s's rooms, who is not a participant", room, a.name)
		}
	}

	s.Step("alice creates a room with bob, a message and a file", func(e *httpexpect.Expect) {
		start, end := startedTimes()
		room = createRoom(e, c.alice, name, start, end, c.bob).Value("id").String().Raw()
		rooms = append(rooms, room)
		fileID = upload(s, e, c.alice, room, "text/plain", "for participants only")
		data(c.alice.as(e).POST(roomPath(room, "/chat")).WithJSON(map[string]any{"text": "welcome"}).Expect())
	})
	s.Step("carol, not invited, gets 404 ROOM_NOT_FOUND and no listing", func(e *httpexpect.Expect) {
		outsider(e, c.carol)
	})
	s.Step("carol is refused the admin APIs with 404 ROOM_NOT_FOUND", func(e *httpexpect.Expect) {
		as := c.carol.as(e)
		for _, r := range []*httpexpect.Response{
			as.POST(adminPath(room, "")).WithJSON(map[string]any{"name": "mine now"}).Expect(),
			as.POST(adminPath(room, "")).Expect(),
			as.POST(adminPath(room, "/participant")).WithJSON(map[string]any{"participant_ids": []string{c.carol.id}}).Expect(),
			as.DELETE(adminPath(room, "/participant")).WithJSON(map[string]any{"participant_ids": []string{c.bob.id}}).Expect(),
			as.POST(grantPath(room, c.carol.id)).Expect(),
			as.DELETE(grantPath(room, c.alice.id)).Expect(),
		} {
			refused(r, http.StatusNotFound, "ROOM_NOT_FOUND")
		}
		data(c.alice.as(e).GET(roomPath(room, "")).Expect()).HasValue("name", name).HasValue("participant_count", 2).HasValue("status", "started")
	})
	s.Step("a room that does not exist gets the same answer", func(e *httpexpect.Expect) {
		refused(c.alice.as(e).GET(roomPath(s.Unique("no-such-room"), "")).Expect(), http.StatusNotFound, "ROOM_NOT_FOUND")
	})
	if secret, ok := s.LookupCredential("jwtSecret"); ok {
		s.Step("a user the server never saw gets 404 and no rooms", func(e *httpexpect.Expect) {
			stranger := actor{name: "a fresh user", id: s.Unique("stranger")}
			stranger.token = sign(secret, stranger.id, "stranger", time.Now().Add(time.Hour))
			outsider(e, stranger)
			_, pg := page(stranger.as(e).GET("/participant/room").Expect())
			pg.HasValue("total_records", 0)
		})
	} else {
		s.Logf("no jwtSecret credential: the step with a fresh user's token is left out")
	}
	s.Step("once invited, carol sees the room, its participants, chat and files", func(e *httpexpect.Expect) {
		page(c.alice.as(e).POST(adminPath(room, "/participant")).WithJSON(map[string]any{"participant_ids": []string{c.carol.id}}).Expect())
		as := c.carol.as(e)
		data(as.GET(roomPath(room, "")).Expect()).HasValue("name", name).HasValue("is_admin", false).HasValue("participant_count", 3)
		items, _ := page(as.GET(roomPath(room, "/participant")).Expect())
		if !contains(participantIDs(items), c.carol.id) {
			s.Fail("carol is not among the participants she lists")
		}
		msgs, _ := page(as.GET(roomPath(room, "/chat")).Expect())
		msgs.Value(0).Object().HasValue("text", "welcome")
		u := data(as.GET(roomPath(room, "/download")).WithQuery("file_id", fileID).Expect())
		carolsURL = parseSigned(s, u.Value("url").String().Raw(), fileID)
		carolsURL.request(e, http.MethodGet).Expect().Status(http.StatusOK).Body().IsEqual("for participants only")
		if !myRooms(s, e, c.carol)[room] {
			s.Fail("room %s is not among carol's rooms after she was invited", room)
		}
	})
	s.Step("once removed, carol no longer sees it and her download URL stops working", func(e *httpexpect.Expect) {
		items, _ := page(c.alice.as(e).DELETE(adminPath(room, "/participant")).WithJSON(map[string]any{"participant_ids": []string{c.carol.id}}).Expect())
		if contains(participantIDs(items), c.carol.id) {
			s.Fail("carol is still listed after her removal")
		}
		outsider(e, c.carol)
		refused(carolsURL.request(e, http.MethodGet).Expect(), http.StatusForbidden, "NOT_A_PARTICIPANT")
	})
}

// ChatHistory is the chat-history scenario.
func ChatHistory(s *contracts.S) {
	c := actors(s)
	var rooms []string
	defer endRooms(s, &c, &rooms)
	var room string
	const sent = 12
	texts := make([]string, sent)
	senders := make([]actor, sent)

	s.Step("alice creates a room with bob", func(e *httpexpect.Expect) {
		start, end := startedTimes()
		room = createRoom(e, c.alice, s.Unique("history"), start, end, c.bob).Value("id").String().Raw()
		rooms = append(rooms, room)
		msgs, pg := page(c.alice.as(e).GET(roomPath(room, "/chat")).Expect())
		msgs.IsEmpty()
		pg.HasValue("total_records", 0)
	})
	s.Step("alice and bob take turns sending twelve messages", func(e *httpexpect.Expect) {
		for i := range sent {
			senders[i] = []actor{c.alice, c.bob}[i%2]
			texts[i] = fmt.Sprintf("message %02d from %s", i+1, senders[i].name)
			if i == sent/2 {
				data(c.bob.as(e).PATCH(roomPath(room, "/userprofile")).WithJSON(map[string]any{"username": "Bob (ops)"}).Expect()).
					HasValue("username", "Bob (ops)")
			}
			data(senders[i].as(e).POST(roomPath(room, "/chat")).WithJSON(map[string]any{"text": texts[i]}).Expect()).
				HasValue("text", texts[i]).HasValue("uid", senders[i].id)
		}
	})
	s.Step("pages of five list them oldest first with a true total", func(e *httpexpect.Expect) {
		var last time.Time
		for n, want := range []int{5, 5, 2, 0} {
			msgs, pg := page(c.bob.as(e).GET(roomPath(room, "/chat")).WithQuery("page", n+1).WithQuery("size", 5).Expect())
			pg.HasValue("number", n+1).HasValue("size", 5).HasValue("total_records", sent)
			msgs.Length().IsEqual(want)
			for j, v := range msgs.Iter() {
				i := n*5 + j
				m := v.Object()
				m.HasValue("text", texts[i]).HasValue("uid", senders[i].id)
				at := timeOf(s, m, "timestamp")
				if at.Before(last) {
					s.Fail("message %d (%s) is older than the one before it", i+1, stamp(at))
				}
				last = at
				name := m.Value("name").String().NotEmpty().Raw()
				if senders[i] == c.bob && i > sent/2 && name != "Bob (ops)" {
					s.Fail("message %d, sent after bob set his username, is named %q, want \"Bob (ops)\"", i+1, name)
				}
			}
		}
	})
}

// contains reports whether m has key k.
func contains[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}
