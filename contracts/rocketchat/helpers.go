package rocketchat

import (
	"net/http"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
)

// session is a logged-in user.
type session struct {
	userID, token string
}

// as returns e sending the session's credentials on every request.
func (c session) as(e *httpexpect.Expect) *httpexpect.Expect {
	return e.Builder(func(r *httpexpect.Request) {
		r.WithHeader("X-User-Id", c.userID).WithHeader("X-Auth-Token", c.token)
	})
}

// login logs in with a username and password and checks the success shape.
func login(e *httpexpect.Expect, user, password string) session {
	data := e.POST("/api/v1/login").WithJSON(map[string]string{"user": user, "password": password}).
		Expect().Status(http.StatusOK).
		JSON().Object().HasValue("status", "success").Value("data").Object()
	return session{
		userID: data.Value("userId").String().NotEmpty().Raw(),
		token:  data.Value("authToken").String().NotEmpty().Raw(),
	}
}

// loginAdmin logs in with the target's admin credentials.
func loginAdmin(s *contracts.S, e *httpexpect.Expect) session {
	return login(e, s.Credential("username"), s.Credential("password"))
}

// refused checks a Rocket.Chat failure: the status, success false, and the
// error code in errorType.
func refused(r *httpexpect.Response, status int, errorType string) *httpexpect.Object {
	obj := r.Status(status).JSON().Object()
	obj.HasValue("success", false).Value("error").String().NotEmpty()
	if errorType != "" {
		obj.HasValue("errorType", errorType)
	}
	return obj
}

// user is an account a scenario created.
type user struct {
	id, username, password string
}

// createUser creates a user through users.create as admin.
func createUser(s *contracts.S, e *httpexpect.Expect, admin session, prefix string) user {
	u := user{username: s.Unique(prefix), password: "Pw-" + s.Unique("x")}
	u.id = admin.as(e).POST("/api/v1/users.create").WithJSON(map[string]any{
		"username": u.username, "name": "Conformance " + prefix, "email": u.username + "@standin.invalid", "password": u.password,
	}).Expect().Status(http.StatusOK).
		JSON().Object().HasValue("success", true).
		Value("user").Object().HasValue("username", u.username).Value("_id").String().NotEmpty().Raw()
	return u
}

// createRoom creates a channel (kind "channels") or group ("groups") and
// returns its id; the creator becomes its owner.
func createRoom(e *httpexpect.Expect, as session, kind, name string) string {
	key := map[string]string{"channels": "channel", "groups": "group"}[kind]
	return as.as(e).POST("/api/v1/"+kind+".create").WithJSON(map[string]any{"name": name}).
		Expect().Status(http.StatusOK).
		JSON().Object().HasValue("success", true).
		Value(key).Object().HasValue("name", name).HasValue("usersCount", 1).
		Value("_id").String().NotEmpty().Raw()
}

// cleanup deletes what a scenario created. It is one step, run last, that
// tolerates things already gone, so a failed scenario still tidies up as
// much as it can on a live server.
func cleanup(s *contracts.S, admin *session, rooms map[string]string, users []*user) {
	s.Cleanup("clean up", func(e *httpexpect.Expect) {
		if admin.token == "" {
			return
		}
		for id, kind := range rooms {
			admin.as(e).POST("/api/v1/" + kind + ".delete").WithJSON(map[string]string{"roomId": id}).Expect()
		}
		for _, u := range users {
			if u.id != "" {
				admin.as(e).POST("/api/v1/users.delete").WithJSON(map[string]any{"userId": u.id, "confirmRelinquish": true}).Expect()
			}
		}
	})
}
