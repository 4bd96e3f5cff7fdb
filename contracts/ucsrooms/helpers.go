package ucsrooms

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
)

// actor is a user the scenarios act as: a name for messages, the user id
// (the token's sub) and the bearer token.
type actor struct {
	name, id, token string
}

// as returns e sending the actor's token on every request.
func (a actor) as(e *httpexpect.Expect) *httpexpect.Expect {
	return bearer(e, a.token)
}

// bearer returns e sending token as a bearer token on every request.
func bearer(e *httpexpect.Expect, token string) *httpexpect.Expect {
	return e.Builder(func(r *httpexpect.Request) { r.WithHeader("Authorization", "Bearer "+token) })
}

// cast is the three users of a scenario.
type cast struct {
	alice, bob, carol actor
}

// actors reads the three users from the target's credentials. Their ids are
// the tokens' sub claims, read without verifying the tokens, as a frontend
// reads its own IAMS token; they must be three different users. It fails
// the current step (or the scenario, outside steps) if not.
func actors(s *contracts.S) cast {
	var c cast
	seen := map[string]string{}
	for i, a := range []*actor{&c.alice, &c.bob, &c.carol} {
		a.name = []string{"alice", "bob", "carol"}[i]
		key := a.name + "Token"
		if a.token = s.Credential(key); a.token == "" {
			return c
		}
		sub, err := subject(a.token)
		if err != nil {
			s.Fail("credential %s: %v", key, err)
			return c
		}
		if other, ok := seen[sub]; ok {
			s.Fail("credentials %sToken and %s name the same user %q: the scenarios need three different users", other, key, sub)
			return c
		}
		seen[sub], a.id = a.name, sub
	}
	return c
}

// subject returns the sub claim of a JWT, unverified.
func subject(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("not a JWT (want three dot-separated parts, got %d)", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return "", fmt.Errorf("the JWT's payload is not base64url: %v", err)
	}
	var claims struct {
		Sub string `json:"sub"`
	}
	if err := json.Unmarshal(raw, &claims); err != nil {
		return "", fmt.Errorf("the JWT's payload is not a JSON object: %v", err)
	}
	if claims.Sub == "" {
		return "", fmt.Errorf("the JWT has no sub claim: it names no user")
	}
	return claims.Sub, nil
}

// unsignedToken returns a JWT with alg "none" and no signature, for sub.
func unsignedToken(sub, username string, exp time.Time) string {
	enc := func(v any) string {
		raw, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(raw)
	}
	return enc(map[string]string{"alg": "none", "typ": "JWT"}) + "." +
		enc(map[string]any{"sub": sub, "preferred_username": username, "exp": exp.Unix()}) + "."
}

// refused checks the error envelope, {code, message, errors, sent_at}, the
// status and the code ("" for any).
func refused(r *httpexpect.Response, status int, code string) *httpexpect.Object {
	obj := r.Status(status).JSON().Object()
	if code != "" {
		obj.HasValue("code", code)
	} else {
		obj.Value("code").String().NotEmpty()
	}
	obj.Value("message").String().NotEmpty()
	obj.Value("errors").Array()
	obj.Value("sent_at").String().NotEmpty()
	return obj
}

// data checks a success envelope with status 200 and returns its data
// object.
func data(r *httpexpect.Response) *httpexpect.Object {
	obj := r.Status(http.StatusOK).JSON().Object()
	obj.Value("sent_at").String().NotEmpty()
	return obj.Value("data").Object()
}

// page checks a listing's envelope with status 200 and returns its items
// and its page object.
func page(r *httpexpect.Response) (*httpexpect.Array, *httpexpect.Object) {
	obj := r.Status(http.StatusOK).JSON().Object()
	obj.Value("sent_at").String().NotEmpty()
	return obj.Value("data").Array(), obj.Value("page").Object()
}

// sentAt returns the server's time of an answer (its sent_at), against
// which the scenarios judge times the server computed.
func sentAt(s *contracts.S, obj *httpexpect.Object) time.Time {
	return parseTime(s, "sent_at", obj.Value("sent_at").String().Raw())
}

// timeOf returns field of obj as a time.
func timeOf(s *contracts.S, obj *httpexpect.Object, field string) time.Time {
	return parseTime(s, field, obj.Value(field).String().Raw())
}

func parseTime(s *contracts.S, field, raw string) time.Time {
	t, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		s.Fail("%s %q is not an RFC 3339 time: %v", field, raw, err)
	}
	return t
}

// near fails unless got is within slack of want.
func near(s *contracts.S, what string, got, want time.Time, slack time.Duration) {
	if d := got.Sub(want); d < -slack || d > slack {
		s.Fail("%s is %s, want about %s (within %s), %s off", what, got.Format(time.RFC3339), want.Format(time.RFC3339), slack, d)
	}
}

// stamp formats t as the API's times.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Room times far enough from now that neither the server's clock skew nor
// a slow run changes a room's status.
func startedTimes() (start, end time.Time) {
	now := time.Now().UTC().Truncate(time.Second)
	return now.Add(-time.Hour), now.Add(24 * time.Hour)
}

func bookedTimes() (start, end time.Time) {
	now := time.Now().UTC().Truncate(time.Second)
	return now.Add(24 * time.Hour), now.Add(25 * time.Hour)
}

// createRoom creates a room as a with the times given and the invited
// users, checks the creator is its admin, and returns the room object.
func createRoom(e *httpexpect.Expect, a actor, name string, start, end time.Time, invited ...actor) *httpexpect.Object {
	ids := []string{}
	for _, i := range invited {
		ids = append(ids, i.id)
	}
	room := data(a.as(e).POST("/room").WithJSON(map[string]any{
		"name": name, "start_time": stamp(start), "end_time": stamp(end), "participant_ids": ids,
	}).Expect())
	room.HasValue("name", name).HasValue("created_by", a.id).HasValue("is_admin", true).
		HasValue("participant_count", 1+len(invited))
	room.Value("id").String().NotEmpty()
	return room
}

// roomPath is the participant path of room id, plus rest.
func roomPath(id, rest string) string { return "/participant/room/" + url.PathEscape(id) + rest }

// adminPath is the admin path of room id, plus rest.
func adminPath(id, rest string) string { return "/admin/room/" + url.PathEscape(id) + rest }

// grantPath is the admin-right path of user in room id.
func grantPath(id, user string) string {
	return adminPath(id, "/participant/"+url.PathEscape(user)+"/admin")
}

// endRooms is the cleanup of a scenario: it ends each room it created, as
// the first of the cast still allowed to. The API cannot delete rooms, so
// this is as tidy as a live server can be left. Answers are not checked:
// a room may already have ended, and a failed scenario may have left the
// admins anywhere.
func endRooms(s *contracts.S, c *cast, rooms *[]string) {
	s.Cleanup("end the scenario's rooms", func(e *httpexpect.Expect) {
		for _, id := range *rooms {
			for _, a := range []actor{c.alice, c.bob, c.carol} {
				if a.token == "" {
					continue
				}
				status := a.as(e).POST(adminPath(id, "")).Expect().Raw().StatusCode
				if status == http.StatusOK || status == http.StatusConflict {
					break
				}
			}
		}
	})
}

// participantIDs returns the participant ids of a page of participants,
// with whether each is an admin.
func participantIDs(items *httpexpect.Array) map[string]bool {
	out := map[string]bool{}
	for _, v := range items.Iter() {
		p := v.Object()
		out[p.Value("participant_id").String().Raw()] = p.Value("is_admin").Boolean().Raw()
	}
	return out
}

// myRooms returns the ids of every room a is a participant of, reading
// every page of GET /participant/room (at most 50 pages of 100).
func myRooms(s *contracts.S, e *httpexpect.Expect, a actor) map[string]bool {
	ids := map[string]bool{}
	for n := 1; n <= 50; n++ {
		items, pg := page(a.as(e).GET("/participant/room").WithQuery("page", n).WithQuery("size", 100).Expect())
		pg.HasValue("number", n)
		for _, v := range items.Iter() {
			ids[v.Object().Value("id").String().Raw()] = true
		}
		total := int(pg.Value("total_records").Number().Raw())
		if len(items.Iter()) == 0 || len(ids) >= total {
			return ids
		}
	}
	s.Logf("%s is in more than 5000 rooms: only the first 5000 were read", a.name)
	return ids
}

// signedURL is a signed upload or download URL as the scenarios send it
// to the target: the path from /files/ on, and the query.
type signedURL struct {
	raw   string // as the server gave it
	path  string // "/files/{file_id}"
	query url.Values
}

// parseSigned reads a signed URL the server handed out. The spec has it
// point at /files/{file_id} on the server itself; the scenarios send it to
// the target's base URL, keeping its path from /files/ on and its query,
// so that a server that sees itself under another host name (a proxy, or
// the in-process target) is reached all the same.
func parseSigned(s *contracts.S, raw, fileID string) signedURL {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		s.Fail("signed URL %q: %v", raw, err)
	case !u.IsAbs() || u.Host == "":
		s.Fail("signed URL %q is not absolute: a browser must be able to use it as it is", raw)
	}
	i := strings.LastIndex(u.Path, "/files/")
	if i < 0 || u.Path[i+len("/files/"):] != fileID {
		s.Fail("signed URL %q does not point at /files/%s", raw, fileID)
	}
	return signedURL{raw: raw, path: u.Path[i:], query: u.Query()}
}

// with returns a copy of the URL with query parameter key set to value.
func (u signedURL) with(key, value string) signedURL {
	q := url.Values{}
	for k, v := range u.query {
		q[k] = append([]string(nil), v...)
	}
	q.Set(key, value)
	u.query = q
	return u
}

// request builds a request of method to the URL on the target.
func (u signedURL) request(e *httpexpect.Expect, method string) *httpexpect.Request {
	return e.Request(method, u.path).WithQueryString(u.query.Encode())
}

// tampered returns s with its last character changed.
func tampered(s string) string {
	if s == "" {
		return "0"
	}
	last := s[len(s)-1]
	next := byte('0')
	if last == '0' {
		next = '1'
	}
	return s[:len(s)-1] + string(next)
}
