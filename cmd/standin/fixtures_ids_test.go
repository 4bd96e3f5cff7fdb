package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver"
)

// standin fixtures prints, besides the data set, the ids each API seeds
// it with; they are the ids a served mock answers to.
func TestFixturesPrintsSeededIDs(t *testing.T) {
	stdout, stderr, err := runCmd(t, "fixtures")
	if err != nil {
		t.Fatalf("fixtures: %v (%s)", err, stderr)
	}
	var out struct {
		Users []struct{ Username string } `json:"users"`
		IDs   map[string]map[string][]string
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	for api, keys := range map[string][]string{
		"rocketchat": {"roomId", "roomName", "userId", "username"},
		"ethora":     {"appId", "chatName", "userId", "xmppUsername"},
		"ucsrooms":   {"room_id"},
		"smartlink":  {"clientId", "folderId", "membershipId"},
		"chatkitty":  {"channelId", "userId", "username"},
	} {
		for _, k := range keys {
			if len(out.IDs[api][k]) == 0 {
				t.Errorf("ids.%s.%s is empty; ids.%s = %v", api, k, api, out.IDs[api])
			}
		}
	}
	if got := out.IDs["ethora"]["appId"]; len(got) != 1 || got[0] != "standin-app" {
		t.Errorf("ids.ethora.appId = %v, want the configured app", got)
	}

	// Every Rocket.Chat room id printed is a room of a freshly served
	// mock, with the same data set and seed.
	srv, err := catalog().New(catalog().Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	rc, _ := lookup("rocketchat")
	h, err := srv.RootHandler("rocketchat")
	if err != nil {
		t.Fatal(err)
	}
	auth, err := rc.mock.Test.Login(h, "default")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range out.IDs["rocketchat"]["roomId"] {
		var room struct {
			Room struct {
				ID string `json:"_id"`
			} `json:"room"`
		}
		if err := mockserver.CallJSON(h, "default", auth, http.MethodGet, "/api/v1/rooms.info?roomId="+url.QueryEscape(id), nil, &room); err != nil || room.Room.ID != id {
			t.Errorf("rooms.info of printed room id %s: %v, %+v", id, err, room)
		}
	}

	// --ids=false prints the data set alone.
	bare, _, err := runCmd(t, "fixtures", "--ids=false")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(bare, `"ids"`) {
		t.Errorf("--ids=false still prints ids")
	}
}

// --schema with a name the spec lacks lists the valid names; --list --api
// lists them too.
func TestFixturesSchemaNames(t *testing.T) {
	stdout, stderr, err := runCmd(t, "fixtures", "--api", "smartlink", "--schema", "Nope")
	wantExit(t, err, 2)
	if stdout != "" || !strings.Contains(stderr, `smartlink has no component schema "Nope"; its schemas are: App, AppBatch, AppInput,`) {
		t.Errorf("stdout %q, stderr %q; want the valid names on stderr", stdout, stderr)
	}
	stdout, _, err = runCmd(t, "fixtures", "--list", "--api", "smartlink")
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(stdout), "\n"); len(lines) < 3 || lines[0] != "App" || lines[1] != "AppBatch" {
		t.Errorf("--list --api smartlink printed %q, want its schema names a line each", stdout)
	}
	for _, args := range [][]string{{"fixtures", "--schema", "App"}, {"fixtures", "--api", "nope", "--schema", "App"}} {
		_, stderr, err := runCmd(t, args...)
		wantExit(t, err, 2)
		if !strings.Contains(stderr, "rocketchat, ") {
			t.Errorf("%v: stderr %q, want the valid API names", args, stderr)
		}
	}
}
