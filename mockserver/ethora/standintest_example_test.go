package ethora_test

import (
	"context"
	"testing"

	ethoragen "github.com/standin/standin/gen/ethora"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/standintest"
)

// TestStandintestListenExample serves Ethora on a loopback port, for code
// that makes its own HTTP client, and acts in a namespace of its own.
func TestStandintestListenExample(t *testing.T) {
	srv := standintest.New(t, standintest.APIs(ethora.Mock), standintest.Listen())
	auth := srv.LoginIn("ethora", "team-a") // a server token, and X-Standin-Namespace: team-a
	c, err := ethoragen.NewClientWithResponses(srv.URL("ethora"), ethoragen.WithRequestEditorFn(standintest.Headers(auth)))
	if err != nil {
		t.Fatal(err)
	}

	res, err := c.GetChatUsersWithResponse(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 == nil || res.JSON200.Total == 0 {
		t.Fatalf("GET /v2/chats/users: %d %s", res.StatusCode(), res.Body)
	}
	inTeamA := srv.Journal(func(e mockserver.Entry) bool { return e.Namespace == "team-a" && e.Path == "/ethora/v2/chats/users" })
	if len(inTeamA) != 1 || inTeamA[0].Status != 200 {
		t.Fatalf("journal: %+v", inTeamA)
	}
}
