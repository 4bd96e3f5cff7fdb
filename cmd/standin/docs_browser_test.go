package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
)

// docsChromium returns the path of Debian's chromium, or skips the test
// when there is none, unless STANDIN_REQUIRE_BROWSER=1 makes that a
// failure.
func docsChromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("STANDIN_REQUIRE_BROWSER") == "1" {
		t.Fatal("no chromium (/usr/bin/chromium or on PATH), and STANDIN_REQUIRE_BROWSER=1 requires the browser test")
	}
	t.Skip("skipped: no chromium (/usr/bin/chromium or on PATH) to load the API reference in; install Debian's chromium package, or set STANDIN_REQUIRE_BROWSER=1 to make this a failure")
	return ""
}

// TestDocsInBrowser loads every API's /docs in headless Chromium: Swagger
// UI renders one block per operation of the spec and lists the mock's URL
// as the server; "Try it out" and "Execute" on an operation (a public one
// where there is one, else one the API refuses without credentials) send
// the request to the mock, which journals it and whose answer the page
// shows; and the page loads nothing from anywhere but the mock.
func TestDocsInBrowser(t *testing.T) {
	chromium := docsChromium(t)
	srv, err := catalog().New(catalog().Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	var mu sync.Mutex
	var elsewhere []string
	err = chromedp.Listen(bctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			u := e.Request.URL
			if !strings.HasPrefix(u, ts.URL+"/") && !strings.HasPrefix(u, "data:") {
				mu.Lock()
				elsewhere = append(elsewhere, u)
				mu.Unlock()
			}
		}
	})
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}

	for _, a := range apis {
		t.Run(a.mock.Name, func(t *testing.T) {
			spec := openapi.MustLoad(a.mock.Name)
			base := ts.URL + a.mock.Prefix
			want := 0
			for _, op := range openapi.Operations(spec) {
				want += max(1, len(op.Op.Tags)) // shown under each of its tags
			}
			if err := chromedp.Do(bctx, chromedp.Navigate(base+"/docs")); err != nil {
				t.Fatalf("navigate: %v", err)
			}
			docsPoll(t, bctx, `document.querySelectorAll(".opblock").length`, func(n int) bool { return n == want },
				func(n int) string { return fmt.Sprintf("%d .opblock elements, want one per operation, %d", n, want) })
			servers, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".servers select option")].map(o => o.value)`))
			if err != nil {
				t.Fatal(err)
			}
			if len(servers) != 1 || servers[0] != base {
				t.Errorf("the page's servers are %q, want [%q]", servers, base)
			}

			// Try it out.
			op, ok := tryOperation(spec)
			if !ok {
				t.Fatal("no GET operation without path parameters to try")
			}
			srv.Journal().Clear()
			click := fmt.Sprintf(`(() => {
				const block = [...document.querySelectorAll(".opblock")].find(b => b.id.endsWith("-" + %q));
				if (!block) return false;
				if (!block.classList.contains("is-open")) block.querySelector(".opblock-summary-control").click();
				return true;
			})()`, op.Op.OperationID)
			docsPoll(t, bctx, click, func(ok bool) bool { return ok }, func(bool) string { return "no block for operation " + op.Op.OperationID })
			tryIt := fmt.Sprintf(`(() => {
				const block = [...document.querySelectorAll(".opblock")].find(b => b.id.endsWith("-" + %q));
				const execute = block.querySelector("button.execute");
				if (execute) { execute.click(); return true; }
				const tryOut = block.querySelector("button.try-out__btn");
				if (tryOut && !tryOut.classList.contains("cancel")) tryOut.click();
				return false;
			})()`, op.Op.OperationID)
			docsPoll(t, bctx, tryIt, func(ok bool) bool { return ok }, func(bool) string { return "no Execute button on " + op.Op.OperationID })
			result := fmt.Sprintf(`(() => {
				const block = [...document.querySelectorAll(".opblock")].find(b => b.id.endsWith("-" + %q));
				const status = block.querySelector(".live-responses-table tbody .response-col_status");
				const url = block.querySelector(".request-url pre");
				return {status: status ? status.textContent.trim() : "", url: url ? url.textContent.trim() : ""};
			})()`, op.Op.OperationID)
			shown := docsPoll(t, bctx, result, func(s shownResponse) bool { return s.Status != "" },
				func(shownResponse) string { return "no live response shown for " + op.Op.OperationID })

			// Swagger UI fills in the defaults of query parameters.
			if called, _, _ := strings.Cut(shown.URL, "?"); called != base+op.Path {
				t.Errorf("Try it out called %q, want %q", shown.URL, base+op.Path)
			}
			wantStatus := []string{"200"}
			if op.Secured(spec) {
				wantStatus = []string{"401", "403"}
			}
			if !strings.Contains(strings.Join(wantStatus, " "), shown.Status) {
				t.Errorf("Try it out on %s shows status %q, want one of %v", op.Op.OperationID, shown.Status, wantStatus)
			}
			got := srv.Journal().Last(10, func(e mockserver.Entry) bool {
				return e.Method == http.MethodGet && e.Path == a.mock.Prefix+op.Path
			})
			if len(got) != 1 || fmt.Sprint(got[0].Status) != shown.Status || got[0].API != a.mock.Name {
				t.Errorf("the mock's journal holds %+v for GET %s%s, want the one request Swagger UI sent, answered %s", got, a.mock.Prefix, op.Path, shown.Status)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if len(elsewhere) > 0 {
		t.Errorf("the API reference loaded from elsewhere than the mock (it must work offline): %q", elsewhere)
	}
}

// shownResponse is what Swagger UI shows of a request it sent.
type shownResponse struct {
	Status string `json:"status"`
	URL    string `json:"url"`
}

// docsPoll evaluates expr until done accepts its value, and returns it;
// after a minute it fails with what the last value says.
func docsPoll[T any](t *testing.T, ctx context.Context, expr string, done func(T) bool, what func(T) string) T {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
		if err == nil && done(v) {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a minute: %s (last error: %v)", what(v), err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
