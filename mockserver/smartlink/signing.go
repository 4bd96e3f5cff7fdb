package smartlink

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// SignedBody returns the webhook body SmartLink sends for event at time at
// with data (the resource's JSON), signed with the organisation's API key
// as the SDK's Webhook.verify checks it:
//
//	signed  = the compact JSON of {"event", "date", "data"}, keys in that
//	          order, as JavaScript's JSON.stringify writes it
//	body    = signed with ,"signature":"<hex HMAC-SHA256(key, signed)>" added
//
// date is in milliseconds. JSON.stringify escapes neither HTML characters
// nor U+2028 and U+2029, which Go's encoder does, so the bytes are
// rewritten to its form (see jsString).
func SignedBody(key, event string, at time.Time, data json.RawMessage) ([]byte, error) {
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		return nil, fmt.Errorf("smartlink: webhook data: %w", err)
	}
	name, err := marshalJS(event)
	if err != nil {
		return nil, err
	}
	var signed bytes.Buffer
	signed.WriteString(`{"event":`)
	signed.Write(name)
	fmt.Fprintf(&signed, `,"date":%d,"data":`, at.UnixMilli())
	signed.Write(jsString(compact.Bytes()))
	signed.WriteByte('}')
	body := signed.Bytes()
	sig := Signature(key, body)
	out := make([]byte, 0, len(body)+len(sig)+16)
	out = append(out, body[:len(body)-1]...)
	out = append(out, `,"signature":"`...)
	out = append(out, sig...)
	out = append(out, `"}`...)
	return out, nil
}

// Signature is the lowercase hex HMAC-SHA256 of signed with key.
func Signature(key string, signed []byte) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write(signed)
	return hex.EncodeToString(mac.Sum(nil))
}

// marshalJS encodes v as JSON.stringify would.
func marshalJS(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return jsString(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}

// jsString rewrites compact JSON from Go's encoder to JSON.stringify's
// bytes: the escapes \u003c, \u003e, \u0026, \u2028 and \u2029 become the
// characters themselves. Only escapes that the encoder wrote are touched:
// a backslash that is itself escaped ("\\u2028" in a string's text) is
// kept.
func jsString(in []byte) []byte {
	if !bytes.Contains(in, []byte(`\u`)) {
		return in
	}
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '\\' || i+1 >= len(in) {
			out = append(out, c)
			continue
		}
		if in[i+1] != 'u' || i+5 >= len(in) {
			out = append(out, c, in[i+1]) // an escape of one character, such as \\ or \"
			i++
			continue
		}
		switch string(in[i+2 : i+6]) {
		case "003c":
			out = append(out, '<')
		case "003e":
			out = append(out, '>')
		case "0026":
			out = append(out, '&')
		case "2028":
			out = append(out, "\u2028"...)
		case "2029":
			out = append(out, "\u2029"...)
		default:
			out = append(out, in[i:i+6]...)
		}
		i += 5
	}
	return out
}
