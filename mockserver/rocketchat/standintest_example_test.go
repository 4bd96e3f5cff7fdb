package rocketchat_test

import (
	"context"
	"testing"

	rcgen "github.com/standin/standin/gen/rocketchat"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/rocketchat"
	"github.com/standin/standin/mockserver/standintest"
)

func TestStandintestExample(t *testing.T) {
	srv := standintest.New(t, standintest.APIs(rocketchat.Mock)) // served in memory: no socket
	auth := srv.Login("rocketchat")                              // the default admin's X-User-Id and X-Auth-Token
	rc := standintest.Client(srv, "rocketchat", rcgen.NewClientWithResponses, rcgen.WithHTTPClient,
		rcgen.WithRequestEditorFn(standintest.Headers(auth)))

	name := "release-notes"
	res, err := rc.ChannelsCreateWithResponse(context.Background(), rcgen.ChannelsCreateJSONRequestBody{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 == nil || res.JSON200.Channel.Name == nil || *res.JSON200.Channel.Name != name {
		t.Fatalf("channels.create: %d %s", res.StatusCode(), res.Body)
	}

	created := srv.Journal(func(e mockserver.Entry) bool { return e.Path == "/rocketchat/api/v1/channels.create" })
	if len(created) != 1 || created[0].Status != 200 {
		t.Fatalf("journal: %+v", created)
	}
}
