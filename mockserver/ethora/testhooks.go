package ethora

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora/ethoratoken"
)

// testHooks let the test kit act as the default app with a server token
// and find the seeded users and chats (read from the API, so that they
// follow the data set and any imported snapshot).
var testHooks = mockserver.TestHooks{
	Login: func(http.Handler, string) (http.Header, error) {
		var c ethoratoken.Claims
		c.Data.AppID, c.Data.Type = DefaultAppID, ethoratoken.PurposeServer
		c.IssuedAt = json.Number(strconv.FormatInt(time.Now().Unix(), 10))
		auth := http.Header{}
		auth.Set("x-custom-token", ethoratoken.Sign(c, ethoratoken.DerivedKey(DefaultAppSecret, ethoratoken.PurposeServer)))
		return auth, nil
	},
	Prepare: prepare,
	Known: func(h http.Handler, auth http.Header, ns string) (map[string][]string, error) {
		known := map[string][]string{"appId": {DefaultAppID}}
		// Users: the path's userId and a batch's usersIdList are plain
		// uuids; xmppUsername and chat members are {appId}_{uuid}. ("uuid"
		// itself is left out: creating a user or chat with a known uuid is
		// a conflict, and the query's userId, a Mongo _id, only filters.)
		var users struct {
			Results []struct {
				UUID         string `json:"uuid"`
				XMPPUsername string `json:"xmppUsername"`
			} `json:"results"`
		}
		if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, "/v2/chats/users?limit=1000", nil, &users); err != nil {
			return nil, err
		}
		for _, u := range users.Results {
			known["userId"] = append(known["userId"], u.UUID)
			known["xmppUsername"] = append(known["xmppUsername"], u.XMPPUsername)
		}
		known["usersIdList"] = known["userId"]
		known["members"] = known["xmppUsername"]
		// Chats: chatName, a delete's name and a broadcast's chatNames are
		// {appId}_{uuid}; a broadcast's chatIds are the plain uuids.
		var chats struct {
			Chats []struct {
				Name string `json:"name"`
			} `json:"chats"`
		}
		if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, "/v2/apps/"+DefaultAppID+"/chats?limit=1000", nil, &chats); err != nil {
			return nil, err
		}
		for _, c := range chats.Chats {
			known["chatName"] = append(known["chatName"], c.Name)
			known["chatIds"] = append(known["chatIds"], strings.TrimPrefix(c.Name, DefaultAppID+"_"))
		}
		known["name"] = known["chatName"]
		known["chatNames"] = known["chatName"]
		known["chatId"] = known["chatName"]
		return known, nil
	},
	BusinessRules: []mockserver.BusinessRule{
		{Operation: "broadcastToAppChats", Code: "BAD_REQUEST", Reason: "exactly one of allRooms, chatNames and chatIds selects the chats, which the spec (without oneOf) cannot say"},
		{Operation: "exchangeClientToken", Code: "UNAUTHORIZED", Reason: "the exchange takes a client token, and the kit calls with the default app's server token"},
	},
}

// prepare makes, in the default app, what the seeded state has none of
// for the kit to name: an app token, a finished user batch, a broadcast
// and a child app (which, unlike the app itself, the app may delete). It
// also leaves chatIds out of the broadcasts the kit sends with only the
// parts it knows, which then name their chats by chatNames alone.
func prepare(h http.Handler, auth http.Header, ns string) (map[string][]string, error) {
	app := "/v2/apps/" + DefaultAppID
	var token struct {
		TokenID string `json:"tokenId"`
	}
	if err := mockserver.CallJSON(h, ns, auth, http.MethodPost, app+"/tokens", map[string]string{"label": "kit"}, &token); err != nil {
		return nil, err
	}
	var batch, broadcast struct {
		JobID string `json:"jobId"`
	}
	users := map[string]any{"usersList": []map[string]string{{"uuid": "kit-user", "email": "kit-user@example.com", "firstName": "Kit", "lastName": "User"}}}
	if err := mockserver.CallJSON(h, ns, auth, http.MethodPost, "/v2/users/batch", users, &batch); err != nil {
		return nil, err
	}
	if err := mockserver.CallJSON(h, ns, auth, http.MethodPost, app+"/chats/broadcast", map[string]any{"text": "kit", "allRooms": true}, &broadcast); err != nil {
		return nil, err
	}
	var child struct {
		App struct {
			ID string `json:"_id"`
		} `json:"app"`
	}
	if err := mockserver.CallJSON(h, ns, auth, http.MethodPost, "/v2/apps", map[string]string{"displayName": "Kit child"}, &child); err != nil {
		return nil, err
	}
	return map[string][]string{
		"tokenId":                     {token.TokenID},
		"getUsersBatchJob:jobId":      {batch.JobID},
		"getUsersBatchJobInApp:jobId": {batch.JobID},
		"getAppBroadcastJob:jobId":    {broadcast.JobID},
		"deleteApp:appId":             {child.App.ID},
		"broadcastToAppChats:chatIds": nil,
	}, nil
}
