package ethora_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/mockservertest"
)

// FuzzRequest throws arbitrary methods, paths and bodies at the mock with a
// valid server token (in x-custom-token or as Bearer) and holds it to the
// standards every request must meet: never a 5xx, every error either
// Ethora's JSON envelope with a string error or the plain-text 422 of the
// v1 deletes, and a refused request leaves the state as it was.
func FuzzRequest(f *testing.F) {
	seeds := []struct {
		method, path, body string
		bearer             bool
	}{
		{"POST", "/v2/users/batch", `{"usersList":[{"uuid":"f1","email":"f1@x.co","firstName":"F","lastName":"One"}]}`, false},
		{"POST", "/v2/users/batch", `{"usersList":[{"uuid":"f1","email":"bad","firstName":"","lastName":"O"}]}`, true},
		{"POST", "/v1/users/batch", `{"usersList":[{"uuid":"admin","email":"a@x.co","firstName":"A","lastName":"Bc"}]}`, false},
		{"GET", "/v2/users/batch/nope", ``, false},
		{"DELETE", "/v1/users/batch", `{"usersIdList":["ghost"]}`, false},
		{"DELETE", "/v1/users/batch", `{"usersIdList":[]}`, false},
		{"DELETE", "/v1/chats", `{"name":"standin-app_nope"}`, false},
		{"DELETE", "/v1/chats", `{"name":5}`, true},
		{"POST", "/v2/chats", `{"uuid":"f-room","members":["admin","standin-app_standin-app_admin@conference.x"]}`, false},
		{"POST", "/v2/chats", `{"uuid":"general"}`, false},
		{"POST", "/v2/chats", `{"uuid":`, false},
		{"POST", "/v2/chats/users-access", `{"chatName":"general","members":["admin",null]}`, false},
		{"DELETE", "/v2/chats/users-access", `{"chatName":"nope","members":["admin"]}`, false},
		{"GET", "/v2/chats/users?chatName=general&limit=1&offset=99", ``, false},
		{"GET", "/v2/chats/users?limit=-1&xmppUsername=%00", ``, false},
		{"PATCH", "/v2/chats/users", `{"users":[{"firstName":"X"},{"xmppUsername":"ghost","lastName":"Y"}]}`, false},
		{"GET", "/v2/apps?order=desc&orderBy=displayName", ``, true},
		{"POST", "/v2/apps", `{"displayName":"F"}`, false},
		{"DELETE", "/v2/apps/standin-app", ``, false},
		{"GET", "/v2/apps/nope", ``, false},
		{"POST", "/v2/apps/standin-app/tokens", ``, false},
		{"POST", "/v2/apps/standin-app/tokens/nope/rotate", `{"label":1}`, false},
		{"PUT", "/v2/apps/standin-app/bot", `{"status":"on","isRAG":"x"}`, false},
		{"POST", "/v2/apps/standin-app/provision", `{"rooms":[{"title":"R","pinned":true},{}]}`, false},
		{"POST", "/v2/apps/standin-app/chats/broadcast", `{"text":"hi","allRooms":true,"chatIds":["x"]}`, false},
		{"POST", "/v2/apps/standin-app/chats/broadcast", `{"text":"hi","chatNames":["general"],"dryRun":true}`, false},
		{"PATCH", "/v2/apps/standin-app/chats/standin-app_general@conference.x", `{"title":""}`, false},
		{"PATCH", "/v2/apps/standin-app/chats/users", `{"users":[]}`, false},
		{"GET", "/v2/apps/standin-app/users/batch/chats", ``, false},
		{"GET", "/v2/apps/standin-app/users/admin/chats?includeMembers=1", ``, false},
		{"GET", "/v1/apps/users/standin-app_admin", ``, false},
		{"POST", "/v1/users/client", ``, false},
		{"GET", "/v2/../../etc/passwd", ``, false},
		{"OPTIONS", "/v2/chats", ``, false},
		{"DELETE", "/v2/apps/standin-app/users/batch", `{"usersIdList":["admin","ghost"]}`, false},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body, s.bearer)
	}
	h := newHarness(f, ethora.Options{})
	h.ns = "fuzz"
	h.touch()
	token := serverToken(appID, appSecret)
	f.Fuzz(func(t *testing.T, method, path, body string, bearer bool) {
		if !mockservertest.Sendable(method, path) {
			return
		}
		h.t = t
		c := h.as(token)
		if bearer {
			c = c.bearer()
		}
		if _, err := mockservertest.CheckRequest(h.handler, h.store, c.request(method, path, body), envelope); err != nil {
			t.Fatal(err)
		}
	})
}

// envelope accepts Ethora's error bodies: {success:false, error, code}, or
// the plain-text 422 "not found" of the two v1 deletes.
func envelope(r mockservertest.Reply) error {
	if strings.HasPrefix(r.ContentType, "text/plain") {
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(strings.ToLower(r.Raw), "not found") {
			return errors.New("a plain-text error other than the 422 not-found")
		}
		return nil
	}
	if r.Str("error") == "" || r.Get("success") != false || r.Str("code") == "" {
		return errors.New("the body is not Ethora's envelope {success:false, error, code}")
	}
	return nil
}
