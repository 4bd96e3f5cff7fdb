package ucsrooms

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
)

// uploadURL gets a signed upload URL of room as a and checks it.
func uploadURL(s *contracts.S, e *httpexpect.Expect, a actor, room string) signedURL {
	obj := a.as(e).GET(roomPath(room, "/upload")).Expect().Status(http.StatusOK).JSON().Object()
	d := obj.Value("data").Object()
	fileID := d.Value("file_id").String().NotEmpty().Raw()
	checkExpiry(s, sentAt(s, obj), timeOf(s, d, "expires_at"))
	return parseSigned(s, d.Value("url").String().Raw(), fileID)
}

// downloadURL gets a signed download URL of a file of room as a.
func downloadURL(s *contracts.S, e *httpexpect.Expect, a actor, room, fileID string) signedURL {
	obj := a.as(e).GET(roomPath(room, "/download")).WithQuery("file_id", fileID).Expect().Status(http.StatusOK).JSON().Object()
	d := obj.Value("data").Object().HasValue("file_id", fileID)
	checkExpiry(s, sentAt(s, obj), timeOf(s, d, "expires_at"))
	return parseSigned(s, d.Value("url").String().Raw(), fileID)
}

// checkExpiry fails unless a URL handed out at now expires after it, and
// within a day.
func checkExpiry(s *contracts.S, now, expires time.Time) {
	if !expires.After(now) || expires.After(now.Add(24*time.Hour)) {
		s.Fail("a URL handed out at %s expires at %s: want a time after that, within a day", stamp(now), stamp(expires))
	}
}

// put uploads body with contentType to an upload URL.
func put(e *httpexpect.Expect, u signedURL, contentType, body string) *httpexpect.Response {
	return u.request(e, http.MethodPut).WithHeader("Content-Type", contentType).WithBytes([]byte(body)).Expect()
}

// upload uploads body to room as a and returns the file id.
func upload(s *contracts.S, e *httpexpect.Expect, a actor, room, contentType, body string) string {
	u := uploadURL(s, e, a, room)
	fileID := u.path[len("/files/"):]
	data(put(e, u, contentType, body)).HasValue("file_id", fileID).HasValue("size", len(body)).HasValue("content_type", contentType)
	return fileID
}

// Files is the files scenario. Expiry itself cannot be forced by a client
// short of waiting out the URL's lifetime (the mock's urlTTL, 60 s by
// default); the fake's own tests cover it on a controlled clock. Here, an
// expiry moved by hand must be refused, which a server that does not sign
// the expiry would let through.
func Files(s *contracts.S) {
	c := actors(s)
	var rooms []string
	defer endRooms(s, &c, &rooms)
	var room, fileID string
	var up, down signedURL
	content := "standin conformance file " + s.Unique("f") + "\n"
	const contentType = "text/plain"

	s.Step("alice creates a room with bob", func(e *httpexpect.Expect) {
		start, end := startedTimes()
		room = createRoom(e, c.alice, s.Unique("files"), start, end, c.bob).Value("id").String().Raw()
		rooms = append(rooms, room)
	})
	s.Step("alice gets an upload URL and PUTs a file to it", func(e *httpexpect.Expect) {
		up = uploadURL(s, e, c.alice, room)
		fileID = up.path[len("/files/"):]
		data(put(e, up, contentType, content)).
			HasValue("file_id", fileID).HasValue("size", len(content)).HasValue("content_type", contentType)
	})
	s.Step("a second PUT to the upload URL is refused with 409 FILE_EXISTS", func(e *httpexpect.Expect) {
		refused(put(e, up, contentType, "something else"), http.StatusConflict, "FILE_EXISTS")
	})
	s.Step("alice sends the file in a chat message", func(e *httpexpect.Expect) {
		data(c.alice.as(e).POST(roomPath(room, "/chat")).WithJSON(map[string]any{
			"text":       "the notes are attached",
			"attachment": map[string]any{"file_id": fileID, "name": "notes.txt", "size": len(content), "content_type": contentType},
		}).Expect()).Value("attachment").Object().HasValue("file_id", fileID)
	})
	s.Step("bob finds it in the chat and downloads the same bytes", func(e *httpexpect.Expect) {
		msgs, _ := page(c.bob.as(e).GET(roomPath(room, "/chat")).Expect())
		msgs.Length().IsEqual(1)
		att := msgs.Value(0).Object().HasValue("uid", c.alice.id).Value("attachment").Object()
		att.HasValue("file_id", fileID).HasValue("name", "notes.txt").HasValue("content_type", contentType)
		down = downloadURL(s, e, c.bob, room, att.Value("file_id").String().Raw())
		r := down.request(e, http.MethodGet).Expect().Status(http.StatusOK)
		r.HasContentType(contentType)
		r.Body().IsEqual(content)
	})
	s.Step("a tampered signature is refused with 403 SIGNATURE_INVALID", func(e *httpexpect.Expect) {
		refused(down.with("signature", tampered(down.query.Get("signature"))).request(e, http.MethodGet).Expect(),
			http.StatusForbidden, "SIGNATURE_INVALID")
		refused(down.with("user_id", c.carol.id).request(e, http.MethodGet).Expect(), http.StatusForbidden, "SIGNATURE_INVALID")
		fresh := uploadURL(s, e, c.alice, room)
		refused(put(e, fresh.with("signature", tampered(fresh.query.Get("signature"))), contentType, "forged"),
			http.StatusForbidden, "SIGNATURE_INVALID")
		data(put(e, fresh, contentType, "genuine")).HasValue("size", len("genuine"))
	})
	s.Step("a URL whose expiry was changed is refused with 403", func(e *httpexpect.Expect) {
		expires, err := strconv.ParseInt(down.query.Get("expires"), 10, 64)
		if err != nil {
			s.Fail("the download URL's expires %q is not Unix seconds: %v", down.query.Get("expires"), err)
		}
		// Moved into the past, the URL is both expired and no longer
		// matches its signature: either refusal is right.
		refused(down.with("expires", strconv.FormatInt(expires-3600, 10)).request(e, http.MethodGet).Expect(), http.StatusForbidden, "").
			Value("code").String().InList("SIGNATURE_INVALID", "URL_EXPIRED")
		refused(down.with("expires", strconv.FormatInt(expires+86400, 10)).request(e, http.MethodGet).Expect(),
			http.StatusForbidden, "SIGNATURE_INVALID")
	})
	s.Step("a URL serves only its own method", func(e *httpexpect.Expect) {
		fresh := uploadURL(s, e, c.alice, room)
		refused(fresh.request(e, http.MethodGet).Expect(), http.StatusForbidden, "SIGNATURE_INVALID")
		refused(put(e, down, contentType, "overwritten"), http.StatusForbidden, "SIGNATURE_INVALID")
		down.request(e, http.MethodGet).Expect().Status(http.StatusOK).Body().IsEqual(content)
	})
	s.Step("a non-participant cannot get a download URL", func(e *httpexpect.Expect) {
		refused(c.carol.as(e).GET(roomPath(room, "/download")).WithQuery("file_id", fileID).Expect(), http.StatusNotFound, "ROOM_NOT_FOUND")
	})
	s.Step("files that were never uploaded are 404 FILE_NOT_FOUND", func(e *httpexpect.Expect) {
		ghost := s.Unique("no-such-file")
		refused(c.bob.as(e).GET(roomPath(room, "/download")).WithQuery("file_id", ghost).Expect(), http.StatusNotFound, "FILE_NOT_FOUND")
		refused(c.bob.as(e).POST(roomPath(room, "/chat")).WithJSON(map[string]any{
			"text": "see attached", "attachment": map[string]any{"file_id": ghost},
		}).Expect(), http.StatusNotFound, "FILE_NOT_FOUND")
	})
}
