package rocketchat_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/rocketchat"
	"github.com/standin/standin/openapi"
)

// The API's own stages of the pipeline, as mockserver's BenchmarkStage*
// measure the core's: authentication (the token checked against the
// state) and the handler (parameters bound, the rule run on the state,
// the answer encoded), each alone, for the requests of make bench-http.

// stageAPI builds Rocket.Chat on a fresh store and logs the admin in.
func stageAPI(b *testing.B) (mockserver.API, http.Header, string) {
	store := mockserver.NewMemoryStore()
	api, err := rocketchat.New(mockserver.Setup{Store: store}, rocketchat.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := mockserver.New(mockserver.Options{Store: store, JournalSize: -1})
	if err := srv.Mount(api); err != nil {
		b.Fatal(err)
	}
	h, err := srv.RootHandler(rocketchat.Name)
	if err != nil {
		b.Fatal(err)
	}
	auth, err := rocketchat.Mock.Test.Login(h, mockserver.DefaultNamespace)
	if err != nil {
		b.Fatal(err)
	}
	var info struct {
		Channel struct {
			ID string `json:"_id"`
		}
	}
	if err := mockserver.CallJSON(h, mockserver.DefaultNamespace, auth, http.MethodGet, "/api/v1/channels.info?roomName=general", nil, &info); err != nil {
		b.Fatal(err)
	}
	return api, auth, `{"roomId":"` + info.Channel.ID + `","userId":"` + auth.Get("X-User-Id") + `"}`
}

func stageRequest(method, target, body string, auth http.Header) *http.Request {
	r := httptest.NewRequest(method, "http://127.0.0.1"+target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	for k, v := range auth {
		r.Header[k] = v
	}
	return r.WithContext(mockserver.WithNamespace(context.Background(), mockserver.DefaultNamespace))
}

func BenchmarkStageAuth(b *testing.B) {
	api, auth, _ := stageAPI(b)
	r := stageRequest(http.MethodGet, "/api/v1/channels.info?roomName=general", "", auth)
	doc, err := api.Document()
	if err != nil {
		b.Fatal(err)
	}
	op := openapi.Operation{Method: http.MethodGet, Path: "/api/v1/channels.info", Op: doc.Paths.Value("/api/v1/channels.info").Get}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := api.Authenticate(r, op); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStageHandler(b *testing.B) {
	api, auth, invite := stageAPI(b)
	doc, err := api.Document()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name, method, path, query, body string
	}{
		{"channelsInfo", http.MethodGet, "/api/v1/channels.info", "?roomName=general", ""},
		{"invite", http.MethodPost, "/api/v1/channels.invite", "", invite},
	} {
		b.Run(c.name, func(b *testing.B) {
			item := doc.Paths.Value(c.path)
			op := openapi.Operation{Method: c.method, Path: c.path, Op: item.GetOperation(c.method)}
			ctx, err := api.Authenticate(stageRequest(c.method, c.path+c.query, c.body, auth), op)
			if err != nil {
				b.Fatal(err)
			}
			call := func() *httptest.ResponseRecorder {
				w := httptest.NewRecorder()
				api.Handler.ServeHTTP(w, stageRequest(c.method, c.path+c.query, c.body, auth).WithContext(ctx))
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
				return w
			}
			var ok struct{ Success bool }
			if w := call(); json.Unmarshal(w.Body.Bytes(), &ok) != nil || !ok.Success {
				b.Fatalf("answer %s", w.Body)
			}
			b.ReportAllocs()
			for b.Loop() {
				call()
			}
		})
	}
}
