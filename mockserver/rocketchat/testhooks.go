package rocketchat

import (
	"net/http"

	"github.com/standin/standin/mockserver"
)

// testHooks let the test kit log in as the default admin and find the
// seeded users and rooms.
var testHooks = mockserver.TestHooks{
	Login: func(h http.Handler, ns string) (http.Header, error) {
		var out struct {
			Data struct {
				UserID    string `json:"userId"`
				AuthToken string `json:"authToken"`
			} `json:"data"`
		}
		body := map[string]string{"user": "admin", "password": "admin"}
		if err := mockserver.CallJSON(h, ns, nil, http.MethodPost, "/api/v1/login", body, &out); err != nil {
			return nil, err
		}
		return http.Header{"X-User-Id": {out.Data.UserID}, "X-Auth-Token": {out.Data.AuthToken}}, nil
	},
	Prepare: prepare,
	Known: func(h http.Handler, auth http.Header, ns string) (map[string][]string, error) {
		known := map[string][]string{}
		var me struct {
			Username string `json:"username"`
			Emails   []struct {
				Address string `json:"address"`
			} `json:"emails"`
		}
		if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, "/api/v1/me", nil, &me); err != nil {
			return nil, err
		}
		var users struct {
			Users []struct {
				ID       string `json:"_id"`
				Username string `json:"username"`
			} `json:"users"`
		}
		if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, "/api/v1/users.list?count=100", nil, &users); err != nil {
			return nil, err
		}
		for _, u := range users.Users {
			known["userId"] = append(known["userId"], u.ID)
			known["username"] = append(known["username"], u.Username)
		}
		known["userIds"] = known["userId"]
		known["usernames"] = known["username"]
		known["user"] = known["username"]    // an invite's user is a username
		known["members"] = known["username"] // so are a new room's members
		// A new user needs a name no one has, and a global role.
		known["usersCreate:username"] = nil
		for _, r := range KnownRoles {
			if r != RoleOwner && r != RoleModerator && r != RoleLeader {
				known["usersCreate:roles"] = append(known["usersCreate:roles"], r)
			}
		}
		// Channels and groups are rooms of their own kind: channels.* and
		// groups.* find only theirs; rooms.info finds both.
		for _, kind := range []struct{ tag, path string }{{"Channels", "/api/v1/channels.list?count=100"}, {"Groups", "/api/v1/groups.list?count=100"}} {
			var rooms struct {
				Channels []struct {
					ID   string `json:"_id"`
					Name string `json:"name"`
				} `json:"channels"`
				Groups []struct {
					ID   string `json:"_id"`
					Name string `json:"name"`
				} `json:"groups"`
			}
			if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, kind.path, nil, &rooms); err != nil {
				return nil, err
			}
			for _, r := range append(rooms.Channels, rooms.Groups...) {
				known[kind.tag+":roomId"] = append(known[kind.tag+":roomId"], r.ID)
				known[kind.tag+":roomName"] = append(known[kind.tag+":roomName"], r.Name)
				known["roomId"] = append(known["roomId"], r.ID)
				known["roomName"] = append(known["roomName"], r.Name)
			}
		}
		// Logging in: the admin, by any of the forms.
		known["login:user"] = []string{me.Username}
		known["login:username"] = []string{me.Username}
		known["login:password"] = []string{"admin"}
		known["login:resume"] = []string{auth.Get("X-Auth-Token")}
		for _, e := range me.Emails {
			known["login:email"] = append(known["login:email"], e.Address)
		}
		// sort and query are JSON documents, of the fields each listing
		// takes.
		known["sort"] = []string{`{"name":1}`, `{"ts":-1}`}
		known["Users:sort"] = []string{`{"username":1}`, `{"createdAt":-1}`}
		known["channelsMembers:sort"] = []string{`{"username":1}`, `{"username":-1}`}
		known["groupsMembers:sort"] = known["channelsMembers:sort"]
		known["query"] = []string{`{"active":true}`, `{}`}
		// The permission table's ids, and the roles there are.
		var perms struct {
			Update []struct {
				ID string `json:"_id"`
			} `json:"update"`
		}
		if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, "/api/v1/permissions.listAll", nil, &perms); err != nil {
			return nil, err
		}
		for _, p := range perms.Update {
			known["permissionsUpdate:_id"] = append(known["permissionsUpdate:_id"], p.ID)
		}
		known["permissionsUpdate:roles"] = KnownRoles
		return known, messagingKnown(h, auth, ns, known)
	},
	BusinessRules: businessRules,
}

// prepare makes the admin a member of every channel, so that it may leave
// them, and makes a private group with a few members, one of them a
// second owner: groups.* see only the caller's groups, and the admin is
// in none of the seeded ones.
func prepare(h http.Handler, auth http.Header, ns string) (map[string][]string, error) {
	var channels struct {
		Channels []struct {
			ID string `json:"_id"`
		} `json:"channels"`
	}
	if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, "/api/v1/channels.list?count=100", nil, &channels); err != nil {
		return nil, err
	}
	for _, c := range channels.Channels {
		if err := mockserver.CallJSON(h, ns, auth, http.MethodPost, "/api/v1/channels.join", map[string]string{"roomId": c.ID}, &struct{}{}); err != nil {
			return nil, err
		}
	}
	var users struct {
		Users []struct {
			ID       string `json:"_id"`
			Username string `json:"username"`
		} `json:"users"`
	}
	if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, "/api/v1/users.list?count=5", nil, &users); err != nil {
		return nil, err
	}
	var members []string
	for _, u := range users.Users {
		members = append(members, u.Username)
	}
	var group struct {
		Group struct {
			ID string `json:"_id"`
		} `json:"group"`
	}
	if err := mockserver.CallJSON(h, ns, auth, http.MethodPost, "/api/v1/groups.create", map[string]any{"name": "kit-group", "members": members}, &group); err != nil {
		return nil, err
	}
	for _, u := range users.Users {
		if u.ID != auth.Get("X-User-Id") {
			owner := map[string]string{"roomId": group.Group.ID, "userId": u.ID}
			if err := mockserver.CallJSON(h, ns, auth, http.MethodPost, "/api/v1/groups.addOwner", owner, &struct{}{}); err != nil {
				return nil, err
			}
			break
		}
	}
	return nil, prepareMessaging(h, auth, ns)
}

// businessRules are the refusals of requests the spec calls valid that
// come from the server's rules on members and roles, which no schema can
// express.
var businessRules = func() []mockserver.BusinessRule {
	var rules []mockserver.BusinessRule
	add := func(code, reason string, ops ...string) {
		for _, op := range ops {
			rules = append(rules, mockserver.BusinessRule{Operation: op, Code: code, Reason: reason})
		}
	}
	for _, kind := range []string{"channels", "groups"} {
		add("error-user-not-in-room", "the user named is not a member of the room named",
			kind+"AddModerator", kind+"AddOwner", kind+"RemoveModerator", kind+"Kick")
		add("error-invalid-room", "removeOwner of a user who is not a member of the room (the server's wording)", kind+"RemoveOwner")
		add("error-user-already-owner", "the user is an owner already", kind+"AddOwner")
		add("error-user-already-moderator", "the user is a moderator already", kind+"AddModerator")
		add("error-user-not-owner", "the user is not an owner", kind+"RemoveOwner")
		add("error-user-not-moderator", "the user is not a moderator", kind+"RemoveModerator")
		add("error-remove-last-owner", "the room's last owner keeps the role", kind+"RemoveOwner")
		add("error-you-are-last-owner", "the room's last owner cannot leave or be kicked", kind+"Kick", kind+"Leave")
	}
	add("user-last-owner", "a user who is the last owner of rooms with other members is deleted only with confirmRelinquish", "usersDelete")
	// Checks the server makes in code, with bodies of its own that a spec
	// refusal (invalid-params naming a schema rule) would not reproduce.
	add("error-invalid-room-name", "getValidRoomName refuses a name outside UTF8_Channel_Names_Validation with a Meteor error", "channelsCreate", "groupsCreate")
	add("error-input-is-not-a-valid-field", "validateUserData refuses a username outside UTF8_User_Names_Validation with a Meteor error", "usersCreate")
	add("error-invalid-email", "validateUserData refuses an address without the basic x@y form with a Meteor error", "usersCreate")
	add("invalid-params", "channels.create's ajv schema requires name, refused in the typed router's body form", "channelsCreate")
	add("", `channels.create's "Param \"name\" is required" and groups.create's "Body param \"name\" is required" are plain failures`, "channelsCreate", "groupsCreate")
	add("invalid-params", "users.info's ajv anyOf takes exactly one of userId, username, importId, email, freeSwitchExtension", "usersInfo")
	add("", `users.info answers the plain "User not found." for a key that matches nobody`, "usersInfo")
	add("error-roomId-param-invalid", "permissions.listAll refuses an updatedSince Date.parse cannot read, a check no schema format expresses", "permissionsListAll")
	add("error-invalid-query", "users.list's query is checked against the server's allowed operators and attributes", "usersList")
	add("error-invalid-fields", "users.list's fields projection is not implemented by the mock and refused rather than ignored", "usersList")
	add("error-invalid-query", "channels.list's query filter is not implemented by the mock and refused rather than ignored", "channelsList")
	messagingRules(add)
	return rules
}()
