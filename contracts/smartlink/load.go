package smartlink

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/contracts/load"
)

// Load is the load-test workload: each virtual user acts as the apiKey's
// organisation and cycles through reads (the apps, the folders, the
// memberships and a page of the search) and a write cycle that leaves
// nothing behind (create a membership, update it, delete it). Reads are
// four of the seven requests.
type Load struct{}

var _ load.Workload = Load{}

// NewWorker implements load.Workload.
func (Load) NewWorker(ctx context.Context, t contracts.Target) (load.Worker, error) {
	key := t.Credentials["apiKey"]
	if key == "" {
		return nil, fmt.Errorf("smartlink: the load workload needs the apiKey credential")
	}
	w := &loadWorker{client: load.NewClient(t), tag: "load-" + strings.ToLower(rand.Text()[:10])}
	w.client.Auth = func(h http.Header) { h.Set("x-api-key", key) }
	status, err := w.client.Do(ctx, "GET", base+"/apps", nil, nil)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("smartlink: listing apiKey's apps answered %d", status)
	}
	return w, nil
}

type loadWorker struct {
	client *load.Client
	tag    string // unique to the worker, in its memberships' e-mails
	step   int
	cycle  int
	member int64 // the membership of the cycle, once created
}

// Next implements load.Worker.
func (w *loadWorker) Next(ctx context.Context) (string, int, error) {
	defer func() { w.step = (w.step + 1) % 7 }()
	switch w.step {
	case 0:
		return w.op(ctx, "getApps", "GET", base+"/apps", nil, nil)
	case 1:
		w.cycle++
		var out struct {
			ID int64 `json:"id"`
		}
		op, status, err := w.op(ctx, "postMembership", "POST", base+"/membership",
			member(fmt.Sprintf("%s-%d", w.tag, w.cycle), false), &out)
		w.member = out.ID
		return op, status, err
	case 2:
		return w.op(ctx, "getFolders", "GET", base+"/folders", nil, nil)
	case 3:
		return w.op(ctx, "putMembershipById", "PUT", memberPath(w.member), map[string]any{"role": "ADMIN", "language": "fr"}, nil)
	case 4:
		return w.op(ctx, "getMemberships", "GET", base+"/memberships", nil, nil)
	case 5:
		return w.op(ctx, "getMembershipsSearch", "GET", base+"/memberships/search?page=1&pageSize=20&search=a", nil, nil)
	default:
		return w.op(ctx, "deleteMembershipById", "DELETE", memberPath(w.member), nil, nil)
	}
}

func (w *loadWorker) op(ctx context.Context, name, method, path string, body, out any) (string, int, error) {
	status, err := w.client.Do(ctx, method, path, body, out)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("%s: status %d", name, status)
	}
	return name, status, err
}
