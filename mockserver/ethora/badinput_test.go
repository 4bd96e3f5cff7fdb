package ethora_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver/ethora"
)

// TestBadInputGetsEthoraErrors checks the answer to each kind of bad
// request: a 4xx in Ethora's envelope that names what is wrong, and no
// change.
func TestBadInputGetsEthoraErrors(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	app := h.app()
	for _, tc := range []struct {
		name, method, path string
		body               any
		anon               bool
		status             int
		code               string
		prefix             string // how the error text starts
		field              string // details.field, when it names one
	}{
		{"malformed JSON", "POST", "/v2/chats", `{"uuid":`, false, 422, "VALIDATION_ERROR", "body", ""},
		{"malformed JSON in a batch", "POST", "/v2/users/batch", `{"usersList":[{"email":"a@b.co",`, false, 422, "VALIDATION_ERROR", "body", ""},
		{"not JSON at all", "POST", "/v2/apps", `displayName=x`, false, 422, "VALIDATION_ERROR", "body", ""},
		{"wrong type", "POST", "/v2/chats", `{"uuid":5}`, false, 422, "VALIDATION_ERROR", "body.uuid", "body.uuid"},
		{"members not an array", "POST", "/v2/chats/users-access", `{"chatName":"general","members":"admin"}`, false, 422, "VALIDATION_ERROR", "body.members", "body.members"},
		{"member not a string", "POST", "/v2/chats/users-access", `{"chatName":"general","members":[1]}`, false, 422, "VALIDATION_ERROR", "body.members", ""},
		{"array instead of object", "POST", "/v2/chats/users-access", `[]`, false, 422, "VALIDATION_ERROR", "body", ""},
		{"null body", "POST", "/v2/chats", `null`, false, 422, "VALIDATION_ERROR", "body", ""},
		{"no body", "POST", "/v2/chats", nil, false, 422, "VALIDATION_ERROR", "body", ""},
		{"missing required field", "POST", "/v2/apps", `{}`, false, 422, "VALIDATION_ERROR", "body.displayName", "body.displayName"},
		{"empty usersList", "POST", "/v2/users/batch", `{"usersList":[]}`, false, 422, "VALIDATION_ERROR", "body.usersList", "body.usersList"},
		{"e-mail not a string", "POST", "/v2/users/batch", `{"usersList":[{"email":5,"firstName":"A","lastName":"Bc"}]}`, false, 422, "VALIDATION_ERROR", "body.usersList.0.email", "body.usersList.0.email"},
		{"chat type not a string", "POST", "/v2/chats", `{"uuid":"x","type":7}`, false, 422, "VALIDATION_ERROR", "body.type", "body.type"},
		{"bot status not a string", "PUT", "/v2/apps/" + appID + "/bot", `{"status":true}`, false, 422, "VALIDATION_ERROR", "body.status", "body.status"},
		{"limit not a number", "GET", "/v2/chats/users?limit=ten", nil, false, 422, "VALIDATION_ERROR", "query.limit", "query.limit"},
		{"limit below the minimum", "GET", "/v2/apps?limit=0", nil, false, 422, "VALIDATION_ERROR", "query.limit", "query.limit"},
		{"negative offset", "GET", "/v2/apps/" + appID + "/chats?offset=-1", nil, false, 422, "VALIDATION_ERROR", "query.offset", "query.offset"},
		{"includeMembers not a boolean", "GET", "/v2/apps/" + appID + "/chats?includeMembers=maybe", nil, false, 422, "VALIDATION_ERROR", "query.includeMembers", "query.includeMembers"},
		{"order not in the enum", "GET", "/v2/apps?order=up", nil, false, 422, "VALIDATION_ERROR", "query.order", "query.order"},
		{"unknown route", "GET", "/v2/nope", nil, false, 404, "NOT_FOUND", "", ""},
		{"unknown route without token", "GET", "/v3/users", nil, true, 404, "NOT_FOUND", "", ""},
		{"unknown nested route", "POST", "/v2/apps/" + appID + "/chats/general/messages", `{}`, false, 404, "NOT_FOUND", "", ""},
		{"wrong method", "GET", "/v1/chats", nil, false, 405, "METHOD_NOT_ALLOWED", "", ""},
		{"wrong method on a batch", "PUT", "/v2/users/batch", `{}`, false, 405, "METHOD_NOT_ALLOWED", "", ""},
		{"oversized body", "POST", "/v2/chats", `{"uuid":"` + strings.Repeat("a", 2<<20) + `"}`, false, 413, "PAYLOAD_TOO_LARGE", "", ""},
		{"no token beats a bad body", "POST", "/v2/chats", `{"uuid":`, true, 401, "UNAUTHORIZED", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := app
			if tc.anon {
				c = client{h: h, header: "none"}
			}
			r := c.refused(tc.status, tc.code, tc.method, tc.path, tc.body)
			if !strings.HasPrefix(r.Str("error"), tc.prefix) {
				t.Errorf("error should start with %q: %q", tc.prefix, r.Str("error"))
			}
			if tc.field != "" && r.Str("details.field") != tc.field {
				t.Errorf("details.field: want %q, got %s", tc.field, r.Raw)
			}
		})
	}
}

// TestOddButValidPaths feeds path segments the SDK sends without encoding.
func TestOddButValidPaths(t *testing.T) {
	h := newHarness(t, ethora.Options{})
	c := h.app()
	c.createUsers("a.b-c_d")
	c.createChat("x.y-z", "a.b-c_d")
	if r := c.ok("GET", "/v2/apps/"+appID+"/users/a.b-c_d/chats", nil); r.Num("total") != 1 {
		t.Errorf("user chats: %s", r.Raw)
	}
	c.ok("PATCH", "/v2/apps/"+appID+"/chats/"+xmpp("x.y-z")+jidDomain, map[string]any{"title": "T"})
	// The job route wins over a user called "batch".
	c.refused(http.StatusNotFound, "NOT_FOUND", "GET", "/v2/apps/"+appID+"/users/batch/chats", nil)
	// PATCH .../chats/users is updateUsersInApp, not a chat called "users".
	r := c.ok("PATCH", "/v2/apps/"+appID+"/chats/users", map[string]any{"users": []any{map[string]any{"uuid": "a.b-c_d", "firstName": "Dotty"}}})
	if r.Str("results.0.status") != "updated" {
		t.Errorf("updateUsersInApp: %s", r.Raw)
	}
}
