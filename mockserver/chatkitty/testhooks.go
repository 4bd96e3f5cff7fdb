package chatkitty

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"

	"github.com/standin/standin/mockserver"
)

// The default client's credentials (options.yaml's first application; a
// test checks they agree).
const (
	defaultClientID     = "standin-client"
	defaultClientSecret = "standin-secret"
)

// FetchToken asks h's token endpoint for an access token with client
// credentials, in namespace ns.
func FetchToken(h http.Handler, ns, clientID, secret string) (string, error) {
	req := httptest.NewRequest(http.MethodPost, "/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", basicAuth(clientID, secret))
	req.Header.Set(mockserver.NamespaceHeader, ns)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return "", fmt.Errorf("POST /oauth/token: %d %s", rec.Code, rec.Body)
	}
	var t struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &t); err != nil || t.AccessToken == "" {
		return "", fmt.Errorf("POST /oauth/token: no access_token in %s", rec.Body)
	}
	return t.AccessToken, nil
}

// testHooks let the test kit act as the default application and name its
// seeded users, channels, messages, jobs and functions.
var testHooks = mockserver.TestHooks{
	Login: func(h http.Handler, ns string) (http.Header, error) {
		token, err := FetchToken(h, ns, defaultClientID, defaultClientSecret)
		if err != nil {
			return nil, err
		}
		auth := http.Header{}
		auth.Set("Authorization", "Bearer "+token)
		return auth, nil
	},
	Known: func(h http.Handler, auth http.Header, ns string) (map[string][]string, error) {
		known := map[string][]string{}
		get := func(target string, out any) error {
			return mockserver.CallJSON(h, ns, auth, http.MethodGet, target, nil, out)
		}
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		var users struct {
			Embedded struct {
				Users []struct {
					ID   int64  `json:"id"`
					Name string `json:"name"`
				} `json:"users"`
			} `json:"_embedded"`
		}
		if err := get("/v1/users?size=50", &users); err != nil {
			return nil, err
		}
		for _, u := range users.Embedded.Users {
			known["userId"] = append(known["userId"], id(u.ID))
			known["id"] = append(known["id"], id(u.ID)) // user references in bodies
			known["user_id"] = append(known["user_id"], id(u.ID))
			known["username"] = append(known["username"], u.Name)
			known["checkUserExists:name"] = append(known["checkUserExists:name"], u.Name)
			known["listUsers:name"] = append(known["listUsers:name"], u.Name)
		}
		var chans struct {
			Embedded struct {
				Channels []struct {
					ID   int64  `json:"id"`
					Type string `json:"type"`
				} `json:"channels"`
			} `json:"_embedded"`
		}
		if err := get("/v1/channels?size=50", &chans); err != nil {
			return nil, err
		}
		for _, c := range chans.Embedded.Channels {
			known["channelId"] = append(known["channelId"], id(c.ID))
			known["threadId"] = append(known["threadId"], id(c.ID))
		}
		var msgs struct {
			Embedded struct {
				Messages []struct {
					ID int64 `json:"id"`
				} `json:"messages"`
			} `json:"_embedded"`
		}
		if err := get("/v1/messages?size=20", &msgs); err != nil {
			return nil, err
		}
		for _, m := range msgs.Embedded.Messages {
			known["messageId"] = append(known["messageId"], id(m.ID))
			known["threadId"] = append(known["threadId"], id(m.ID))
		}
		var fns struct {
			Embedded struct {
				Functions []struct {
					ID int64 `json:"id"`
				} `json:"functions"`
			} `json:"_embedded"`
		}
		if err := get("/v1/runtimes/nodejs/functions", &fns); err != nil {
			return nil, err
		}
		for _, f := range fns.Embedded.Functions {
			known["functionId"] = append(known["functionId"], id(f.ID))
			var v struct {
				ID int64 `json:"id"`
			}
			if err := get("/v1/functions/"+id(f.ID)+"/current-version", &v); err == nil {
				known["versionId"] = append(known["versionId"], id(v.ID))
			}
		}
		var jobs struct {
			Embedded struct {
				Jobs []struct {
					ID int64 `json:"id"`
				} `json:"jobs"`
			} `json:"_embedded"`
		}
		if err := get("/v1/jobs", &jobs); err != nil {
			return nil, err
		}
		for _, j := range jobs.Embedded.Jobs {
			known["jobId"] = append(known["jobId"], id(j.ID))
		}
		known["listChannels:properties"] = []string{`{}`, `{"topic":"none"}`}
		known["createToken:grant_type"] = []string{"client_credentials"}
		known["importUsers:file"] = []string{`[{"name":"kit-imported","displayName":"Kit Imported","guest":false,"properties":{}}]`}
		known["importChannels:file"] = []string{`[{"type":"PUBLIC","name":"kit-imported","members":[]}]`}
		known["importChannelMembers:file"] = []string{`[]`}
		known["importMessages:file"] = []string{`[]`}
		known["sort"] = []string{"createdTime,desc"}
		known["listUsers:sort"] = []string{"name,asc"}
		known["retrieveUserSecret:secretName"] = []string{seedSecret}
		known["removeUserSecret:secretName"] = []string{seedSecret}
		known["createUser:name"] = nil // a new user's name must be new
		return known, nil
	},
	Auth: map[string]http.Header{
		"createToken": {"Authorization": {basicAuth(defaultClientID, defaultClientSecret)}},
	},
	BusinessRules: []mockserver.BusinessRule{
		{Operation: "createUser", Code: "USER_NAME_TAKEN", Reason: "a user name is unique within the application"},
		{Operation: "createChannel", Code: "CHANNEL_NAME_TAKEN", Reason: "a channel name is unique within the application"},
		{Operation: "createChannel", Code: "INVALID_REQUEST", Reason: "a direct channel needs users; a user reference needs an id or a username (relations between fields)"},
		{Operation: "createChannel", Code: "DIRECT_CHANNEL_FULL", Reason: "a direct channel holds at most 10 users"},
		{Operation: "addChannelMember", Code: "DIRECT_CHANNEL_MEMBERS_FIXED", Reason: "a direct channel takes no new members"},
		{Operation: "removeChannelMember", Code: "DIRECT_CHANNEL_MEMBERS_FIXED", Reason: "the members of a direct channel cannot change"},
		{Operation: "addChannelModerator", Code: "NOT_A_CHANNEL_MEMBER", Reason: "a moderator must be a member of the channel"},
		{Operation: "sendChannelInvite", Code: "ALREADY_A_CHANNEL_MEMBER", Reason: "a member is not invited"},
		{Operation: "sendChannelInvite", Code: "DIRECT_CHANNEL_INVITE", Reason: "direct channels take no invites"},
		{Operation: "sendChannelMessage", Code: "INVALID_REQUEST", Reason: "a TEXT message needs a body and a FILE message a file (a relation between fields)"},
		{Operation: "sendChannelMessage", Code: "NOT_A_CHANNEL_MEMBER", Reason: "only members send to a private or direct channel"},
		{Operation: "sendThreadMessage", Code: "INVALID_REQUEST", Reason: "a TEXT message needs a body and a FILE message a file (a relation between fields)"},
		{Operation: "sendThreadMessage", Code: "NOT_A_CHANNEL_MEMBER", Reason: "only members send to a private or direct channel"},
		{Operation: "sendChannelKeystrokes", Code: "NOT_A_CHANNEL_MEMBER", Reason: "only members type in a private or direct channel"},
		{Operation: "sendThreadKeystrokes", Code: "NOT_A_CHANNEL_MEMBER", Reason: "only members type in a private or direct channel"},
		{Operation: "updateMessage", Code: "INVALID_REQUEST", Reason: "a file message has no body to edit"},
		{Operation: "removeChannelMember", Code: "MEMBER_NOT_FOUND", Reason: "the user must be a member of the channel: a relation between two path parameters"},
		{Operation: "removeChannelModerator", Code: "MODERATOR_NOT_FOUND", Reason: "the user must be a moderator of the channel: a relation between two path parameters"},
		{Operation: "updateChannel", Code: "INVALID_REQUEST", Reason: "a direct channel has no display name"},
	},
}
