package smartlink_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/mockserver/smartlink"
	"github.com/standin/standin/mockserver/webhooks"
)

// recorder is a webhooks.Publisher that keeps what it is given.
type recorder struct {
	mu     sync.Mutex
	events []webhooks.Event
}

func (r *recorder) Publish(_ context.Context, ev webhooks.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

// verify checks a body as the SDK's Webhook.verify does: the signature is
// the HMAC of the body without it, re-serialised in the order sent.
func verify(t *testing.T, body []byte, key string) map[string]any {
	t.Helper()
	i := strings.LastIndex(string(body), `,"signature":"`)
	if i < 0 {
		t.Fatalf("no signature at the end: %s", body)
	}
	signed := string(body[:i]) + "}"
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got["signature"] != smartlink.Signature(key, []byte(signed)) {
		t.Fatalf("signature %v does not verify over %s", got["signature"], signed)
	}
	return got
}

// Every change is published once, after it succeeded, signed with the
// organisation's key, dated at the attempt in milliseconds; a refused
// request publishes nothing.
func TestChangesArePublishedSigned(t *testing.T) {
	rec := &recorder{}
	store := mockserver.NewMemoryStore()
	opts, _ := smartlink.Mock.DefaultOptions().(smartlink.Options)
	api, err := smartlink.New(mockserver.Setup{Store: store, Webhooks: rec}, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := mockserver.New(mockserver.Options{Store: store, JournalSize: -1})
	if err := srv.Mount(api); err != nil {
		t.Fatal(err)
	}
	do := func(key, method, path string, body any) mockservertest.Reply {
		req := mockservertest.NewRequest(t, method, "/smartlink/api/workflow"+path, body, "ns1")
		req.Header.Set("x-api-key", key)
		return mockservertest.Record(srv.Handler(), req)
	}
	app := do(keyA, "POST", "/app", map[string]any{"title": "<Payroll & co>"})
	do(keyA, "PUT", "/app/"+app.Str("clientId"), map[string]any{"description": "d"})
	m := do(keyB, "POST", "/membership", map[string]any{"email": "b@example.com"})
	do(keyB, "POST", "/membership/"+strconv.Itoa(m.Num("id"))+"/deactivate", nil)
	do(keyB, "POST", "/membership/"+strconv.Itoa(m.Num("id"))+"/deactivate", nil) // no change: no event
	do(keyA, "POST", "/events", map[string]any{"type": 0, "appClientId": app.Str("clientId")})
	do(keyA, "POST", "/app", map[string]any{"title": "x", "slug": app.Str("slug")}) // refused
	do(keyA, "DELETE", "/app/"+app.Str("clientId"), nil)

	want := []struct{ name, key string }{
		{"app.created", keyA}, {"app.updated", keyA}, {"membership.created", keyB}, {"membership.updated", keyB},
		{"event", keyA}, {"app.opened", keyA}, {"app.deleted", keyA},
	}
	if len(rec.events) != len(want) {
		names := []string{}
		for _, e := range rec.events {
			names = append(names, e.Name)
		}
		t.Fatalf("published %v, want %d events", names, len(want))
	}
	at := time.UnixMilli(1_800_000_000_123)
	for i, w := range want {
		ev := rec.events[i]
		if ev.Name != w.name || ev.API != smartlink.Name || ev.Namespace != "ns1" {
			t.Fatalf("event %d: %s %s %s, want %s", i, ev.API, ev.Namespace, ev.Name, w.name)
		}
		body, _, err := ev.Build(at)
		if err != nil {
			t.Fatal(err)
		}
		got := verify(t, body, w.key)
		if got["event"] != w.name || got["date"] != float64(at.UnixMilli()) || got["data"] == nil {
			t.Errorf("event %d body: %s", i, body)
		}
		if !strings.HasPrefix(string(body), `{"event":"`+w.name+`","date":`) {
			t.Errorf("event %d keys out of order: %s", i, body)
		}
	}
	first, _, _ := rec.events[0].Build(at)
	if !strings.Contains(string(first), `"title":"<Payroll & co>"`) {
		t.Errorf("HTML characters escaped in a signed body: %s", first)
	}
	if again, _, _ := rec.events[0].Build(at.Add(time.Minute)); string(again) == string(first) {
		t.Error("a retry later is not re-dated and re-signed")
	}
}
