package ethora

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/standin/standin/mockserver"
)

// testHooks let the test kit act as the default app with a server token
// and find the seeded users and chats.
var testHooks = mockserver.TestHooks{
	Login: func(http.Handler, string) (http.Header, error) {
		var c Claims
		c.Data.AppID, c.Data.Type = DefaultAppID, PurposeServer
		c.IssuedAt = json.Number(strconv.FormatInt(time.Now().Unix(), 10))
		auth := http.Header{}
		auth.Set("x-custom-token", Sign(c, DerivedKey(DefaultAppSecret, PurposeServer)))
		return auth, nil
	},
	Known: func(h http.Handler, auth http.Header, ns string) (map[string][]string, error) {
		known := map[string][]string{"appId": {DefaultAppID}}
		var chats struct {
			Items []struct {
				Name    string   `json:"name"`
				Members []string `json:"members"`
			} `json:"items"`
		}
		if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, "/v2/apps/"+DefaultAppID+"/chats?limit=100&includeMembers=true", nil, &chats); err != nil {
			return nil, err
		}
		for _, c := range chats.Items {
			known["chatName"] = append(known["chatName"], c.Name)
			known["chatId"] = append(known["chatId"], c.Name)
			known["xmppUsername"] = append(known["xmppUsername"], c.Members...)
		}
		known["members"] = known["xmppUsername"]
		return known, nil
	},
}
