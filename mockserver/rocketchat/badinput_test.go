package rocketchat_test

import (
	"strings"
	"testing"
)

// TestBadInputGetsRocketChatErrors checks the answer to each kind of bad
// request: a 4xx in Rocket.Chat's envelope that says what is wrong.
func TestBadInputGetsRocketChatErrors(t *testing.T) {
	h := newHarness(t)
	admin := h.admin()
	for _, tc := range []struct {
		name, method, path string
		body               any
		anon               bool
		status             int
		errorType          string
		mentions           string // a part of the error text
	}{
		{"malformed JSON", "POST", "/api/v1/channels.create", `{"name":`, false, 400, "invalid-params", "body"},
		{"wrong type", "POST", "/api/v1/channels.create", `{"name":42}`, false, 400, "invalid-params", "body.name"},
		{"missing field", "POST", "/api/v1/users.create", `{"name":"A","email":"a@b.co","password":"x"}`, false, 400, "invalid-params", "body.username"},
		{"room name", "POST", "/api/v1/channels.create", `{"name":"two words"}`, false, 400, "error-invalid-room-name", "not a valid room name"},
		{"bad email", "POST", "/api/v1/users.create", `{"name":"A","email":"nope","password":"x","username":"a"}`, false, 400, "error-invalid-email", "Invalid email nope"},
		{"array instead of object", "POST", "/api/v1/channels.invite", `[]`, false, 400, "invalid-params", "body"},
		{"userIds not an array", "POST", "/api/v1/channels.invite", `{"roomName":"general","userIds":"abc"}`, false, 400, "invalid-params", "body.userIds"},
		// Rocket.Chat reads bodyParams.roomName: a member named otherwise,
		// if only by case, names no room (Go's decoder would match it).
		{"member name in another case", "POST", "/api/v1/channels.invite", `{"RoomName":"general","username":"antonio.towne"}`, false, 400, "error-roomid-param-not-provided", "roomName"},
		{"negative count", "GET", "/api/v1/channels.members?roomName=general&count=-1", nil, false, 400, "invalid-params", "query.count"},
		{"count not a number", "GET", "/api/v1/users.list?count=ten", nil, false, 400, "invalid-params", "query.count"},
		{"bad sort", "GET", "/api/v1/users.list?sort=username", nil, false, 400, "error-invalid-sort", "sort"},
		{"bad query", "GET", "/api/v1/users.list?query={\"username\":{\"$where\":1}}", nil, false, 400, "error-invalid-query", "$where"},
		{"unknown route", "GET", "/api/v1/channels.nope", nil, false, 404, "", "channels.nope"},
		{"wrong method", "GET", "/api/v1/channels.create", nil, false, 405, "error-method-not-allowed", "POST"},
		{"oversized body", "POST", "/api/v1/channels.create", `{"name":"` + strings.Repeat("a", 2<<20) + `"}`, false, 413, "error-request-too-large", "bytes"},
		{"no credentials", "POST", "/api/v1/channels.create", `{"name":"x"}`, true, 401, "", "logged in"},
		{"no credentials beats a bad body", "POST", "/api/v1/channels.create", `{"name":`, true, 401, "", "logged in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := admin
			if tc.anon {
				c = h.anon()
			}
			before := h.snapshot()
			r := c.do(tc.method, tc.path, tc.body)
			if r.Status != tc.status {
				t.Fatalf("want %d, got %d: %.300s", tc.status, r.Status, r.Raw)
			}
			if r.Get("success") != false || r.Str("error") == "" {
				t.Errorf("not Rocket.Chat's envelope: %.300s", r.Raw)
			}
			if r.Str("errorType") != tc.errorType {
				t.Errorf("errorType: want %q, got %q", tc.errorType, r.Str("errorType"))
			}
			if !strings.Contains(r.Str("error"), tc.mentions) {
				t.Errorf("the error should mention %q: %q", tc.mentions, r.Str("error"))
			}
			if h.snapshot() != before {
				t.Errorf("a refused request changed the state")
			}
		})
	}
}
