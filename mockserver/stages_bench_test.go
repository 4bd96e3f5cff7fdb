package mockserver

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/standin/standin/openapi"
)

// The pipeline's stages one at a time, on Rocket.Chat's spec and the
// requests `make bench-http` sends (BenchmarkHotPath in
// mockserver/rocketchat runs them whole; its BenchmarkStage* the API's own
// stages, authentication and handler), so that a regression shows in
// `make bench` as the stage that grew.

// stageRequests are the requests of make bench-http, as the pipeline has
// them by the time each stage runs.
var stageRequests = []struct {
	name, method, target, body string
	valid                      bool
}{
	{"channelsInfo", http.MethodGet, "/api/v1/channels.info?roomName=general", "", true},
	{"invite", http.MethodPost, "/api/v1/channels.invite", `{"roomId":"GENERAL","userId":"u1"}`, true},
	{"inviteInvalid", http.MethodPost, "/api/v1/channels.invite", `{"roomId":5}`, false},
}

func stageRequest(method, target, body string) *http.Request {
	r := httptest.NewRequest(method, "http://127.0.0.1"+target, bytes.NewReader([]byte(body)))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Auth-Token", "a-login-token-of-43-characters-long-as-rc-")
	r.Header.Set("X-User-Id", "u1")
	return r
}

func BenchmarkStageRoute(b *testing.B) {
	router, err := legacy.NewRouter(openapi.MustLoad("rocketchat"))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range stageRequests[:2] {
		b.Run(c.name, func(b *testing.B) {
			r := stageRequest(c.method, c.target, c.body)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := openapi.FindRoute(router, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkStageValidate(b *testing.B) {
	router, err := legacy.NewRouter(openapi.MustLoad("rocketchat"))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range stageRequests {
		b.Run(c.name, func(b *testing.B) {
			r := stageRequest(c.method, c.target, c.body)
			route, params, err := openapi.FindRoute(router, r)
			if err != nil {
				b.Fatal(err)
			}
			body := []byte(c.body)
			var quick acceptors
			b.ReportAllocs()
			for b.Loop() {
				// As readBody leaves it: re-readable from memory.
				r.Body = io.NopCloser(bytes.NewReader(body))
				if e := validateRequest(context.Background(), r, route, params, body, &quick); (e == nil) != c.valid {
					b.Fatalf("valid %v, want %v: %v", e == nil, c.valid, e)
				}
			}
		})
	}
}

// BenchmarkStageJournal is what finish does after a request: the log
// record (dropped, as --quiet drops it, or formatted as text) and the
// journal entry; /read is what reading one entry back costs, redaction
// included.
func BenchmarkStageJournal(b *testing.B) {
	reply := []byte(`{"channel":{"_id":"GENERAL","name":"general","t":"c","usersCount":3,"msgs":0,"ts":"2026-03-02T10:00:00.000Z"},"success":true}`)
	for _, logger := range []struct {
		name string
		log  *slog.Logger
	}{
		{"quiet", slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))},
		{"logged", slog.New(slog.NewTextHandler(io.Discard, nil))},
	} {
		b.Run(logger.name, func(b *testing.B) {
			s := New(Options{Logger: logger.log})
			c := stageRequests[1]
			r := stageRequest(c.method, c.target, c.body)
			rec := &recorder{ResponseWriter: httptest.NewRecorder(), status: http.StatusOK, api: "rocketchat", reqBody: []byte(c.body)}
			rec.Header().Set("Content-Type", "application/json")
			rec.body.Write(reply)
			start := time.Now()
			b.ReportAllocs()
			for b.Loop() {
				s.finish(r, rec, "rocketchat", start)
			}
		})
	}
	b.Run("read", func(b *testing.B) {
		s := New(Options{})
		c := stageRequests[1]
		r := stageRequest(c.method, c.target, `{"roomId":"GENERAL","userId":"u1","password":"hidden"}`)
		rec := &recorder{ResponseWriter: httptest.NewRecorder(), status: http.StatusOK, api: "rocketchat", reqBody: []byte(c.body)}
		rec.body.Write(reply)
		s.finish(r, rec, "rocketchat", time.Now())
		b.ReportAllocs()
		for b.Loop() {
			if es := s.journal.Last(1, nil); len(es) != 1 || es[0].RequestHeaders.Get("X-Auth-Token") != redacted {
				b.Fatalf("journal entry not redacted: %+v", es)
			}
		}
	})
}
