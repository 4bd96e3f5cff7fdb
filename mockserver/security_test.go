package mockserver_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/mockserver"
)

// The guard tests run against a tiny API of their own, "demo", so that they
// do not depend on any fake:
//
//	POST /demo/login  {"user", "password"} → {"status", "data": {"authToken", "userId"}}
//	GET  /demo/items  → {"items": []} with a Set-Cookie header
//	GET  /demo/big?n=N → {"filler": N bytes, "password": "hunter2hunter2"}
//
// Its refusals are {"error": message} with an X-Demo header.

const demoSpec = `
openapi: 3.0.3
info: {title: demo, version: "1"}
paths:
  /login:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object}
      responses:
        "200": {description: logged in}
  /items:
    get:
      parameters:
        - {name: q, in: query, schema: {type: string}}
        - {name: token, in: query, schema: {type: string}}
      responses:
        "200": {description: the items}
  /big:
    get:
      parameters:
        - {name: n, in: query, schema: {type: integer}}
      responses:
        "200": {description: a large body}
`

// demoToken is the token the demo API hands out at login.
const demoToken = "tok-0123456789"

func demoAPI(tb testing.TB) mockserver.API {
	tb.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(demoSpec))
	if err != nil {
		tb.Fatalf("demo spec: %v", err)
	}
	writeJSON := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"status": "success", "data": map[string]string{"authToken": demoToken, "userId": "u1"}})
	})
	mux.HandleFunc("GET /items", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "cookie-secret"})
		writeJSON(w, map[string]any{"items": []string{}})
	})
	mux.HandleFunc("GET /big", func(w http.ResponseWriter, r *http.Request) {
		n := 0
		for _, c := range r.URL.Query().Get("n") {
			n = n*10 + int(c-'0')
		}
		// Compact, so that the filler's length places the password.
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"filler":"`+strings.Repeat("f", n)+`","password":"hunter2hunter2"}`)
	})
	return mockserver.API{
		Name:    "demo",
		Spec:    doc,
		Handler: mux,
		Envelope: mockserver.Envelope{Render: func(w http.ResponseWriter, _ *http.Request, e *mockserver.Error) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Demo", "refusal")
			w.WriteHeader(e.Status)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": e.Error()})
		}},
	}
}

// demoServer returns a server with the demo API mounted.
func demoServer(tb testing.TB, opts mockserver.Options) *mockserver.Server {
	tb.Helper()
	srv := mockserver.New(opts)
	if err := srv.Mount(demoAPI(tb)); err != nil {
		tb.Fatalf("Mount: %v", err)
	}
	return srv
}

// call is one request: Host "localhost" unless host is set.
type call struct {
	method, target, host, body string
	header                     map[string]string
}

func (c call) do(h http.Handler) *httptest.ResponseRecorder {
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	r := httptest.NewRequest(c.method, c.target, body)
	r.Host = "localhost"
	if c.host != "" {
		r.Host = c.host
	}
	if c.body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// coreError checks that w is the core's JSON error with status, and
// returns its message.
func coreError(tb testing.TB, w *httptest.ResponseRecorder, status int) string {
	tb.Helper()
	if w.Code != status {
		tb.Fatalf("status = %d, want %d; body: %s", w.Code, status, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		tb.Errorf("Content-Type = %q, want application/json", ct)
	}
	var e map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e["error"] == "" {
		tb.Fatalf("body %q is not the core's JSON error (%v)", w.Body, err)
	}
	return e["error"]
}

// corsHeaders returns the Access-Control-* headers of w.
func corsHeaders(w *httptest.ResponseRecorder) http.Header {
	out := http.Header{}
	for k, v := range w.Header() {
		if strings.HasPrefix(k, "Access-Control-") {
			out[k] = v
		}
	}
	return out
}

// journalLen returns how many entries the admin API's journal shows.
func journalLen(tb testing.TB, h http.Handler, header map[string]string) int {
	tb.Helper()
	w := call{method: http.MethodGet, target: "/__standin/journal?limit=1000", header: header}.do(h)
	if w.Code != http.StatusOK {
		tb.Fatalf("journal: %d %s", w.Code, w.Body)
	}
	var j struct {
		Entries []mockserver.Entry `json:"entries"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &j); err != nil {
		tb.Fatal(err)
	}
	return len(j.Entries)
}

func TestAdminHostCheck(t *testing.T) {
	tests := []struct {
		host  string
		hosts []string // admin.hosts
		ok    bool
	}{
		{host: "localhost", ok: true},
		{host: "localhost:8080", ok: true},
		{host: "LocalHost:8080", ok: true},
		{host: "localhost.:8080", ok: true},
		{host: "app.localhost:5173", ok: true},
		{host: "127.0.0.1", ok: true},
		{host: "127.0.0.1:8080", ok: true},
		{host: "127.9.8.7:80", ok: true},
		{host: "[::1]:8080", ok: true},
		{host: "[::1]", ok: true},
		{host: "[::ffff:127.0.0.1]:8080", ok: true},

		{host: "attacker.example"},
		{host: "attacker.example:8080"},
		{host: "localhost.attacker.example"},
		{host: "127.0.0.1.attacker.example"},
		{host: "localhostx"},
		{host: "10.0.0.5:8080"},
		{host: "0.0.0.0:8080"},
		{host: "[::2]:8080"},
		{host: "2130706433"}, // 127.0.0.1 in decimal: browsers never send it

		{host: "mock.internal", hosts: []string{"Mock.Internal"}, ok: true},
		{host: "mock.internal:9000", hosts: []string{"mock.internal"}, ok: true},
		{host: "10.0.0.5:8080", hosts: []string{"10.0.0.5:8080"}, ok: true},
		{host: "10.0.0.5:9090", hosts: []string{"10.0.0.5:8080"}},
		{host: "other.internal", hosts: []string{"mock.internal"}},
		{host: "attacker.example", hosts: []string{"*"}, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.host+"/"+strings.Join(tt.hosts, ","), func(t *testing.T) {
			h := demoServer(t, mockserver.Options{Admin: mockserver.AdminOptions{Hosts: tt.hosts}}).Handler()
			call{method: http.MethodGet, target: "/demo/items"}.do(h) // one journal entry
			w := call{method: http.MethodDelete, target: "/__standin/journal", host: tt.host}.do(h)
			if tt.ok {
				if w.Code != http.StatusNoContent {
					t.Fatalf("DELETE journal with Host %q: %d %s, want 204", tt.host, w.Code, w.Body)
				}
				return
			}
			msg := coreError(t, w, http.StatusForbidden)
			for _, want := range []string{"Host", tt.host, "admin.hosts", "loopback"} {
				if !strings.Contains(msg, want) {
					t.Errorf("refusal %q does not mention %q", msg, want)
				}
			}
			if n := journalLen(t, h, nil); n != 1 {
				t.Errorf("the refused DELETE emptied the journal: %d entries, want 1", n)
			}
		})
	}
}

// Every admin operation is refused for a foreign Host, whatever it is.
func TestAdminHostCheckCoversEveryOperation(t *testing.T) {
	h := demoServer(t, mockserver.Options{}).Handler()
	for _, c := range []call{
		{method: http.MethodGet, target: "/__standin/health"},
		{method: http.MethodPost, target: "/__standin/reset"},
		{method: http.MethodGet, target: "/__standin/snapshot"},
		{method: http.MethodPut, target: "/__standin/snapshot", body: `{}`},
		{method: http.MethodGet, target: "/__standin/journal"},
		{method: http.MethodDelete, target: "/__standin/journal"},
		{method: http.MethodGet, target: "/__standin/nope"},
		{method: http.MethodOptions, target: "/__standin/reset", header: map[string]string{"Origin": "http://attacker.example", "Access-Control-Request-Method": "POST"}},
	} {
		c.host = "attacker.example:8080"
		w := c.do(h)
		coreError(t, w, http.StatusForbidden)
		if got := corsHeaders(w); len(got) > 0 {
			t.Errorf("%s %s: CORS headers %v on a refusal", c.method, c.target, got)
		}
	}
	// The root handler serves the admin API too, with the same guard.
	srv := demoServer(t, mockserver.Options{})
	root, err := srv.RootHandler("demo")
	if err != nil {
		t.Fatal(err)
	}
	coreError(t, call{method: http.MethodPost, target: "/__standin/reset", host: "attacker.example"}.do(root), http.StatusForbidden)
	if w := (call{method: http.MethodPost, target: "/__standin/reset"}).do(root); w.Code != http.StatusOK {
		t.Errorf("reset on the root handler from localhost: %d %s", w.Code, w.Body)
	}
}

// The APIs themselves answer under any Host: only the admin API is
// checked.
func TestAPIsAreNotHostChecked(t *testing.T) {
	h := demoServer(t, mockserver.Options{}).Handler()
	w := call{method: http.MethodPost, target: "/demo/login", host: "attacker.example", body: `{"user":"a","password":"b"}`}.do(h)
	if w.Code != http.StatusOK {
		t.Errorf("login with Host attacker.example: %d %s, want 200", w.Code, w.Body)
	}
}

func TestAdminSendsNoCORS(t *testing.T) {
	const evil = "https://evil.example"
	h := demoServer(t, mockserver.Options{}).Handler()

	// The check: curl -X POST .../__standin/reset -H 'Origin: https://evil.example'.
	w := call{method: http.MethodPost, target: "/__standin/reset", header: map[string]string{"Origin": evil}}.do(h)
	if w.Code != http.StatusOK {
		t.Fatalf("reset: %d %s", w.Code, w.Body)
	}
	if got := corsHeaders(w); len(got) > 0 {
		t.Errorf("reset from %s answered with CORS headers %v, want none", evil, got)
	}

	// A preflight is not approved: it is an OPTIONS request like any
	// other, which the admin API does not serve.
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodGet, http.MethodDelete} {
		w = call{method: http.MethodOptions, target: "/__standin/snapshot", header: map[string]string{
			"Origin": evil, "Access-Control-Request-Method": m, "Access-Control-Request-Headers": "content-type",
		}}.do(h)
		coreError(t, w, http.StatusMethodNotAllowed)
		if got := corsHeaders(w); len(got) > 0 {
			t.Errorf("preflight for %s answered with CORS headers %v, want none", m, got)
		}
	}
	// Reading the snapshot or the journal from a page gets no CORS either.
	for _, target := range []string{"/__standin/snapshot", "/__standin/journal", "/__standin/health"} {
		w = call{method: http.MethodGet, target: target, header: map[string]string{"Origin": evil}}.do(h)
		if w.Code != http.StatusOK || len(corsHeaders(w)) > 0 {
			t.Errorf("GET %s from %s: %d with CORS headers %v, want 200 and none", target, evil, w.Code, corsHeaders(w))
		}
	}
}

func TestAdminCORSWhenConfigured(t *testing.T) {
	const inspector, evil = "http://localhost:5173", "https://evil.example"
	h := demoServer(t, mockserver.Options{Admin: mockserver.AdminOptions{CORSOrigins: []string{inspector}, Token: "s3cret"}}).Handler()
	preflight := func(origin string) *httptest.ResponseRecorder {
		return call{method: http.MethodOptions, target: "/__standin/reset", header: map[string]string{
			"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization",
		}}.do(h)
	}
	w := preflight(inspector)
	if w.Code/100 != 2 || w.Header().Get("Access-Control-Allow-Origin") != inspector {
		t.Errorf("preflight from the configured origin: %d %v, want approved", w.Code, corsHeaders(w))
	}
	if got := w.Header().Get("Access-Control-Allow-Headers"); !strings.EqualFold(got, "authorization") {
		t.Errorf("Access-Control-Allow-Headers = %q, want authorization", got)
	}
	if got := w.Header().Get("Access-Control-Allow-Credentials"); got != "" {
		t.Errorf("admin CORS allows credentials (%q): the token travels in a header, cookies are not needed", got)
	}
	if w := preflight(evil); w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from %s approved: %v", evil, corsHeaders(w))
	}

	w = call{method: http.MethodPost, target: "/__standin/reset", header: map[string]string{"Origin": inspector, "Authorization": "Bearer s3cret"}}.do(h)
	if w.Code != http.StatusOK || w.Header().Get("Access-Control-Allow-Origin") != inspector {
		t.Errorf("reset from the configured origin: %d %v", w.Code, corsHeaders(w))
	}
	// A refusal for the missing token is readable by the configured page.
	w = call{method: http.MethodPost, target: "/__standin/reset", header: map[string]string{"Origin": inspector}}.do(h)
	coreError(t, w, http.StatusUnauthorized)
	if w.Header().Get("Access-Control-Allow-Origin") != inspector {
		t.Errorf("401 to the configured origin has no Allow-Origin: %v", corsHeaders(w))
	}
	w = call{method: http.MethodPost, target: "/__standin/reset", header: map[string]string{"Origin": evil, "Authorization": "Bearer s3cret"}}.do(h)
	if len(corsHeaders(w)) > 0 {
		t.Errorf("reset from %s: CORS headers %v, want none", evil, corsHeaders(w))
	}
}

func TestAdminToken(t *testing.T) {
	const token = "s3cret-token"
	h := demoServer(t, mockserver.Options{Admin: mockserver.AdminOptions{Token: token}}).Handler()
	call{method: http.MethodGet, target: "/demo/items"}.do(h) // one journal entry
	auth := func(k, v string) map[string]string { return map[string]string{k: v} }

	refused := []map[string]string{
		nil,
		auth("Authorization", "Bearer wrong"),
		auth("Authorization", "Bearer "+token[:len(token)-1]),
		auth("Authorization", "Bearer "+token+"x"),
		auth("Authorization", "Bearer"),
		auth("Authorization", "Basic "+token),
		auth("Authorization", token),
		auth("X-Standin-Admin-Token", "wrong"),
		auth("X-Standin-Admin-Token", ""),
		auth("X-Auth-Token", token),
	}
	for _, header := range refused {
		for _, c := range []call{
			{method: http.MethodDelete, target: "/__standin/journal"},
			{method: http.MethodPost, target: "/__standin/reset"},
			{method: http.MethodGet, target: "/__standin/snapshot"},
			{method: http.MethodPut, target: "/__standin/snapshot", body: `{}`},
			{method: http.MethodGet, target: "/__standin/journal"},
			{method: http.MethodGet, target: "/__standin/nope"},
		} {
			c.header = header
			w := c.do(h)
			msg := coreError(t, w, http.StatusUnauthorized)
			if !strings.Contains(msg, "admin token") || !strings.Contains(msg, "Bearer") {
				t.Errorf("401 message %q does not say what to send", msg)
			}
			if got := w.Header().Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
				t.Errorf("WWW-Authenticate = %q, want Bearer", got)
			}
		}
	}
	for _, header := range []map[string]string{
		auth("Authorization", "Bearer "+token),
		auth("Authorization", "bearer "+token),
		auth("X-Standin-Admin-Token", token),
	} {
		if n := journalLen(t, h, header); n != 1 {
			t.Errorf("journal with %v: %d entries, want the one request (refused calls must not have cleared it)", header, n)
		}
	}
	// Health stays open, for readiness probes; it shows no state.
	if w := (call{method: http.MethodGet, target: "/__standin/health"}).do(h); w.Code != http.StatusOK {
		t.Errorf("health without the token: %d %s, want 200", w.Code, w.Body)
	}
	// The APIs need no admin token.
	if w := (call{method: http.MethodGet, target: "/demo/items"}).do(h); w.Code != http.StatusOK {
		t.Errorf("API request without the admin token: %d %s", w.Code, w.Body)
	}
	// Without a token configured, none is needed.
	open := demoServer(t, mockserver.Options{}).Handler()
	if w := (call{method: http.MethodPost, target: "/__standin/reset"}).do(open); w.Code != http.StatusOK {
		t.Errorf("reset without a configured token: %d %s", w.Code, w.Body)
	}
}

func TestAPICORS(t *testing.T) {
	const origin = "http://app.example"
	preflight := func(h http.Handler, origin, method string) *httptest.ResponseRecorder {
		return call{method: http.MethodOptions, target: "/demo/login", host: "mock.example", header: map[string]string{
			"Origin": origin, "Access-Control-Request-Method": method,
			"Access-Control-Request-Headers": "content-type,x-auth-token,x-standin-namespace,x-whatever",
		}}.do(h)
	}

	t.Run("open by default", func(t *testing.T) {
		h := demoServer(t, mockserver.Options{}).Handler()
		for _, o := range []string{origin, "https://evil.example", "http://localhost:3000", "null"} {
			for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
				w := preflight(h, o, m)
				if w.Code != http.StatusNoContent || w.Body.Len() != 0 {
					t.Fatalf("preflight %s from %s: %d %q, want 204 and no body", m, o, w.Code, w.Body)
				}
				for k, want := range map[string]string{
					"Access-Control-Allow-Origin":      o,
					"Access-Control-Allow-Credentials": "true",
					"Access-Control-Allow-Headers":     "content-type,x-auth-token,x-standin-namespace,x-whatever",
					"Access-Control-Max-Age":           "600",
				} {
					if got := w.Header().Get(k); got != want {
						t.Errorf("preflight %s from %s: %s = %q, want %q", m, o, k, got, want)
					}
				}
				if got := w.Header().Get("Access-Control-Allow-Methods"); !strings.Contains(got, m) {
					t.Errorf("preflight %s: Access-Control-Allow-Methods = %q", m, got)
				}
				if w.Header().Get("X-Demo") != "" {
					t.Errorf("the preflight reached the API")
				}
			}
		}
		// Answers, refusals included, let the page read them.
		for _, c := range []call{
			{method: http.MethodGet, target: "/demo/items"},
			{method: http.MethodGet, target: "/demo/nope"},              // the API's 404
			{method: http.MethodGet, target: "/nowhere"},                // the core's 404
			{method: http.MethodPost, target: "/demo/login", body: `[`}, // invalid
		} {
			c.header = map[string]string{"Origin": origin}
			w := c.do(h)
			if got := w.Header().Get("Access-Control-Allow-Origin"); got != origin {
				t.Errorf("%s %s (%d): Access-Control-Allow-Origin = %q, want %q", c.method, c.target, w.Code, got, origin)
			}
			if got := w.Header().Get("Access-Control-Expose-Headers"); got != "*" {
				t.Errorf("%s %s: Access-Control-Expose-Headers = %q, want *", c.method, c.target, got)
			}
			if got := w.Header().Get("Access-Control-Allow-Credentials"); got != "true" {
				t.Errorf("%s %s: Access-Control-Allow-Credentials = %q", c.method, c.target, got)
			}
			if !slices.Contains(w.Header().Values("Vary"), "Origin") {
				t.Errorf("%s %s: Vary = %q, want Origin", c.method, c.target, w.Header().Values("Vary"))
			}
		}
		// No Origin, no CORS.
		if w := (call{method: http.MethodGet, target: "/demo/items"}).do(h); w.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("Access-Control-Allow-Origin without an Origin: %v", corsHeaders(w))
		}
	})

	t.Run("configured origins", func(t *testing.T) {
		h := demoServer(t, mockserver.Options{CORSOrigins: []string{origin, "https://*.example.org"}}).Handler()
		for o, allowed := range map[string]bool{origin: true, "https://app.example.org": true, "https://evil.example": false, "http://app.example.evil": false} {
			w := preflight(h, o, http.MethodPost)
			if got := w.Header().Get("Access-Control-Allow-Origin"); (got == o) != allowed || (!allowed && got != "") {
				t.Errorf("preflight from %s: Allow-Origin %q, want allowed=%v", o, got, allowed)
			}
			w = call{method: http.MethodGet, target: "/demo/items", header: map[string]string{"Origin": o}}.do(h)
			if got := w.Header().Get("Access-Control-Allow-Origin"); (got == o) != allowed || (!allowed && got != "") {
				t.Errorf("GET from %s: Allow-Origin %q, want allowed=%v", o, got, allowed)
			}
		}
	})

	t.Run("disabled", func(t *testing.T) {
		h := demoServer(t, mockserver.Options{DisableCORS: true}).Handler()
		w := preflight(h, origin, http.MethodPost)
		if len(corsHeaders(w)) > 0 {
			t.Errorf("preflight with CORS disabled: headers %v", corsHeaders(w))
		}
		if w.Header().Get("X-Demo") != "refusal" || w.Code != http.StatusMethodNotAllowed {
			t.Errorf("preflight with CORS disabled: %d %s, want the API's 405", w.Code, w.Body)
		}
		w = call{method: http.MethodGet, target: "/demo/items", header: map[string]string{"Origin": origin}}.do(h)
		if w.Code != http.StatusOK || len(corsHeaders(w)) > 0 {
			t.Errorf("GET with CORS disabled: %d, CORS headers %v", w.Code, corsHeaders(w))
		}
	})
}
