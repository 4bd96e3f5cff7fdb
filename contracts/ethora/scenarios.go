package ethora

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
)

// API is the spec these scenarios check responses against.
const API = "ethora"

// Scenarios returns every Ethora scenario, in the order they run.
func Scenarios() []contracts.Scenario {
	return []contracts.Scenario{
		{API: API, Name: "tenant-setup", Run: TenantSetup,
			Doc: "A parent app creates a child app, batch-creates its users and waits for the job, creates a chat, grants access, reads the user's chats with members, removes access, and deletes chat, users and app."},
		{API: API, Name: "default-app-lifecycle", Run: DefaultAppLifecycle,
			Doc: "On the token's own app: create users (whose client tokens then exchange for chat credentials) and a chat, grant, getUsers by chat name, updateUsers, update the chat, remove; deleting twice ends in the plain-text 422 \"not found\" the SDK treats as done."},
		{API: API, Name: "tenant-isolation", Run: TenantIsolation,
			Doc: "A child app's token reaches its own chats but is refused on a sibling's and on its parent's; the parent reaches both children."},
		{API: API, Name: "token-lifecycle", Run: TokenLifecycle,
			Doc: "An app token works in both headers, is listed without its value, keeps working under a new value after rotation while the old value stops, and stops after revocation."},
		{API: API, Name: "auth", Run: Auth,
			Doc: "Every operation refuses missing, malformed, wrong-secret and wrong-purpose tokens with 401; a token signed with the raw secret (SDK 26.2) is accepted."},
	}
}

// TenantSetup is the README's tenant-admin use case.
func TenantSetup(s *contracts.S) {
	parent := configured(s)
	var child app
	defer s.Cleanup("clean up", func(e *httpexpect.Expect) {
		if child.id != "" {
			parent.as(e).DELETE("/v2/apps/" + child.id).Expect()
		}
	})
	alice, bob := s.Unique("alice"), s.Unique("bob")
	room := s.Unique("room")
	var chatName string

	s.Step("create a child app", func(e *httpexpect.Expect) {
		obj := parent.as(e).POST("/v2/apps").WithJSON(map[string]any{"displayName": "Conformance " + room}).
			Expect().Status(http.StatusOK).JSON().Object()
		a := obj.Value("app").Object()
		child.id = a.Value("_id").String().NotEmpty().Raw()
		a.HasValue("parentAppId", parent.id)
		child.secret, _ = obj.Raw()["appSecret"].(string)
		parent.as(e).GET("/v2/apps/"+child.id).Expect().Status(http.StatusOK).
			JSON().Object().Value("app").Object().HasValue("_id", child.id)
	})
	s.Step("batch-create users in the child and wait for the job", func(e *httpexpect.Expect) {
		createUsers(s, e, parent, "/v2/apps/"+child.id+"/users/batch", child.id, alice, bob)
	})
	s.Step("create a chat in the child", func(e *httpexpect.Expect) {
		res := parent.as(e).POST("/v2/apps/" + child.id + "/chats").
			WithJSON(map[string]any{"title": "Conformance room", "uuid": room, "type": "group"}).
			Expect().Status(http.StatusOK).JSON().Object().Value("result").Object()
		chatName = child.id + "_" + room
		res.HasValue("name", chatName).HasValue("appId", child.id)
	})
	s.Step("grant both users access", func(e *httpexpect.Expect) {
		res := parent.as(e).POST("/v2/apps/" + child.id + "/chats/users-access").
			WithJSON(map[string]any{"chatName": chatName, "members": []string{alice, child.id + "_" + bob}}).
			Expect().Status(http.StatusOK).JSON().Object()
		res.Value("summary").Object().HasValue("requested", 2)
		for _, d := range res.Value("details").Array().Iter() {
			d.Object().HasValue("status", "granted")
		}
	})
	s.Step("the user's chats list the chat with both members", func(e *httpexpect.Expect) {
		chats := parent.as(e).GET("/v2/apps/"+child.id+"/users/"+alice+"/chats").WithQuery("includeMembers", "true").
			Expect().Status(http.StatusOK).JSON().Object().Value("chats").Array()
		chats.Length().IsEqual(1)
		chat := chats.Value(0).Object().HasValue("name", chatName)
		got := memberNames(chat)
		slices.Sort(got)
		want := []string{child.id + "_" + alice, child.id + "_" + bob}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			s.Fail("members must be exactly %v ({appId}_{uuid}, never double-prefixed), got %v", want, got)
		}
	})
	s.Step("remove one user's access", func(e *httpexpect.Expect) {
		parent.as(e).DELETE("/v2/apps/"+child.id+"/chats/users-access").
			WithJSON(map[string]any{"chatName": chatName, "members": []string{bob}}).
			Expect().Status(http.StatusOK).JSON().Object().
			Value("details").Array().Value(0).Object().HasValue("status", "removed")
		parent.as(e).GET("/v2/apps/" + child.id + "/users/" + bob + "/chats").
			Expect().Status(http.StatusOK).JSON().Object().Value("chats").Array().IsEmpty()
	})
	s.Step("delete the chat and the users", func(e *httpexpect.Expect) {
		parent.as(e).DELETE("/v2/apps/" + child.id + "/chats").WithJSON(map[string]any{"name": chatName}).
			Expect().Status(http.StatusOK)
		parent.as(e).DELETE("/v2/apps/" + child.id + "/users/batch").WithJSON(map[string]any{"usersIdList": []string{alice, bob}}).
			Expect().Status(http.StatusOK)
		parent.as(e).GET("/v2/apps/" + child.id + "/chats").
			Expect().Status(http.StatusOK).JSON().Object().Value("chats").Array().IsEmpty()
	})
	s.Step("delete the child app", func(e *httpexpect.Expect) {
		parent.as(e).DELETE("/v2/apps/" + child.id).Expect().Status(http.StatusOK)
		refused(parent.as(e).GET("/v2/apps/"+child.id).Expect(), http.StatusNotFound, "")
		child.id = ""
	})
}

// DefaultAppLifecycle is the SDK's default-app flow.
func DefaultAppLifecycle(s *contracts.S) {
	a := configured(s)
	u1, u2 := s.Unique("u1"), s.Unique("u2")
	room := s.Unique("room")
	chatName := ""
	defer s.Cleanup("clean up", func(e *httpexpect.Expect) {
		if chatName != "" {
			a.as(e).DELETE("/v1/chats").WithJSON(map[string]any{"name": chatName}).Expect()
		}
		a.as(e).DELETE("/v1/users/batch").WithJSON(map[string]any{"usersIdList": []string{u1, u2}}).Expect()
	})

	s.Step("create two users", func(e *httpexpect.Expect) {
		createUsers(s, e, a, "/v2/users/batch", a.id, u1, u2)
	})
	s.Step("a user's client token exchanges for chat credentials", func(e *httpexpect.Expect) {
		obj := e.POST("/v1/users/client").WithHeader("x-custom-token", a.clientToken(u1)).
			Expect().Status(http.StatusOK).JSON().Object()
		obj.Value("token").String().NotEmpty()
		obj.Value("user").Object().HasValue("xmppUsername", a.id+"_"+u1)
		refused(e.POST("/v1/users/client").WithHeader("x-custom-token", a.clientToken(s.Unique("ghost"))).Expect(),
			http.StatusUnauthorized, "USER_NOT_FOUND")
	})
	s.Step("create a chat named {appId}_{uuid}", func(e *httpexpect.Expect) {
		chatName = a.id + "_" + room
		a.as(e).POST("/v2/chats").WithJSON(map[string]any{"title": "Chat Room " + room, "uuid": room, "type": "group"}).
			Expect().Status(http.StatusOK).JSON().Object().Value("result").Object().HasValue("name", chatName)
	})
	s.Step("grant access as the SDK sends it", func(e *httpexpect.Expect) {
		a.as(e).POST("/v2/chats/users-access").
			WithJSON(map[string]any{"chatName": chatName, "members": []string{a.id + "_" + u1, a.id + "_" + u2}}).
			Expect().Status(http.StatusOK).JSON().Object().Value("summary").Object().HasValue("requested", 2)
	})
	s.Step("getUsers by chat name lists both", func(e *httpexpect.Expect) {
		results := a.as(e).GET("/v2/chats/users").WithQuery("chatName", chatName).
			Expect().Status(http.StatusOK).JSON().Object().Value("results").Array()
		results.Length().IsEqual(2)
		for _, r := range results.Iter() {
			x := r.Object().Value("xmppUsername").String().Raw()
			if x != a.id+"_"+u1 && x != a.id+"_"+u2 {
				s.Fail("unexpected member %q: members are {appId}_{uuid}", x)
			}
		}
		a.as(e).GET("/v2/chats/users").WithQuery("xmppUsername", a.id+"_"+u1).
			Expect().Status(http.StatusOK).JSON().Object().Value("results").Array().Length().IsEqual(1)
	})
	s.Step("updateUsers reports updated and not-found", func(e *httpexpect.Expect) {
		res := a.as(e).PATCH("/v2/chats/users").WithJSON(map[string]any{"users": []map[string]any{
			{"xmppUsername": a.id + "_" + u1, "firstName": "Renamed"},
			{"xmppUsername": a.id + "_" + s.Unique("ghost"), "firstName": "Nobody"},
		}}).Expect().Status(http.StatusOK).JSON().Object().Value("results").Array()
		res.Value(0).Object().HasValue("status", "updated").Value("user").Object().HasValue("firstName", "Renamed")
		res.Value(1).Object().HasValue("status", "not-found")
	})
	s.Step("update the chat's title and description", func(e *httpexpect.Expect) {
		a.as(e).PATCH("/v2/apps/"+a.id+"/chats/"+chatName).
			WithJSON(map[string]any{"title": "Renamed room", "description": "about things"}).
			Expect().Status(http.StatusOK).JSON().Object().Value("result").Object().
			HasValue("title", "Renamed room").HasValue("description", "about things")
	})
	s.Step("remove access", func(e *httpexpect.Expect) {
		a.as(e).DELETE("/v2/chats/users-access").WithJSON(map[string]any{"chatName": chatName, "members": []string{a.id + "_" + u2}}).
			Expect().Status(http.StatusOK)
		a.as(e).GET("/v2/chats/users").WithQuery("chatName", chatName).
			Expect().Status(http.StatusOK).JSON().Object().Value("results").Array().Length().IsEqual(1)
	})
	s.Step("delete the chat, then again", func(e *httpexpect.Expect) {
		a.as(e).DELETE("/v1/chats").WithJSON(map[string]any{"name": chatName}).Expect().Status(http.StatusOK)
		plainNotFound(s, a.as(e).DELETE("/v1/chats").WithJSON(map[string]any{"name": chatName}).Expect())
		chatName = ""
	})
	s.Step("delete the users, then again", func(e *httpexpect.Expect) {
		a.as(e).DELETE("/v1/users/batch").WithJSON(map[string]any{"usersIdList": []string{u1, u2}}).Expect().Status(http.StatusOK)
		plainNotFound(s, a.as(e).DELETE("/v1/users/batch").WithJSON(map[string]any{"usersIdList": []string{u1}}).Expect())
	})
}

// TenantIsolation checks that apps do not see each other's data.
func TenantIsolation(s *contracts.S) {
	parent := configured(s)
	var first, second app
	defer s.Cleanup("delete the child apps", func(e *httpexpect.Expect) {
		for _, c := range []app{first, second} {
			if c.id != "" {
				parent.as(e).DELETE("/v2/apps/" + c.id).Expect()
			}
		}
	})
	newChild := func(e *httpexpect.Expect, name string) app {
		obj := parent.as(e).POST("/v2/apps").WithJSON(map[string]any{"displayName": name}).
			Expect().Status(http.StatusOK).JSON().Object()
		secret, _ := obj.Raw()["appSecret"].(string)
		if secret == "" {
			s.Fail("createApp must return the new app's secret (appSecret) for its tokens")
		}
		return app{id: obj.Value("app").Object().Value("_id").String().Raw(), secret: secret}
	}
	room := s.Unique("room")

	s.Step("create two child apps with a chat each", func(e *httpexpect.Expect) {
		first, second = newChild(e, s.Unique("first")), newChild(e, s.Unique("second"))
		for _, c := range []app{first, second} {
			parent.as(e).POST("/v2/apps/" + c.id + "/chats").WithJSON(map[string]any{"uuid": room}).
				Expect().Status(http.StatusOK)
		}
	})
	s.Step("a child's own token reaches its chats", func(e *httpexpect.Expect) {
		first.as(e).GET("/v2/apps/" + first.id + "/chats").
			Expect().Status(http.StatusOK).JSON().Object().Value("chats").Array().Length().IsEqual(1)
	})
	s.Step("a child's token is refused on a sibling's chats", func(e *httpexpect.Expect) {
		refused(first.as(e).GET("/v2/apps/"+second.id+"/chats").Expect(), http.StatusForbidden, "")
		refused(first.as(e).POST("/v2/apps/"+second.id+"/chats/users-access").
			WithJSON(map[string]any{"chatName": second.id + "_" + room, "members": []string{"x"}}).Expect(), http.StatusForbidden, "")
		refused(first.as(e).DELETE("/v2/apps/"+second.id+"/chats").
			WithJSON(map[string]any{"name": second.id + "_" + room}).Expect(), http.StatusForbidden, "")
		parent.as(e).GET("/v2/apps/" + second.id + "/chats").
			Expect().Status(http.StatusOK).JSON().Object().Value("chats").Array().Length().IsEqual(1)
	})
	s.Step("a child's token is refused on its parent", func(e *httpexpect.Expect) {
		refused(first.as(e).GET("/v2/apps/"+parent.id+"/chats").Expect(), http.StatusForbidden, "")
	})
	s.Step("a child's implicit routes act on the child only", func(e *httpexpect.Expect) {
		refused(first.as(e).GET("/v2/chats/users").WithQuery("chatName", second.id+"_"+room).Expect(), http.StatusNotFound, "")
	})
}

// TokenLifecycle covers app tokens: create, use, list, rotate, revoke.
func TokenLifecycle(s *contracts.S) {
	a := configured(s)
	var tokenID, first, second string
	defer s.Cleanup("revoke the token", func(e *httpexpect.Expect) {
		if tokenID != "" {
			a.as(e).DELETE("/v2/apps/" + a.id + "/tokens/" + tokenID).Expect()
		}
	})
	label := s.Unique("ci")

	s.Step("create an app token", func(e *httpexpect.Expect) {
		obj := a.as(e).POST("/v2/apps/" + a.id + "/tokens").WithJSON(map[string]any{"label": label}).
			Expect().Status(http.StatusOK).JSON().Object()
		tokenID = obj.Value("tokenId").String().NotEmpty().Raw()
		first = obj.Value("token").String().NotEmpty().Raw()
	})
	s.Step("the token works in either header", func(e *httpexpect.Expect) {
		e.GET("/v2/chats/users").WithHeader("x-custom-token", first).Expect().Status(http.StatusOK)
		e.GET("/v2/chats/users").WithHeader("Authorization", "Bearer "+first).Expect().Status(http.StatusOK)
	})
	s.Step("the list shows it without its value", func(e *httpexpect.Expect) {
		list := a.as(e).GET("/v2/apps/" + a.id + "/tokens").Expect().Status(http.StatusOK)
		if body := list.Body().Raw(); strings.Contains(body, first) {
			s.Fail("the token list must never contain a token's value")
		}
		found := false
		for _, t := range list.JSON().Object().Value("tokens").Array().Iter() {
			if t.Object().Value("tokenId").String().Raw() == tokenID {
				t.Object().HasValue("status", "active")
				found = true
			}
		}
		if !found {
			s.Fail("token %s is not listed", tokenID)
		}
	})
	s.Step("rotation issues a new value and retires the old one", func(e *httpexpect.Expect) {
		obj := a.as(e).POST("/v2/apps/" + a.id + "/tokens/" + tokenID + "/rotate").WithJSON(map[string]any{}).
			Expect().Status(http.StatusOK).JSON().Object()
		obj.HasValue("tokenId", tokenID)
		second = obj.Value("token").String().NotEqual(first).Raw()
		withToken(e, second).GET("/v2/chats/users").Expect().Status(http.StatusOK)
		refused(e.GET("/v2/chats/users").WithHeader("x-custom-token", first).Expect(), http.StatusUnauthorized, "")
	})
	s.Step("revocation stops the token", func(e *httpexpect.Expect) {
		a.as(e).DELETE("/v2/apps/" + a.id + "/tokens/" + tokenID).Expect().Status(http.StatusOK)
		refused(e.GET("/v2/chats/users").WithHeader("x-custom-token", second).Expect(), http.StatusUnauthorized, "")
		tokenID = ""
	})
}
