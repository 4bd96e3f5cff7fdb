package smartlink

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
)

// Scenarios returns every SmartLink scenario, in the order they run.
func Scenarios() []contracts.Scenario {
	return []contracts.Scenario{
		{API: API, Name: "directory-setup", Run: DirectorySetup,
			Doc: "Nested folders carry their parentId and the path of their parent; apps are created one at a time and in bulk, memberships in bulk, each bulk body as {apps|memberships: [...]} and as a bare array; the membership search, walked page by page, covers every match once with a true count on every page, and its roles and statusFilter filters keep only what they name."},
		{API: API, Name: "membership-revocation", Run: MembershipRevocation,
			Doc: "An ADMIN membership is demoted to USER and deactivated (a second deactivation changes nothing), keeping every field a PUT leaves out; deleting it answers the membership, and every later read, update or delete of it is 404 \"User not found\"."},
		{API: API, Name: "org-isolation", Run: OrgIsolation,
			Doc: "With the keys of two organisations (apiKey, apiKey2), neither lists, searches, reads, updates or deletes the other's apps, folders, memberships or events: every id of the other organisation is 404, and the other's records are unchanged."},
		{API: API, Name: "webhooks", Run: Webhooks,
			Doc: "A receiver registered through standin's admin API gets every change (apps, folders, memberships, a log event) exactly once and in order, each body signed as the SDK's Webhook.verify checks it (HMAC-SHA256 with the organisation's key over the body without signature, keys in the order sent, date in ms within 60 s); a receiver that fails twice gets the event on the third try."},
		{API: API, Name: "auth", Run: Auth,
			Doc: "Every operation of the spec refuses a missing and a wrong x-api-key with 401 {\"error\": \"Not authorized\"}."},
	}
}

// DirectorySetup is the directory-setup scenario.
func DirectorySetup(s *contracts.S) {
	mine := &records{key: s.Credential("apiKey")}
	defer cleanup(s, mine)
	tag := s.Unique("dir")
	var root, child, leaf int64

	s.Step("nested folders carry their parentId and their parent's path", func(e *httpexpect.Expect) {
		as := keyed(e, mine.key)
		r := ok(as.POST(base + "/folder").WithJSON(map[string]any{"name": tag}).Expect())
		root = num(r, "id")
		mine.folders = append(mine.folders, root)
		r.HasValue("name", tag).HasValue("path", "/")
		if v, ok := r.Raw()["parentId"]; ok && v != nil {
			s.Fail("root folder %d has parentId %v, want none", root, v)
		}
		c := ok(as.POST(base + "/folder").WithJSON(map[string]any{"name": "hr", "parentId": root}).Expect())
		child = num(c, "id")
		mine.folders = append(mine.folders, child)
		c.HasValue("name", "hr").HasValue("parentId", root).HasValue("path", "/"+tag+"/")
		l := ok(as.POST(base + "/folder").WithJSON(map[string]any{"name": "payroll", "parentId": child}).Expect())
		leaf = num(l, "id")
		mine.folders = append(mine.folders, leaf)
		l.HasValue("parentId", child).HasValue("path", "/"+tag+"/hr/")

		ok(as.GET(folderPath(leaf)).Expect()).HasValue("id", leaf).HasValue("name", "payroll").HasValue("parentId", child).HasValue("path", "/"+tag+"/hr/")
		listed := ids(list(as.GET(base+"/folders").Expect()), "id")
		for _, id := range []int64{root, child, leaf} {
			if !slices.Contains(listed, fmt.Sprint(id)) {
				s.Fail("folder %d is not among GET /folders", id)
			}
		}
	})

	var apps []string
	s.Step("apps are created one at a time and in bulk, in both body shapes", func(e *httpexpect.Expect) {
		as := keyed(e, mine.key)
		one := ok(as.POST(base + "/app").WithJSON(map[string]any{"title": tag + " one", "url": "https://one.example.com"}).Expect())
		one.HasValue("title", tag+" one").HasValue("url", "https://one.example.com").HasValue("ping", 0)
		one.Value("slug").String().NotEmpty()
		apps = append(apps, one.Value("clientId").String().NotEmpty().Raw())
		mine.apps = append(mine.apps, apps...)

		for _, b := range []struct {
			shape string
			body  any
		}{
			{"{apps: [...]}", map[string]any{"apps": []map[string]any{{"title": tag + " a1"}, {"title": tag + " a2", "slug": tag + "-a2"}}}},
			{"a bare array", []map[string]any{{"title": tag + " b1"}, {"title": tag + " b2"}}},
		} {
			shape := b.shape
			arr := list(as.POST(base + "/apps").WithJSON(b.body).Expect())
			created := ids(arr, "clientId")
			mine.apps = append(mine.apps, created...)
			apps = append(apps, created...)
			if len(created) != 2 {
				s.Fail("POST /apps with %s of two apps answered %d apps, want 2", shape, len(created))
			}
		}
		listed := ids(list(as.GET(base+"/apps").Expect()), "clientId")
		seen := map[string]bool{}
		for _, id := range apps {
			if id == "" || seen[id] {
				s.Fail("the created apps' clientIds %v are not distinct and non-empty", apps)
			}
			seen[id] = true
			if !slices.Contains(listed, id) {
				s.Fail("app %s is not among GET /apps", id)
			}
			ok(as.GET(appPath(id)).Expect()).HasValue("clientId", id)
		}
		ok(as.GET(appPath(apps[2])).Expect()).HasValue("slug", tag+"-a2")
	})

	var members []string
	admins := map[string]bool{}
	s.Step("memberships are created in bulk, in both body shapes", func(e *httpexpect.Expect) {
		as := keyed(e, mine.key)
		var batch1, batch2 []map[string]any
		for i := range 7 {
			m := member(fmt.Sprintf("%s-m%d", tag, i), i%3 == 0) // 0, 3, 6 are admins
			if i < 4 {
				batch1 = append(batch1, m)
			} else {
				batch2 = append(batch2, m)
			}
		}
		for _, b := range []struct {
			shape string
			body  any
			n     int
		}{{"{memberships: [...]}", map[string]any{"memberships": batch1}, 4}, {"a bare array", batch2, 3}} {
			arr := list(as.POST(base + "/memberships").WithJSON(b.body).Expect())
			arr.Length().IsEqual(b.n)
			for _, v := range arr.Iter() {
				m := v.Object()
				id := num(m, "id")
				mine.members = append(mine.members, id)
				members = append(members, fmt.Sprint(id))
				m.HasValue("status", "ACTIVE")
				idx := len(members) - 1
				if idx%3 == 0 {
					m.HasValue("role", "ADMIN")
					admins[fmt.Sprint(id)] = true
				} else {
					m.HasValue("role", "USER")
				}
				m.HasValue("email", fmt.Sprintf("%s-m%d@example.com", tag, idx))
			}
		}
	})

	s.Step("the search walked in pages of 3 covers every match once, with a true count on every page", func(e *httpexpect.Expect) {
		got := walk(s, keyed(e, mine.key), map[string]any{"search": tag}, 3, len(members))
		if !sameSet(got, members) {
			s.Fail("the pages list memberships %v, want exactly the %d created: %v", got, len(members), members)
		}
	})

	s.Step("roles and statusFilter keep only what they name", func(e *httpexpect.Expect) {
		as := keyed(e, mine.key)
		var wantAdmins []string
		for _, id := range members {
			if admins[id] {
				wantAdmins = append(wantAdmins, id)
			}
		}
		if got := walk(s, as, map[string]any{"search": tag, "roles": "ADMIN"}, 2, len(wantAdmins)); !sameSet(got, wantAdmins) {
			s.Fail("roles=ADMIN lists %v, want %v", got, wantAdmins)
		}
		if got := walk(s, as, map[string]any{"search": tag, "roles": "USER,OWNER"}, 10, len(members)-len(wantAdmins)); len(got) != len(members)-len(wantAdmins) {
			s.Fail("roles=USER,OWNER lists %d memberships, want %d", len(got), len(members)-len(wantAdmins))
		}
		// New memberships are unregistered until the person registers.
		walk(s, as, map[string]any{"search": tag, "statusFilter": "registered"}, 10, 0)
		if got := walk(s, as, map[string]any{"search": tag, "statusFilter": "unregistered"}, 5, len(members)); !sameSet(got, members) {
			s.Fail("statusFilter=unregistered lists %v, want %v", got, members)
		}
		if got := walk(s, as, map[string]any{"search": tag + "-m1@EXAMPLE.com"}, 10, 1); !sameSet(got, members[1:2]) {
			s.Fail("a search by e-mail, in another case, lists %v, want %v", got, members[1:2])
		}
	})
}

// walk reads every page of the membership search with query q and pages
// of size, as far as one page past the last, and returns the ids listed
// in order. It fails the step unless every page says count is want, each
// page holds as many as are left (up to size), and no membership is on
// two pages.
func walk(s *contracts.S, e *httpexpect.Expect, q map[string]any, size, want int) []string {
	var got []string
	on := map[string]int{} // id: the page it was on
	pages := (want + size - 1) / size
	for n := 1; n <= pages+1; n++ {
		req := e.GET(base+"/memberships/search").WithQuery("page", n).WithQuery("pageSize", size)
		for k, v := range q {
			req = req.WithQuery(k, v)
		}
		obj := ok(req.Expect())
		if c := int(obj.Value("count").Number().Raw()); c != want {
			s.Fail("page %d of the search %v says count %d, want %d", n, q, c, want)
		}
		items := obj.Value("memberships").Array()
		if left := min(size, max(want-(n-1)*size, 0)); len(items.Iter()) != left {
			s.Fail("page %d (of %d) of the search %v holds %d memberships, want %d", n, size, q, len(items.Iter()), left)
		}
		for _, id := range ids(items, "id") {
			if p, dup := on[id]; dup {
				s.Fail("page %d of the search %v repeats membership %s, already on page %d: the pages overlap", n, q, id, p)
			}
			on[id] = n
			got = append(got, id)
		}
	}
	return got
}

// sameSet reports whether a and b hold the same strings, once each.
func sameSet(a, b []string) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(x string) bool { return !slices.Contains(b, x) })
}

// MembershipRevocation is the membership-revocation scenario.
func MembershipRevocation(s *contracts.S) {
	mine := &records{key: s.Credential("apiKey")}
	defer cleanup(s, mine)
	tag := s.Unique("revoke")
	var id int64
	kept := func(m *httpexpect.Object) {
		m.HasValue("id", id).HasValue("firstName", "Ada").HasValue("name", tag).HasValue("email", tag+"@example.com").HasValue("phone", "+33100000000")
	}

	s.Step("an ADMIN membership is created", func(e *httpexpect.Expect) {
		m := ok(keyed(e, mine.key).POST(base + "/membership").WithJSON(member(tag, true)).Expect())
		id = num(m, "id")
		mine.members = append(mine.members, id)
		kept(m)
		m.HasValue("role", "ADMIN").HasValue("status", "ACTIVE")
	})
	s.Step("a PUT of role USER demotes it and keeps every other field", func(e *httpexpect.Expect) {
		as := keyed(e, mine.key)
		m := ok(as.PUT(memberPath(id)).WithJSON(map[string]any{"role": "USER"}).Expect())
		kept(m)
		m.HasValue("role", "USER").HasValue("status", "ACTIVE")
		m = ok(as.GET(memberPath(id)).Expect())
		kept(m)
		m.HasValue("role", "USER")
	})
	s.Step("a PUT of status INACTIVE deactivates it and keeps the role", func(e *httpexpect.Expect) {
		as := keyed(e, mine.key)
		m := ok(as.PUT(memberPath(id)).WithJSON(map[string]any{"status": "INACTIVE"}).Expect())
		kept(m)
		m.HasValue("role", "USER").HasValue("status", "INACTIVE")
	})
	s.Step("deactivating it again, twice, changes nothing", func(e *httpexpect.Expect) {
		as := keyed(e, mine.key)
		for range 2 {
			m := ok(as.POST(memberPath(id) + "/deactivate").Expect())
			kept(m)
			m.HasValue("role", "USER").HasValue("status", "INACTIVE")
		}
		ok(as.GET(memberPath(id)).Expect()).HasValue("status", "INACTIVE").HasValue("role", "USER")
	})
	s.Step("deleting it answers the deleted membership", func(e *httpexpect.Expect) {
		m := ok(keyed(e, mine.key).DELETE(memberPath(id)).Expect())
		kept(m)
		m.HasValue("role", "USER").HasValue("status", "INACTIVE")
	})
	s.Step("later reads, updates and deletes are 404 User not found", func(e *httpexpect.Expect) {
		as := keyed(e, mine.key)
		refused(as.GET(memberPath(id)).Expect(), http.StatusNotFound, "User not found")
		refused(as.PUT(memberPath(id)).WithJSON(map[string]any{"role": "ADMIN"}).Expect(), http.StatusNotFound, "User not found")
		refused(as.POST(memberPath(id)+"/deactivate").Expect(), http.StatusNotFound, "User not found")
		refused(as.DELETE(memberPath(id)).Expect(), http.StatusNotFound, "User not found")
		if slices.Contains(ids(list(as.GET(base+"/memberships").Expect()), "id"), fmt.Sprint(id)) {
			s.Fail("membership %d is still listed by GET /memberships after its deletion", id)
		}
		walk(s, as, map[string]any{"search": tag}, 10, 0)
	})
}
