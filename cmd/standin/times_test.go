package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRocketChatTimesCarryMilliseconds: a real Rocket.Chat keeps its dates
// in MongoDB, which holds milliseconds, so no time it sends has more
// digits. Checked on the server `standin serve` builds, on the wall clock,
// whose nanoseconds are almost never zero.
func TestRocketChatTimesCarryMilliseconds(t *testing.T) {
	base := mockTarget(t, catalog().Default(), nil)
	call := func(path, userID, token, body string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("X-User-Id", userID)
			req.Header.Set("X-Auth-Token", token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v %v", path, resp.StatusCode, out, err)
		}
		return out
	}
	login := call("/api/v1/login", "", "", `{"user":"admin","password":"admin"}`)["data"].(map[string]any)
	id, token := login["userId"].(string), login["authToken"].(string)
	room := call("/api/v1/channels.create", id, token, `{"name":"times-in-ms"}`)["channel"].(map[string]any)
	msg := call("/api/v1/chat.postMessage", id, token, `{"roomId":"`+room["_id"].(string)+`","text":"now"}`)["message"].(map[string]any)
	for _, got := range []any{room["ts"], room["_updatedAt"], msg["ts"], msg["_updatedAt"]} {
		s, _ := got.(string)
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if tm.Nanosecond()%int(time.Millisecond) != 0 {
			t.Errorf("%q has digits below a millisecond", s)
		}
	}
}
