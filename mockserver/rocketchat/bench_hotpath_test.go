package rocketchat_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver/mocks"
	"github.com/standin/standin/mockserver/rocketchat"
)

// BenchmarkHotPath sends the requests `make bench-http` measures through
// the whole pipeline of `standin serve` (the default configuration:
// validation, state and journal on), in process: a channel's info, a
// valid invitation (of a member, so the state stays the same size) and an
// invalid one. The /logged variants log every request as serve does
// without --quiet (to io.Discard). Profile one with -cpuprofile.
func BenchmarkHotPath(b *testing.B) {
	for _, logged := range []bool{false, true} {
		var logger *slog.Logger
		suffix := ""
		if logged {
			logger = slog.New(slog.NewTextHandler(io.Discard, nil))
			suffix = "/logged"
		}
		catalog := mocks.Catalog{rocketchat.Mock}
		cfg := catalog.Default()
		srv, err := catalog.New(cfg, logger)
		if err != nil {
			b.Fatal(err)
		}
		h, err := srv.RootHandler(rocketchat.Name)
		if err != nil {
			b.Fatal(err)
		}
		send := func(method, path, body string, auth http.Header) *httptest.ResponseRecorder {
			r := httptest.NewRequest(method, "http://127.0.0.1"+path, strings.NewReader(body))
			if body != "" {
				r.Header.Set("Content-Type", "application/json")
			}
			for k, v := range auth {
				r.Header[k] = v
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w
		}
		var login struct {
			Data struct{ AuthToken, UserID string }
		}
		w := send(http.MethodPost, "/api/v1/login", `{"user":"admin","password":"admin"}`, nil)
		if err := json.Unmarshal(w.Body.Bytes(), &login); err != nil || w.Code != http.StatusOK {
			b.Fatalf("login: %d %s", w.Code, w.Body)
		}
		auth := http.Header{"X-Auth-Token": {login.Data.AuthToken}, "X-User-Id": {login.Data.UserID}}
		var info struct {
			Channel struct {
				ID string `json:"_id"`
			}
		}
		w = send(http.MethodGet, "/api/v1/channels.info?roomName=general", "", auth)
		if err := json.Unmarshal(w.Body.Bytes(), &info); err != nil || w.Code != http.StatusOK {
			b.Fatalf("channels.info: %d %s", w.Code, w.Body)
		}
		valid := `{"roomId":"` + info.Channel.ID + `","userId":"` + login.Data.UserID + `"}`
		for _, c := range []struct {
			name, method, path, body string
			want                     int
		}{
			{"channelsInfo", http.MethodGet, "/api/v1/channels.info?roomName=general", "", http.StatusOK},
			{"invite", http.MethodPost, "/api/v1/channels.invite", valid, http.StatusOK},
			{"inviteInvalid", http.MethodPost, "/api/v1/channels.invite", `{"roomId":5}`, http.StatusBadRequest},
		} {
			b.Run(c.name+suffix, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if w := send(c.method, c.path, c.body, auth); w.Code != c.want {
						b.Fatalf("status %d, want %d: %s", w.Code, c.want, w.Body)
					}
				}
			})
		}
	}
}
