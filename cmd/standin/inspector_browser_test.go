package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The inspector (/__standin/ui) in a real browser: headless Chromium
// driven through the DevTools protocol against `standin serve`. Without a
// Chromium the tests skip, unless STANDIN_REQUIRE_BROWSER=1 (make
// inspector-check), when they fail. Screenshots go to $STANDIN_SCREENSHOTS
// when set, else to a temporary directory.

// chromium returns the browser to drive, or skips (fails when one is
// required).
func chromium(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("STANDIN_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			candidates = append(candidates, p)
		}
	}
	for _, p := range candidates {
		if p == "" {
			continue
		}
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	msg := "no Chromium found (/usr/bin/chromium, or STANDIN_CHROMIUM=PATH): the inspector's browser test needs one (apt-get install chromium)"
	if os.Getenv("STANDIN_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// browser starts a headless Chromium with a fresh profile for the test and
// returns the context of its first tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	exe := chromium(t)
	// Generous: the test machine may be busy; each wait below has its own,
	// shorter bound.
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // as root, in a container
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 900),
	)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancelTab)
	// The first run starts the browser, bound to this context (not to the
	// shorter one of a step).
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	return tab
}

// screenshot saves a full-page PNG of the tab as NAME.png.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("STANDIN_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// pageDo runs steps in the tab, failing the test with what was asked.
func pageDo(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	step, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(step, steps...); err != nil {
		body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("%s: %v\npage text:\n%s", what, err, body)
	}
}

// waitFor polls a JavaScript expression in the page until it is truthy and
// returns its value.
func waitFor[T any](t *testing.T, ctx context.Context, what, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Poll[T](expr, chromedp.WithPollingTimeout(60*time.Second), chromedp.WithPollingInterval(100*time.Millisecond)))
	if err != nil {
		body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("waiting for %s: %v\npage text:\n%s", what, err, body)
	}
	return v
}

// call sends one request to the running server and returns its status and
// body.
func call(t *testing.T, method, url string, header map[string]string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// rocketChatTraffic logs in to Rocket.Chat in namespace ns, lists the
// channels, creates one (so that ns holds state) and makes a refused
// call, as a frontend would.
func rocketChatTraffic(t *testing.T, base, ns, channel string) {
	t.Helper()
	nsHeader := map[string]string{"X-Standin-Namespace": ns}
	code, body := call(t, http.MethodPost, base+"/rocketchat/api/v1/login", nsHeader, map[string]string{"user": "admin", "password": "admin"})
	if code != http.StatusOK {
		t.Fatalf("login: %d %s", code, body)
	}
	var login struct {
		Data struct {
			AuthToken string `json:"authToken"`
			UserID    string `json:"userId"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &login); err != nil {
		t.Fatal(err)
	}
	auth := map[string]string{"X-Standin-Namespace": ns, "X-Auth-Token": login.Data.AuthToken, "X-User-Id": login.Data.UserID}
	if code, body := call(t, http.MethodGet, base+"/rocketchat/api/v1/channels.list?count=2", auth, nil); code != http.StatusOK {
		t.Fatalf("channels.list: %d %s", code, body)
	}
	if code, body := call(t, http.MethodPost, base+"/rocketchat/api/v1/channels.create", auth, map[string]any{"name": channel}); code != http.StatusOK {
		t.Fatalf("channels.create: %d %s", code, body)
	}
	if code, body := call(t, http.MethodGet, base+"/rocketchat/api/v1/me", auth, nil); code != http.StatusOK {
		t.Fatalf("me: %d %s", code, body)
	}
	bad := map[string]string{"X-Standin-Namespace": ns, "X-Auth-Token": "nope", "X-User-Id": login.Data.UserID}
	if code, _ := call(t, http.MethodGet, base+"/rocketchat/api/v1/channels.list", bad, nil); code != http.StatusUnauthorized {
		t.Fatalf("channels.list with a bad token: %d, want 401", code)
	}
}

// otherTraffic calls the other APIs, with a few refusals among the
// answers, and sends Rocket.Chat markup as a channel name: the page must
// show it as text.
func otherTraffic(t *testing.T, s *serving) {
	t.Helper()
	var creds struct {
		APIs []struct {
			Name        string `json:"name"`
			Credentials []struct{ Key, Value string }
		} `json:"apis"`
	}
	_, body := call(t, http.MethodGet, s.base+"/__standin/apis", nil, nil)
	if err := json.Unmarshal(body, &creds); err != nil {
		t.Fatalf("/__standin/apis: %v: %s", err, body)
	}
	var alice string
	for _, a := range creds.APIs {
		for _, c := range a.Credentials {
			if a.Name == "ucsrooms" && c.Key == "aliceToken" {
				alice = c.Value
			}
		}
	}
	if alice == "" {
		t.Fatalf("/__standin/apis gives no aliceToken for ucsrooms: %s", body)
	}
	call(t, http.MethodGet, s.base+"/ucs/participant/room", map[string]string{"Authorization": "Bearer " + alice}, nil)
	call(t, http.MethodGet, s.base+"/smartlink/api/workflow/apps", map[string]string{"x-api-key": "standin-smartlink-key"}, nil)
	call(t, http.MethodGet, s.base+"/ethora/v1/apps/users/nobody", nil, nil)
	call(t, http.MethodGet, s.base+"/rocketchat/api/v1/nope", nil, nil)
	call(t, http.MethodPost, s.base+"/rocketchat/api/v1/login", nil, map[string]string{"user": markup, "password": "x"})
}

// markup is HTML sent in a request body; the page shows it as text.
const markup = `<img src=x id=injected onerror=document.title='pwned'>`

// rowWith is a JavaScript expression: the journal table's row whose path
// cell contains path (and whose status is status, when not 0), or null.
func rowWith(path string, status int) string {
	p, _ := json.Marshal(path)
	return fmt.Sprintf(`([...document.querySelectorAll('#journal-body tr')].find(tr =>
		tr.querySelector('td.path').textContent.includes(%s) && (%d === 0 || tr.querySelector('.st').textContent === '%d')) || null)`, p, status, status)
}

func TestInspectorInBrowser(t *testing.T) {
	ctx := browser(t)
	s := startServe(t, "--addr", "127.0.0.1:0", "--quiet")
	const ns = "inspector-demo"

	pageDo(t, ctx, "open the inspector",
		chromedp.Navigate(s.base+"/__standin/ui"),
		chromedp.WaitVisible(chromedp.CSS("#journal")))
	waitFor[bool](t, ctx, "the journal's first poll", `document.getElementById('live').classList.contains('on')`)

	// Requests made after the page loaded appear without a reload.
	rocketChatTraffic(t, s.base, ns, "inspector-room")
	otherTraffic(t, s)
	waitFor[bool](t, ctx, "channels.list in the journal table", rowWith("/rocketchat/api/v1/channels.list", 200)+` !== null`)
	waitFor[bool](t, ctx, "the refused call in the journal table", rowWith("/rocketchat/api/v1/channels.list", 401)+` !== null`)
	cells := waitFor[[]string](t, ctx, "the channels.list row's cells",
		`(() => { const tr = `+rowWith("/rocketchat/api/v1/channels.list", 200)+`; return tr && [...tr.children].map(td => td.textContent) })()`)
	if len(cells) != 7 || cells[1] != "GET" || cells[3] != "200" || cells[5] != "rocketchat" || cells[6] != ns || !strings.HasSuffix(cells[4], "ms") {
		t.Errorf("channels.list row = %q, want time, GET, path, 200, latency, rocketchat, %s", cells, ns)
	}

	// Opening the login shows its bodies: the password redacted, the
	// response pretty-printed.
	waitFor[bool](t, ctx, "a click on the login row", `(() => { const tr = `+rowWith("/rocketchat/api/v1/login", 200)+`; if (tr) tr.click(); return !!tr })()`)
	reqBody := waitFor[string](t, ctx, "the login's request body", `(() => { const d = document.getElementById('detail'); if (d.hidden) return ''; const s = [...d.querySelectorAll('.section')].find(s => s.querySelector('h3').textContent.startsWith('Request body')); return s ? s.querySelector('pre').textContent : '' })()`)
	if !strings.Contains(reqBody, "{\n  \"") || !strings.Contains(reqBody, `"password": "[redacted]"`) || strings.Contains(reqBody, `"password": "admin"`) {
		t.Errorf("login request body in the page = %q, want the password redacted and the JSON pretty-printed", reqBody)
	}

	// Opening channels.list shows the response body, pretty-printed.
	waitFor[bool](t, ctx, "a click on the channels.list row", `(() => { const tr = `+rowWith("/rocketchat/api/v1/channels.list", 200)+`; if (tr) tr.click(); return !!tr })()`)
	resp := waitFor[string](t, ctx, "the channels.list response body", `(() => { const p = document.querySelector('#detail-response pre'); return p && document.getElementById('detail-title').textContent.includes('channels.list') ? p.textContent : '' })()`)
	if !strings.Contains(resp, "\n  \"channels\": [") || !strings.Contains(resp, `"success": true`) {
		t.Errorf("channels.list response body in the page = %q, want the pretty-printed JSON with its channels", resp)
	}

	// A body holding markup is shown as text, never parsed as HTML.
	waitFor[bool](t, ctx, "a click on the login with markup", `(() => { const tr = `+rowWith("/rocketchat/api/v1/login", 401)+`; if (tr) tr.click(); return !!tr })()`)
	shown := waitFor[string](t, ctx, "the markup login's request body", `(() => { const d = document.getElementById('detail'); return !d.hidden && d.textContent.includes('img src') ? d.textContent : '' })()`)
	if !strings.Contains(shown, markup) {
		t.Errorf("the page does not show the markup as sent: %.800s", shown)
	}
	if injected, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('injected') !== null || document.title === 'pwned'`)); injected {
		t.Errorf("a request body's markup became an element of the page")
	}

	// The README's picture: the journal with a request opened.
	waitFor[bool](t, ctx, "a click on channels.create", `(() => { const tr = `+rowWith("/rocketchat/api/v1/channels.create", 200)+`; if (tr) tr.click(); return !!tr })()`)
	waitFor[bool](t, ctx, "channels.create's response", `(() => { const p = document.querySelector('#detail-response pre'); return !!p && document.getElementById('detail-title').textContent.includes('channels.create') })()`)
	time.Sleep(1500 * time.Millisecond) // new rows fade from yellow
	screenshot(t, ctx, "journal")

	// The filters narrow the table: only 4xx and 5xx.
	pageDo(t, ctx, "filter 4xx and 5xx", chromedp.SetValue(chromedp.CSS("#f-status"), "err"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-status').dispatchEvent(new Event('change'))`))
	statuses := waitFor[[]string](t, ctx, "the filtered table", `(() => { const s = [...document.querySelectorAll('#journal-body .st')].map(e => e.textContent); return s.length ? s : null })()`)
	for _, st := range statuses {
		if st < "400" {
			t.Errorf("with the 4xx/5xx filter the table shows status %s", st)
		}
	}
	pageDo(t, ctx, "clear the filter", chromedp.SetValue(chromedp.CSS("#f-status"), ""),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-status').dispatchEvent(new Event('change'))`))

	// The APIs with their credentials.
	pageDo(t, ctx, "open the APIs tab", chromedp.Click(chromedp.CSS(`.tab[data-tab="apis"]`)))
	user := waitFor[string](t, ctx, "Rocket.Chat's credentials", `(() => { const td = document.querySelector('.card[data-api="rocketchat"] tr[data-credential="username"] td.v'); return td ? td.firstChild.textContent : '' })()`)
	if user != "admin" {
		t.Errorf("Rocket.Chat's username in the page = %q, want admin", user)
	}
	base := waitFor[string](t, ctx, "Rocket.Chat's base URL", `(() => { const td = document.querySelector('.card[data-api="rocketchat"] td.v'); return td ? td.textContent : '' })()`)
	if base != s.base+"/rocketchat" {
		t.Errorf("Rocket.Chat's base URL in the page = %q, want %s/rocketchat", base, s.base)
	}
	screenshot(t, ctx, "apis")

	// The namespace's state as a tree, opened a level down.
	pageDo(t, ctx, "open the namespaces tab", chromedp.Click(chromedp.CSS(`.tab[data-tab="namespaces"]`)))
	row := fmt.Sprintf(`#namespaces-body tr[data-namespace=%q]`, ns)
	pageDo(t, ctx, "show the namespace's state",
		chromedp.WaitVisible(chromedp.CSS(row)),
		chromedp.Click(chromedp.CSS(row+` button[data-action="state"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#state-tree li[data-key="rocketchat"] > .summary`)),
		chromedp.Click(chromedp.CSS(`#state-tree li[data-key="rocketchat"] > ul > li[data-key="rooms"] > .toggle`)))
	rooms := waitFor[string](t, ctx, "the rooms of the state", `(() => { const ul = document.querySelector('#state-tree li[data-key="rooms"] > ul'); return ul && !ul.hidden ? ul.textContent : '' })()`)
	if rooms == "" {
		t.Errorf("the rooms node opened on nothing")
	}
	screenshot(t, ctx, "state")

	// Reset from the button: the namespace's state is gone, as the admin
	// API tells.
	if _, body := call(t, http.MethodGet, s.base+"/__standin/snapshot?namespace="+ns, nil, nil); !strings.Contains(string(body), "inspector-room") {
		t.Fatalf("before the reset, the namespace's snapshot lacks the channel: %.300s", body)
	}
	pageDo(t, ctx, "reset the namespace", chromedp.Click(chromedp.CSS(row+` button[data-action="reset"]`)))
	waitFor[bool](t, ctx, "the namespace to leave the list", `document.querySelector('`+row+`') === null`)
	code, body := call(t, http.MethodGet, s.base+"/__standin/snapshot?namespace="+ns, nil, nil)
	if code != http.StatusOK || strings.TrimSpace(string(body)) != "{}" {
		t.Errorf("after the reset button, the namespace's snapshot = %d %s, want {}", code, body)
	}
	_, body = call(t, http.MethodGet, s.base+"/__standin/namespaces", nil, nil)
	if strings.Contains(string(body), ns) {
		t.Errorf("after the reset button, /__standin/namespaces still lists %s: %s", ns, body)
	}
	waitFor[bool](t, ctx, "the state panel to say the namespace holds none", `document.getElementById('state-empty') !== null`)

	// Webhooks and fault rules render, whatever this build serves.
	pageDo(t, ctx, "open the webhooks tab", chromedp.Click(chromedp.CSS(`.tab[data-tab="webhooks"]`)))
	waitFor[bool](t, ctx, "the webhook tables", `document.querySelectorAll('#subscriptions-body tr').length > 0 && document.querySelectorAll('#attempts-body tr').length > 0`)
	pageDo(t, ctx, "open the faults tab", chromedp.Click(chromedp.CSS(`.tab[data-tab="faults"]`)))
	waitFor[bool](t, ctx, "the fault rules", `document.getElementById('faults-note').textContent !== ''`)

	// A journal cleared by someone else starts over in the page too.
	if code, body := call(t, http.MethodDelete, s.base+"/__standin/journal", nil, nil); code != http.StatusNoContent {
		t.Fatalf("DELETE /__standin/journal: %d %s", code, body)
	}
	call(t, http.MethodGet, s.base+"/rocketchat/api/info", nil, nil)
	pageDo(t, ctx, "open the journal tab", chromedp.Click(chromedp.CSS(`.tab[data-tab="journal"]`)))
	waitFor[bool](t, ctx, "the journal to hold only the request made after the clear",
		`document.querySelectorAll('#journal-body tr').length === 1 && `+rowWith("/rocketchat/api/info", 0)+` !== null`)
}

// With --admin-token the page loads, asks for the token, and once given
// shows the journal; a wrong token is refused and asked for again.
func TestInspectorAdminTokenInBrowser(t *testing.T) {
	ctx := browser(t)
	const token = "inspector-s3cret"
	s := startServe(t, "--addr", "127.0.0.1:0", "--quiet", "--admin-token", token)
	rocketChatTraffic(t, s.base, "token-demo", "token-room")

	pageDo(t, ctx, "open the inspector",
		chromedp.Navigate(s.base+"/__standin/ui"),
		chromedp.WaitVisible(chromedp.CSS("#token-input")))
	if n := waitFor[int](t, ctx, "the empty table", `document.querySelectorAll('#journal-body tr').length + 1`); n != 1 {
		t.Errorf("before the token, the journal table has %d rows, want none", n-1)
	}
	screenshot(t, ctx, "token")

	pageDo(t, ctx, "give a wrong token",
		chromedp.SendKeys(chromedp.CSS("#token-input"), "wrong"),
		chromedp.Click(chromedp.CSS("#token-submit")))
	waitFor[bool](t, ctx, "the token to be asked for again", `!document.getElementById('token-overlay').hidden && !document.getElementById('token-error').hidden`)

	pageDo(t, ctx, "give the token",
		chromedp.SendKeys(chromedp.CSS("#token-input"), token),
		chromedp.Click(chromedp.CSS("#token-submit")))
	waitFor[bool](t, ctx, "channels.create in the journal table", rowWith("/rocketchat/api/v1/channels.create", 200)+` !== null`)
	if hidden := waitFor[bool](t, ctx, "the token dialog to close", `document.getElementById('token-overlay').hidden`); !hidden {
		t.Errorf("the token dialog is still open")
	}
	stored, err := chromedp.Run(ctx, chromedp.Evaluate[string](`sessionStorage.getItem('standin.adminToken') || ''`))
	if err != nil || stored != token {
		t.Errorf("session storage holds %q (%v), want the token", stored, err)
	}
	// Requests made now appear too: the polls carry the token.
	call(t, http.MethodGet, s.base+"/rocketchat/api/info", nil, nil)
	waitFor[bool](t, ctx, "a later request in the journal table", rowWith("/rocketchat/api/info", 0)+` !== null`)
	screenshot(t, ctx, "token-journal")
}
