package mockserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/standin/standin/mockserver"
)

func TestMuxAcceptsConflictingPatterns(t *testing.T) {
	m := mockserver.NewMux()
	reply := func(name string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, name+" "+r.PathValue("app")+" "+r.PathValue("job")+r.PathValue("user"))
		}
	}
	m.HandleFunc("GET /apps/{app}/users/batch/{job}", reply("job"))
	m.HandleFunc("GET /apps/{app}/users/{user}/chats", reply("chats")) // ServeMux panics here
	m.HandleFunc("PATCH /apps/{app}/chats/users", reply("users"))
	m.HandleFunc("PATCH /apps/{app}/chats/{user}", reply("chat"))
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/apps/a/users/batch/j1", "job a j1"},
		{"GET", "/apps/a/users/u1@x.y/chats", "chats a u1@x.y"},
		{"GET", "/apps/a/users/batch/chats", "job a chats"}, // the first registration wins
		{"PATCH", "/apps/a/chats/users", "users a "},
		{"PATCH", "/apps/a/chats/room1", "chat a room1"},
	} {
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != http.StatusOK || rec.Body.String() != tc.want {
			t.Errorf("%s %s: got %d %q, want %q", tc.method, tc.path, rec.Code, rec.Body, tc.want)
		}
	}
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, httptest.NewRequest("GET", "/nowhere", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("an unknown path: got %d, want 404", rec.Code)
	}
}
