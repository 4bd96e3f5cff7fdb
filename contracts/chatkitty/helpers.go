package chatkitty

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
)

// API is the spec these scenarios check responses against.
const API = "chatkitty"

// The token endpoint, under the target's base URL as standin serves it
// (ChatKitty serves it on a host of its own).
const tokenPath = "/oauth/token"

// maxPages bounds every walk through pages, so that a server whose links
// loop fails the step instead of hanging it.
const maxPages = 200

// jobDeadline bounds the wait for an import job: generous, as a deadline
// for polling, not a measure (the mock's jobs end after 0.5 s of its
// clock).
const jobDeadline = 30 * time.Second

// app is an application the scenarios act as: its OAuth client.
type app struct {
	name             string // "application 1"
	clientID, secret string
}

// firstApp returns the application of the clientId and clientSecret
// credentials; it fails the current step (or the scenario) without them.
func firstApp(s *contracts.S) app {
	return app{name: "application 1", clientID: s.Credential("clientId"), secret: s.Credential("clientSecret")}
}

// token gets an access token for a with the client credentials grant, as
// the SDK does (HTTP Basic client credentials, a multipart form), checks
// the answer and returns the token.
func token(e *httpexpect.Expect, a app) string {
	obj := ok(e.POST(tokenPath).WithBasicAuth(a.clientID, a.secret).
		WithMultipart().WithFormField("grant_type", "client_credentials").Expect())
	obj.Value("token_type").String().IsEqualFold("bearer")
	obj.Value("expires_in").Number().Gt(0)
	return obj.Value("access_token").String().NotEmpty().Raw()
}

// bearer returns e sending tok as the bearer token of every request.
func bearer(e *httpexpect.Expect, tok string) *httpexpect.Expect {
	return e.Builder(func(r *httpexpect.Request) { r.WithHeader("Authorization", "Bearer "+tok) })
}

// ok checks a 200 answer with a JSON object and returns it.
func ok(r *httpexpect.Response) *httpexpect.Object {
	return r.Status(http.StatusOK).JSON().Object()
}

// refused checks an ApiError refusal {error, message, timestamp}: the
// status and the error code.
func refused(r *httpexpect.Response, status int, code string) *httpexpect.Object {
	obj := r.Status(status).JSON().Object()
	obj.HasValue("error", code)
	obj.Value("message").String().NotEmpty()
	obj.Value("timestamp").String().NotEmpty()
	return obj
}

// unauthorized checks a 401 AuthenticationError {error, error_description}
// with the error code given.
func unauthorized(r *httpexpect.Response, code string) {
	obj := r.Status(http.StatusUnauthorized).JSON().Object()
	obj.HasValue("error", code)
	obj.Value("error_description").String().NotEmpty()
}

// idOf returns the id of obj.
func idOf(obj *httpexpect.Object) int64 {
	return int64(obj.Value("id").Number().Raw())
}

// embedded returns the items under _embedded.key of a HAL page: none when
// _embedded or the key is absent, as Spring HAL servers leave them out of
// empty pages.
func embedded(obj *httpexpect.Object, key string) []*httpexpect.Object {
	if v, has := obj.Raw()["_embedded"]; !has || v == nil {
		return nil
	}
	emb := obj.Value("_embedded").Object()
	if v, has := emb.Raw()[key]; !has || v == nil {
		return nil
	}
	var out []*httpexpect.Object
	for _, v := range emb.Value(key).Array().Iter() {
		out = append(out, v.Object())
	}
	return out
}

// ids returns the ids of objs, in order.
func ids(objs []*httpexpect.Object) []int64 {
	out := make([]int64, 0, len(objs))
	for _, o := range objs {
		out = append(out, idOf(o))
	}
	return out
}

// href returns the href of link rel of a HAL object, and whether it has
// one.
func href(obj *httpexpect.Object, rel string) (string, bool) {
	links, _ := obj.Raw()["_links"].(map[string]any)
	l, _ := links[rel].(map[string]any)
	h, _ := l["href"].(string)
	return h, h != ""
}

// follow builds a GET of link (absolute, or relative to the target's base
// URL), as a HAL client follows it.
func follow(s *contracts.S, e *httpexpect.Expect, link string) *httpexpect.Request {
	base, err := url.Parse(s.Target().BaseURL)
	if err != nil {
		s.Fail("the target's base URL: %v", err)
	}
	ref, err := url.Parse(link)
	if err != nil {
		s.Fail("link %q is not a URL: %v", link, err)
	}
	if !ref.IsAbs() && !strings.HasPrefix(ref.Path, "/") {
		base.Path = strings.TrimSuffix(base.Path, "/") + "/"
	}
	return e.GET("").WithURL(base.ResolveReference(ref).String())
}

// walkPages reads every page of the HAL listing at path (with query q) in
// pages of size, from page 0 and then by following _links.next until a
// page has none, and returns the ids of the items under _embedded.key in
// order. It fails the step unless each page says its number, holds size
// items but the last, says the same totalElements as the others, repeats
// no item of an earlier page, and the pages hold totalElements items in
// all.
func walkPages(s *contracts.S, e *httpexpect.Expect, path string, q url.Values, key string, size int) []int64 {
	var got []int64
	on := map[int64]int{} // id: the page it was on
	req := e.GET(path).WithQueryString(q.Encode()).WithQuery("size", size)
	total := -1
	for n := 0; ; n++ {
		if n == maxPages {
			s.Fail("GET %s in pages of %d: still a next link after %d pages", path, size, maxPages)
		}
		obj := ok(req.Expect())
		pg := obj.Value("page").Object()
		if got := int(pg.Value("number").Number().Raw()); got != n {
			s.Fail("page %d of GET %s (following _links.next) says it is page %d", n, path, got)
		}
		t := int(pg.Value("totalElements").Number().Raw())
		if total >= 0 && t != total {
			s.Fail("page %d of GET %s says totalElements %d, page 0 said %d", n, path, t, total)
		}
		total = t
		items := ids(embedded(obj, key))
		next, more := href(obj, "next")
		switch {
		case len(items) > size:
			s.Fail("page %d of GET %s holds %d items, more than the size %d", n, path, len(items), size)
		case more && len(items) != size:
			s.Fail("page %d of GET %s holds %d items and links a next page: only the last page may hold fewer than %d", n, path, len(items), size)
		}
		for _, id := range items {
			if p, dup := on[id]; dup {
				s.Fail("page %d of GET %s repeats %d, already on page %d: the pages overlap", n, path, id, p)
			}
			on[id] = n
			got = append(got, id)
		}
		if !more {
			break
		}
		req = follow(s, e, next)
	}
	if len(got) != total {
		s.Fail("the pages of GET %s hold %d items in all, but say totalElements %d", path, len(got), total)
	}
	return got
}

// listAll returns the ids of every item of the HAL listing at path, read
// in pages of 100.
func listAll(s *contracts.S, e *httpexpect.Expect, path, key string) []int64 {
	return walkPages(s, e, path, nil, key, 100)
}

// runningJobs returns the ids of every job GET /v1/jobs?running= lists.
func runningJobs(s *contracts.S, e *httpexpect.Expect, running bool) []int64 {
	return walkPages(s, e, "/v1/jobs", url.Values{"running": {fmt.Sprint(running)}}, "jobs", 100)
}

// sameSet reports whether a and b hold the same ids, once each.
func sameSet(a, b []int64) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func itoa(id int64) string        { return strconv.FormatInt(id, 10) }
func userPath(id int64) string    { return "/v1/users/" + itoa(id) }
func channelPath(id int64) string { return "/v1/channels/" + itoa(id) }

// user is a user a scenario made.
type user struct {
	id   int64
	name string
}

// byID is the reference to u by id.
func (u user) byID() map[string]any { return map[string]any{"id": u.id} }

// byName is the reference to u by username.
func (u user) byName() map[string]any { return map[string]any{"username": u.name} }

// createUser creates a native (or guest) user called name as as and
// records it in r for the cleanup.
func createUser(as *httpexpect.Expect, r *records, name string, guest bool, props map[string]any) (user, *httpexpect.Object) {
	body := map[string]any{"name": name, "displayName": "Display " + name, "isGuest": guest}
	if props != nil {
		body["properties"] = props
	}
	obj := ok(as.POST("/v1/users").WithJSON(body).Expect())
	u := user{id: idOf(obj), name: name}
	r.users = append(r.users, u.id)
	obj.HasValue("name", name).HasValue("displayName", "Display "+name).HasValue("isGuest", guest)
	return u, obj
}

// createChannel creates a channel from body as as, records it in r for the
// cleanup and returns it.
func createChannel(as *httpexpect.Expect, r *records, body map[string]any) *httpexpect.Object {
	obj := ok(as.POST("/v1/channels").WithJSON(body).Expect())
	id := idOf(obj)
	if !slices.Contains(r.channels, id) {
		r.channels = append(r.channels, id)
	}
	return obj
}

// members returns the ids of every member of channel id.
func members(s *contracts.S, as *httpexpect.Expect, id int64) []int64 {
	return listAll(s, as, channelPath(id)+"/members", "users")
}

// moderators returns the ids of every moderator of channel id.
func moderators(s *contracts.S, as *httpexpect.Expect, id int64) []int64 {
	return listAll(s, as, channelPath(id)+"/moderators", "users")
}

// records are what a scenario created as one application, to delete at
// the end.
type records struct {
	app      app
	users    []int64
	channels []int64
}

// cleanup is the cleanup step of a scenario: with a fresh token of each
// set's application (the scenario's may have expired), it deletes the
// channels (with their messages) and then the users each set names.
// Answers are not checked: a step may already have deleted a record, and
// a failed scenario may have left anything anywhere.
func cleanup(s *contracts.S, sets ...*records) {
	s.Cleanup("delete the scenario's channels and users", func(e *httpexpect.Expect) {
		for _, r := range sets {
			if r.app.clientID == "" || len(r.users)+len(r.channels) == 0 {
				continue
			}
			as := bearer(e, token(e, r.app))
			for _, id := range r.channels {
				as.DELETE(channelPath(id)).Expect()
			}
			for _, id := range r.users {
				as.DELETE(userPath(id)).Expect()
			}
		}
	})
}

// importFile posts rows as the JSON file of a multipart import to path
// and returns the job it answers.
func importFile(as *httpexpect.Expect, path string, rows any) *httpexpect.Object {
	raw, err := json.Marshal(rows)
	if err != nil {
		panic(err) // rows are plain maps and slices
	}
	return ok(as.POST(path).WithMultipart().WithFileBytes("file", "import.json", raw).Expect())
}

// jobStates orders a job's states: a job never goes back.
var jobStates = map[string]int{"PENDING": 0, "RUNNING": 1, "FINISHED": 2, "FAILED": 2}

// awaitJob polls GET /v1/jobs/{id} until the job ends, and fails the
// step unless it ends FINISHED, its state never goes back, and it ends
// within jobDeadline.
func awaitJob(s *contracts.S, as *httpexpect.Expect, id int64, typ string) *httpexpect.Object {
	deadline := time.Now().Add(jobDeadline)
	last, lastState := -1, ""
	wait := 20 * time.Millisecond
	for {
		job := ok(as.GET("/v1/jobs/" + strconv.FormatInt(id, 10)).Expect())
		job.HasValue("id", id).HasValue("type", typ)
		state := job.Value("state").String().Raw()
		rank, known := jobStates[state]
		switch {
		case !known:
			s.Fail("job %d is in state %q, not one of PENDING, RUNNING, FINISHED, FAILED", id, state)
		case rank < last:
			s.Fail("job %d went back from %s to %s", id, lastState, state)
		case state == "FAILED":
			s.Fail("job %d FAILED: %v", id, job.Raw()["errors"])
		case state == "FINISHED":
			job.Value("endedTime").String().NotEmpty()
			return job
		}
		last, lastState = rank, state
		if time.Now().After(deadline) {
			s.Fail("job %d is still %s after %s", id, state, jobDeadline)
		}
		time.Sleep(wait)
		wait = min(2*wait, 250*time.Millisecond)
	}
}
