package ethora_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/standin/standin/contracts/contractstest"
	gen "github.com/standin/standin/gen/ethora"
	ethorafake "github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/ethora/ethoratoken"
)

// The default app of the mock's default configuration.
const (
	typedAppID     = "standin-app"
	typedAppSecret = "standin-secret"
)

// typedClient returns the generated client for the mock's Ethora at
// /ethora, sending token as the SDK does (in both headers); every
// response it gets is also checked against the spec, since the generated
// client itself validates nothing.
func typedClient(t *testing.T, ts *httptest.Server, token string) *gen.ClientWithResponses {
	t.Helper()
	hc := contractstest.ValidatingClient(t, ts, ethorafake.Mock)
	c, err := gen.NewClientWithResponses(ts.URL+"/ethora", gen.WithHTTPClient(hc),
		gen.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("x-custom-token", token)
			r.Header.Set("Authorization", "Bearer "+token)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serverToken mints a server token as @ethora/sdk-backend 26.3+ does.
func serverToken(appID, secret string) string {
	var c ethoratoken.Claims
	c.Data.AppID, c.Data.Type = appID, ethoratoken.PurposeServer
	c.IssuedAt = json.Number(strconv.FormatInt(time.Now().Unix(), 10))
	return ethoratoken.Sign(c, ethoratoken.DerivedKey(secret, ethoratoken.PurposeServer))
}

// TestTypedClient drives the mock with the generated client the way a Go
// backend would: batch-create two users and wait for the job, create a
// chat, grant both access, and read a user's chats with their members.
func TestTypedClient(t *testing.T) {
	ctx := context.Background()
	c := typedClient(t, contractstest.Serve(t, ethorafake.Mock), serverToken(typedAppID, typedAppSecret))
	uuids := []string{"typed-u1", "typed-u2"}
	xmpp := func(uuid string) string { return typedAppID + "_" + uuid }

	var list []gen.UserInput
	for i, u := range uuids {
		list = append(list, gen.UserInput{Uuid: &u, Email: ptr(u + "@standin.invalid"), FirstName: ptr("Typed"), LastName: ptr("User" + strconv.Itoa(i))})
	}
	accepted, err := c.CreateUsersWithResponse(ctx, gen.CreateUsersJSONRequestBody{BypassEmailConfirmation: ptr(true), UsersList: list})
	if err != nil {
		t.Fatal(err)
	}
	if accepted.StatusCode() != http.StatusAccepted || accepted.JSON202 == nil || accepted.JSON202.JobId == "" {
		t.Fatalf("create users: %d %s, want 202 with a job id", accepted.StatusCode(), accepted.Body)
	}

	var job *gen.UsersBatchJob
	for range 50 {
		r, err := c.GetUsersBatchJobWithResponse(ctx, accepted.JSON202.JobId)
		if err != nil {
			t.Fatal(err)
		}
		if r.StatusCode() != http.StatusOK || r.JSON200 == nil {
			t.Fatalf("poll job: %d %s", r.StatusCode(), r.Body)
		}
		if s := r.JSON200.State; s == gen.JobStateCompleted || s == gen.JobStateFailed {
			job = r.JSON200
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if job == nil || job.State != gen.JobStateCompleted || job.JobId != accepted.JSON202.JobId || job.AppId != typedAppID || job.Total != 2 || job.Result == nil {
		t.Fatalf("job = %+v, want it completed for 2 users of %s", job, typedAppID)
	}
	for i, res := range job.Result.Results {
		if res.Status != gen.UserBatchStatusCreated || res.XmppUsername == nil || *res.XmppUsername != xmpp(uuids[i]) {
			t.Errorf("result %d: status %s, xmppUsername %v; want created, %s", i, res.Status, res.XmppUsername, xmpp(uuids[i]))
		}
	}
	if n := len(job.Result.Results); n != 2 {
		t.Errorf("job has %d results, want 2", n)
	}

	created, err := c.CreateChatWithResponse(ctx, gen.CreateChatJSONRequestBody{Uuid: ptr("typed-room"), Title: ptr("Typed room"), Type: ptr("group")})
	if err != nil {
		t.Fatal(err)
	}
	if created.StatusCode() != http.StatusOK || created.JSON200 == nil {
		t.Fatalf("create chat: %d %s", created.StatusCode(), created.Body)
	}
	chat := created.JSON200.Result
	if chat.Name != xmpp("typed-room") || chat.Title != "Typed room" || chat.AppId != typedAppID || chat.Type != "group" {
		t.Errorf("create chat returned name %q, title %q, app %q, type %q", chat.Name, chat.Title, chat.AppId, chat.Type)
	}

	granted, err := c.GrantChatAccessWithResponse(ctx, gen.GrantChatAccessJSONRequestBody{ChatName: chat.Name, Members: []string{xmpp(uuids[0]), uuids[1]}})
	if err != nil {
		t.Fatal(err)
	}
	if granted.StatusCode() != http.StatusOK || granted.JSON200 == nil {
		t.Fatalf("grant access: %d %s", granted.StatusCode(), granted.Body)
	}
	if g := granted.JSON200; !g.Ok || g.Summary.Requested != 2 || len(g.Details) != 2 {
		t.Errorf("grant access returned %+v, want ok for 2 members", g)
	} else {
		for i, d := range g.Details {
			if d.Status != gen.ChatAccessStatusGranted || d.XmppUsername != xmpp(uuids[i]) {
				t.Errorf("grant detail %d: %s %s, want granted %s (members normalised to {appId}_{uuid})", i, d.Status, d.XmppUsername, xmpp(uuids[i]))
			}
		}
	}

	chats, err := c.GetUserChatsInAppWithResponse(ctx, typedAppID, uuids[0], &gen.GetUserChatsInAppParams{IncludeMembers: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if chats.StatusCode() != http.StatusOK || chats.JSON200 == nil {
		t.Fatalf("user chats: %d %s", chats.StatusCode(), chats.Body)
	}
	i := slices.IndexFunc(chats.JSON200.Chats, func(ch gen.Chat) bool { return ch.Name == chat.Name })
	if i < 0 {
		t.Fatalf("the chats of %s lack %s: %s", uuids[0], chat.Name, chats.Body)
	}
	if chats.JSON200.Total != len(chats.JSON200.Chats) {
		t.Errorf("user chats: total %d for %d chats on one page", chats.JSON200.Total, len(chats.JSON200.Chats))
	}
	got := chats.JSON200.Chats[i]
	if got.Members == nil {
		t.Fatalf("chat %s has no members with includeMembers=true", got.Name)
	}
	var members []string
	for _, m := range *got.Members {
		members = append(members, m.XmppUsername)
	}
	slices.Sort(members)
	if want := []string{xmpp(uuids[0]), xmpp(uuids[1])}; !slices.Equal(members, want) {
		t.Errorf("members of %s = %v, want %v", got.Name, members, want)
	}

	// The typed error answers decode too: an unknown user is a 404.
	missing, err := c.GetUserChatsInAppWithResponse(ctx, typedAppID, "typed-nobody", nil)
	if err != nil {
		t.Fatal(err)
	}
	if missing.StatusCode() != http.StatusNotFound || missing.JSON404 == nil || missing.JSON404.Error == "" {
		t.Errorf("chats of an unknown user: %d %s, want a typed 404", missing.StatusCode(), missing.Body)
	}
}

func ptr[T any](v T) *T { return &v }
