package chatkitty

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
)

// Scenarios returns every ChatKitty scenario, in the order they run.
func Scenarios() []contracts.Scenario {
	return []contracts.Scenario{
		{API: API, Name: "user-onboarding", Run: UserOnboarding,
			Doc: "The client credentials get a bearer token; a native and a guest user are created (a taken name is 400 USER_NAME_TAKEN), HEAD /v1/users?name= answers 200 for them and 404 for an unknown name, each is retrieved and found by the name filter alone; a display picture set from a URL shows on the user; a merge-patch of isGuest false makes the guest native, and one of properties merges as RFC 7396 says; a deleted user is 404 on retrieve and HEAD and no longer listed."},
		{API: API, Name: "bulk-channel-membership", Run: BulkChannelMembership,
			Doc: "A PUBLIC, a PRIVATE and a DIRECT channel are created; members are added one at a time by id and by username, and in bulk through a channel-members import job polled until FINISHED; the members walked in pages of 2 through _links.next are every member once with a true page.totalElements; a DIRECT channel holds up to 10 users (11 is 400 DIRECT_CHANNEL_FULL), takes no new member (400 DIRECT_CHANNEL_MEMBERS_FIXED), and the same set of users again answers the same channel."},
		{API: API, Name: "moderator-revocation", Run: ModeratorRevocation,
			Doc: "A member made a moderator is listed as one; a user who is not a member cannot be (400 NOT_A_CHANNEL_MEMBER); a removed moderator is no longer listed but stays a member, and removing them again is 404 MODERATOR_NOT_FOUND; removing a moderator's membership also drops the moderation (removing either again is 404 MEMBER_NOT_FOUND, MODERATOR_NOT_FOUND), which joining again does not bring back."},
		{API: API, Name: "messages", Run: Messages,
			Doc: "Text messages from two members and a file message come back from the channel newest first, each once, walking cursor pages of 2 through _links.next to the oldest and back through _links.prev to the newest; a non-member cannot post to a private channel (400 NOT_A_CHANNEL_MEMBER); a reply sent to a message's thread is read back through /v1/threads/{id}/messages and is not on the channel's main thread."},
		{API: API, Name: "auth", Run: Auth,
			Doc: "A wrong client secret or client id is 401 invalid_client at the token endpoint; every operation of the spec refuses a missing, a garbage and a non-bearer token with 401 AuthenticationError invalid_token; a token is still accepted a minute before its expires_in and refused on every operation once the namespace's clock (moved through standin's admin API) has passed it, while a new token is accepted."},
		{API: API, Name: "app-isolation", Run: AppIsolation,
			Doc: "With the clients of two applications (clientId, clientId2), neither application lists, finds by name, reads, changes or deletes the other's users or channels: every id of the other is 404 and the other's records are unchanged; the same username may exist in both."},
	}
}

// UserOnboarding is the user-onboarding scenario.
func UserOnboarding(s *contracts.S) {
	mine := &records{app: firstApp(s)}
	defer cleanup(s, mine)
	tag := s.Unique("onboard")
	var tok string
	var native, guest user

	s.Step("the client credentials get a bearer token", func(e *httpexpect.Expect) {
		tok = token(e, mine.app)
		ok(bearer(e, tok).GET("/v1/application").Expect()).Value("id").Number()
	})
	s.Step("a native and a guest user are created; a taken name is refused", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		var obj *httpexpect.Object
		native, obj = createUser(as, mine, tag+"-native", false, map[string]any{"team": "blue", "level": 1, "prefs": map[string]any{"lang": "en"}})
		obj.HasValue("properties", map[string]any{"team": "blue", "level": 1, "prefs": map[string]any{"lang": "en"}})
		guest, obj = createUser(as, mine, tag+"-guest", true, nil)
		obj.HasValue("properties", map[string]any{})
		if native.id == guest.id {
			s.Fail("both users have id %d", native.id)
		}
		refused(as.POST("/v1/users").WithJSON(map[string]any{"name": native.name, "displayName": "again", "isGuest": false}).Expect(),
			http.StatusBadRequest, "USER_NAME_TAKEN")
	})
	s.Step("HEAD /v1/users?name= answers 200 for each and 404 for an unknown name", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		for _, u := range []user{native, guest} {
			as.HEAD("/v1/users").WithQuery("name", u.name).Expect().Status(http.StatusOK)
		}
		as.HEAD("/v1/users").WithQuery("name", tag+"-nobody").Expect().Status(http.StatusNotFound)
	})
	s.Step("each is retrieved by id as created", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		ok(as.GET(userPath(native.id)).Expect()).HasValue("id", native.id).HasValue("name", native.name).
			HasValue("displayName", "Display "+native.name).HasValue("isGuest", false).
			HasValue("properties", map[string]any{"team": "blue", "level": 1, "prefs": map[string]any{"lang": "en"}})
		ok(as.GET(userPath(guest.id)).Expect()).HasValue("id", guest.id).HasValue("name", guest.name).HasValue("isGuest", true)
	})
	s.Step("the name filter lists exactly the user of that name", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		for _, u := range []user{native, guest} {
			got := walkPages(s, as, "/v1/users", url.Values{"name": {u.name}}, "users", 20)
			if !slices.Equal(got, []int64{u.id}) {
				s.Fail("GET /v1/users?name=%s lists %v, want exactly [%d]", u.name, got, u.id)
			}
		}
		if got := walkPages(s, as, "/v1/users", url.Values{"name": {tag + "-nobody"}}, "users", 20); len(got) != 0 {
			s.Fail("GET /v1/users?name=%s-nobody lists %v, want none", tag, got)
		}
	})
	s.Step("a display picture set from a URL shows on the user", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		pic := "https://files.example.com/" + tag + "/avatar.png"
		ok(as.POST(userPath(native.id)+"/display-picture").WithJSON(map[string]any{
			"url": pic, "name": "avatar.png", "contentType": "image/png", "size": 2048,
		}).Expect()).HasValue("id", native.id).HasValue("displayPictureUrl", pic)
		ok(as.GET(userPath(native.id)).Expect()).HasValue("displayPictureUrl", pic).HasValue("name", native.name)
	})
	s.Step("a merge-patch of isGuest false makes the guest a native user", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		ok(mergePatch(as, userPath(guest.id), map[string]any{"isGuest": false})).
			HasValue("id", guest.id).HasValue("isGuest", false).HasValue("name", guest.name).HasValue("displayName", "Display "+guest.name)
		ok(as.GET(userPath(guest.id)).Expect()).HasValue("isGuest", false).HasValue("name", guest.name)
	})
	s.Step("a merge-patch of properties merges them (RFC 7396) and keeps the rest", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		want := map[string]any{"level": 2, "prefs": map[string]any{"lang": "en", "tz": "UTC"}, "badge": "new"}
		patched := ok(mergePatch(as, userPath(native.id), map[string]any{
			"properties": map[string]any{"level": 2, "team": nil, "prefs": map[string]any{"tz": "UTC"}, "badge": "new"},
		}))
		checkProperties(s, patched, want)
		patched.HasValue("isGuest", false).HasValue("displayName", "Display "+native.name)
		checkProperties(s, ok(as.GET(userPath(native.id)).Expect()), want)
	})
	s.Step("a deleted user is 404 on retrieve and HEAD, and no longer listed", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		for _, u := range []user{native, guest} {
			ok(as.DELETE(userPath(u.id)).Expect())
			refused(as.GET(userPath(u.id)).Expect(), http.StatusNotFound, "RESOURCE_NOT_FOUND")
			as.HEAD("/v1/users").WithQuery("name", u.name).Expect().Status(http.StatusNotFound)
			if got := walkPages(s, as, "/v1/users", url.Values{"name": {u.name}}, "users", 20); len(got) != 0 {
				s.Fail("GET /v1/users?name=%s lists %v after the user's deletion", u.name, got)
			}
			refused(as.DELETE(userPath(u.id)).Expect(), http.StatusNotFound, "RESOURCE_NOT_FOUND")
		}
	})
}

// mergePatch sends patch to path as the SDK does, with the content type
// application/json+merge-patch.
func mergePatch(as *httpexpect.Expect, path string, patch map[string]any) *httpexpect.Response {
	raw, err := json.Marshal(patch)
	if err != nil {
		panic(err) // plain maps
	}
	return as.PATCH(path).WithHeader("Content-Type", "application/json+merge-patch").WithBytes(raw).Expect()
}

// checkProperties fails the step unless obj's properties are want,
// compared as JSON values.
func checkProperties(s *contracts.S, obj *httpexpect.Object, want map[string]any) {
	got := obj.Value("properties").Object().Raw()
	raw, _ := json.Marshal(want)
	var norm map[string]any
	_ = json.Unmarshal(raw, &norm)
	if !reflect.DeepEqual(got, norm) {
		g, _ := json.Marshal(got)
		s.Fail("properties are %s, want %s", g, raw)
	}
}

// BulkChannelMembership is the bulk-channel-membership scenario.
func BulkChannelMembership(s *contracts.S) {
	mine := &records{app: firstApp(s)}
	defer cleanup(s, mine)
	tag := s.Unique("bulk")
	var tok string
	var us []user // us[0] creates the channels
	var public, private, direct int64

	s.Step("twelve users are created", func(e *httpexpect.Expect) {
		tok = token(e, mine.app)
		as := bearer(e, tok)
		for i := range 12 {
			u, _ := createUser(as, mine, fmt.Sprintf("%s-u%02d", tag, i), false, nil)
			us = append(us, u)
		}
	})
	s.Step("a PUBLIC, a PRIVATE and a DIRECT channel are created, their creator a member", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		for _, c := range []struct {
			typ string
			id  *int64
		}{{"PUBLIC", &public}, {"PRIVATE", &private}} {
			name := tag + "-" + c.typ
			obj := createChannel(as, mine, map[string]any{"type": c.typ, "name": name, "displayName": "Bulk " + c.typ, "creator": us[0].byName()})
			obj.HasValue("type", c.typ).HasValue("name", name).HasValue("displayName", "Bulk "+c.typ)
			*c.id = idOf(obj)
			ok(as.GET(channelPath(*c.id)).Expect()).HasValue("id", *c.id).HasValue("type", c.typ).HasValue("name", name)
			if got := members(s, as, *c.id); !slices.Equal(got, []int64{us[0].id}) {
				s.Fail("the new %s channel's members are %v, want its creator [%d]", c.typ, got, us[0].id)
			}
		}
		obj := createChannel(as, mine, map[string]any{"type": "DIRECT", "creator": us[0].byID(), "members": []any{us[1].byName()}})
		obj.HasValue("type", "DIRECT")
		direct = idOf(obj)
		if got := ids(objects(obj.Value("members").Array())); !sameSet(got, []int64{us[0].id, us[1].id}) {
			s.Fail("the DIRECT channel's members are %v, want [%d %d]", got, us[0].id, us[1].id)
		}
		ok(as.GET(channelPath(direct)).Expect()).HasValue("id", direct).HasValue("type", "DIRECT")
	})
	s.Step("members are added one at a time, by id and by username", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		for _, c := range []int64{public, private} {
			ok(as.POST(channelPath(c)+"/members").WithJSON(us[1].byID()).Expect()).HasValue("id", c)
			ok(as.POST(channelPath(c)+"/members").WithJSON(us[2].byName()).Expect()).HasValue("id", c)
			// Adding a member again changes nothing.
			ok(as.POST(channelPath(c)+"/members").WithJSON(us[1].byName()).Expect()).HasValue("id", c)
			if got, want := members(s, as, c), []int64{us[0].id, us[1].id, us[2].id}; !sameSet(got, want) {
				s.Fail("channel %d's members are %v, want %v", c, got, want)
			}
		}
	})
	s.Step("a channel-members import job adds the file's users once FINISHED", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		var rows []map[string]any
		for _, u := range us[3:9] {
			rows = append(rows, map[string]any{"username": u.name})
		}
		job := importFile(as, "/v1/imports/channels/"+fmt.Sprint(public)+"/members", rows)
		job.HasValue("type", "CHANNEL_MEMBERS_IMPORT")
		if state := job.Value("state").String().Raw(); state != "PENDING" && state != "RUNNING" && state != "FINISHED" {
			s.Fail("the import answered a job in state %q, want PENDING, RUNNING or FINISHED", state)
		}
		id := idOf(job)
		awaitJob(s, as, id, "CHANNEL_MEMBERS_IMPORT")
		if slices.Contains(runningJobs(s, as, true), id) {
			s.Fail("GET /v1/jobs?running=true lists job %d, which is FINISHED", id)
		}
		if !slices.Contains(runningJobs(s, as, false), id) {
			s.Fail("GET /v1/jobs?running=false does not list job %d, which is FINISHED", id)
		}
		want := []int64{us[0].id, us[1].id, us[2].id}
		for _, u := range us[3:9] {
			want = append(want, u.id)
		}
		if got := members(s, as, public); !sameSet(got, want) {
			s.Fail("after the import, channel %d's members are %v, want %v", public, got, want)
		}
	})
	s.Step("the members walked in pages of 2 through _links.next are every member once, with a true totalElements", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		got := walkPages(s, as, channelPath(public)+"/members", nil, "users", 2)
		want := []int64{}
		for _, u := range us[:9] {
			want = append(want, u.id)
		}
		if !sameSet(got, want) {
			s.Fail("the pages of 2 list members %v, want the 9 members %v", got, want)
		}
	})
	s.Step("a DIRECT channel holds 10 users; 11 are refused with 400 DIRECT_CHANNEL_FULL", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		ten := createChannel(as, mine, map[string]any{"type": "DIRECT", "creator": us[0].byID(), "members": refs(us[1:10])})
		ten.HasValue("type", "DIRECT")
		if got := ids(objects(ten.Value("members").Array())); !sameSet(got, userIDs(us[:10])) {
			s.Fail("the DIRECT channel of 10 users has members %v, want %v", got, userIDs(us[:10]))
		}
		refused(as.POST("/v1/channels").WithJSON(map[string]any{"type": "DIRECT", "creator": us[0].byID(), "members": refs(us[1:11])}).Expect(),
			http.StatusBadRequest, "DIRECT_CHANNEL_FULL")
		q := url.Values{"type": {"DIRECT"}}
		for _, u := range us[:11] {
			q.Add("members", u.name)
		}
		if got := walkPages(s, as, "/v1/channels", q, "channels", 20); len(got) != 0 {
			s.Fail("after the refusal, DIRECT channels %v hold all 11 users", got)
		}
	})
	s.Step("a DIRECT channel takes no new member (400 DIRECT_CHANNEL_MEMBERS_FIXED)", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		refused(as.POST(channelPath(direct)+"/members").WithJSON(us[2].byID()).Expect(), http.StatusBadRequest, "DIRECT_CHANNEL_MEMBERS_FIXED")
		refused(as.POST(channelPath(direct)+"/members").WithJSON(us[3].byName()).Expect(), http.StatusBadRequest, "DIRECT_CHANNEL_MEMBERS_FIXED")
		if got, want := members(s, as, direct), []int64{us[0].id, us[1].id}; !sameSet(got, want) {
			s.Fail("the DIRECT channel's members are %v after the refusals, want %v", got, want)
		}
	})
	s.Step("the same set of users again answers the same DIRECT channel", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		again := ok(as.POST("/v1/channels").WithJSON(map[string]any{"type": "DIRECT", "creator": us[1].byName(), "members": []any{us[0].byID()}}).Expect())
		if got := idOf(again); got != direct {
			mine.channels = append(mine.channels, got)
			s.Fail("creating the DIRECT channel of users %d and %d again answers channel %d, want the existing %d", us[0].id, us[1].id, got, direct)
		}
		again.HasValue("type", "DIRECT")
	})
}

// objects returns the objects of arr.
func objects(arr *httpexpect.Array) []*httpexpect.Object {
	var out []*httpexpect.Object
	for _, v := range arr.Iter() {
		out = append(out, v.Object())
	}
	return out
}

// refs returns references to us, alternately by id and by username.
func refs(us []user) []any {
	out := make([]any, len(us))
	for i, u := range us {
		if i%2 == 0 {
			out[i] = u.byID()
		} else {
			out[i] = u.byName()
		}
	}
	return out
}

func userIDs(us []user) []int64 {
	out := make([]int64, len(us))
	for i, u := range us {
		out[i] = u.id
	}
	return out
}

// ModeratorRevocation is the moderator-revocation scenario.
func ModeratorRevocation(s *contracts.S) {
	mine := &records{app: firstApp(s)}
	defer cleanup(s, mine)
	tag := s.Unique("mods")
	var tok string
	var owner, mod, outsider user
	var channel int64
	listed := func(as *httpexpect.Expect, u user, want bool, what string) {
		if got := slices.Contains(moderators(s, as, channel), u.id); got != want {
			s.Fail("%s: user %d listed among the moderators is %v, want %v", what, u.id, got, want)
		}
	}
	member := func(as *httpexpect.Expect, u user, want bool, what string) {
		if got := slices.Contains(members(s, as, channel), u.id); got != want {
			s.Fail("%s: user %d listed among the members is %v, want %v", what, u.id, got, want)
		}
	}

	s.Step("a PRIVATE channel is created with a member and a user outside it", func(e *httpexpect.Expect) {
		tok = token(e, mine.app)
		as := bearer(e, tok)
		owner, _ = createUser(as, mine, tag+"-owner", false, nil)
		mod, _ = createUser(as, mine, tag+"-mod", false, nil)
		outsider, _ = createUser(as, mine, tag+"-outsider", false, nil)
		channel = idOf(createChannel(as, mine, map[string]any{"type": "PRIVATE", "name": tag, "creator": owner.byID(), "members": []any{mod.byName()}}))
		if got, want := members(s, as, channel), []int64{owner.id, mod.id}; !sameSet(got, want) {
			s.Fail("the channel's members are %v, want %v", got, want)
		}
		if got := moderators(s, as, channel); slices.Contains(got, mod.id) {
			s.Fail("the new member %d is already a moderator: %v", mod.id, got)
		}
	})
	s.Step("a member made a moderator is listed as one", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		ok(as.POST(channelPath(channel)+"/moderators").WithJSON(mod.byID()).Expect()).HasValue("id", mod.id).HasValue("name", mod.name)
		listed(as, mod, true, "after POST /moderators")
	})
	s.Step("a user who is not a member cannot be made a moderator (400 NOT_A_CHANNEL_MEMBER)", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		refused(as.POST(channelPath(channel)+"/moderators").WithJSON(outsider.byName()).Expect(), http.StatusBadRequest, "NOT_A_CHANNEL_MEMBER")
		refused(as.POST(channelPath(channel)+"/moderators").WithJSON(outsider.byID()).Expect(), http.StatusBadRequest, "NOT_A_CHANNEL_MEMBER")
		listed(as, outsider, false, "after the refusal")
		member(as, outsider, false, "after the refusal")
	})
	s.Step("a removed moderator is no longer listed but stays a member; removing them again is 404", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		ok(as.DELETE(modPath(channel, mod.id)).Expect()).HasValue("id", channel)
		listed(as, mod, false, "after DELETE /moderators/{user_id}")
		member(as, mod, true, "after DELETE /moderators/{user_id}")
		refused(as.DELETE(modPath(channel, mod.id)).Expect(), http.StatusNotFound, "MODERATOR_NOT_FOUND")
	})
	s.Step("removing a moderator's membership also drops the moderation", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		ok(as.POST(channelPath(channel)+"/moderators").WithJSON(mod.byName()).Expect()).HasValue("id", mod.id)
		listed(as, mod, true, "after the moderator is added again")
		ok(as.DELETE(memberPath(channel, mod.id)).Expect()).HasValue("id", channel)
		member(as, mod, false, "after DELETE /members/{user_id}")
		listed(as, mod, false, "after DELETE /members/{user_id}")
		refused(as.DELETE(modPath(channel, mod.id)).Expect(), http.StatusNotFound, "MODERATOR_NOT_FOUND")
		refused(as.DELETE(memberPath(channel, mod.id)).Expect(), http.StatusNotFound, "MEMBER_NOT_FOUND")
	})
	s.Step("joining again does not bring the moderation back", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		ok(as.POST(channelPath(channel)+"/members").WithJSON(mod.byID()).Expect()).HasValue("id", channel)
		member(as, mod, true, "after the user joins again")
		listed(as, mod, false, "after the user joins again")
	})
}

func modPath(channel, user int64) string {
	return fmt.Sprintf("%s/moderators/%d", channelPath(channel), user)
}

func memberPath(channel, user int64) string {
	return fmt.Sprintf("%s/members/%d", channelPath(channel), user)
}
