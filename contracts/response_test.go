package contracts

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gavv/httpexpect/v2"
)

// bodyTarget answers every request with status and body, as JSON.
func bodyTarget(t *testing.T, status int, body []byte) Target {
	t.Helper()
	return InProcess(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}), "")
}

// fetchOnce is a scenario of one step that GETs /pets/1 and expects 200.
func fetchOnce(t *testing.T) Scenario {
	return Scenario{API: "pets", Name: "fetch", Spec: petsSpec(t), Run: func(s *S) {
		s.Step("fetch", func(e *httpexpect.Expect) { e.GET("/pets/1").Expect().Status(http.StatusOK) })
	}}
}

func TestFailedStepKeepsResponse(t *testing.T) {
	long := `{"error":"x` + strings.Repeat("é", 2000) + `"}` // two bytes a character after 11: the cut at 1024 splits one
	tests := []struct {
		name   string
		status int
		body   string
		want   Response
		text   string // what the text report shows after "response: "
	}{
		{"short", 500, `{"error":"boom"}`,
			Response{Request: "GET /pets/1", Status: 500, ContentType: "application/json", Body: `{"error":"boom"}`, Size: 16},
			"500 application/json to GET /pets/1:\n                {\"error\":\"boom\"}\n"},
		{"empty", 503, "",
			Response{Request: "GET /pets/1", Status: 503, ContentType: "application/json", Body: "", Size: 0},
			"503 application/json to GET /pets/1, empty body\n"},
		{"cut", 500, long,
			Response{Request: "GET /pets/1", Status: 500, ContentType: "application/json", Body: long[:1023], Size: len(long)},
			"500 application/json to GET /pets/1:\n                " + long[:1023] + "\n                ... (cut: first 1023 of 4013 bytes)\n"},
		{"not text", 500, "\xff\xfe\x00binary",
			Response{Request: "GET /pets/1", Status: 500, ContentType: "application/json", Body: "", Size: 9},
			"500 application/json to GET /pets/1, 9 bytes of body that is not text\n"},
		{"control characters", 500, "a\x1b[2Jb\r\nc",
			Response{Request: "GET /pets/1", Status: 500, ContentType: "application/json", Body: "a\x1b[2Jb\r\nc", Size: 9},
			"500 application/json to GET /pets/1:\n                a\uFFFD[2Jb\n                c\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Run(t.Context(), bodyTarget(t, tt.status, []byte(tt.body)), fetchOnce(t))
			st := r.Scenarios[0].Steps[0]
			if st.Status != Failed {
				t.Fatalf("step %s, want failed", st.Status)
			}
			if st.Response == nil || *st.Response != tt.want {
				t.Fatalf("Response = %+v, want %+v", st.Response, tt.want)
			}
			var buf bytes.Buffer
			if err := r.WriteText(&buf, false); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), "      response: "+tt.text) {
				t.Errorf("text report does not show\n%s---\n%s", tt.text, buf.String())
			}
		})
	}
}

// Passed steps keep no response; a failed step whose last request got no
// answer shows none, not an earlier one.
func TestResponseOnlyForFailedSteps(t *testing.T) {
	sc := Scenario{API: "pets", Name: "mixed", Spec: petsSpec(t), Run: func(s *S) {
		s.Step("fetch", func(e *httpexpect.Expect) { e.GET("/pets/1").Expect().Status(http.StatusOK) })
		s.Step("fetch then fail to connect", func(e *httpexpect.Expect) {
			e.GET("/pets/1").Expect().Status(http.StatusOK)
			e.GET("/pets/2").Expect().Status(http.StatusOK)
		})
	}}
	h := newPetStore(faultNone)
	target := InProcess(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/pets/2") {
			panic(http.ErrAbortHandler) // no answer
		}
		h.ServeHTTP(w, r)
	}), petsPrefix)
	target.Transport = failOn("/pets/2", target.Transport)
	r := Run(t.Context(), target, sc)
	steps := r.Scenarios[0].Steps
	if steps[0].Status != Passed || steps[0].Response != nil {
		t.Errorf("passed step: %s, Response %+v; want no response kept", steps[0].Status, steps[0].Response)
	}
	if steps[1].Status != Failed || steps[1].Response != nil {
		t.Errorf("step whose last request got no answer: %s, Response %+v; want failed with no response", steps[1].Status, steps[1].Response)
	}
}

// failOn fails requests whose path ends with suffix, as a dead connection
// would.
func failOn(suffix string, next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if strings.HasSuffix(req.URL.Path, suffix) {
			return nil, errors.New("connection reset by peer")
		}
		return next.RoundTrip(req)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

func TestRunWithStreamsScenarios(t *testing.T) {
	var order []string
	mark := func(name string) Scenario {
		return Scenario{API: "pets", Name: name, Spec: petsSpec(t), Run: func(s *S) {
			order = append(order, "run "+name)
			s.Step("fetch", func(e *httpexpect.Expect) { e.GET("/pets/1").Expect().Status(http.StatusOK) })
		}}
	}
	var streamed bytes.Buffer
	tw := NewTextWriter(&streamed, true)
	tw.Start("in-process")
	r := RunWith(t.Context(), petsTarget(faultNone), RunOptions{OnScenario: func(sc ScenarioResult) {
		order = append(order, "done "+sc.Name)
		tw.Scenario(sc)
	}}, mark("one"), mark("two"))
	if err := tw.End(r); err != nil {
		t.Fatal(err)
	}
	if want := []string{"run one", "done one", "run two", "done two"}; strings.Join(order, ",") != strings.Join(want, ",") {
		t.Errorf("order %v, want %v", order, want)
	}
	// Streamed, the text report is the one WriteText writes.
	var whole bytes.Buffer
	if err := r.WriteText(&whole, true); err != nil {
		t.Fatal(err)
	}
	if streamed.String() != whole.String() {
		t.Errorf("streamed report differs from WriteText:\n%s\n---\n%s", streamed.String(), whole.String())
	}
}

func TestTargetRequestTimeout(t *testing.T) {
	hung := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hung }))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(hung) })
	target := Target{BaseURL: ts.URL, RequestTimeout: 100 * time.Millisecond}
	start := time.Now()
	r := Run(t.Context(), target, fetchOnce(t))
	if took := time.Since(start); took < 100*time.Millisecond {
		t.Errorf("gave up after %s, before the 100ms timeout", took)
	}
	st := r.Scenarios[0].Steps[0]
	if st.Status != Failed || len(st.Failures) == 0 || !strings.Contains(st.Failures[0], "Client.Timeout exceeded") && !strings.Contains(st.Failures[0], "context deadline exceeded") {
		t.Errorf("step %s %q, want failed on the client timeout", st.Status, st.Failures)
	}
	if r.Interrupted != "" {
		t.Errorf("run interrupted (%s): the request should time out, not the run", r.Interrupted)
	}

	// Probe obeys it too, and says so.
	_, _, err := target.Probe(t.Context(), "/")
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) || unreachable.Error() != "target "+ts.URL+" is unreachable: no answer within 100ms" {
		t.Errorf("Probe of a hanging target = %v", err)
	}
}

func TestProbe(t *testing.T) {
	var got *http.Request
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte("who are you"))
	}))
	t.Cleanup(ts.Close)
	target := Target{BaseURL: ts.URL + "/api/", Header: http.Header{"X-Namespace": {"ns1"}}, Credentials: map[string]string{"password": "secret"}}
	status, body, err := target.Probe(t.Context(), "/info")
	if err != nil || status != http.StatusUnauthorized || string(body) != "who are you" {
		t.Fatalf("Probe = %d %q %v, want 401 and the body", status, body, err)
	}
	if got.Method != http.MethodGet || got.URL.Path != "/api/info" || got.Header.Get("X-Namespace") != "ns1" || got.Header.Get("Authorization") != "" {
		t.Errorf("Probe sent %s %s with %v", got.Method, got.URL.Path, got.Header)
	}

	ts.Close()
	_, _, err = target.Probe(t.Context(), "/info")
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) || unreachable.Reason != "connection refused" {
		t.Errorf("Probe of a closed port = %v, want connection refused", err)
	}
}
