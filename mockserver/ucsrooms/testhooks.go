package ucsrooms

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/standin/standin/mockserver"
)

// testHooks let the test kit act as alice, the admin of both demo rooms,
// and find the seeded rooms and participants.
var testHooks = mockserver.TestHooks{
	Login: func(http.Handler, string) (http.Header, error) {
		// The kit serves the default options: options.yaml's jwtSecret.
		auth := http.Header{}
		auth.Set("Authorization", "Bearer "+Token(Options{JWTSecret: defaultJWTSecret}, DemoUsers[0]))
		return auth, nil
	},
	Prepare: prepare,
	Known: func(h http.Handler, auth http.Header, ns string) (map[string][]string, error) {
		var rooms struct {
			Data []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"data"`
		}
		if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, "/participant/room?size=100", nil, &rooms); err != nil {
			return nil, err
		}
		known := map[string][]string{}
		for _, r := range rooms.Data {
			known["room_id"] = append(known["room_id"], r.ID)
		}
		// bob is a participant of both demo rooms: grants, revokes and
		// removals name him (alice, the caller, stays the admin).
		known["participant_id"] = []string{DemoUsers[1].ID}
		known["participant_ids"] = []string{DemoUsers[1].ID}
		return known, nil
	},
	BusinessRules: []mockserver.BusinessRule{
		{Operation: "createRoom", Code: "INVALID_TIME_RANGE", Reason: "end_time must not be before start_time, a relation between two fields"},
		{Operation: "updateOrEndRoom", Code: "INVALID_TIME_RANGE", Reason: "the new times, with the room's, must not end before they start"},
		{Operation: "updateOrEndRoom", Code: "AMBIGUOUS_REQUEST", Reason: "a body either updates or ends the room; without oneOf the spec cannot say that"},
		{Operation: "updateOrEndRoom", Code: "ROOM_STARTED", Reason: "start_time cannot change once the room has started, which depends on the clock"},
		{Operation: "removeParticipants", Code: "NO_PARTICIPANTS", Reason: "the ids may come in the body, the query or both; the spec cannot require one of them"},
		{Operation: "removeParticipants", Code: "PARTICIPANT_NOT_FOUND", Reason: "each id must be a participant of the room, which the state decides"},
		{Operation: "removeParticipants", Code: "LAST_ADMIN", Reason: "the room must keep an admin"},
		{Operation: "grantAdmin", Code: "PARTICIPANT_NOT_FOUND", Reason: "the target must be a participant of the room"},
		{Operation: "revokeAdmin", Code: "PARTICIPANT_NOT_FOUND", Reason: "the target must be a participant of the room"},
		{Operation: "revokeAdmin", Code: "LAST_ADMIN", Reason: "the room must keep an admin"},
		{Operation: "sendChatMessage", Code: "FILE_NOT_FOUND", Reason: "an attachment must name a file uploaded to the room"},
		{Operation: "getDownloadUrl", Code: "FILE_NOT_FOUND", Reason: "the file must have been uploaded to the room"},
		{Operation: "uploadFile", Code: "SIGNATURE_INVALID", Reason: "the server signs the URL; no constraint of the spec can say which values match the signature"},
		{Operation: "uploadFile", Code: "URL_EXPIRED", Reason: "signed URLs expire on the clock"},
		{Operation: "uploadFile", Code: "FILE_EXISTS", Reason: "an upload URL takes one upload"},
		{Operation: "downloadFile", Code: "SIGNATURE_INVALID", Reason: "the server signs the URL; no constraint of the spec can say which values match the signature"},
		{Operation: "downloadFile", Code: "URL_EXPIRED", Reason: "signed URLs expire on the clock"},
	},
}

// prepare uploads a file to the started demo room, so that the kit can
// name it in downloads and attachments, and gives the kit the parts of
// a fresh upload URL and of a download URL.
func prepare(h http.Handler, auth http.Header, ns string) (map[string][]string, error) {
	var upload, download struct {
		Data struct {
			URL    string `json:"url"`
			FileID string `json:"file_id"`
		} `json:"data"`
	}
	room := "/participant/room/" + StartedRoomID
	if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, room+"/upload", nil, &upload); err != nil {
		return nil, err
	}
	if err := putFile(h, upload.Data.URL, "kit file"); err != nil {
		return nil, err
	}
	if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, room+"/download?file_id="+upload.Data.FileID, nil, &download); err != nil {
		return nil, err
	}
	var fresh struct {
		Data struct {
			URL string `json:"url"`
		} `json:"data"`
	}
	if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, room+"/upload", nil, &fresh); err != nil {
		return nil, err
	}
	known := map[string][]string{"file_id": {upload.Data.FileID}}
	for op, raw := range map[string]string{"uploadFile": fresh.Data.URL, "downloadFile": download.Data.URL} {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, err
		}
		known[op+":file_id"] = []string{u.Path[strings.LastIndex(u.Path, "/")+1:]}
		for k, v := range u.Query() {
			known[op+":"+k] = v
		}
	}
	return known, nil
}

// putFile uploads body to a signed URL through h (which serves the API at
// its root: the URL's path is used without its scheme and host).
func putFile(h http.Handler, raw, body string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	req := httptest.NewRequest(http.MethodPut, u.RequestURI(), strings.NewReader(body))
	req.Header.Set("Content-Type", "text/plain")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code/100 != 2 {
		return fmt.Errorf("PUT %s: %d %s", u.Path, rec.Code, rec.Body)
	}
	return nil
}
