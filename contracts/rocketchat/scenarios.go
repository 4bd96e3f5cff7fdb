package rocketchat

import (
	"net/http"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
)

// API is the spec these scenarios check responses against.
const API = "rocketchat"

// Scenarios returns every Rocket.Chat scenario, in the order they run.
func Scenarios() []contracts.Scenario {
	return []contracts.Scenario{
		{API: API, Name: "bulk-invites", Run: BulkInvites,
			Doc: "An admin creates a channel and users, invites one by userId and a list by userIds; unknown ids are dropped, duplicates and members already in are no-ops, and usersCount and members paging (count, offset, total) stay true."},
		{API: API, Name: "invite-permissions", Run: InvitePermissions,
			Doc: "A plain member cannot invite; once made moderator they can; channels.* does not reach private rooms, groups.* does, and a plain group member cannot invite into the group either."},
		{API: API, Name: "owner-revocation", Run: OwnerRevocation,
			Doc: "Owners can be added and removed and channels.roles shows it; the last owner can be neither removed (removeOwner) nor kicked (kick)."},
		{API: API, Name: "auth", Run: Auth,
			Doc: "Login issues a token that later calls need; every protected operation refuses missing or wrong credentials with 401, a refused login has its own body, and logout revokes the token."},
		{API: API, Name: "messaging", Run: Messaging,
			Doc: "A chat screen's calls: post, history newest first by count/offset and by latest/oldest window, edit (the author only), react, delete (msgs drops), a direct room opened twice is one room, direct messages make unread for the receiver only, and subscriptions.read clears it; outsiders cannot read the direct room."},
	}
}

// BulkInvites is the bulk-invite scenario (reference §5).
func BulkInvites(s *contracts.S) {
	var admin session
	var alice, bob, carol user
	rooms := map[string]string{}
	defer cleanup(s, &admin, rooms, []*user{&alice, &bob, &carol})
	var roomID string
	channel := s.Unique("bulk")

	s.Step("admin logs in", func(e *httpexpect.Expect) { admin = loginAdmin(s, e) })
	s.Step("admin creates three users", func(e *httpexpect.Expect) {
		alice, bob, carol = createUser(s, e, admin, "alice"), createUser(s, e, admin, "bob"), createUser(s, e, admin, "carol")
	})
	s.Step("admin creates a channel and is its only member", func(e *httpexpect.Expect) {
		roomID = createRoom(e, admin, "channels", channel)
		rooms[roomID] = "channels"
	})
	s.Step("invite one user by userId", func(e *httpexpect.Expect) {
		admin.as(e).POST("/api/v1/channels.invite").WithJSON(map[string]any{"roomId": roomID, "userId": alice.id}).
			Expect().Status(http.StatusOK).
			JSON().Object().HasValue("success", true).
			Value("channel").Object().HasValue("_id", roomID).HasValue("usersCount", 2)
	})
	s.Step("invite a list with an unknown id and a duplicate", func(e *httpexpect.Expect) {
		ids := []string{bob.id, "NoSuchUserId12345", carol.id, bob.id, alice.id}
		admin.as(e).POST("/api/v1/channels.invite").WithJSON(map[string]any{"roomId": roomID, "userIds": ids}).
			Expect().Status(http.StatusOK).
			JSON().Object().HasValue("success", true).
			Value("channel").Object().HasValue("usersCount", 4)
	})
	s.Step("re-inviting a member changes nothing", func(e *httpexpect.Expect) {
		admin.as(e).POST("/api/v1/channels.invite").WithJSON(map[string]any{"roomName": channel, "username": alice.username}).
			Expect().Status(http.StatusOK).
			JSON().Object().Value("channel").Object().HasValue("usersCount", 4)
	})
	s.Step("a list of only unknown ids is refused", func(e *httpexpect.Expect) {
		refused(admin.as(e).POST("/api/v1/channels.invite").
			WithJSON(map[string]any{"roomId": roomID, "userIds": []string{"NoSuchUserId12345"}}).Expect(),
			http.StatusBadRequest, "")
	})
	s.Step("channels.info reports four members", func(e *httpexpect.Expect) {
		admin.as(e).GET("/api/v1/channels.info").WithQuery("roomId", roomID).
			Expect().Status(http.StatusOK).
			JSON().Object().Value("channel").Object().HasValue("usersCount", 4)
	})
	s.Step("members lists all four", func(e *httpexpect.Expect) {
		obj := admin.as(e).GET("/api/v1/channels.members").WithQuery("roomId", roomID).
			Expect().Status(http.StatusOK).JSON().Object()
		obj.HasValue("total", 4).HasValue("count", 4).HasValue("offset", 0)
		names := obj.Value("members").Array()
		names.Length().IsEqual(4)
		for _, u := range []user{alice, bob, carol} {
			names.Filter(func(_ int, v *httpexpect.Value) bool {
				return v.Object().Value("username").String().Raw() == u.username
			}).Length().IsEqual(1)
		}
	})
	s.Step("members pages with count and offset", func(e *httpexpect.Expect) {
		seen := map[string]bool{}
		for _, offset := range []int{0, 2} {
			obj := admin.as(e).GET("/api/v1/channels.members").
				WithQuery("roomId", roomID).WithQuery("count", 2).WithQuery("offset", offset).
				Expect().Status(http.StatusOK).JSON().Object()
			obj.HasValue("total", 4).HasValue("count", 2).HasValue("offset", offset)
			for _, m := range obj.Value("members").Array().Iter() {
				seen[m.Object().Value("_id").String().Raw()] = true
			}
		}
		if len(seen) != 4 {
			s.Fail("two pages of two should hold four different members, got %d", len(seen))
		}
		admin.as(e).GET("/api/v1/channels.members").
			WithQuery("roomId", roomID).WithQuery("count", 2).WithQuery("offset", 4).
			Expect().Status(http.StatusOK).JSON().Object().
			HasValue("total", 4).HasValue("count", 0).Value("members").Array().IsEmpty()
	})
	s.Step("kick keeps usersCount true", func(e *httpexpect.Expect) {
		admin.as(e).POST("/api/v1/channels.kick").WithJSON(map[string]any{"roomId": roomID, "userId": carol.id}).
			Expect().Status(http.StatusOK).
			JSON().Object().Value("channel").Object().HasValue("usersCount", 3)
		admin.as(e).GET("/api/v1/channels.members").WithQuery("roomId", roomID).
			Expect().Status(http.StatusOK).JSON().Object().HasValue("total", 3)
	})
}

// InvitePermissions is the invite-rule scenario (reference §6.2).
func InvitePermissions(s *contracts.S) {
	var admin, member session
	var mia, ned, ola user
	rooms := map[string]string{}
	defer cleanup(s, &admin, rooms, []*user{&mia, &ned, &ola})
	var channelID, groupID string

	s.Step("admin logs in and creates users", func(e *httpexpect.Expect) {
		admin = loginAdmin(s, e)
		mia, ned, ola = createUser(s, e, admin, "mia"), createUser(s, e, admin, "ned"), createUser(s, e, admin, "ola")
	})
	s.Step("admin creates a channel and invites mia", func(e *httpexpect.Expect) {
		channelID = createRoom(e, admin, "channels", s.Unique("perm"))
		rooms[channelID] = "channels"
		admin.as(e).POST("/api/v1/channels.invite").WithJSON(map[string]any{"roomId": channelID, "userId": mia.id}).
			Expect().Status(http.StatusOK)
	})
	s.Step("mia, a plain member, cannot invite", func(e *httpexpect.Expect) {
		member = login(e, mia.username, mia.password)
		refused(member.as(e).POST("/api/v1/channels.invite").WithJSON(map[string]any{"roomId": channelID, "userId": ned.id}).Expect(),
			http.StatusBadRequest, "error-not-allowed")
		admin.as(e).GET("/api/v1/channels.info").WithQuery("roomId", channelID).
			Expect().Status(http.StatusOK).JSON().Object().Value("channel").Object().HasValue("usersCount", 2)
	})
	s.Step("as moderator mia can invite", func(e *httpexpect.Expect) {
		admin.as(e).POST("/api/v1/channels.addModerator").WithJSON(map[string]any{"roomId": channelID, "userId": mia.id}).
			Expect().Status(http.StatusOK).JSON().Object().HasValue("success", true)
		member.as(e).POST("/api/v1/channels.invite").WithJSON(map[string]any{"roomId": channelID, "userId": ned.id}).
			Expect().Status(http.StatusOK).JSON().Object().Value("channel").Object().HasValue("usersCount", 3)
	})
	s.Step("admin creates a private group with mia", func(e *httpexpect.Expect) {
		groupID = createRoom(e, admin, "groups", s.Unique("priv"))
		rooms[groupID] = "groups"
		admin.as(e).POST("/api/v1/groups.invite").WithJSON(map[string]any{"roomId": groupID, "userIds": []string{mia.id}}).
			Expect().Status(http.StatusOK).JSON().Object().
			Value("group").Object().HasValue("t", "p").HasValue("usersCount", 2)
	})
	s.Step("channels.invite does not reach a private group", func(e *httpexpect.Expect) {
		refused(admin.as(e).POST("/api/v1/channels.invite").WithJSON(map[string]any{"roomId": groupID, "userId": ola.id}).Expect(),
			http.StatusBadRequest, "error-room-not-found")
		refused(admin.as(e).GET("/api/v1/channels.info").WithQuery("roomId", groupID).Expect(),
			http.StatusBadRequest, "error-room-not-found")
	})
	s.Step("mia, a plain group member, cannot invite into the group", func(e *httpexpect.Expect) {
		refused(member.as(e).POST("/api/v1/groups.invite").WithJSON(map[string]any{"roomId": groupID, "userId": ola.id}).Expect(),
			http.StatusBadRequest, "error-not-allowed")
	})
	s.Step("a group is hidden from users outside it", func(e *httpexpect.Expect) {
		outsider := login(e, ola.username, ola.password)
		refused(outsider.as(e).GET("/api/v1/groups.info").WithQuery("roomId", groupID).Expect(),
			http.StatusBadRequest, "error-room-not-found")
		member.as(e).GET("/api/v1/groups.list").Expect().Status(http.StatusOK).JSON().Object().
			Value("groups").Array().Filter(func(_ int, v *httpexpect.Value) bool {
			return v.Object().Value("_id").String().Raw() == groupID
		}).Length().IsEqual(1)
	})
	s.Step("the group owner can invite", func(e *httpexpect.Expect) {
		admin.as(e).POST("/api/v1/groups.invite").WithJSON(map[string]any{"roomId": groupID, "usernames": []string{ola.username}}).
			Expect().Status(http.StatusOK).JSON().Object().Value("group").Object().HasValue("usersCount", 3)
	})
}

// OwnerRevocation is the owner-management scenario (reference §6.3, §6.4).
func OwnerRevocation(s *contracts.S) {
	var admin session
	var olga user
	rooms := map[string]string{}
	defer cleanup(s, &admin, rooms, []*user{&olga})
	var roomID string

	owners := func(e *httpexpect.Expect) map[string]bool {
		out := map[string]bool{}
		roles := admin.as(e).GET("/api/v1/channels.roles").WithQuery("roomId", roomID).
			Expect().Status(http.StatusOK).JSON().Object().HasValue("success", true).Value("roles").Array()
		for _, r := range roles.Iter() {
			obj := r.Object()
			for _, role := range obj.Value("roles").Array().Iter() {
				if role.String().Raw() == "owner" {
					out[obj.Value("u").Object().Value("_id").String().Raw()] = true
				}
			}
		}
		return out
	}

	s.Step("admin creates a channel and a user in it", func(e *httpexpect.Expect) {
		admin = loginAdmin(s, e)
		olga = createUser(s, e, admin, "olga")
		roomID = createRoom(e, admin, "channels", s.Unique("own"))
		rooms[roomID] = "channels"
		admin.as(e).POST("/api/v1/channels.invite").WithJSON(map[string]any{"roomId": roomID, "userId": olga.id}).
			Expect().Status(http.StatusOK)
		if got := owners(e); len(got) != 1 || !got[admin.userID] {
			s.Fail("the creator should be the only owner, roles say %v", got)
		}
	})
	s.Step("addOwner makes olga an owner", func(e *httpexpect.Expect) {
		admin.as(e).POST("/api/v1/channels.addOwner").WithJSON(map[string]any{"roomId": roomID, "userId": olga.id}).
			Expect().Status(http.StatusOK).JSON().Object().HasValue("success", true)
		if got := owners(e); len(got) != 2 || !got[olga.id] {
			s.Fail("olga and the admin should own the room, roles say %v", got)
		}
	})
	s.Step("addOwner twice is refused", func(e *httpexpect.Expect) {
		refused(admin.as(e).POST("/api/v1/channels.addOwner").WithJSON(map[string]any{"roomId": roomID, "userId": olga.id}).Expect(),
			http.StatusBadRequest, "error-user-already-owner")
	})
	s.Step("removeOwner revokes the admin's ownership", func(e *httpexpect.Expect) {
		admin.as(e).POST("/api/v1/channels.removeOwner").WithJSON(map[string]any{"roomId": roomID, "userId": admin.userID}).
			Expect().Status(http.StatusOK).JSON().Object().HasValue("success", true)
		if got := owners(e); len(got) != 1 || !got[olga.id] {
			s.Fail("olga should be the only owner left, roles say %v", got)
		}
	})
	s.Step("removeOwner of a non-owner is refused", func(e *httpexpect.Expect) {
		refused(admin.as(e).POST("/api/v1/channels.removeOwner").WithJSON(map[string]any{"roomId": roomID, "userId": admin.userID}).Expect(),
			http.StatusBadRequest, "error-user-not-owner")
	})
	s.Step("the last owner cannot be removed", func(e *httpexpect.Expect) {
		refused(admin.as(e).POST("/api/v1/channels.removeOwner").WithJSON(map[string]any{"roomId": roomID, "userId": olga.id}).Expect(),
			http.StatusBadRequest, "error-remove-last-owner")
		if got := owners(e); len(got) != 1 || !got[olga.id] {
			s.Fail("olga should still own the room, roles say %v", got)
		}
	})
	s.Step("the last owner cannot be kicked", func(e *httpexpect.Expect) {
		refused(admin.as(e).POST("/api/v1/channels.kick").WithJSON(map[string]any{"roomId": roomID, "userId": olga.id}).Expect(),
			http.StatusBadRequest, "error-you-are-last-owner")
		admin.as(e).GET("/api/v1/channels.info").WithQuery("roomId", roomID).
			Expect().Status(http.StatusOK).JSON().Object().Value("channel").Object().HasValue("usersCount", 2)
	})
	s.Step("with a second owner the first can be kicked", func(e *httpexpect.Expect) {
		admin.as(e).POST("/api/v1/channels.addOwner").WithJSON(map[string]any{"roomId": roomID, "userId": admin.userID}).
			Expect().Status(http.StatusOK)
		admin.as(e).POST("/api/v1/channels.kick").WithJSON(map[string]any{"roomId": roomID, "userId": olga.id}).
			Expect().Status(http.StatusOK).JSON().Object().Value("channel").Object().HasValue("usersCount", 1)
		if got := owners(e); len(got) != 1 || !got[admin.userID] {
			s.Fail("a kicked owner loses the role; roles say %v", got)
		}
	})
}
