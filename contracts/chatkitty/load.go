package chatkitty

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/contracts/load"
)

// Load is the load-test workload: each virtual user acts as the
// application of the clientId credential, with a token of its own
// (renewed halfway through its expires_in), and cycles through a user and
// a channel of its own that it leaves nothing of: create the user, create
// a public channel with it as creator, find the user by name, send a
// message as the user, read the channel's newest messages, the channel
// and its members, then delete the channel and the user. Reads are four
// of the nine requests.
type Load struct{}

var _ load.Workload = Load{}

// NewWorker implements load.Workload.
func (Load) NewWorker(ctx context.Context, t contracts.Target) (load.Worker, error) {
	id, secret := t.Credentials["clientId"], t.Credentials["clientSecret"]
	if id == "" || secret == "" {
		return nil, fmt.Errorf("chatkitty: the load workload needs the clientId and clientSecret credentials")
	}
	w := &loadWorker{target: t, clientID: id, secret: secret, client: load.NewClient(t),
		tag: "load-" + strings.ToLower(rand.Text()[:10])}
	w.client.Auth = func(h http.Header) {
		w.mu.Lock()
		defer w.mu.Unlock()
		h.Set("Authorization", "Bearer "+w.token)
	}
	if err := w.renew(ctx); err != nil {
		return nil, err
	}
	status, err := w.client.Do(ctx, "GET", "/v1/application", nil, nil)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("chatkitty: GET /v1/application with a new token answered %d", status)
	}
	return w, nil
}

type loadWorker struct {
	target           contracts.Target
	clientID, secret string
	client           *load.Client
	tag              string // unique to the worker, in its users' and channels' names

	mu      sync.Mutex
	token   string
	renewAt time.Time // when to get a new token

	step    int
	cycle   int
	user    int64 // the user of the cycle, once created
	channel int64 // the channel of the cycle, once created
}

// renew gets a new access token with the client credentials grant.
func (w *loadWorker) renew(ctx context.Context) error {
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.target.BaseURL+tokenPath, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	for k, vs := range w.target.Header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(w.clientID, w.secret)
	resp, err := (&http.Client{Transport: w.target.Transport}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("chatkitty: the token endpoint answered %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.AccessToken == "" {
		return fmt.Errorf("chatkitty: the token endpoint answered no access_token (%v)", err)
	}
	w.mu.Lock()
	w.token, w.renewAt = out.AccessToken, time.Now().Add(time.Duration(out.ExpiresIn)*time.Second/2)
	w.mu.Unlock()
	return nil
}

// Next implements load.Worker.
func (w *loadWorker) Next(ctx context.Context) (string, int, error) {
	w.mu.Lock()
	stale := time.Now().After(w.renewAt)
	w.mu.Unlock()
	if stale {
		if err := w.renew(ctx); err != nil {
			return "createToken", 0, err
		}
	}
	defer func() { w.step = (w.step + 1) % 9 }()
	name := fmt.Sprintf("%s-%d", w.tag, w.cycle)
	switch w.step {
	case 0:
		w.cycle++
		name = fmt.Sprintf("%s-%d", w.tag, w.cycle)
		var out struct {
			ID int64 `json:"id"`
		}
		op, status, err := w.op(ctx, "createUser", "POST", "/v1/users", map[string]any{"name": name, "displayName": name, "isGuest": false}, &out)
		w.user = out.ID
		return op, status, err
	case 1:
		var out struct {
			ID int64 `json:"id"`
		}
		op, status, err := w.op(ctx, "createChannel", "POST", "/v1/channels",
			map[string]any{"type": "PUBLIC", "name": name, "creator": map[string]any{"id": w.user}}, &out)
		w.channel = out.ID
		return op, status, err
	case 2:
		return w.op(ctx, "listUsers", "GET", "/v1/users?name="+url.QueryEscape(name), nil, nil)
	case 3:
		return w.op(ctx, "sendChannelMessage", "POST", channelPath(w.channel)+"/messages",
			map[string]any{"type": "TEXT", "body": "load " + name, "user": map[string]any{"id": w.user}}, nil)
	case 4:
		return w.op(ctx, "listChannelMessages", "GET", channelPath(w.channel)+"/messages?size=25", nil, nil)
	case 5:
		return w.op(ctx, "retrieveChannel", "GET", channelPath(w.channel), nil, nil)
	case 6:
		return w.op(ctx, "listChannelMembers", "GET", channelPath(w.channel)+"/members", nil, nil)
	case 7:
		return w.op(ctx, "deleteChannel", "DELETE", channelPath(w.channel), nil, nil)
	default:
		return w.op(ctx, "deleteUser", "DELETE", userPath(w.user), nil, nil)
	}
}

func (w *loadWorker) op(ctx context.Context, name, method, path string, body, out any) (string, int, error) {
	status, err := w.client.Do(ctx, method, path, body, out)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("%s: status %d", name, status)
	}
	return name, status, err
}
