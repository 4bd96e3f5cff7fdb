package contracts

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// proxyFor serves a Proxy on the pets spec in front of a pet store that
// commits fault, recording to rec if it is not nil.
func proxyFor(t *testing.T, fault string, rec io.Writer, public map[string]string) (*Proxy, *httptest.Server) {
	t.Helper()
	upstream := httptest.NewServer(newPetStore(fault))
	t.Cleanup(upstream.Close)
	target, _ := url.Parse(upstream.URL + petsPrefix)
	p, err := NewProxy(petsSpec(t), ProxyOptions{Target: target, Record: rec, Public: public})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	return p, front
}

func send(t *testing.T, method, url, body string, header http.Header) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func countOf(r ProxyReport, op string) OperationCount {
	for _, c := range r.Operations {
		if c.Operation == op {
			return c
		}
	}
	return OperationCount{}
}

// The proxy passes requests and answers on as they are, the spec-breaking
// ones too, and counts each request, answer and violation under its
// operation; a path the spec lacks is a violation of its own.
func TestProxyPassesTrafficOnAndCountsViolations(t *testing.T) {
	p, front := proxyFor(t, faultNone, nil, nil)

	status, body := send(t, "GET", front.URL+"/pets/1", "", nil)
	if status != 200 || body != `{"id":1,"name":"Rex"}`+"\n" {
		t.Errorf("GET /pets/1 through the proxy = %d %q, want the store's answer as it is", status, body)
	}
	// A name of the wrong type: refused by the spec, still passed on (the
	// store's 400 is declared, so the answer is clean).
	if status, _ := send(t, "POST", front.URL+"/pets", `{"name":5}`, nil); status != 400 {
		t.Errorf("POST /pets with a bad name: status %d, want the store's 400", status)
	}
	if status, _ := send(t, "GET", front.URL+"/owners", "", nil); status != 404 {
		t.Errorf("GET /owners: status %d, want the store's 404", status)
	}
	// DELETE of a missing pet: the store answers 404, which the spec does
	// not declare for deletePet.
	send(t, "DELETE", front.URL+"/pets/99", "", nil)

	r := p.Report()
	if r.Requests != 4 || r.Responses != 4 || r.RequestViolations != 2 || r.ResponseViolations != 1 || r.UpstreamErrors != 0 {
		t.Errorf("totals %d requests, %d responses, %d request and %d response violations, %d upstream errors; want 4, 4, 2, 1, 0",
			r.Requests, r.Responses, r.RequestViolations, r.ResponseViolations, r.UpstreamErrors)
	}
	if c := countOf(r, "createPet"); c.RequestViolations != 1 || c.ResponseViolations != 0 || !c.Known {
		t.Errorf("createPet counts %+v, want one request violation", c)
	}
	if c := countOf(r, "GET /owners"); c.Known || c.Requests != 1 || c.RequestViolations != 1 {
		t.Errorf("GET /owners counts %+v, want one request, unknown to the spec, one violation", c)
	}
	if c := countOf(r, "deletePet"); c.ResponseViolations != 1 {
		t.Errorf("deletePet counts %+v, want one response violation", c)
	}
	var rules []string
	for _, v := range r.Violations {
		rules = append(rules, v.Side+":"+v.Rule)
	}
	if want := []string{"request:type", "request:operation", "response:status"}; !slices.Equal(rules, want) {
		t.Errorf("violations %v, want %v", rules, want)
	}

	// The report over the proxy's own endpoint.
	status, body = send(t, "GET", front.URL+ProxyAdminPrefix+"report", "", nil)
	var got ProxyReport
	if err := json.Unmarshal([]byte(body), &got); status != 200 || err != nil || got.Requests != 4 {
		t.Errorf("GET %sreport = %d %s (%v), want the report of 4 requests", ProxyAdminPrefix, status, body, err)
	}
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil || !strings.Contains(text.String(), "GET /owners (not in spec)") {
		t.Errorf("text report:\n%s\nwant the unknown operation named", text.String())
	}
}

// A response that breaks its schema is a response violation, and the
// client still gets it whole.
func TestProxyReportsResponseViolations(t *testing.T) {
	p, front := proxyFor(t, faultMissingField, nil, nil)
	if status, body := send(t, "GET", front.URL+"/pets/1", "", nil); status != 200 || body != `{"id":1}`+"\n" {
		t.Errorf("GET /pets/1 = %d %q, want the store's broken answer as it is", status, body)
	}
	r := p.Report()
	if r.ResponseViolations != 1 || len(r.Violations) != 1 || r.Violations[0].Rule != "required" || r.Violations[0].Side != SideResponse {
		t.Errorf("report %+v, want one response violation of rule required", r)
	}
}

// The record keeps each exchange with its secrets replaced: the same
// secret by the same placeholder, a public credential by its key, a Basic
// header's password inside the base64, a body's sensitive keys.
func TestProxyRecordRedactsSecrets(t *testing.T) {
	var rec bytes.Buffer
	p, front := proxyFor(t, faultNone, &rec, map[string]string{"appSecret": "public-secret-1"})
	basic := base64.StdEncoding.EncodeToString([]byte("client:public-secret-1"))
	send(t, "POST", front.URL+"/pets?token=query-secret-123", `{"name":"Rex","tags":["a"],"password":"hunter2-hunter2"}`,
		http.Header{"Authorization": {"Bearer bearer-secret-1234"}, "X-App-Key": {"hunter2-hunter2"}})
	send(t, "GET", front.URL+"/pets/2", "", http.Header{"Authorization": {"Basic " + basic}, "X-Note": {"bearer-secret-1234"}})
	_ = p.Report()

	text := rec.String()
	for _, secret := range []string{"hunter2", "bearer-secret", "query-secret", "public-secret", basic} {
		if strings.Contains(text, secret) {
			t.Errorf("record holds %q:\n%s", secret, text)
		}
	}
	exchanges, err := ReadExchanges(&rec)
	if err != nil || len(exchanges) != 2 {
		t.Fatalf("ReadExchanges: %d exchanges, %v", len(exchanges), err)
	}
	first, second := exchanges[0], exchanges[1]
	if got := first.RequestHeaders.Get("Authorization"); got != "Bearer [redacted:1]" {
		t.Errorf("Authorization recorded as %q", got)
	}
	if first.Query != "token=%5Bredacted%3A3%5D" {
		t.Errorf("query recorded as %q", first.Query)
	}
	if got := first.RequestHeaders.Get("X-App-Key"); got != "[redacted:2]" {
		t.Errorf("X-App-Key recorded as %q", got)
	}
	if first.RequestBody != `{"name":"Rex","tags":["a"],"password":"[redacted:2]"}` {
		t.Errorf("body recorded as %s, want the same password as the same placeholder, the rest as sent", first.RequestBody)
	}
	if first.Status != 201 || first.Operation != "createPet" || first.ResponseBody != `{"id":2,"name":"Rex","tags":["a"]}`+"\n" {
		t.Errorf("first exchange %+v", first)
	}
	dec, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(second.RequestHeaders.Get("Authorization"), "Basic "))
	if string(dec) != "client:[credential:appSecret]" {
		t.Errorf("Basic header recorded as %q, want the public secret by its key", dec)
	}
	// A secret seen once is redacted wherever it shows up again.
	if got := second.RequestHeaders.Get("X-Note"); got != "[redacted:1]" {
		t.Errorf("X-Note recorded as %q, want the bearer token's placeholder", got)
	}
}

// A replay sends the replay's own ids and tokens where the record has the
// recorded ones (words and counts that differ stay as recorded), and the
// default credentials where a client-made secret was accepted; a refused
// one stays refused.
func TestReplaySubstitutesLearnedValues(t *testing.T) {
	s := &substitution{values: map[string]string{"[credential:password]": "admin"}, numbers: map[string]string{}}
	s.learn(`{"user":{"_id":"AbC123xyz9","token":"[redacted:1]","state":"pending","id":88,"count":3},"list":["Qq1","Zz9Zz9Zz9"]}`,
		[]byte(`{"user":{"_id":"LiVe456uvw","token":"live-token","state":"completed","id":91,"count":4},"list":["Qq1","Yy8Yy8Yy8"]}`))
	e := Exchange{
		Method: "POST", Path: "/users/AbC123xyz9/rooms/88", Query: "id=AbC123xyz9&state=pending&size=3",
		RequestHeaders: http.Header{"X-Auth-Token": {"[redacted:1]"}, "Authorization": {"Bearer [redacted:1]"},
			"X-User-Id": {"AbC123xyz9"}, "Content-Type": {"application/json"}},
		RequestBody: `{"ids":["AbC123xyz9","Zz9Zz9Zz9"],"password":"[credential:password]","new":"[redacted:7]","state":"pending","members":[{"id":88}],"size":3}`,
		Status:      200,
	}
	req, err := s.request(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(req.Body)
	if req.URL.Path != "/users/LiVe456uvw/rooms/91" || req.URL.RawQuery != "id=LiVe456uvw&state=pending&size=3" {
		t.Errorf("replayed %s?%s", req.URL.Path, req.URL.RawQuery)
	}
	if req.Header.Get("X-Auth-Token") != "live-token" || req.Header.Get("Authorization") != "Bearer live-token" || req.Header.Get("X-User-Id") != "LiVe456uvw" {
		t.Errorf("replayed headers %v", req.Header)
	}
	if want := `{"ids":["LiVe456uvw","Yy8Yy8Yy8"],"password":"admin","new":"[redacted:7]","state":"pending","members":[{"id":91}],"size":3}`; string(body) != want {
		t.Errorf("replayed body %s\nwant %s", body, want)
	}

	login := http.Header{"X-Custom-Token": {"minted"}}
	s.login(Exchange{RequestHeaders: http.Header{"X-Custom-Token": {"[redacted:8]"}}, Status: 200}, login)
	s.login(Exchange{RequestHeaders: http.Header{"X-Custom-Token": {"[redacted:9]"}}, Status: 401}, login)
	if got := s.text("[redacted:8]"); got != "minted" {
		t.Errorf("an accepted client-made token replays as %q, want the login's", got)
	}
	if got := s.text("[redacted:9]"); got != "[redacted:9]" {
		t.Errorf("a refused client-made token replays as %q, want the placeholder", got)
	}
}

// Replaying a record against a server that answers otherwise, or breaks
// the spec, reports each exchange that differs.
func TestReplayReportsDrift(t *testing.T) {
	var rec bytes.Buffer
	_, front := proxyFor(t, faultNone, &rec, nil)
	send(t, "POST", front.URL+"/pets", `{"name":"Rex"}`, nil)
	send(t, "GET", front.URL+"/pets/2", "", nil)
	send(t, "GET", front.URL+"/pets/1", "", nil)
	exchanges, err := ReadExchanges(&rec)
	if err != nil || len(exchanges) != 3 {
		t.Fatalf("ReadExchanges: %d, %v", len(exchanges), err)
	}

	clean, err := Replay(context.Background(), petsSpec(t), exchanges, ReplayOptions{Handler: newPetStore(faultNone), Prefix: petsPrefix})
	if err != nil || len(clean.Findings) != 0 || clean.Proxy.Requests != 3 {
		t.Fatalf("replay against the same store: %v, findings %v, %d requests", err, clean.Findings, clean.Proxy.Requests)
	}
	for fault, want := range map[string]string{
		faultMissingField:     `#2 GET /pets/2 (getPet): response violation: response body /name: property "name" is missing (at /name)`,
		faultUndeclaredStatus: "#2 GET /pets/2 (getPet): status 418, recorded 200",
	} {
		got, err := Replay(context.Background(), petsSpec(t), exchanges, ReplayOptions{Handler: newPetStore(fault), Prefix: petsPrefix})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Findings) != 2 || !strings.HasPrefix(got.Findings[0].String(), want) {
			t.Errorf("replay against a store with fault %s: %v, want two findings, the first %q", fault, got.Findings, want)
		}
	}
}

// A body too long to check is passed on whole, and counted as unchecked.
func TestProxyPassesLongBodiesOnWhole(t *testing.T) {
	p, front := proxyFor(t, faultNone, nil, nil)
	p.maxBody = 1 << 10
	long := strings.Repeat("a", p.maxBody)
	status, body := send(t, "POST", front.URL+"/pets", `{"name":"`+long+`"}`, nil)
	if want := `{"id":2,"name":"` + long + `"}` + "\n"; status != 201 || body != want {
		t.Errorf("POST /pets with a long name = %d, %d bytes; want 201 and the store's %d bytes", status, len(body), len(want))
	}
	if r := p.Report(); r.Unchecked != 1 || r.Requests != 1 || r.Responses != 1 || r.ViolationCount() != 0 {
		t.Errorf("report %+v, want one unchecked exchange", r)
	}
}

// Members an answer has and its schema does not declare are listed, once
// each, apart from the violations.
func TestProxyListsUndeclaredFields(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"id": 1, "name": "Rex", "color": "brown", "owner": map[string]any{"a/b": 1}})
	}))
	defer upstream.Close()
	target, _ := url.Parse(upstream.URL)
	p, err := NewProxy(petsSpec(t), ProxyOptions{Target: target})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(p)
	defer front.Close()
	send(t, "GET", front.URL+"/pets/1", "", nil)
	send(t, "GET", front.URL+"/pets/2", "", nil)
	r := p.Report()
	want := []UndeclaredField{{"getPet", 200, "/color"}, {"getPet", 200, "/owner"}}
	if !slices.Equal(r.Undeclared, want) || r.ViolationCount() != 0 {
		t.Errorf("undeclared %v, %d violations; want %v and none", r.Undeclared, r.ViolationCount(), want)
	}
	if got := undeclared(petsSpec(t).Components.Schemas["Pet"].Value, map[string]any{"id": 1, "name": "x", "tags": []any{"a"}}); len(got) != 0 {
		t.Errorf("a pet with declared fields only: %v", got)
	}
}
