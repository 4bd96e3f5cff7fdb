package rocketchat

import (
	"net/http"
	"slices"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/openapi"
)

// protectedOperations lists every operation the spec secures, read from
// the spec itself so that a new operation is covered the day it is added.
func protectedOperations() ([]openapi.Operation, error) {
	doc, err := openapi.Load(API)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(openapi.Operations(doc), func(op openapi.Operation) bool { return !op.Secured(doc) }), nil
}

// send sends op with an empty JSON body where it takes one.
func send(e *httpexpect.Expect, op openapi.Operation) *httpexpect.Response {
	req := e.Request(op.Method, op.Path)
	if op.Method != http.MethodGet {
		req = req.WithJSON(map[string]any{})
	}
	return req.Expect()
}

// Auth is the authentication scenario.
func Auth(s *contracts.S) {
	ops, err := protectedOperations()
	if err != nil {
		s.Fail("cannot list the spec's operations: %v", err)
		return
	}
	var admin session

	// 8.x answers a failed login with the unauthorized() helper's body
	// (apps/meteor/app/api/server/ApiClass.ts, the login route's catch).
	s.Step("a wrong password is refused with the login failure body", func(e *httpexpect.Expect) {
		e.POST("/api/v1/login").WithJSON(map[string]string{"user": s.Credential("username"), "password": "not-" + s.Credential("password")}).
			Expect().Status(http.StatusUnauthorized).
			JSON().Object().IsEqual(map[string]any{"success": false, "error": "unauthorized"})
	})
	s.Step("the admin logs in and the token works", func(e *httpexpect.Expect) {
		admin = loginAdmin(s, e)
		admin.as(e).GET("/api/v1/me").Expect().Status(http.StatusOK).
			JSON().Object().HasValue("_id", admin.userID).HasValue("success", true)
	})
	s.Step("every protected operation refuses missing credentials", func(e *httpexpect.Expect) {
		for _, op := range ops {
			refused(send(e, op), http.StatusUnauthorized, "")
		}
	})
	s.Step("every protected operation refuses a wrong token", func(e *httpexpect.Expect) {
		wrong := session{userID: admin.userID, token: "not-" + admin.token}
		for _, op := range ops {
			refused(send(wrong.as(e), op), http.StatusUnauthorized, "")
		}
	})
	s.Step("a token is refused with another user's id", func(e *httpexpect.Expect) {
		other := session{userID: "NoSuchUserId12345", token: admin.token}
		refused(other.as(e).GET("/api/v1/me").Expect(), http.StatusUnauthorized, "")
	})
	s.Step("logout revokes the token", func(e *httpexpect.Expect) {
		spare := loginAdmin(s, e)
		spare.as(e).POST("/api/v1/logout").Expect().Status(http.StatusOK).
			JSON().Object().HasValue("status", "success")
		refused(spare.as(e).GET("/api/v1/me").Expect(), http.StatusUnauthorized, "")
		admin.as(e).GET("/api/v1/me").Expect().Status(http.StatusOK)
	})
}
