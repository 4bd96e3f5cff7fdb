package ucsrooms

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/contracts/load"
)

// Load is the load-test workload: each virtual user acts as alice (the
// aliceToken credential) and cycles through a room of its own: create it
// with a start an hour ago, invite bob (the bobToken's user), list my
// rooms, read the room, its participants, send a message, read the chat,
// and end the room. Reads are half the requests; every room it makes is
// ended by the end of its cycle (the API cannot delete rooms).
type Load struct{}

var _ load.Workload = Load{}

// NewWorker implements load.Workload.
func (Load) NewWorker(ctx context.Context, t contracts.Target) (load.Worker, error) {
	token := t.Credentials["aliceToken"]
	if token == "" {
		return nil, fmt.Errorf("ucsrooms: the load workload needs the aliceToken credential")
	}
	invitee, err := subject(t.Credentials["bobToken"])
	if err != nil {
		return nil, fmt.Errorf("ucsrooms: credential bobToken: %w", err)
	}
	w := &loadWorker{client: load.NewClient(t), invitee: invitee}
	w.client.Auth = func(h http.Header) { h.Set("Authorization", "Bearer "+token) }
	status, err := w.client.Do(ctx, "GET", "/participant/room?size=1", nil, nil)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("ucsrooms: listing aliceToken's rooms answered %d", status)
	}
	return w, nil
}

type loadWorker struct {
	client  *load.Client
	invitee string
	step    int
	room    string // the room of the cycle, once created
}

// Next implements load.Worker.
func (w *loadWorker) Next(ctx context.Context) (string, int, error) {
	defer func() { w.step = (w.step + 1) % 8 }()
	room := "/participant/room/" + url.PathEscape(w.room)
	switch w.step {
	case 0:
		now := time.Now().UTC()
		var out struct {
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		}
		op, status, err := w.op(ctx, "createRoom", "POST", "/room", map[string]any{
			"name": "load", "start_time": stamp(now.Add(-time.Hour)), "end_time": stamp(now.Add(24 * time.Hour)),
		}, &out)
		w.room = out.Data.ID
		return op, status, err
	case 1:
		return w.op(ctx, "addParticipants", "POST", "/admin/room/"+url.PathEscape(w.room)+"/participant",
			map[string]any{"participant_ids": []string{w.invitee}}, nil)
	case 2:
		return w.op(ctx, "listMyRooms", "GET", "/participant/room?size=20", nil, nil)
	case 3:
		return w.op(ctx, "getRoom", "GET", room, nil, nil)
	case 4:
		return w.op(ctx, "listParticipants", "GET", room+"/participant", nil, nil)
	case 5:
		return w.op(ctx, "sendChatMessage", "POST", room+"/chat", map[string]any{"text": "load"}, nil)
	case 6:
		return w.op(ctx, "getChatHistory", "GET", room+"/chat?size=20", nil, nil)
	default:
		return w.op(ctx, "endRoom", "POST", "/admin/room/"+url.PathEscape(w.room), map[string]any{"reason": "load cycle done"}, nil)
	}
}

func (w *loadWorker) op(ctx context.Context, name, method, path string, body, out any) (string, int, error) {
	status, err := w.client.Do(ctx, method, path, body, out)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("%s: status %d", name, status)
	}
	return name, status, err
}
