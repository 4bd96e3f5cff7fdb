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
	Known: func(h http.Handler, auth http.Header, ns string) (map[string][]string, error) {
		known := map[string][]string{}
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
		for _, path := range []string{"/api/v1/channels.list?count=100", "/api/v1/groups.list?count=100"} {
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
			if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, path, nil, &rooms); err != nil {
				return nil, err
			}
			for _, r := range append(rooms.Channels, rooms.Groups...) {
				known["roomId"] = append(known["roomId"], r.ID)
				known["roomName"] = append(known["roomName"], r.Name)
			}
		}
		return known, nil
	},
}
