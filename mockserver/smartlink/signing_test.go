package smartlink_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver/smartlink"
)

// The reference's test vector: the signed string and its signature.
func TestSignatureVector(t *testing.T) {
	const (
		key    = "test-api-key"
		signed = `{"event":"membership.created","date":1700000000000,"data":{"id":42,"email":"jane@example.com","status":"ACTIVE"}}`
		want   = "689b27889c41f66d77691026dcad29bdb2842ed3ad4032bd080caa495836d9bb"
	)
	if got := smartlink.Signature(key, []byte(signed)); got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	body, err := smartlink.SignedBody(key, "membership.created", time.UnixMilli(1700000000000),
		json.RawMessage(`{"id": 42, "email": "jane@example.com", "status": "ACTIVE"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, wantBody := string(body), strings.TrimSuffix(signed, "}")+`,"signature":"`+want+`"}`; got != wantBody {
		t.Fatalf("body\n%s\nwant\n%s", got, wantBody)
	}
}

// The signed bytes are what JSON.stringify writes: no HTML escapes, raw
// U+2028, and an escaped backslash left as it is.
func TestSignedBodyIsJavaScriptJSON(t *testing.T) {
	data, _ := json.Marshal(map[string]string{"name": "<b>&co</b>\u2028", "raw": `\u2028`})
	body, err := smartlink.SignedBody("k", "app.updated", time.UnixMilli(5), data)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"event":"app.updated","date":5,"data":{"name":"<b>&co</b>` + "\u2028" + `","raw":"\\u2028"}}`
	if !strings.HasPrefix(string(body), strings.TrimSuffix(want, "}")) {
		t.Fatalf("body %s\nwant the signed part %s", body, want)
	}
	var sent map[string]any
	if err := json.Unmarshal(body, &sent); err != nil {
		t.Fatal(err)
	}
	if sent["signature"] != smartlink.Signature("k", []byte(want)) {
		t.Fatalf("signature %v does not sign %s", sent["signature"], want)
	}
}
