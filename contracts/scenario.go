package contracts

import (
	"context"
	"crypto/rand"
	"fmt"
	"maps"
	"net/http"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gavv/httpexpect/v2"
	"github.com/getkin/kin-openapi/openapi3"
)

// cleanupTimeout bounds each cleanup step of an interrupted run.
const cleanupTimeout = 10 * time.Second

// outsideSteps names the step result that holds failures raised by a
// scenario outside any step.
const outsideSteps = "(scenario)"

// Scenario is a named, documented sequence of steps against one API.
type Scenario struct {
	// API names the spec the responses are checked against, e.g.
	// "rocketchat".
	API string
	// Name identifies the scenario within its API, e.g. "bulk-invites".
	Name string
	// Doc says, in one paragraph, what a user relies on that this checks.
	Doc string
	// Spec is the document responses are checked against. Nil means the
	// embedded spec named by API (openapi.Load).
	Spec *openapi3.T
	// Run runs the steps, calling s.Step for each.
	Run func(s *S)
}

// S is handed to a scenario's Run function to run its steps.
//
// Its methods are meant to be called from the scenario's Run function and
// from step functions, not from other goroutines they start: like
// testing.T.FailNow, a failure inside a step ends the goroutine it is
// raised on.
type S struct {
	ctx     context.Context
	target  Target
	prefix  string
	checker *Validator // nil when the spec could not be loaded
	obs     observer
	jar     http.CookieJar
	res     *ScenarioResult

	mu          sync.Mutex
	cur         *stepRun // the step running, nil between steps
	stopped     string   // why later steps are skipped; empty while all is well
	ran         bool     // a step has run, so there may be something to clean up
	interrupted bool     // a step was cut short or skipped by cancellation
}

// observer lets RunT follow a scenario as it runs. The zero value observes
// nothing.
type observer struct {
	// step runs one step; run takes a function that echoes the step's log
	// lines (nil for none).
	step func(name string, run func(echo func(string)) StepResult) StepResult
	fail func(msg string) // a failure outside steps
	log  func(msg string) // a log line outside steps
}

// Step runs one step of the scenario: fn gets a fresh *httpexpect.Expect
// bound to the target, whose every response is checked against the spec.
// The steps of a scenario share a cookie jar, as one client's would; other
// state passes between them in the scenario's variables.
//
// The step ends at its first failed assertion (or Fail, or missing
// Credential), and is recorded as failed, as it is on a panic or a
// contract violation. Once a step has failed, later steps are recorded as
// skipped without running, as they are once the run's context is done.
func (s *S) Step(name string, fn func(e *httpexpect.Expect)) {
	s.step(name, fn, false)
}

// Cleanup runs a step that removes what the scenario created, typically
// deferred at the top of the scenario's Run function. Unlike Step, it runs
// even after an earlier step failed, and once the run's context is done it
// still runs, under a context of its own bounded to ten seconds, so that
// an interrupted run against a live server tidies up too. It is
// skipped only when no step of the scenario has run. A cleanup step fails
// and reports like any other.
func (s *S) Cleanup(name string, fn func(e *httpexpect.Expect)) {
	s.step(name, fn, true)
}

func (s *S) step(name string, fn func(e *httpexpect.Expect), cleanup bool) {
	if r := s.current(); r != nil {
		s.Fail("Step %q called inside step %q: steps cannot nest", name, r.res.Name)
		return
	}
	run := func(echo func(string)) StepResult { return s.runStep(name, fn, cleanup, echo) }
	var res StepResult
	if s.obs.step != nil {
		res = s.obs.step(name, run)
	} else {
		res = run(nil)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.res.Steps = append(s.res.Steps, res)
	if res.Status == Failed && s.stopped == "" {
		s.stopped = fmt.Sprintf("step %q failed", name)
	}
}

func (s *S) runStep(name string, fn func(e *httpexpect.Expect), cleanup bool, echo func(string)) StepResult {
	ctx := s.ctx
	s.mu.Lock()
	stopped, ran := s.stopped, s.ran
	s.mu.Unlock()
	if ctx.Err() != nil {
		s.setInterrupted()
		if stopped == "" {
			stopped = "run interrupted: " + context.Cause(ctx).Error()
		}
		if cleanup && ran {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
			defer cancel()
		}
	}
	if stopped != "" && !(cleanup && ran) {
		return StepResult{Name: name, Status: Skipped, SkipReason: stopped}
	}

	s.mu.Lock()
	s.ran = true
	s.mu.Unlock()
	r := &stepRun{res: StepResult{Name: name}, echo: echo}
	s.mu.Lock()
	s.cur = r
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.cur = nil
		s.mu.Unlock()
	}()

	start := time.Now()
	e := s.expect(ctx, r)
	done := make(chan struct{})
	// The step runs on a goroutine of its own so that a failure can end it
	// with runtime.Goexit, the way t.FailNow ends a test.
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				r.fail(panicMessage(p))
			}
		}()
		if fn == nil {
			r.fail("step has no function")
			return
		}
		fn(e)
	}()
	// Waiting without a timeout is deliberate: requests carry the run's
	// context and a timeout, and abandoning a step that still runs would
	// let it race with the next.
	<-done

	res := r.finish(time.Since(start))
	if res.Status == Failed && ctx.Err() != nil {
		s.setInterrupted()
	}
	return res
}

func (s *S) setInterrupted() {
	s.mu.Lock()
	s.interrupted = true
	s.mu.Unlock()
}

func (s *S) current() *stepRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// expect builds the Expect handed to one step.
func (s *S) expect(ctx context.Context, r *stepRun) *httpexpect.Expect {
	var rt http.RoundTripper
	if s.checker != nil {
		name := r.res.Name
		rt = s.checker.Transport(s.target.Transport, s.prefix, func(v Violation) {
			v.Step = name
			r.violate(v)
		})
	} else {
		rt = s.target.transport()
	}
	return httpexpect.WithConfig(httpexpect.Config{
		BaseURL: s.target.BaseURL,
		Client: &http.Client{
			Transport: &stepTransport{next: rt, header: s.target.Header, prefix: s.prefix, run: r},
			Jar:       s.jar,
			Timeout:   s.target.requestTimeout(),
		},
		Context:          ctx,
		AssertionHandler: &stepHandler{run: r, prefix: s.prefix},
	})
}

// Credential returns the target's credential named key. If the target has
// none (or an empty one), it fails the current step, or the scenario when
// called outside a step, and returns "".
func (s *S) Credential(key string) string {
	if v := s.target.Credentials[key]; v != "" {
		return v
	}
	have := "none"
	if len(s.target.Credentials) > 0 {
		have = strings.Join(slices.Sorted(maps.Keys(s.target.Credentials)), ", ")
	}
	s.Fail("missing credential %q: the target provides %s", key, have)
	return ""
}

// LookupCredential returns the target's credential named key and whether
// the target has one (an empty one counts as none). Unlike Credential it
// fails nothing: it is for inputs a scenario can do without, whose steps
// it then leaves out, saying so with Logf.
func (s *S) LookupCredential(key string) (string, bool) {
	v := s.target.Credentials[key]
	return v, v != ""
}

// Target returns the target the scenario runs against, for requests
// that steps' Expect cannot send: those outside the API root, such as a
// mock's admin API. Send them with its Transport and Header; they are
// neither checked against the spec nor counted in the report.
func (s *S) Target() Target {
	t := s.target
	t.Header = t.Header.Clone()
	t.Credentials = maps.Clone(t.Credentials)
	return t
}

// Unique returns a name that no other run uses, for objects a scenario
// creates on a live target: prefix, a dash and eight random lower-case
// alphanumerics, which every chat API accepts in names. Characters of
// prefix outside [0-9a-zA-Z._-] become "-".
func (s *S) Unique(prefix string) string {
	var b strings.Builder
	for _, c := range prefix {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-', c == '_', c == '.':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() > 0 {
		b.WriteByte('-')
	}
	// rand.Text is base32: A-Z and 2-7, so 40 random bits in 8 characters.
	b.WriteString(strings.ToLower(rand.Text()[:8]))
	return b.String()
}

// Fail fails the current step with a message and ends it. Outside a step
// it fails the scenario, whose later steps are then skipped, and returns.
func (s *S) Fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if r := s.current(); r != nil {
		r.fail(msg)
		runtime.Goexit()
	}
	s.failOutside(msg)
}

// Logf records a line in the report of the current step, or of the
// scenario outside steps; verbose reports show it.
func (s *S) Logf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if r := s.current(); r != nil {
		r.log(msg)
		return
	}
	s.mu.Lock()
	s.res.Logs = append(s.res.Logs, msg)
	s.mu.Unlock()
	if s.obs.log != nil {
		s.obs.log(msg)
	}
}

// failOutside records a failure raised outside any step in a step result
// of its own, so that every report counts it like a failed step.
func (s *S) failOutside(msg string) {
	msg = trimMessage(msg)
	s.mu.Lock()
	steps := s.res.Steps
	if n := len(steps); n > 0 && steps[n-1].Name == outsideSteps && steps[n-1].Status == Failed {
		steps[n-1].Failures = append(steps[n-1].Failures, msg)
	} else {
		s.res.Steps = append(steps, StepResult{Name: outsideSteps, Status: Failed, Failures: []string{msg}})
	}
	if s.stopped == "" {
		s.stopped = "the scenario failed outside its steps"
	}
	s.mu.Unlock()
	if s.obs.fail != nil {
		s.obs.fail(msg)
	}
}

// panicMessage describes a recovered panic and where it was raised.
func panicMessage(p any) string {
	msg := fmt.Sprintf("panic: %v", p)
	if at := panicSite(); at != "" {
		msg += " (at " + at + ")"
	}
	return msg
}

// panicSite returns "file.go:line" of the frame that panicked: the first
// frame outside the runtime below runtime.gopanic. It must be called from
// the deferred function that recovered.
func panicSite() string {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	panicking := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			panicking = true
		case panicking && !strings.HasPrefix(f.Function, "runtime."):
			return fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
		}
		if !more {
			return ""
		}
	}
}

// stepRun collects what happens during one step. Its methods may be
// called from the step's goroutine and from transports.
type stepRun struct {
	mu   sync.Mutex
	res  StepResult
	last string        // "METHOD /path" of the latest request
	resp *lastResponse // the answer to the latest request; nil until it comes
	done bool
	echo func(string)
}

func (r *stepRun) fail(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.done {
		r.res.Failures = append(r.res.Failures, trimMessage(msg))
	}
}

func (r *stepRun) violate(v Violation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.done {
		r.res.Violations = append(r.res.Violations, v)
	}
}

func (r *stepRun) log(msg string) {
	r.mu.Lock()
	if !r.done {
		r.res.Logs = append(r.res.Logs, msg)
	}
	echo := r.echo
	r.mu.Unlock()
	if echo != nil {
		echo(msg)
	}
}

func (r *stepRun) sent(request string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last = request
	r.resp = nil
	if !r.done {
		r.res.Requests++
	}
}

func (r *stepRun) lastRequest() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

func (r *stepRun) received(c *lastResponse) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.resp = c
}

// finish seals the step and returns its result: a failed step keeps the
// start of the last response it got.
func (r *stepRun) finish(d time.Duration) StepResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done = true
	r.res.Duration = d
	r.res.Status = Passed
	if len(r.res.Failures) > 0 || len(r.res.Violations) > 0 {
		r.res.Status = Failed
		if r.resp != nil {
			r.res.Response = r.resp.response()
		}
	}
	return r.res
}

// stepTransport adds the target's headers and counts and names the
// requests of a step.
type stepTransport struct {
	next   http.RoundTripper
	header http.Header
	prefix string
	run    *stepRun
}

func (t *stepTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if len(t.header) > 0 {
		req = req.Clone(req.Context())
		for k, vs := range t.header {
			if req.Header.Get(k) != "" {
				continue
			}
			for _, v := range vs {
				req.Header.Add(k, v)
			}
		}
	}
	path, _ := apiPath(req.URL, t.prefix)
	request := req.Method + " " + path
	t.run.sent(request)
	resp, err := t.next.RoundTrip(req)
	if resp != nil && resp.Request == nil {
		resp.Request = req
	}
	if err != nil {
		return resp, err
	}
	// The body is read here, as httpexpect would read it, so that a failed
	// step can show it even when it failed before looking at the body.
	body, err := readBody(resp)
	if err != nil {
		return nil, fmt.Errorf("contracts: read response to %s: %w", request, err)
	}
	t.run.received(&lastResponse{request: request, status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: body})
	return resp, nil
}

// maxResponseBody caps how much of a failed step's last response its
// result keeps.
const maxResponseBody = 1 << 10

// lastResponse is the latest response of a step.
type lastResponse struct {
	request, contentType string
	status               int
	body                 []byte
}

// response returns what a report keeps of r: its body cut to
// maxResponseBody bytes, or none if it is not UTF-8 text.
func (r *lastResponse) response() *Response {
	head := r.body[:min(len(r.body), maxResponseBody)]
	if len(head) < len(r.body) {
		// The cut may split a character: drop its first bytes.
		for i := 0; i < utf8.UTFMax-1 && len(head) > 0 && !utf8.Valid(head); i++ {
			head = head[:len(head)-1]
		}
	}
	body := string(head)
	if !utf8.Valid(head) {
		body = ""
	}
	return &Response{
		Request:     r.request,
		Status:      r.status,
		ContentType: r.contentType,
		Body:        body,
		Size:        len(r.body),
	}
}

// stepHandler records httpexpect assertion failures in the step and ends
// the step's goroutine at the first one.
type stepHandler struct {
	run    *stepRun
	prefix string
}

func (h *stepHandler) Success(*httpexpect.AssertionContext) {}

func (h *stepHandler) Failure(ctx *httpexpect.AssertionContext, f *httpexpect.AssertionFailure) {
	request := h.run.lastRequest()
	if ctx.Response != nil {
		if raw := ctx.Response.Raw(); raw != nil && raw.Request != nil {
			path, _ := apiPath(raw.Request.URL, h.prefix)
			request = raw.Request.Method + " " + path
		}
	}
	msg := formatFailure(ctx, f, request)
	if f.Severity == httpexpect.SeverityLog {
		h.run.log(msg)
		return
	}
	h.run.fail(msg)
	runtime.Goexit()
}
