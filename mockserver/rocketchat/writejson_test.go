package rocketchat

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// An export streams WriteJSON as the state's JSON (mockserver.StateWriter),
// so it must write byte for byte what encoding/json makes of the state:
// compact, and with <, >, &, U+2028 and U+2029 escaped as json.Marshal
// escapes them, in users, rooms, their custom fields, tokens and
// permissions.
func TestWriteJSONIsWhatEncodingJSONWrites(t *testing.T) {
	s := seeded(t)
	now := seedEpoch.Add(time.Hour)
	admin := s.userByName("admin")
	odd := "<b>&\u2028\u2029é\"\\"
	u, err := s.createUser(admin, UserInput{Username: "odd", Name: odd, Email: "odd@example.org", Password: "x", Nickname: odd}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.createRoom(admin, TypeChannel, RoomInput{Name: "odd", Members: []string{u.Username}, Custom: map[string]any{"note": odd, "n": 1.5, "list": []any{odd, nil}}}, now); err != nil {
		t.Fatal(err)
	}
	s.Tokens[odd] = u.ID
	var b bytes.Buffer
	if err := s.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("WriteJSON wrote\n%s\njson.Marshal writes\n%s", &b, want)
	}
	if !bytes.Contains(want, []byte(`\u003cb\u003e\u0026\u2028\u2029`)) {
		t.Errorf("the odd text is not in the export, escaped: %s", want)
	}
}
