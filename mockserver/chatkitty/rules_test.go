package chatkitty_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/chatkitty"
	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/openapi"
)

// harness serves the fake under /chatkitty with a clock the test moves,
// checking every reply against the spec and that refusals change nothing.
type harness struct {
	t       *testing.T
	handler http.Handler
	store   mockserver.Store
	check   *mockservertest.Conformance
	now     time.Time
}

func newHarness(t *testing.T, change ...func(*chatkitty.Options)) *harness {
	t.Helper()
	h := &harness{t: t, store: mockserver.NewMemoryStore(), now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	opts, _ := chatkitty.Mock.DefaultOptions().(chatkitty.Options)
	opts.Applications = slices.Clone(opts.Applications)
	for _, c := range change {
		c(&opts)
	}
	api, err := chatkitty.New(mockserver.Setup{Store: h.store, Now: func() time.Time { return h.now }}, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := mockserver.New(mockserver.Options{Store: h.store, JournalSize: -1})
	if err := srv.Mount(api); err != nil {
		t.Fatal(err)
	}
	doc, _ := openapi.Load(chatkitty.Name)
	if h.check, err = mockservertest.NewConformance(doc, "/chatkitty"); err != nil {
		t.Fatal(err)
	}
	h.handler = srv.Handler()
	mockservertest.Touch(t, h.store, mockserver.DefaultNamespace, chatkitty.Name)
	return h
}

// send runs req, checked against the spec; a refusal must leave the state
// as it was.
func (h *harness) send(req *http.Request) mockservertest.Reply {
	h.t.Helper()
	req.Header.Set(mockserver.NamespaceHeader, mockserver.DefaultNamespace)
	before := mockservertest.Snapshot(h.t, h.store)
	r := mockservertest.RecordChecked(h.t, h.handler, req, h.check)
	if r.Status >= 500 {
		h.t.Fatalf("%s %s: %d %s", req.Method, req.URL, r.Status, r.Raw)
	}
	if r.Status >= 400 && mockservertest.Snapshot(h.t, h.store) != before {
		h.t.Errorf("%s %s was refused (%d) but changed the state", req.Method, req.URL, r.Status)
	}
	return r
}

// do sends a JSON request (PATCH as the SDK's merge-patch) with token.
func (h *harness) do(token, method, path string, body any) mockservertest.Reply {
	h.t.Helper()
	req := mockservertest.NewRequest(h.t, method, "/chatkitty"+path, body, mockserver.DefaultNamespace)
	if method == http.MethodPatch {
		req.Header.Set("Content-Type", "application/json+merge-patch")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return h.send(req)
}

// token asks for a token with client credentials, as the SDK does
// (multipart form).
func (h *harness) token(client, secret string) mockservertest.Reply {
	h.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("grant_type", "client_credentials")
	_ = w.Close()
	req := mockservertest.NewRequest(h.t, http.MethodPost, "/chatkitty/oauth/token", b.String(), "")
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.SetBasicAuth(client, secret)
	return h.send(req)
}

// login returns a token of the default application, or of the second.
func (h *harness) login(second bool) string {
	h.t.Helper()
	r := h.token("standin-client", "standin-secret")
	if second {
		r = h.token("standin-client-2", "standin-secret-2")
	}
	want(h.t, r, http.StatusOK, "")
	return r.Str("access_token")
}

// upload sends file as the multipart file part of an import.
func (h *harness) upload(token, path string, rows any) mockservertest.Reply {
	h.t.Helper()
	raw, _ := json.Marshal(rows)
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	part, _ := w.CreateFormFile("file", "rows.json")
	_, _ = part.Write(raw)
	_ = w.Close()
	req := mockservertest.NewRequest(h.t, http.MethodPost, "/chatkitty"+path, b.String(), "")
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return h.send(req)
}

func want(t *testing.T, r mockservertest.Reply, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	if code != "" && r.Str("error") != code {
		t.Fatalf("error %q, want %q: %s", r.Str("error"), code, r.Raw)
	}
}

func id(r mockservertest.Reply) string { return fmt.Sprint(r.Num("id")) }

// The token endpoint takes HTTP Basic client credentials with a
// multipart or URL-encoded grant_type, and refuses anything else in
// OAuth's error shape.
func TestTokenEndpoint(t *testing.T) {
	h := newHarness(t)
	r := h.token("standin-client", "standin-secret")
	want(t, r, http.StatusOK, "")
	if r.Str("token_type") != "bearer" || r.Num("expires_in") != 3600 || r.Str("access_token") == "" || r.Str("scope") != "org:1:app" {
		t.Errorf("token answer %s, want a bearer token for 3600 s with scope org:1:app", r.Raw)
	}
	want(t, h.token("standin-client", "wrong"), http.StatusUnauthorized, "invalid_client")
	want(t, h.token("nobody", "standin-secret"), http.StatusUnauthorized, "invalid_client")

	form := func(body string, basic bool) mockservertest.Reply {
		req := mockservertest.NewRequest(t, http.MethodPost, "/chatkitty/oauth/token", body, "")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if basic {
			req.SetBasicAuth("standin-client", "standin-secret")
		}
		return h.send(req)
	}
	want(t, form("grant_type=client_credentials", true), http.StatusOK, "")
	want(t, form("grant_type=client_credentials", false), http.StatusUnauthorized, "invalid_client")
	want(t, form("grant_type=password&username=a&password=b", true), http.StatusBadRequest, "unsupported_grant_type")
	if r := form("grant_type=password", true); r.Str("error_description") == "" {
		t.Errorf("a refused grant says nothing: %s", r.Raw)
	}
}

// Every call needs a live token: none, an unknown one and one past its
// lifetime on the mock's clock are 401 invalid_token.
func TestTokensExpireOnTheClock(t *testing.T) {
	h := newHarness(t)
	tok := h.login(false)
	want(t, h.do(tok, "GET", "/v1/application", nil), http.StatusOK, "")
	want(t, h.do("", "GET", "/v1/application", nil), http.StatusUnauthorized, "invalid_token")
	want(t, h.do("not-a-token", "GET", "/v1/users", nil), http.StatusUnauthorized, "invalid_token")
	h.now = h.now.Add(59 * time.Minute)
	want(t, h.do(tok, "GET", "/v1/users", nil), http.StatusOK, "")
	h.now = h.now.Add(time.Minute)
	want(t, h.do(tok, "GET", "/v1/users", nil), http.StatusUnauthorized, "invalid_token")

	// The admin API's clock of the namespace counts too.
	fresh := h.login(false)
	req := mockservertest.NewRequest(t, http.MethodPost, "/__standin/clock?namespace=default", map[string]string{"advance": "2h"}, "")
	req.Host = "127.0.0.1"
	if r := mockservertest.Record(h.handler, req); r.Status != http.StatusOK {
		t.Fatalf("POST /__standin/clock: %d %s", r.Status, r.Raw)
	}
	want(t, h.do(fresh, "GET", "/v1/users", nil), http.StatusUnauthorized, "invalid_token")
}

// Users: unique names, guests and natives, the existence check, the name
// filter, display pictures, merge-patch updates and deletion.
func TestUsers(t *testing.T) {
	h := newHarness(t)
	tok := h.login(false)
	native := h.do(tok, "POST", "/v1/users", map[string]any{"name": "jane@example.com", "displayName": "Jane", "isGuest": false, "properties": map[string]any{"team": "blue", "level": 2}})
	want(t, native, http.StatusOK, "")
	guest := h.do(tok, "POST", "/v1/users", map[string]any{"name": "guest-1", "displayName": "Guest", "isGuest": true})
	want(t, guest, http.StatusOK, "")
	if native.Get("isGuest") != false || guest.Get("isGuest") != true || native.Str("presence.status") != "UNAVAILABLE" || native.Str("displayPictureUrl") == "" {
		t.Errorf("new users: %s / %s", native.Raw, guest.Raw)
	}
	want(t, h.do(tok, "POST", "/v1/users", map[string]any{"name": "jane@example.com", "displayName": "Again", "isGuest": false}), http.StatusBadRequest, "USER_NAME_TAKEN")

	want(t, h.do(tok, "HEAD", "/v1/users?name=jane%40example.com", nil), http.StatusOK, "")
	want(t, h.do(tok, "HEAD", "/v1/users?name=nobody", nil), http.StatusNotFound, "")
	list := h.do(tok, "GET", "/v1/users?name=jane%40example.com", nil)
	if names := list.Strs("_embedded.users", "name"); !slices.Equal(names, []string{"jane@example.com"}) || list.Num("page.totalElements") != 1 {
		t.Errorf("name filter gives %v: %s", names, list.Raw)
	}

	uid := id(guest)
	pic := h.do(tok, "POST", "/v1/users/"+uid+"/display-picture", map[string]any{"url": "https://example.com/g.png", "name": "g.png", "contentType": "image/png", "size": 1234})
	want(t, pic, http.StatusOK, "")
	if got := h.do(tok, "GET", "/v1/users/"+uid, nil).Str("displayPictureUrl"); got != "https://example.com/g.png" {
		t.Errorf("after setting the picture, displayPictureUrl = %q", got)
	}
	p := h.do(tok, "PATCH", "/v1/users/"+id(native), map[string]any{"displayName": "Jane D.", "properties": map[string]any{"level": nil, "city": "Lyon"}})
	want(t, p, http.StatusOK, "")
	if p.Str("displayName") != "Jane D." || p.Get("properties.level") != nil || p.Str("properties.team") != "blue" || p.Str("properties.city") != "Lyon" {
		t.Errorf("merge-patch gave %s; want displayName changed, level removed, team kept, city added", p.Raw)
	}
	want(t, h.do(tok, "PATCH", "/v1/users/"+uid, map[string]any{"isGuest": false}), http.StatusOK, "")
	if h.do(tok, "GET", "/v1/users/"+uid, nil).Get("isGuest") != false {
		t.Errorf("the guest is still a guest after PATCH isGuest false")
	}

	del := h.do(tok, "DELETE", "/v1/users/"+uid, nil)
	want(t, del, http.StatusOK, "")
	if del.Str("key") == "" || del.Num("id") != 1 {
		t.Errorf("DELETE answers the application: %s", del.Raw)
	}
	want(t, h.do(tok, "GET", "/v1/users/"+uid, nil), http.StatusNotFound, "RESOURCE_NOT_FOUND")
	want(t, h.do(tok, "HEAD", "/v1/users?name=guest-1", nil), http.StatusNotFound, "")
}

// Direct channels hold at most ten users, take no new members or
// invites, and one set of users has one.
func TestDirectChannels(t *testing.T) {
	h := newHarness(t)
	tok := h.login(false)
	var refs []map[string]any
	for i := range 11 {
		u := h.do(tok, "POST", "/v1/users", map[string]any{"name": fmt.Sprintf("dm-%d", i), "displayName": fmt.Sprintf("DM %d", i), "isGuest": false})
		want(t, u, http.StatusOK, "")
		refs = append(refs, map[string]any{"id": u.Num("id")})
	}
	want(t, h.do(tok, "POST", "/v1/channels", map[string]any{"type": "DIRECT", "members": refs}), http.StatusBadRequest, "DIRECT_CHANNEL_FULL")
	ten := h.do(tok, "POST", "/v1/channels", map[string]any{"type": "DIRECT", "members": refs[:10]})
	want(t, ten, http.StatusOK, "")
	if n := len(ten.List("members")); n != 10 || ten.Str("type") != "DIRECT" {
		t.Fatalf("a direct channel of ten: %s", ten.Raw)
	}
	same := h.do(tok, "POST", "/v1/channels", map[string]any{"type": "DIRECT", "members": []any{refs[3], refs[1], refs[0], refs[2], refs[4], refs[5], refs[6], refs[7], refs[8], refs[9]}})
	want(t, same, http.StatusOK, "")
	if same.Num("id") != ten.Num("id") {
		t.Errorf("the same set of users got channel %d, then %d", ten.Num("id"), same.Num("id"))
	}
	cid := id(ten)
	want(t, h.do(tok, "POST", "/v1/channels/"+cid+"/members", refs[10]), http.StatusBadRequest, "DIRECT_CHANNEL_FULL")
	small := h.do(tok, "POST", "/v1/channels", map[string]any{"type": "DIRECT", "members": refs[:2]})
	want(t, h.do(tok, "POST", "/v1/channels/"+id(small)+"/members", refs[10]), http.StatusBadRequest, "DIRECT_CHANNEL_MEMBERS_FIXED")
	want(t, h.do(tok, "POST", "/v1/channels/"+id(small)+"/invites", map[string]any{"user": refs[10]}), http.StatusBadRequest, "DIRECT_CHANNEL_INVITE")
	if n := h.do(tok, "GET", "/v1/channels/"+cid+"/members", nil).Num("page.totalElements"); n != 10 {
		t.Errorf("the direct channel lists %d members, want 10", n)
	}
}
