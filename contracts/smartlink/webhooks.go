package smartlink

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/mockserver"
)

// deliveryDeadline bounds the wait for webhooks: generous, as a deadline
// for polling, not a measure (the failing receiver's third try comes after
// the dispatcher's backoff, 1 s then 2 s by default).
const deliveryDeadline = 60 * time.Second

// admin sends requests to standin's admin API at the target's origin,
// with the target's transport and headers.
type admin struct {
	client *http.Client
	origin string
	header http.Header
	ns     string // the target's namespace; "" for the default
}

func newAdmin(t contracts.Target) (admin, error) {
	u, err := url.Parse(t.BaseURL)
	if err != nil {
		return admin{}, err
	}
	return admin{client: &http.Client{Transport: t.Transport, Timeout: 10 * time.Second}, origin: u.Scheme + "://" + u.Host,
		header: t.Header, ns: t.Header.Get(mockserver.NamespaceHeader)}, nil
}

// do sends body as JSON (if not nil) and decodes a 2xx answer into out (if
// not nil); it returns the status.
func (a admin) do(method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, a.origin+path, rd)
	if err != nil {
		return 0, err
	}
	for k, v := range a.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	if strings.HasSuffix(req.URL.Hostname(), ".invalid") {
		// An in-process target: the request never leaves the process, and
		// standin's admin API answers loopback host names only.
		req.Host = "localhost"
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 == 2 && out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s answered %s", method, path, raw)
		}
	}
	if resp.StatusCode/100 != 2 && resp.StatusCode != http.StatusNotFound {
		return resp.StatusCode, fmt.Errorf("%s %s answered %d %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, nil
}

// subscribe registers url for the events (all when none) of the target's
// namespace, and returns the subscription's id, or "" when the target has
// no such admin API (404).
func (a admin) subscribe(url string, events ...string) (string, error) {
	var sub struct {
		ID string `json:"id"`
	}
	body := map[string]any{"api": API, "namespace": a.ns, "url": url}
	if len(events) > 0 {
		body["events"] = events
	}
	status, err := a.do(http.MethodPost, "/__standin/webhooks", body, &sub)
	if err != nil || status == http.StatusNotFound {
		return "", err
	}
	if sub.ID == "" {
		return "", fmt.Errorf("POST /__standin/webhooks answered %d without an id", status)
	}
	return sub.ID, nil
}

// attempt is one delivery attempt as the admin API lists it.
type attempt struct {
	Event     string `json:"event"`
	Try       int    `json:"try"`
	Status    int    `json:"status"`
	Final     bool   `json:"final"`
	Delivered bool   `json:"delivered"`
	Error     string `json:"error"`
}

func (a admin) attempts(sub string) ([]attempt, error) {
	var out struct {
		Attempts []attempt `json:"attempts"`
	}
	_, err := a.do(http.MethodGet, "/__standin/webhooks/attempts?subscription="+url.QueryEscape(sub), nil, &out)
	return out.Attempts, err
}

// reachable reports whether a receiver on this machine's loopback can be
// reached from the target: an in-process one or one on the loopback.
func reachable(t contracts.Target) bool {
	u, err := url.Parse(t.BaseURL)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if strings.HasSuffix(host, ".invalid") || host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Webhooks is the webhooks scenario.
func Webhooks(s *contracts.S) {
	target := s.Target()
	if !reachable(target) {
		s.Logf("the target %s is not on this machine: a receiver here cannot be reached from it, nothing was checked", target.BaseURL)
		return
	}
	key := s.Credential("apiKey")
	adm, err := newAdmin(target)
	if err != nil {
		s.Fail("the target's base URL: %v", err)
		return
	}
	mine := &records{key: key}
	var subs []string
	var receivers []*receiver
	defer func() {
		for _, r := range receivers {
			r.Close()
		}
	}()
	defer s.Cleanup("delete the subscriptions", func(*httpexpect.Expect) {
		for _, id := range subs {
			if _, err := adm.do(http.MethodDelete, "/__standin/webhooks/"+url.PathEscape(id), nil, nil); err != nil {
				s.Fail("%v", err)
			}
		}
	})
	defer cleanup(s, mine)

	var rcv *receiver
	skip := false
	s.Step("a receiver is registered through the admin API", func(*httpexpect.Expect) {
		var err error
		if rcv, err = newReceiver(key, 0); err != nil {
			s.Fail("%v", err)
		}
		receivers = append(receivers, rcv)
		id, err := adm.subscribe(rcv.URL)
		switch {
		case err != nil:
			s.Fail("%v", err)
		case id == "":
			skip = true
			s.Logf("%s/__standin/webhooks answered 404: not a standin mock (a live SmartLink configures its webhooks itself), nothing was checked", adm.origin)
		default:
			subs = append(subs, id)
		}
	})
	if skip {
		return
	}

	tag := s.Unique("hooks")
	var want []string // "event identity", in order
	s.Step("apps, a folder and a membership are created, changed and deleted, and an event recorded", func(e *httpexpect.Expect) {
		as := keyed(e, key)
		app := ok(as.POST(base + "/app").WithJSON(map[string]any{"title": tag}).Expect()).Value("clientId").String().NotEmpty().Raw()
		mine.apps = append(mine.apps, app)
		want = append(want, "app.created app:"+app)
		ok(as.PUT(appPath(app)).WithJSON(map[string]any{"description": "<changed> & signed"}).Expect())
		want = append(want, "app.updated app:"+app)
		folder := num(ok(as.POST(base+"/folder").WithJSON(map[string]any{"name": tag}).Expect()), "id")
		mine.folders = append(mine.folders, folder)
		want = append(want, fmt.Sprintf("folder.created folder:%d", folder))
		m := num(ok(as.POST(base+"/membership").WithJSON(member(tag, false)).Expect()), "id")
		mine.members = append(mine.members, m)
		want = append(want, fmt.Sprintf("membership.created membership:%d", m))
		ok(as.PUT(memberPath(m)).WithJSON(map[string]any{"role": "ADMIN", "firstName": "Zoë"}).Expect())
		want = append(want, fmt.Sprintf("membership.updated membership:%d", m))
		resp := as.POST(base + "/events").WithJSON(map[string]any{"type": 7, "message": tag, "membershipId": m}).Expect()
		if resp.Raw().StatusCode == http.StatusNotFound && errorText(resp) != "User not found" {
			s.Logf("POST /events is not served: no log event is checked")
		} else {
			want = append(want, fmt.Sprintf("event event:%d", num(ok(resp), "id")))
		}
		ok(as.DELETE(memberPath(m)).Expect())
		want = append(want, fmt.Sprintf("membership.deleted membership:%d", m))
		ok(as.DELETE(folderPath(folder)).Expect())
		want = append(want, fmt.Sprintf("folder.deleted folder:%d", folder))
		ok(as.DELETE(appPath(app)).Expect())
		want = append(want, "app.deleted app:"+app)
	})

	s.Step("each change arrives once, in order, signed as Webhook.verify checks it", func(*httpexpect.Expect) {
		last := want[len(want)-1]
		got, done := rcv.await(deliveryDeadline, func(ds []delivery) bool {
			return slices.ContainsFunc(ds, func(d delivery) bool { return d.Event+" "+d.identity() == last })
		})
		var ours []string
		for _, d := range got {
			name := d.Event + " " + d.identity()
			if !slices.Contains(want, name) {
				continue // another client's change in the same namespace
			}
			if d.Err != "" {
				s.Fail("the %s webhook does not verify: %s", name, d.Err)
			}
			ours = append(ours, name)
		}
		if !done {
			s.Fail("after %s the receiver got %d of the %d changes (%v): want %v", deliveryDeadline, len(ours), len(want), ours, want)
		}
		if !slices.Equal(ours, want) {
			s.Fail("the receiver got\n  %s\nwant each change once, in order:\n  %s", strings.Join(ours, "\n  "), strings.Join(want, "\n  "))
		}
	})

	s.Step("a receiver that answers 500 twice gets the event on the third try", func(e *httpexpect.Expect) {
		flaky, err := newReceiver(key, 2)
		if err != nil {
			s.Fail("%v", err)
		}
		receivers = append(receivers, flaky)
		id, err := adm.subscribe(flaky.URL, "folder.created")
		if err != nil || id == "" {
			s.Fail("registering the failing receiver: %v (id %q)", err, id)
		}
		subs = append(subs, id)
		folder := num(ok(keyed(e, key).POST(base+"/folder").WithJSON(map[string]any{"name": tag + "-retried"}).Expect()), "id")
		mine.folders = append(mine.folders, folder)
		name := fmt.Sprintf("folder.created folder:%d", folder)
		got, done := flaky.await(deliveryDeadline, func(ds []delivery) bool {
			return slices.ContainsFunc(ds, func(d delivery) bool { return d.Status == http.StatusOK })
		})
		if !done {
			s.Fail("after %s the failing receiver got %d tries and none after its two failures", deliveryDeadline, len(got))
		}
		for i, d := range got {
			if d.Event+" "+d.identity() != name {
				s.Fail("try %d delivered %s %s, want %s", i+1, d.Event, d.identity(), name)
			}
			if d.Err != "" {
				s.Fail("try %d does not verify: %s", i+1, d.Err)
			}
		}
		if len(got) != 3 {
			s.Fail("the event came %d times, want 3 (two refused, one taken)", len(got))
		}
		var atts []attempt
		deadline := time.Now().Add(deliveryDeadline)
		for {
			if atts, err = adm.attempts(id); err != nil {
				s.Fail("%v", err)
			}
			if len(atts) >= 3 && atts[len(atts)-1].Final || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond) // the attempt is recorded just after the answer
		}
		wantAtts := []attempt{
			{Event: "folder.created", Try: 1, Status: 500},
			{Event: "folder.created", Try: 2, Status: 500},
			{Event: "folder.created", Try: 3, Status: 200, Final: true, Delivered: true},
		}
		for i := range atts {
			atts[i].Error = ""
		}
		if !slices.Equal(atts, wantAtts) {
			s.Fail("the admin API lists the attempts %+v, want %+v", atts, wantAtts)
		}
	})
}
