package mockserver_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/webhooks"
)

// hookServer returns a server with the pet shop mounted and fast webhook
// retries, closed when the test ends.
func hookServer(t *testing.T, opts mockserver.Options) (*mockserver.Server, http.Handler) {
	t.Helper()
	opts.Webhooks.Backoff, opts.Webhooks.MaxBackoff = time.Millisecond, time.Millisecond
	srv := newServer(t, opts)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return srv, srv.Handler()
}

// hookReceiver answers status to every request and sends each body on the
// returned channel.
func hookReceiver(t *testing.T, status int) (string, chan string) {
	t.Helper()
	got := make(chan string, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- string(b)
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, got
}

func petEvent(ns, name, body string) webhooks.Event {
	return webhooks.Event{API: "pets", Namespace: ns, Name: name, Build: func(time.Time) ([]byte, http.Header, error) {
		return []byte(body), nil, nil
	}}
}

func listHooks(t *testing.T, h http.Handler, query string) []webhooks.Subscription {
	t.Helper()
	w := serve(h, req{method: http.MethodGet, path: "/__standin/webhooks" + query})
	mustStatus(t, w, http.StatusOK)
	return decode[struct {
		Subscriptions []webhooks.Subscription `json:"subscriptions"`
	}](t, w).Subscriptions
}

// hookAttempts polls GET /__standin/webhooks/attempts?query until it lists
// n attempts, and returns them.
func hookAttempts(t *testing.T, h http.Handler, query string, n int) []webhooks.Attempt {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		w := serve(h, req{method: http.MethodGet, path: "/__standin/webhooks/attempts" + query})
		mustStatus(t, w, http.StatusOK)
		got := decode[struct {
			Attempts []webhooks.Attempt `json:"attempts"`
		}](t, w).Attempts
		if len(got) >= n || time.Now().After(deadline) {
			if len(got) != n {
				t.Fatalf("attempts = %+v, want %d", got, n)
			}
			return got
		}
		time.Sleep(time.Millisecond)
	}
}

func TestAdminWebhooksCreateListDelete(t *testing.T) {
	_, h := hookServer(t, mockserver.Options{})
	w := serve(h, req{method: http.MethodPost, path: "/__standin/webhooks",
		body: `{"api":"pets","url":"http://127.0.0.1:1/hook","events":["pet.created"]}`})
	mustStatus(t, w, http.StatusCreated)
	a := decode[webhooks.Subscription](t, w)
	if a.ID == "" || a.API != "pets" || a.Namespace != "default" || a.URL != "http://127.0.0.1:1/hook" ||
		len(a.Events) != 1 || a.Events[0] != "pet.created" || a.CreatedAt.IsZero() {
		t.Errorf("created = %s, want the subscription in namespace default with an id and a time", w.Body)
	}
	w = serve(h, req{method: http.MethodPost, path: "/__standin/webhooks",
		body: `{"api":"pets","namespace":"team-b","url":"https://example.com/b"}`})
	mustStatus(t, w, http.StatusCreated)
	b := decode[webhooks.Subscription](t, w)
	if !strings.Contains(w.Body.String(), `"events":[]`) {
		t.Errorf("a subscription to all events shows %s, want events: []", w.Body)
	}

	if got := listHooks(t, h, ""); len(got) != 2 || got[0].ID != a.ID || got[1].ID != b.ID {
		t.Errorf("list = %+v, want both in creation order", got)
	}
	if got := listHooks(t, h, "?namespace=team-b"); len(got) != 1 || got[0].ID != b.ID {
		t.Errorf("list in team-b = %+v, want only b", got)
	}
	if got := listHooks(t, h, "?api=zoo"); len(got) != 0 {
		t.Errorf("list of api zoo = %+v, want none", got)
	}

	mustStatus(t, serve(h, req{method: http.MethodDelete, path: "/__standin/webhooks/" + a.ID}), http.StatusNoContent)
	mustStatus(t, serve(h, req{method: http.MethodDelete, path: "/__standin/webhooks?id=" + b.ID}), http.StatusNoContent)
	adminErrorOf(t, serve(h, req{method: http.MethodDelete, path: "/__standin/webhooks/" + a.ID}), http.StatusNotFound)
	adminErrorOf(t, serve(h, req{method: http.MethodDelete, path: "/__standin/webhooks"}), http.StatusBadRequest)
	if got := listHooks(t, h, ""); len(got) != 0 {
		t.Errorf("list after deletes = %+v, want none", got)
	}
	w = serve(h, req{method: http.MethodGet, path: "/__standin/webhooks/" + a.ID})
	adminErrorOf(t, w, http.StatusMethodNotAllowed)
	if w.Header().Get("Allow") != "DELETE" {
		t.Errorf("Allow = %q, want DELETE", w.Header().Get("Allow"))
	}
}

func TestAdminWebhooksRefusals(t *testing.T) {
	_, h := hookServer(t, mockserver.Options{})
	for _, tc := range []struct{ name, body, want string }{
		{"relative url", `{"api":"pets","url":"/hook"}`, "url"},
		{"ftp url", `{"api":"pets","url":"ftp://example.com/"}`, "url"},
		{"no url", `{"api":"pets"}`, "url"},
		{"unknown api", `{"api":"nope","url":"http://example.com/"}`, "api"},
		{"no api", `{"url":"http://example.com/"}`, "api"},
		{"bad namespace", `{"api":"pets","namespace":"a b","url":"http://example.com/"}`, "namespace"},
		{"empty event", `{"api":"pets","url":"http://example.com/","events":[""]}`, "events[0]"},
		{"malformed", `{"api":"pets",`, "JSON"},
		{"unknown field", `{"api":"pets","url":"http://example.com/","secret":"x"}`, "secret"},
		{"trailing data", `{"api":"pets","url":"http://example.com/"}}`, "after"},
		{"not an object", `[1]`, "JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := adminErrorOf(t, serve(h, req{method: http.MethodPost, path: "/__standin/webhooks", body: tc.body}), http.StatusBadRequest)
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not name %q", msg, tc.want)
			}
		})
	}
	if got := listHooks(t, h, ""); len(got) != 0 {
		t.Errorf("refused subscriptions were kept: %+v", got)
	}
	adminErrorOf(t, serve(h, req{method: http.MethodGet, path: "/__standin/webhooks?namespace=a%20b"}), http.StatusBadRequest)
	adminErrorOf(t, serve(h, req{method: http.MethodGet, path: "/__standin/webhooks/attempts?limit=0"}), http.StatusBadRequest)
}

func TestAdminWebhooksTooMany(t *testing.T) {
	_, h := hookServer(t, mockserver.Options{Webhooks: webhooks.Options{MaxSubscriptions: 1}})
	body := `{"api":"pets","url":"http://example.com/"}`
	mustStatus(t, serve(h, req{method: http.MethodPost, path: "/__standin/webhooks", body: body}), http.StatusCreated)
	adminErrorOf(t, serve(h, req{method: http.MethodPost, path: "/__standin/webhooks", body: body}), http.StatusTooManyRequests)
}

func TestAdminWebhooksGuarded(t *testing.T) {
	_, h := hookServer(t, mockserver.Options{Admin: mockserver.AdminOptions{Token: "s3cret"}})
	body := `{"api":"pets","url":"http://example.com/"}`
	for _, q := range []req{
		{method: http.MethodGet, path: "/__standin/webhooks"},
		{method: http.MethodPost, path: "/__standin/webhooks", body: body},
		{method: http.MethodDelete, path: "/__standin/webhooks/wh_x"},
		{method: http.MethodGet, path: "/__standin/webhooks/attempts"},
	} {
		adminErrorOf(t, serve(h, q), http.StatusUnauthorized)
		q.header = map[string]string{"Authorization": "Bearer s3cret"}
		q.host = "evil.example"
		adminErrorOf(t, serve(h, q), http.StatusForbidden)
	}
	mustStatus(t, serve(h, req{method: http.MethodPost, path: "/__standin/webhooks", body: body,
		header: map[string]string{mockserver.AdminTokenHeader: "s3cret"}}), http.StatusCreated)
	if n := len(serve(h, req{method: http.MethodGet, path: "/__standin/webhooks", header: map[string]string{mockserver.AdminTokenHeader: "s3cret"}}).Body.String()); n == 0 {
		t.Error("empty list with the token")
	}
}

func TestAdminWebhookAttemptsAndJournal(t *testing.T) {
	srv, h := hookServer(t, mockserver.Options{Webhooks: webhooks.Options{MaxAttempts: 2}})
	okURL, okGot := hookReceiver(t, http.StatusOK)
	badURL, _ := hookReceiver(t, http.StatusTeapot)
	create := func(url string) webhooks.Subscription {
		w := serve(h, req{method: http.MethodPost, path: "/__standin/webhooks", body: `{"api":"pets","namespace":"ns1","url":"` + url + `"}`})
		mustStatus(t, w, http.StatusCreated)
		return decode[webhooks.Subscription](t, w)
	}
	ok, bad := create(okURL+"/in?token=abc&x=1"), create(badURL)

	body := `{"event":"pet.created","data":{"name":"rex","token":"t0p"}}`
	srv.Webhooks().Publish(context.Background(), petEvent("ns1", "pet.created", body))
	if got := <-okGot; got != body {
		t.Errorf("receiver got %s, want %s", got, body)
	}
	as := hookAttempts(t, h, "?subscription="+ok.ID, 1)
	if a := as[0]; !a.Delivered || !a.Final || a.Status != http.StatusOK || a.Try != 1 || a.Event != "pet.created" {
		t.Errorf("attempt = %+v, want delivered on try 1", a)
	}
	failed := hookAttempts(t, h, "?subscription="+bad.ID, 2)
	if a := failed[1]; a.Delivered || !a.Final || a.Status != http.StatusTeapot || !strings.Contains(a.Error, "418") {
		t.Errorf("last attempt = %+v, want a final 418 failure", a)
	}
	hookAttempts(t, h, "?namespace=ns1&api=pets", 3)
	hookAttempts(t, h, "?namespace=other", 0)

	// An attempt shows in the attempts list as soon as it is made, and in
	// the journal once the OnAttempt hook that writes it has run: wait
	// for that as for the attempts (a deadline, not a measure).
	var w *httptest.ResponseRecorder
	var entries []mockserver.Entry
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		w = serve(h, req{method: http.MethodGet, path: "/__standin/journal?namespace=ns1"})
		mustStatus(t, w, http.StatusOK)
		entries = decode[struct {
			Entries []mockserver.Entry `json:"entries"`
		}](t, w).Entries
		if len(entries) >= 3 || time.Now().After(deadline) {
			break
		}
	}
	if len(entries) != 3 {
		t.Fatalf("journal has %d entries in ns1, want the 3 attempts: %s", len(entries), w.Body)
	}
	var sawOK, sawBad bool
	for _, e := range entries {
		if e.Direction != mockserver.DirectionOutbound || e.Method != http.MethodPost || e.API != "pets" {
			t.Errorf("entry = %+v, want an outbound POST of pets", e)
		}
		if strings.Contains(e.RequestBody, "t0p") || !strings.Contains(e.RequestBody, "rex") {
			t.Errorf("request body in the journal = %s, want it with its token redacted", e.RequestBody)
		}
		switch {
		case e.Status == http.StatusOK:
			sawOK = true
			if want := okURL + "/in?token=[redacted]&x=1"; e.URL != want || e.Path != "/in" || e.Error != "" {
				t.Errorf("delivered entry: url %q path %q error %q, want url %q", e.URL, e.Path, e.Error, want)
			}
		case e.Status == http.StatusTeapot:
			sawBad = true
			if e.URL != badURL || !strings.Contains(e.Error, "418") {
				t.Errorf("failed entry: url %q error %q, want %q with the 418", e.URL, e.Error, badURL)
			}
		}
	}
	if !sawOK || !sawBad {
		t.Errorf("journal lacks the delivered or the failed attempt: %s", w.Body)
	}
}

func TestResetKeepsWebhookSubscriptions(t *testing.T) {
	_, h := hookServer(t, mockserver.Options{})
	mustStatus(t, serve(h, req{method: http.MethodPost, path: "/__standin/webhooks",
		body: `{"api":"pets","namespace":"a","url":"http://example.com/"}`}), http.StatusCreated)
	mustStatus(t, serve(h, req{method: http.MethodPost, path: "/__standin/reset?namespace=a"}), http.StatusOK)
	mustStatus(t, serve(h, req{method: http.MethodPost, path: "/__standin/reset"}), http.StatusOK)
	if got := listHooks(t, h, "?namespace=a"); len(got) != 1 {
		t.Errorf("subscriptions after resets = %+v, want the one kept (they are configuration)", got)
	}
}
