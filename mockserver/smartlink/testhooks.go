package smartlink

import (
	"net/http"
	"strconv"

	"github.com/standin/standin/mockserver"
)

// defaultAPIKey is options.yaml's first organisation's key (a test checks
// they agree).
const defaultAPIKey = "standin-smartlink-key"

// testHooks let the test kit act as the default organisation and name its
// seeded apps, folders and memberships.
var testHooks = mockserver.TestHooks{
	Login: func(http.Handler, string) (http.Header, error) {
		auth := http.Header{}
		auth.Set("x-api-key", defaultAPIKey)
		return auth, nil
	},
	Known: func(h http.Handler, auth http.Header, ns string) (map[string][]string, error) {
		known := map[string][]string{}
		var apps []struct {
			ClientID string `json:"clientId"`
		}
		if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, "/api/workflow/apps", nil, &apps); err != nil {
			return nil, err
		}
		for _, a := range apps {
			known["clientId"] = append(known["clientId"], a.ClientID)
		}
		known["appClientId"] = known["clientId"]
		var folders []struct {
			ID       int64  `json:"id"`
			ParentID *int64 `json:"parentId"`
		}
		if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, "/api/workflow/folders", nil, &folders); err != nil {
			return nil, err
		}
		for _, f := range folders {
			id := strconv.FormatInt(f.ID, 10)
			known["Folders:id"] = append(known["Folders:id"], id)
			known["parentId"] = append(known["parentId"], id)
			known["folderId"] = append(known["folderId"], id)
		}
		var members []struct {
			ID   int64  `json:"id"`
			Role string `json:"role"`
		}
		if err := mockserver.CallJSON(h, ns, auth, http.MethodGet, "/api/workflow/memberships", nil, &members); err != nil {
			return nil, err
		}
		for _, m := range members {
			if m.Role == RoleOwner {
				continue // the owner is not changed through the API
			}
			id := strconv.FormatInt(m.ID, 10)
			known["Users:id"] = append(known["Users:id"], id)
			known["membershipId"] = append(known["membershipId"], id)
		}
		return known, nil
	},
	BusinessRules: []mockserver.BusinessRule{
		{Operation: "postApp", Code: "SLUG_TAKEN", Reason: "a slug is unique within the organisation"},
		{Operation: "postApps", Code: "SLUG_TAKEN", Reason: "a slug is unique within the organisation"},
		{Operation: "putAppByClientId", Code: "SLUG_TAKEN", Reason: "a slug is unique within the organisation"},
		{Operation: "postMembership", Code: "EMAIL_TAKEN", Reason: "an e-mail address is unique within the organisation"},
		{Operation: "postMemberships", Code: "EMAIL_TAKEN", Reason: "an e-mail address is unique within the organisation, also within one batch"},
		{Operation: "putMembershipById", Code: "EMAIL_TAKEN", Reason: "an e-mail address is unique within the organisation"},
		{Operation: "deleteFolderById", Code: "FOLDER_NOT_EMPTY", Reason: "a folder with subfolders is not deleted"},
		{Operation: "postEvent", Code: "INVALID_REQUEST", Reason: "an app-opened event (type 0) needs appClientId, a relation between two fields"},
		{Operation: "postEvent", Code: "USER_NOT_FOUND", Reason: "membershipId must name a membership of the organisation"},
		{Operation: "postEvent", Code: "FOLDER_NOT_FOUND", Reason: "folderId must name a folder of the organisation"},
		{Operation: "postEvent", Code: "APP_NOT_FOUND", Reason: "appClientId must name an app of the organisation"},
	},
}
