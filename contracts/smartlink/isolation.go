package smartlink

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
)

// orgData is what one organisation created in the isolation scenario.
type orgData struct {
	name   string // "the first organisation"
	tag    string // in every name and e-mail it made
	org    int64  // its organizationId
	app    string
	folder int64
	member int64
	event  int64 // 0 when the target records no events through the API
}

// OrgIsolation is the org-isolation scenario.
func OrgIsolation(s *contracts.S) {
	key2, found := s.LookupCredential("apiKey2")
	if !found {
		s.Logf("no apiKey2 credential: the isolation of organisations needs a second organisation's key, nothing was checked")
		return
	}
	one := &records{key: s.Credential("apiKey")}
	two := &records{key: key2}
	defer cleanup(s, one, two)
	first := &orgData{name: "the first organisation", tag: s.Unique("iso1")}
	second := &orgData{name: "the second organisation", tag: s.Unique("iso2")}

	for _, o := range []struct {
		d *orgData
		r *records
	}{{first, one}, {second, two}} {
		s.Step(o.d.name+" creates an app, a folder, a membership and an event", func(e *httpexpect.Expect) {
			create(s, keyed(e, o.r.key), o.d, o.r)
		})
	}
	if s.Target().Credentials["apiKey"] == key2 {
		s.Fail("apiKey and apiKey2 are the same key: the scenario needs two organisations")
		return
	}
	for _, c := range []struct {
		who, whose *orgData
		key        string
	}{{second, first, key2}, {first, second, one.key}} {
		s.Step(c.who.name+" lists and searches none of "+c.whose.name+"'s records", func(e *httpexpect.Expect) {
			if c.who.org == c.whose.org {
				s.Fail("both keys act for organisation %d: the scenario needs two organisations", c.who.org)
			}
			as := keyed(e, c.key)
			foreign := func(what string, arr *httpexpect.Array, field, id string) {
				for _, v := range arr.Iter() {
					obj := v.Object()
					if got := idOf(obj.Value("organizationId").Raw()); got != fmt.Sprint(c.who.org) {
						s.Fail("GET %s as %s lists a record of organisation %s: %v", what, c.who.name, got, obj.Raw())
					}
					if id != "" && idOf(obj.Value(field).Raw()) == id {
						s.Fail("GET %s as %s lists %s's record %s", what, c.who.name, c.whose.name, id)
					}
				}
			}
			foreign("/apps", list(as.GET(base+"/apps").Expect()), "clientId", c.whose.app)
			foreign("/folders", list(as.GET(base+"/folders").Expect()), "id", fmt.Sprint(c.whose.folder))
			foreign("/memberships", list(as.GET(base+"/memberships").Expect()), "id", fmt.Sprint(c.whose.member))
			search := ok(as.GET(base+"/memberships/search").WithQuery("page", 1).WithQuery("pageSize", 100).Expect())
			foreign("/memberships/search", search.Value("memberships").Array(), "id", fmt.Sprint(c.whose.member))
			walk(s, as, map[string]any{"search": c.whose.tag}, 10, 0)
			if c.whose.event != 0 {
				foreign("/events", list(as.GET(base+"/events").Expect()), "id", fmt.Sprint(c.whose.event))
				list(as.GET(base+"/events").WithQuery("membershipId", c.whose.member).Expect()).IsEmpty()
			}
		})
		s.Step(c.who.name+" cannot read, update or delete "+c.whose.name+"'s records (404)", func(e *httpexpect.Expect) {
			as := keyed(e, c.key)
			app, folder, member := appPath(c.whose.app), folderPath(c.whose.folder), memberPath(c.whose.member)
			refused(as.GET(app).Expect(), http.StatusNotFound, "App not found")
			refused(as.PUT(app).WithJSON(map[string]any{"title": "taken over"}).Expect(), http.StatusNotFound, "App not found")
			refused(as.DELETE(app).Expect(), http.StatusNotFound, "App not found")
			refused(as.GET(folder).Expect(), http.StatusNotFound, "Folder not found")
			refused(as.DELETE(folder).Expect(), http.StatusNotFound, "Folder not found")
			refused(as.POST(base+"/folder").WithJSON(map[string]any{"name": "inside", "parentId": c.whose.folder}).Expect(), http.StatusNotFound, "").
				Value("error").String().HasPrefix("Folder not found")
			refused(as.GET(member).Expect(), http.StatusNotFound, "User not found")
			refused(as.PUT(member).WithJSON(map[string]any{"role": "ADMIN", "name": "taken over"}).Expect(), http.StatusNotFound, "User not found")
			refused(as.POST(member+"/deactivate").Expect(), http.StatusNotFound, "User not found")
			refused(as.DELETE(member).Expect(), http.StatusNotFound, "User not found")
		})
	}
	for _, c := range []struct {
		d   *orgData
		key string
	}{{first, one.key}, {second, key2}} {
		s.Step(c.d.name+"'s records are unchanged", func(e *httpexpect.Expect) {
			as := keyed(e, c.key)
			ok(as.GET(appPath(c.d.app)).Expect()).HasValue("title", c.d.tag)
			ok(as.GET(folderPath(c.d.folder)).Expect()).HasValue("name", c.d.tag)
			ok(as.GET(memberPath(c.d.member)).Expect()).HasValue("name", c.d.tag).HasValue("role", "USER").HasValue("status", "ACTIVE")
		})
	}
}

// create makes d's app, folder, membership and (where the target records
// them through the API: standin's POST /events) a log event.
func create(s *contracts.S, as *httpexpect.Expect, d *orgData, r *records) {
	app := ok(as.POST(base + "/app").WithJSON(map[string]any{"title": d.tag}).Expect())
	d.app = app.Value("clientId").String().NotEmpty().Raw()
	r.apps = append(r.apps, d.app)
	d.org = num(app, "organizationId")
	f := ok(as.POST(base + "/folder").WithJSON(map[string]any{"name": d.tag}).Expect())
	d.folder = num(f, "id")
	r.folders = append(r.folders, d.folder)
	f.HasValue("organizationId", d.org)
	m := ok(as.POST(base + "/membership").WithJSON(member(d.tag, false)).Expect())
	d.member = num(m, "id")
	r.members = append(r.members, d.member)
	m.HasValue("organizationId", d.org)
	resp := as.POST(base + "/events").WithJSON(map[string]any{"type": 7, "message": d.tag, "membershipId": d.member}).Expect()
	if resp.Raw().StatusCode == http.StatusNotFound && !slices.Contains([]string{"User not found", "Folder not found", "App not found"}, errorText(resp)) {
		s.Logf("POST /events is not served (a standin extension): %s's events are not checked", d.name)
		return
	}
	ev := ok(resp)
	d.event = num(ev, "id")
	ev.HasValue("organizationId", d.org).HasValue("membershipId", d.member)
}

// errorText returns the error of a refusal's JSON body, or "".
func errorText(r *httpexpect.Response) string {
	var body struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal([]byte(r.Body().Raw()), &body)
	return body.Error
}

// Auth is the authentication scenario.
func Auth(s *contracts.S) {
	ops, err := operations()
	if err != nil {
		s.Fail("cannot list the spec's operations: %v", err)
		return
	}
	key := s.Credential("apiKey")
	s.Step("the apiKey is accepted", func(e *httpexpect.Expect) {
		list(keyed(e, key).GET(base + "/apps").Expect())
	})
	for _, b := range []struct{ name, key string }{
		{"no x-api-key", ""},
		{"a wrong x-api-key", "not-" + key},
		{"an empty x-api-key", " "},
	} {
		s.Step("every operation refuses "+b.name+" with 401 Not authorized", func(e *httpexpect.Expect) {
			as := e
			if b.key != "" {
				as = keyed(e, b.key)
			}
			for _, op := range ops {
				refused(send(as, op), http.StatusUnauthorized, "Not authorized")
			}
		})
	}
}
