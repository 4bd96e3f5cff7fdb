package chatkitty

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
)

// appData is what one application made in the isolation scenario.
type appData struct {
	app     app
	tok     string
	user    user
	channel int64
	message int64
}

// AppIsolation is the app-isolation scenario.
func AppIsolation(s *contracts.S) {
	id2, has2 := s.LookupCredential("clientId2")
	secret2, hasSecret2 := s.LookupCredential("clientSecret2")
	if !has2 || !hasSecret2 {
		s.Logf("no clientId2 and clientSecret2 credentials: the isolation of applications needs a second application's client, nothing was checked")
		return
	}
	first := &appData{app: firstApp(s)}
	second := &appData{app: app{name: "application 2", clientID: id2, secret: secret2}}
	one, two := &records{app: first.app}, &records{app: second.app}
	defer cleanup(s, one, two)
	if first.app.clientID == id2 {
		s.Fail("clientId and clientId2 are the same client: the scenario needs two applications")
		return
	}
	// The same username in both: names are unique per application.
	name := s.Unique("iso")

	for _, o := range []struct {
		d *appData
		r *records
	}{{first, one}, {second, two}} {
		s.Step(o.d.app.name+" creates a user, a channel and a message", func(e *httpexpect.Expect) {
			o.d.tok = token(e, o.d.app)
			as := bearer(e, o.d.tok)
			o.d.user, _ = createUser(as, o.r, name, false, map[string]any{"owner": o.d.app.name})
			o.d.channel = idOf(createChannel(as, o.r, map[string]any{"type": "PUBLIC", "name": name, "creator": o.d.user.byID()}))
			o.d.message = idOf(ok(as.POST(channelPath(o.d.channel) + "/messages").
				WithJSON(map[string]any{"type": "TEXT", "body": name, "user": o.d.user.byID()}).Expect()))
		})
	}
	if first.user.id == second.user.id || first.channel == second.channel {
		s.Fail("both applications' records have the same ids (users %d, channels %d): the scenario needs two applications", first.user.id, first.channel)
		return
	}
	for _, c := range []struct{ who, whose *appData }{{second, first}, {first, second}} {
		s.Step(c.who.app.name+" lists and finds by name none of "+c.whose.app.name+"'s users and channels", func(e *httpexpect.Expect) {
			as := bearer(e, c.who.tok)
			if got := listAll(s, as, "/v1/users", "users"); slices.Contains(got, c.whose.user.id) {
				s.Fail("GET /v1/users as %s lists %s's user %d", c.who.app.name, c.whose.app.name, c.whose.user.id)
			}
			if got := walkPages(s, as, "/v1/users", url.Values{"name": {name}}, "users", 20); !slices.Equal(got, []int64{c.who.user.id}) {
				s.Fail("GET /v1/users?name=%s as %s lists %v, want only its own user [%d]", name, c.who.app.name, got, c.who.user.id)
			}
			if got := listAll(s, as, "/v1/channels", "channels"); slices.Contains(got, c.whose.channel) {
				s.Fail("GET /v1/channels as %s lists %s's channel %d", c.who.app.name, c.whose.app.name, c.whose.channel)
			}
			if got := listAll(s, as, userPath(c.who.user.id)+"/channels", "channels"); !slices.Equal(got, []int64{c.who.channel}) {
				s.Fail("GET /v1/users/%d/channels as %s lists %v, want only its own channel [%d]", c.who.user.id, c.who.app.name, got, c.who.channel)
			}
		})
		s.Step(c.who.app.name+" cannot read, change or delete "+c.whose.app.name+"'s user, channel or message (404)", func(e *httpexpect.Expect) {
			as := bearer(e, c.who.tok)
			u, ch, m := userPath(c.whose.user.id), channelPath(c.whose.channel), "/v1/messages/"+itoa(c.whose.message)
			notFound := func(r *httpexpect.Response) { refused(r, http.StatusNotFound, "RESOURCE_NOT_FOUND") }
			notFound(as.GET(u).Expect())
			notFound(mergePatch(as, u, map[string]any{"displayName": "taken over"}))
			notFound(as.POST(u + "/display-picture").WithJSON(map[string]any{"url": "https://evil.example.com/x.png", "name": "x.png", "contentType": "image/png", "size": 1}).Expect())
			notFound(as.DELETE(u).Expect())
			notFound(as.GET(ch).Expect())
			notFound(mergePatch(as, ch, map[string]any{"displayName": "taken over"}))
			notFound(as.GET(ch + "/members").Expect())
			notFound(as.POST(ch + "/members").WithJSON(c.who.user.byID()).Expect())
			notFound(as.GET(ch + "/messages").Expect())
			notFound(as.POST(ch + "/messages").WithJSON(map[string]any{"type": "TEXT", "body": "hello"}).Expect())
			notFound(as.DELETE(ch).Expect())
			notFound(as.GET(m).Expect())
			notFound(as.DELETE(m).Expect())
			// A user of the other application cannot join one's own channel.
			notFound(as.POST(channelPath(c.who.channel) + "/members").WithJSON(c.whose.user.byID()).Expect())
		})
	}
	for _, d := range []*appData{first, second} {
		s.Step(d.app.name+"'s records are unchanged", func(e *httpexpect.Expect) {
			as := bearer(e, token(e, d.app))
			ok(as.GET(userPath(d.user.id)).Expect()).HasValue("name", name).HasValue("displayName", "Display "+name).
				HasValue("properties", map[string]any{"owner": d.app.name})
			ok(as.GET(channelPath(d.channel)).Expect()).HasValue("name", name).HasValue("type", "PUBLIC")
			if got := members(s, as, d.channel); !slices.Equal(got, []int64{d.user.id}) {
				s.Fail("channel %d's members are %v, want [%d]", d.channel, got, d.user.id)
			}
			ok(as.GET("/v1/messages/"+itoa(d.message)).Expect()).HasValue("body", name)
		})
	}
}
