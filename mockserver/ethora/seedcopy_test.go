package ethora_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/mockservertest"
)

// Every namespace, and every reset, starts from a copy-on-write copy of
// one seeded state (setup.go). This changes one namespace's apps, users,
// chats, memberships and tokens, seeded ones included, and checks that
// the seed, so every other namespace and a reset one, is as it was.
func TestChangesInANamespaceNeverReachTheSeed(t *testing.T) {
	a := newAdminServer(t)
	token := serverToken(appID, appSecret)
	seed := seededState(a, "before")
	tenant, err := fixtures.Build("default", 1, fixtures.Credentials{})
	if err != nil {
		t.Fatal(err)
	}
	const ns = "changed"
	child := a.must(http.StatusOK, ns, token, "POST", "/v2/apps", map[string]any{"displayName": "Child"}).Str("app._id")
	a.must(http.StatusOK, ns, token, "PUT", "/v2/apps/"+appID+"/bot", map[string]any{"status": "on"})
	a.must(http.StatusOK, ns, token, "PATCH", "/v2/apps/"+appID+"/chats/"+xmpp(tenant.Rooms[2].Name), map[string]any{"title": "Renamed"})
	a.must(http.StatusOK, ns, token, "POST", "/v1/users/batch", batch(user("newbie", "newbie@example.test")))
	a.must(http.StatusOK, ns, token, "POST", "/v2/chats", map[string]any{"uuid": "fresh"})
	a.must(http.StatusOK, ns, token, "POST", "/v2/chats/users-access", map[string]any{"chatName": tenant.Rooms[0].Name, "members": []string{"newbie"}})
	a.must(http.StatusOK, ns, token, "DELETE", "/v1/chats", map[string]any{"name": xmpp(tenant.Rooms[1].Name)})
	a.must(http.StatusOK, ns, token, "DELETE", "/v1/users/batch", map[string]any{"usersIdList": []string{tenant.Users[1].Username}})
	a.must(http.StatusOK, ns, token, "POST", "/v2/apps/"+appID+"/tokens", map[string]any{})
	a.must(http.StatusOK, ns, token, "DELETE", "/v2/apps/"+child, nil)
	if seededState(a, ns) == seed {
		t.Fatal("the namespace did not change")
	}

	for _, other := range []string{"other", mockserver.DefaultNamespace} {
		if got := seededState(a, other); got != seed {
			t.Errorf("namespace %s does not start from the seed after changes in %s:\nseed %s\ngot  %s", other, ns, seed, got)
		}
	}
	a.admin("POST", "/reset?namespace="+ns, "")
	if got := seededState(a, ns); got != seed {
		t.Errorf("namespace %s after a reset is not the seed:\nseed %s\ngot  %s", ns, seed, got)
	}
}

// seededState returns namespace ns's Ethora state as JSON, creating the
// namespace first if it holds none.
func seededState(a *adminServer, ns string) string {
	a.t.Helper()
	mockservertest.Touch(a.t, a.srv.Store(), ns, ethora.Name)
	var snap map[string]map[string]json.RawMessage
	if err := json.Unmarshal([]byte(a.export(ns)), &snap); err != nil {
		a.t.Fatal(err)
	}
	return string(snap[ns][ethora.Name])
}
