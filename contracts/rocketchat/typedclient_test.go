package rocketchat_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/standin/standin/contracts/contractstest"
	gen "github.com/standin/standin/gen/rocketchat"
	rocketchatfake "github.com/standin/standin/mockserver/rocketchat"
)

// typedClient returns the generated client for the mock's Rocket.Chat at
// /rocketchat; every response it gets is also checked against the spec,
// since the generated client itself validates nothing.
func typedClient(t *testing.T, ts *httptest.Server, opts ...gen.ClientOption) *gen.ClientWithResponses {
	t.Helper()
	hc := contractstest.ValidatingClient(t, ts, rocketchatfake.Mock)
	c, err := gen.NewClientWithResponses(ts.URL+"/rocketchat", append([]gen.ClientOption{gen.WithHTTPClient(hc)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTypedClient drives the mock with the generated client the way a Go
// integration would: log in, create a user and a channel, invite the user
// by id and count the channel's members.
func TestTypedClient(t *testing.T) {
	ctx := context.Background()
	ts := contractstest.Serve(t, rocketchatfake.Mock)

	login, err := typedClient(t, ts).LoginWithResponse(ctx, gen.LoginJSONRequestBody{User: ptr("admin"), Password: ptr("admin")})
	if err != nil {
		t.Fatal(err)
	}
	if login.StatusCode() != http.StatusOK || login.JSON200 == nil {
		t.Fatalf("login: %d %s", login.StatusCode(), login.Body)
	}
	if login.JSON200.Status != gen.LoginResponseStatusSuccess || login.JSON200.Data.UserId == "" || login.JSON200.Data.AuthToken == "" {
		t.Fatalf("login answered %+v", login.JSON200)
	}
	auth := login.JSON200.Data
	c := typedClient(t, ts, gen.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("X-User-Id", auth.UserId)
		r.Header.Set("X-Auth-Token", auth.AuthToken)
		return nil
	}))

	created, err := c.UsersCreateWithResponse(ctx, gen.UsersCreateJSONRequestBody{
		Username: "typed-user", Name: "Typed User", Email: "typed-user@example.test", Password: "pw-typed-user",
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.StatusCode() != http.StatusOK || created.JSON200 == nil {
		t.Fatalf("users.create: %d %s", created.StatusCode(), created.Body)
	}
	user := created.JSON200.User
	if user.UnderscoreId == "" || user.Username != "typed-user" || !user.Active || !slices.Contains(user.Roles, "user") {
		t.Errorf("users.create returned %+v", user)
	}

	channel, err := c.ChannelsCreateWithResponse(ctx, gen.ChannelsCreateJSONRequestBody{Name: new("typed-channel")})
	if err != nil {
		t.Fatal(err)
	}
	if channel.StatusCode() != http.StatusOK || channel.JSON200 == nil {
		t.Fatalf("channels.create: %d %s", channel.StatusCode(), channel.Body)
	}
	room := channel.JSON200.Channel
	if room.UnderscoreId == "" || room.Name == nil || *room.Name != "typed-channel" || room.T != gen.RoomTypeChannel || room.UsersCount != 1 || room.U.Username != "admin" {
		t.Errorf("channels.create returned %+v", room)
	}

	invited, err := c.ChannelsInviteWithResponse(ctx, gen.ChannelsInviteJSONRequestBody{
		RoomId: ptr(room.UnderscoreId), UserIds: &[]string{user.UnderscoreId},
	})
	if err != nil {
		t.Fatal(err)
	}
	if invited.StatusCode() != http.StatusOK || invited.JSON200 == nil {
		t.Fatalf("channels.invite: %d %s", invited.StatusCode(), invited.Body)
	}
	if got := invited.JSON200.Channel; got.UnderscoreId != room.UnderscoreId || got.UsersCount != 2 {
		t.Errorf("channels.invite returned channel %s with %d users, want %s with 2", got.UnderscoreId, got.UsersCount, room.UnderscoreId)
	}

	members, err := c.ChannelsMembersWithResponse(ctx, &gen.ChannelsMembersParams{RoomId: ptr(room.UnderscoreId)})
	if err != nil {
		t.Fatal(err)
	}
	if members.StatusCode() != http.StatusOK || members.JSON200 == nil {
		t.Fatalf("channels.members: %d %s", members.StatusCode(), members.Body)
	}
	page := members.JSON200
	var names []string
	for _, m := range page.Members {
		names = append(names, m.Username)
	}
	slices.Sort(names)
	if page.Total != 2 || page.Count != 2 || page.Offset != 0 || !slices.Equal(names, []string{"admin", "typed-user"}) {
		t.Errorf("channels.members: total %d, count %d, offset %d, members %v; want 2, 2, 0, [admin typed-user]", page.Total, page.Count, page.Offset, names)
	}

	// The typed error answers decode too.
	again, err := c.ChannelsCreateWithResponse(ctx, gen.ChannelsCreateJSONRequestBody{Name: new("typed-channel")})
	if err != nil {
		t.Fatal(err)
	}
	if again.StatusCode() != http.StatusBadRequest || again.JSON400 == nil {
		t.Errorf("creating the channel twice: %d %s, want a typed 400", again.StatusCode(), again.Body)
	}
}

func ptr[T any](v T) *T { return &v }
