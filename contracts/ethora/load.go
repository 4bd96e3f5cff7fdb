package ethora

import (
	"context"
	"fmt"
	"net/http"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/contracts/load"
)

// Load is the load-test workload: each virtual user acts as the
// configured app, minting a fresh server token per request as the SDK
// does, and cycles through reads (getChatUsers, listChatsInApp, a user's
// chats) and a write cycle (create a chat, grant access to some users,
// list them, delete the chat), so it leaves nothing behind.
type Load struct{}

var _ load.Workload = Load{}

// NewWorker implements load.Workload.
func (Load) NewWorker(ctx context.Context, t contracts.Target) (load.Worker, error) {
	a := app{id: t.Credentials["appId"], secret: t.Credentials["appSecret"]}
	w := &loadWorker{app: a, client: load.NewClient(t)}
	w.client.Auth = func(h http.Header) { h.Set("x-custom-token", a.token()) }
	var users struct {
		Results []struct {
			UUID string `json:"uuid"`
		} `json:"results"`
	}
	status, err := w.client.Do(ctx, "GET", "/v2/chats/users?limit=5", nil, &users)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK || len(users.Results) == 0 {
		return nil, fmt.Errorf("ethora: listing the users of app %q answered %d with %d users", a.id, status, len(users.Results))
	}
	for _, u := range users.Results {
		w.members = append(w.members, u.UUID)
	}
	return w, nil
}

type loadWorker struct {
	app     app
	client  *load.Client
	members []string
	step    int
	chat    string // the chat of the write cycle, once created
}

// Next implements load.Worker.
func (w *loadWorker) Next(ctx context.Context) (string, int, error) {
	defer func() { w.step = (w.step + 1) % 7 }()
	apps := "/v2/apps/" + w.app.id
	switch w.step {
	case 0:
		return w.op(ctx, "getChatUsers", "GET", "/v2/chats/users?limit=20", nil)
	case 1:
		return w.op(ctx, "listChatsInApp", "GET", apps+"/chats?limit=20", nil)
	case 2:
		return w.op(ctx, "getUserChatsInApp", "GET", apps+"/users/"+w.members[0]+"/chats?includeMembers=true", nil)
	case 3:
		uuid := "load-" + randomSuffix()
		w.chat = w.app.id + "_" + uuid
		return w.op(ctx, "createChat", "POST", "/v2/chats", map[string]any{"uuid": uuid, "title": "load"})
	case 4:
		return w.op(ctx, "grantChatAccess", "POST", "/v2/chats/users-access", map[string]any{"chatName": w.chat, "members": w.members})
	case 5:
		return w.op(ctx, "getChatUsers", "GET", "/v2/chats/users?chatName="+w.chat, nil)
	default:
		return w.op(ctx, "deleteChat", "DELETE", "/v1/chats", map[string]any{"name": w.chat})
	}
}

func (w *loadWorker) op(ctx context.Context, name, method, path string, body any) (string, int, error) {
	status, err := w.client.Do(ctx, method, path, body, nil)
	if err == nil && status/100 != 2 {
		err = fmt.Errorf("%s: status %d", name, status)
	}
	return name, status, err
}
