package contracts

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gavv/httpexpect/v2"
)

// petsTarget serves a pet store committing fault in process.
func petsTarget(fault string) Target {
	return InProcess(newPetStore(fault), petsPrefix)
}

// adopt is a conforming scenario: create, fetch, delete, fetch again.
func adopt(t testing.TB) Scenario {
	return Scenario{
		API:  "pets",
		Name: "adopt",
		Doc:  "A pet that was created can be fetched until it is deleted.",
		Spec: petsSpec(t),
		Run: func(s *S) {
			var id int
			s.Step("create", func(e *httpexpect.Expect) {
				obj := e.POST("/pets").WithJSON(map[string]any{"name": "Fido"}).
					Expect().Status(http.StatusCreated).JSON().Object()
				obj.Value("name").String().IsEqual("Fido")
				id = int(obj.Value("id").Number().Raw())
				s.Logf("created pet %d", id)
			})
			s.Step("fetch", func(e *httpexpect.Expect) {
				e.GET("/pets/{id}", id).Expect().Status(http.StatusOK).
					JSON().Object().Value("name").String().IsEqual("Fido")
			})
			s.Step("delete", func(e *httpexpect.Expect) {
				e.DELETE("/pets/{id}", id).Expect().Status(http.StatusNoContent)
			})
			s.Step("fetch deleted", func(e *httpexpect.Expect) {
				e.GET("/pets/{id}", id).Expect().Status(http.StatusNotFound).
					JSON().Object().ContainsKey("error")
			})
		},
	}
}

// fetchRex fetches pet 1 and checks its name.
func fetchRex(t testing.TB) Scenario {
	return Scenario{
		API: "pets", Name: "fetch-rex", Spec: petsSpec(t),
		Run: func(s *S) {
			s.Step("fetch", func(e *httpexpect.Expect) {
				e.GET("/pets/1").Expect().JSON().Object().Value("name").IsEqual("Rex")
			})
			s.Step("after", func(e *httpexpect.Expect) {
				e.GET("/pets/1").Expect()
			})
		},
	}
}

// statuses returns "name=status" for every step of every scenario.
func statuses(r *Report) []string {
	var out []string
	for _, sc := range r.Scenarios {
		for _, st := range sc.Steps {
			out = append(out, st.Name+"="+string(st.Status))
		}
	}
	return out
}

func TestRunConforming(t *testing.T) {
	r := Run(t.Context(), petsTarget(faultNone), adopt(t))
	want := []string{"create=passed", "fetch=passed", "delete=passed", "fetch deleted=passed"}
	if got := statuses(r); !slices.Equal(got, want) {
		t.Fatalf("steps = %v, want %v", got, want)
	}
	if !r.Passed() {
		t.Error("Passed() = false for a conforming run")
	}
	if p, f, s := r.Counts(); p != 4 || f != 0 || s != 0 {
		t.Errorf("Counts() = %d, %d, %d; want 4, 0, 0", p, f, s)
	}
	for _, st := range r.Scenarios[0].Steps {
		if st.Requests != 1 {
			t.Errorf("step %q made %d requests, want 1", st.Name, st.Requests)
		}
	}
	if logs := r.Scenarios[0].Steps[0].Logs; !slices.Equal(logs, []string{"created pet 2"}) {
		t.Errorf("logs of create = %q", logs)
	}
	if r.Target != "in-process" {
		t.Errorf("Target = %q", r.Target)
	}
}

func TestRunMisbehaviour(t *testing.T) {
	tests := []struct {
		fault string
		want  string // the one violation of step "fetch"
	}{
		{faultWrongType, "GET /pets/1 -> 200 (getPet): response body /id: value must be an integer"},
		{faultMissingField, `GET /pets/1 -> 200 (getPet): response body /name: property "name" is missing`},
		{faultUndeclaredStatus, "GET /pets/1 -> 418 (getPet): status is not declared for this operation"},
		{faultWrongContentType, `GET /pets/1 -> 200 (getPet): response header Content-Type has unexpected value: "text/plain; charset=utf-8"`},
	}
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			// The scenario asserts nothing the faults break, so the
			// violation alone must fail the step.
			sc := Scenario{API: "pets", Name: "fetch", Spec: petsSpec(t), Run: func(s *S) {
				s.Step("fetch", func(e *httpexpect.Expect) { e.GET("/pets/1").Expect() })
				s.Step("after", func(e *httpexpect.Expect) { e.GET("/pets/1").Expect() })
			}}
			r := Run(t.Context(), petsTarget(tt.fault), sc)
			if got, want := statuses(r), []string{"fetch=failed", "after=skipped"}; !slices.Equal(got, want) {
				t.Fatalf("steps = %v, want %v", got, want)
			}
			st := r.Scenarios[0].Steps[0]
			if len(st.Violations) != 1 || st.Violations[0].String() != tt.want {
				t.Fatalf("violations = %v, want [%s]", st.Violations, tt.want)
			}
			if st.Violations[0].Step != "fetch" {
				t.Errorf("violation names step %q, want fetch", st.Violations[0].Step)
			}
			if len(st.Failures) != 0 {
				t.Errorf("unexpected assertion failures: %q", st.Failures)
			}
			if r.Passed() {
				t.Error("Passed() = true for a run with a violation")
			}
		})
	}
}

func TestAssertionFailure(t *testing.T) {
	reached := false
	sc := Scenario{API: "pets", Name: "wrong-name", Spec: petsSpec(t), Run: func(s *S) {
		s.Step("fetch", func(e *httpexpect.Expect) {
			e.GET("/pets/1").Expect().Status(http.StatusOK).
				JSON().Object().Value("name").String().IsEqual("Fido")
			reached = true
		})
		s.Step("later", func(e *httpexpect.Expect) { t.Error("a step after a failed one ran") })
	}}
	r := Run(t.Context(), petsTarget(faultNone), sc)
	if reached {
		t.Error("the step went on after its first failed assertion")
	}
	steps := r.Scenarios[0].Steps
	if got, want := statuses(r), []string{"fetch=failed", "later=skipped"}; !slices.Equal(got, want) {
		t.Fatalf("steps = %v, want %v", got, want)
	}
	if len(steps[0].Failures) != 1 {
		t.Fatalf("failures = %q, want one", steps[0].Failures)
	}
	msg := steps[0].Failures[0]
	for _, want := range []string{"GET /pets/1: ", `Value("name")`, `"Fido"`, `"Rex"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure message lacks %q:\n%s", want, msg)
		}
	}
	if !strings.HasPrefix(msg, "GET /pets/1: ") {
		t.Errorf("failure message does not start with the request:\n%s", msg)
	}
	if want := `step "fetch" failed`; steps[1].SkipReason != want {
		t.Errorf("skip reason = %q, want %q", steps[1].SkipReason, want)
	}
}

func TestStepFailures(t *testing.T) {
	tests := []struct {
		name  string
		step  func(s *S, e *httpexpect.Expect)
		creds map[string]string
		want  *regexp.Regexp // the one failure of the step
	}{
		{
			name: "panic",
			step: func(s *S, e *httpexpect.Expect) { panic("boom") },
			want: regexp.MustCompile(`^panic: boom \(at run_test\.go:\d+\)$`),
		},
		{
			name: "nil pointer",
			step: func(s *S, e *httpexpect.Expect) {
				var m map[string]*int
				_ = *m["x"]
			},
			want: regexp.MustCompile(`^panic: runtime error: invalid memory address or nil pointer dereference \(at run_test\.go:\d+\)$`),
		},
		{
			name: "Fail",
			step: func(s *S, e *httpexpect.Expect) { s.Fail("pet %d is %s", 1, "missing") },
			want: regexp.MustCompile(`^pet 1 is missing$`),
		},
		{
			name: "missing credential",
			step: func(s *S, e *httpexpect.Expect) {
				e.GET("/pets/1").WithHeader("Authorization", "Bearer "+s.Credential("token")).Expect()
			},
			creds: map[string]string{"username": "u", "password": "p"},
			want:  regexp.MustCompile(`^missing credential "token": the target provides password, username$`),
		},
		{
			name: "missing credential, none given",
			step: func(s *S, e *httpexpect.Expect) { s.Credential("token") },
			want: regexp.MustCompile(`^missing credential "token": the target provides none$`),
		},
		{
			name: "nested step",
			step: func(s *S, e *httpexpect.Expect) { s.Step("inner", func(*httpexpect.Expect) {}) },
			want: regexp.MustCompile(`^Step "inner" called inside step "outer": steps cannot nest$`),
		},
		{
			name: "request error",
			step: func(s *S, e *httpexpect.Expect) { e.GET("/pets/1").WithURL("http://127.0.0.1:1/").Expect() },
			want: regexp.MustCompile(`(?s)^GET /pets/1: failed to send http request\n.*connection refused`),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reached := false
			target := petsTarget(faultNone)
			if tt.name == "request error" {
				target.Transport = nil // the real network, for a refused connection
			}
			target.Credentials = tt.creds
			sc := Scenario{API: "pets", Name: "x", Spec: petsSpec(t), Run: func(s *S) {
				s.Step("outer", func(e *httpexpect.Expect) {
					tt.step(s, e)
					reached = true
				})
				s.Step("next", func(*httpexpect.Expect) {})
			}}
			r := Run(t.Context(), target, sc)
			if got, want := statuses(r), []string{"outer=failed", "next=skipped"}; !slices.Equal(got, want) {
				t.Fatalf("steps = %v, want %v", got, want)
			}
			if reached {
				t.Error("the step went on after failing")
			}
			f := r.Scenarios[0].Steps[0].Failures
			if len(f) != 1 || !tt.want.MatchString(f[0]) {
				t.Errorf("failures = %q, want one matching %s", f, tt.want)
			}
		})
	}
}

func TestFailuresOutsideSteps(t *testing.T) {
	tests := []struct {
		name string
		sc   Scenario
		want string
	}{
		{
			name: "missing credential",
			sc: Scenario{API: "pets", Name: "x", Spec: petsSpec(t), Run: func(s *S) {
				if tok := s.Credential("token"); tok != "" {
					t.Errorf("Credential returned %q for a missing key", tok)
				}
				s.Step("use token", func(*httpexpect.Expect) { t.Error("step ran after a failed scenario") })
			}},
			want: `missing credential "token": the target provides none`,
		},
		{
			name: "panic",
			sc: Scenario{API: "pets", Name: "x", Spec: petsSpec(t), Run: func(s *S) {
				s.Step("use token", func(*httpexpect.Expect) {})
				panic("setup broke")
			}},
			want: "panic: setup broke",
		},
		{
			name: "unknown API",
			sc: Scenario{API: "no-such-api", Name: "x", Run: func(s *S) {
				s.Step("use token", func(*httpexpect.Expect) { t.Error("step ran without a spec") })
			}},
			want: `cannot check responses: openapi: unknown API "no-such-api"`,
		},
		{
			name: "no Run",
			sc:   Scenario{API: "pets", Name: "x", Spec: petsSpec(t)},
			want: "scenario has no Run function",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Run(t.Context(), petsTarget(faultNone), tt.sc)
			var outside *StepResult
			for i, st := range r.Scenarios[0].Steps {
				switch {
				case st.Name == outsideSteps:
					outside = &r.Scenarios[0].Steps[i]
				case st.Status == Failed:
					t.Errorf("step %q failed: %q", st.Name, st.Failures)
				}
			}
			if outside == nil {
				t.Fatalf("no %q step in %v", outsideSteps, statuses(r))
			}
			if outside.Status != Failed || len(outside.Failures) != 1 || !strings.HasPrefix(outside.Failures[0], tt.want) {
				t.Errorf("%s = %s %q, want failed with %q", outsideSteps, outside.Status, outside.Failures, tt.want)
			}
			if r.Passed() {
				t.Error("Passed() = true")
			}
		})
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	sc := Scenario{API: "pets", Name: "x", Spec: petsSpec(t), Run: func(s *S) {
		s.Step("first", func(e *httpexpect.Expect) {
			e.GET("/pets/1").Expect().Status(http.StatusOK)
			cancel()
		})
		s.Step("second", func(*httpexpect.Expect) { t.Error("a step ran after cancellation") })
	}}
	r := Run(ctx, petsTarget(faultNone), sc, fetchRex(t))
	want := []string{"first=passed", "second=skipped", "fetch=skipped", "after=skipped"}
	if got := statuses(r); !slices.Equal(got, want) {
		t.Fatalf("steps = %v, want %v", got, want)
	}
	if got := r.Scenarios[0].Steps[1].SkipReason; got != "run interrupted: context canceled" {
		t.Errorf("skip reason = %q", got)
	}
	if r.Interrupted != "context canceled" || r.Passed() {
		t.Errorf("Interrupted = %q, Passed() = %v; want interrupted and not passed", r.Interrupted, r.Passed())
	}
}

func TestRunCancelledMidRequest(t *testing.T) {
	started := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	}))
	defer srv.Close()

	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-started
		cancel()
	}()
	sc := Scenario{API: "pets", Name: "x", Spec: petsSpec(t), Run: func(s *S) {
		s.Step("hang", func(e *httpexpect.Expect) { e.GET("/pets/1").Expect() })
	}}
	r := Run(ctx, Target{BaseURL: srv.URL + petsPrefix}, sc)
	st := r.Scenarios[0].Steps[0]
	if st.Status != Failed || len(st.Failures) != 1 || !strings.Contains(st.Failures[0], "context canceled") {
		t.Errorf("step = %s %q, want failed by cancellation", st.Status, st.Failures)
	}
	if r.Interrupted == "" {
		t.Error("report not marked interrupted")
	}
	if r.Target != srv.URL+petsPrefix {
		t.Errorf("Target = %q, want the base URL", r.Target)
	}
}

func TestTargetHeader(t *testing.T) {
	target := petsTarget(faultNone)
	target.Header = http.Header{"X-Namespace": {"from-target"}}
	sc := Scenario{API: "pets", Name: "x", Spec: petsSpec(t), Run: func(s *S) {
		s.Step("default", func(e *httpexpect.Expect) {
			e.GET("/pets/1").Expect().Header("X-Seen-Namespace").IsEqual("from-target")
		})
		s.Step("overridden", func(e *httpexpect.Expect) {
			e.GET("/pets/1").WithHeader("X-Namespace", "from-step").Expect().
				Header("X-Seen-Namespace").IsEqual("from-step")
		})
	}}
	r := Run(t.Context(), target, sc)
	if !r.Passed() {
		t.Errorf("steps = %v: %+v", statuses(r), r.Scenarios[0].Steps)
	}
	if len(target.Header) != 1 || target.Header.Get("X-Namespace") != "from-target" {
		t.Errorf("target header changed: %v", target.Header)
	}
}

func TestCredential(t *testing.T) {
	target := petsTarget(faultNone)
	target.Credentials = map[string]string{"token": "s3cret"}
	var got string
	Run(t.Context(), target, Scenario{API: "pets", Name: "x", Spec: petsSpec(t), Run: func(s *S) {
		got = s.Credential("token")
	}})
	if got != "s3cret" {
		t.Errorf("Credential = %q, want s3cret", got)
	}
}

// LookupCredential finds what Credential finds, treats an empty value as
// none, and fails nothing.
func TestLookupCredential(t *testing.T) {
	target := petsTarget(faultNone)
	target.Credentials = map[string]string{"token": "s3cret", "blank": ""}
	type found struct {
		v  string
		ok bool
	}
	got := map[string]found{}
	r := Run(t.Context(), target, Scenario{API: "pets", Name: "x", Spec: petsSpec(t), Run: func(s *S) {
		for _, k := range []string{"token", "blank", "absent"} {
			v, ok := s.LookupCredential(k)
			got[k] = found{v, ok}
		}
		s.Step("after", func(e *httpexpect.Expect) { e.GET("/pets/1").Expect().Status(http.StatusOK) })
	}})
	want := map[string]found{"token": {"s3cret", true}, "blank": {"", false}, "absent": {"", false}}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("LookupCredential(%q) = %q, %v; want %q, %v", k, got[k].v, got[k].ok, w.v, w.ok)
		}
	}
	if !r.Passed() {
		t.Errorf("a missing credential looked up failed the scenario: %v", statuses(r))
	}
}

func TestUnique(t *testing.T) {
	valid := regexp.MustCompile(`^[0-9a-zA-Z\-_.]+$`)
	tests := []struct {
		prefix string
		want   *regexp.Regexp
	}{
		{"room", regexp.MustCompile(`^room-[0-9a-z]{8}$`)},
		{"Bulk_Invites.v2", regexp.MustCompile(`^Bulk_Invites\.v2-[0-9a-z]{8}$`)},
		{"my room/#1", regexp.MustCompile(`^my-room--1-[0-9a-z]{8}$`)},
		{"", regexp.MustCompile(`^[0-9a-z]{8}$`)},
	}
	s := &S{}
	seen := map[string]bool{}
	for _, tt := range tests {
		for range 50 {
			u := s.Unique(tt.prefix)
			if !tt.want.MatchString(u) || !valid.MatchString(u) {
				t.Fatalf("Unique(%q) = %q, want match for %s", tt.prefix, u, tt.want)
			}
			if seen[u] {
				t.Fatalf("Unique(%q) repeated %q", tt.prefix, u)
			}
			seen[u] = true
		}
	}
}

// normalize zeroes what differs between runs of the same scenarios:
// times, durations and the target's name.
func normalize(r *Report) *Report {
	r.Started, r.Duration, r.Target = time.Time{}, 0, "target"
	for i := range r.Scenarios {
		sc := &r.Scenarios[i]
		sc.Duration = 0
		for j := range sc.Steps {
			sc.Steps[j].Duration = 0
		}
	}
	return r
}

func TestInProcessMatchesServer(t *testing.T) {
	for _, fault := range []string{faultNone, faultWrongType, faultUndeclaredStatus} {
		t.Run("fault="+fault, func(t *testing.T) {
			scenarios := []Scenario{adopt(t), fetchRex(t)}
			inProc := Run(t.Context(), petsTarget(fault), scenarios...)

			srv := httptest.NewServer(newPetStore(fault))
			defer srv.Close()
			live := Run(t.Context(), Target{BaseURL: srv.URL + petsPrefix}, scenarios...)

			var a, b strings.Builder
			if err := normalize(inProc).WriteJSON(&a); err != nil {
				t.Fatal(err)
			}
			if err := normalize(live).WriteJSON(&b); err != nil {
				t.Fatal(err)
			}
			if a.String() != b.String() {
				t.Errorf("reports differ:\nin-process:\n%s\nserver:\n%s", a.String(), b.String())
			}
		})
	}
}

func TestCleanup(t *testing.T) {
	deleteRex := func(s *S) {
		s.Cleanup("clean up", func(e *httpexpect.Expect) {
			e.DELETE("/pets/1").Expect().Status(http.StatusNoContent)
		})
	}
	tests := []struct {
		name   string
		cancel bool // cancel the run in the first step
		run    func(s *S)
		want   []string
	}{
		{
			name: "after passing steps",
			run: func(s *S) {
				defer deleteRex(s)
				s.Step("fetch", func(e *httpexpect.Expect) { e.GET("/pets/1").Expect().Status(http.StatusOK) })
			},
			want: []string{"fetch=passed", "clean up=passed"},
		},
		{
			name: "after a failed step",
			run: func(s *S) {
				defer deleteRex(s)
				s.Step("fail", func(e *httpexpect.Expect) { e.GET("/pets/1").Expect().Status(http.StatusTeapot) })
				s.Step("skipped", func(*httpexpect.Expect) {})
			},
			want: []string{"fail=failed", "skipped=skipped", "clean up=passed"},
		},
		{
			name: "after a panic outside steps",
			run: func(s *S) {
				defer deleteRex(s)
				s.Step("fetch", func(e *httpexpect.Expect) { e.GET("/pets/1").Expect().Status(http.StatusOK) })
				panic("broken setup")
			},
			want: []string{"fetch=passed", "clean up=passed", "(scenario)=failed"},
		},
		{
			name: "after cancellation",
			run: func(s *S) {
				defer deleteRex(s)
				s.Step("fetch", func(e *httpexpect.Expect) { e.GET("/pets/1").Expect().Status(http.StatusOK) })
				s.Step("skipped", func(*httpexpect.Expect) {})
			},
			cancel: true,
			want:   []string{"fetch=skipped", "skipped=skipped", "clean up=passed"},
		},
		{
			name: "not when no step ran",
			run: func(s *S) {
				defer deleteRex(s)
				s.Credential("token")
				s.Step("fetch", func(e *httpexpect.Expect) { e.GET("/pets/1").Expect().Status(http.StatusOK) })
			},
			want: []string{"(scenario)=failed", "fetch=skipped", "clean up=skipped"},
		},
		{
			name: "a failing cleanup fails",
			run: func(s *S) {
				s.Step("fetch", func(e *httpexpect.Expect) { e.GET("/pets/1").Expect().Status(http.StatusOK) })
				s.Cleanup("clean up twice", func(e *httpexpect.Expect) {
					e.DELETE("/pets/1").Expect().Status(http.StatusNoContent)
					e.DELETE("/pets/1").Expect().Status(http.StatusNoContent)
				})
			},
			want: []string{"fetch=passed", "clean up twice=failed"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A real server, so that a cancelled context would fail the
			// cleanup's requests if it were not replaced.
			srv := httptest.NewServer(newPetStore(faultNone))
			defer srv.Close()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			run := tt.run
			if tt.cancel {
				run = func(s *S) {
					s.Step("cancel", func(*httpexpect.Expect) { cancel() })
					tt.run(s)
				}
				tt.want = append([]string{"cancel=passed"}, tt.want...)
			}
			r := Run(ctx, Target{BaseURL: srv.URL + petsPrefix}, Scenario{API: "pets", Name: "x", Spec: petsSpec(t), Run: run})
			if got := statuses(r); !slices.Equal(got, tt.want) {
				t.Fatalf("steps = %v, want %v\n%+v", got, tt.want, r.Scenarios[0].Steps)
			}
		})
	}
}
