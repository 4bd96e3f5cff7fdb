package rocketchat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/contracts/load"
)

// Load is the load-test workload: each virtual user logs in as the admin
// and cycles through reads (channels.list, channels.info, channels.members,
// users.list) and a write cycle (channels.create, a bulk channels.invite,
// channels.members, channels.delete) on a channel of its own, so it leaves
// nothing behind.
type Load struct{}

var _ load.Workload = Load{}

// NewWorker implements load.Workload.
func (Load) NewWorker(ctx context.Context, t contracts.Target) (load.Worker, error) {
	w := &loadWorker{client: load.NewClient(t)}
	var login struct {
		Data struct{ UserID, AuthToken string } `json:"data"`
	}
	if _, err := w.client.Do(ctx, "POST", "/api/v1/login", map[string]string{
		"user": t.Credentials["username"], "password": t.Credentials["password"]}, &login); err != nil {
		return nil, err
	}
	if login.Data.AuthToken == "" {
		return nil, fmt.Errorf("rocketchat: login as %q failed", t.Credentials["username"])
	}
	w.client.Auth = func(h http.Header) {
		h.Set("X-User-Id", login.Data.UserID)
		h.Set("X-Auth-Token", login.Data.AuthToken)
	}
	var users struct {
		Users []struct {
			ID string `json:"_id"`
		} `json:"users"`
	}
	if _, err := w.client.Do(ctx, "GET", "/api/v1/users.list?count=20", nil, &users); err != nil {
		return nil, err
	}
	for _, u := range users.Users {
		w.invitees = append(w.invitees, u.ID)
	}
	return w, nil
}

type loadWorker struct {
	client   *load.Client
	invitees []string
	step     int
	room     string // the channel of the write cycle, once created
}

// Next implements load.Worker.
func (w *loadWorker) Next(ctx context.Context) (string, int, error) {
	defer func() { w.step = (w.step + 1) % 8 }()
	switch w.step {
	case 0:
		return w.op(ctx, "channels.list", "GET", "/api/v1/channels.list?count=50", nil, nil)
	case 1:
		return w.op(ctx, "channels.info", "GET", "/api/v1/channels.info?roomName=general", nil, nil)
	case 2:
		return w.op(ctx, "channels.members", "GET", "/api/v1/channels.members?roomName=general&count=25", nil, nil)
	case 3:
		return w.op(ctx, "users.list", "GET", "/api/v1/users.list?count=20", nil, nil)
	case 4:
		var out struct {
			Channel struct {
				ID string `json:"_id"`
			} `json:"channel"`
		}
		op, status, err := w.op(ctx, "channels.create", "POST", "/api/v1/channels.create", map[string]string{"name": "load-" + suffix()}, &out)
		w.room = out.Channel.ID
		return op, status, err
	case 5:
		return w.op(ctx, "channels.invite", "POST", "/api/v1/channels.invite", map[string]any{"roomId": w.room, "userIds": w.invitees}, nil)
	case 6:
		return w.op(ctx, "channels.members", "GET", "/api/v1/channels.members?roomId="+url.QueryEscape(w.room), nil, nil)
	default:
		return w.op(ctx, "channels.delete", "POST", "/api/v1/channels.delete", map[string]string{"roomId": w.room}, nil)
	}
}

func (w *loadWorker) op(ctx context.Context, name, method, path string, body, out any) (string, int, error) {
	status, err := w.client.Do(ctx, method, path, body, out)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("%s: status %d", name, status)
	}
	return name, status, err
}

func suffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
