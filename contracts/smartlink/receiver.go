package smartlink

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// delivery is one POST a receiver got.
type delivery struct {
	Event  string
	Date   int64
	Data   map[string]any
	Status int    // what the receiver answered
	Err    string // why the body does not verify with the key; "" if it does
}

// identity names the record a delivery is about: "app:<clientId>",
// "folder:<id>", "membership:<id>" or "event:<id>".
func (d delivery) identity() string {
	kind, _, _ := strings.Cut(d.Event, ".")
	field := "id"
	if kind == "app" {
		field = "clientId"
	}
	return kind + ":" + idOf(d.Data[field])
}

// receiver is an HTTP server on the loopback that takes webhooks, checks
// each with the SDK's documented rule (Webhook.verify), and answers 500 to
// the first failFirst of them, 200 to the rest.
type receiver struct {
	URL       string
	key       string
	failFirst int
	srv       *http.Server

	mu     sync.Mutex
	got    []delivery
	notify chan struct{} // signalled after each delivery
}

// newReceiver starts a receiver that verifies bodies with key.
func newReceiver(key string, failFirst int) (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("cannot listen on the loopback: %w", err)
	}
	r := &receiver{URL: "http://" + ln.Addr().String() + "/hook", key: key, failFirst: failFirst, notify: make(chan struct{}, 1)}
	r.srv = &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

// Close stops the receiver.
func (r *receiver) Close() { _ = r.srv.Close() }

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	d := delivery{Status: http.StatusOK}
	if err == nil {
		err = verify(body, r.key, time.Now(), &d)
	}
	if err != nil {
		d.Err = err.Error()
	}
	r.mu.Lock()
	if len(r.got) < r.failFirst {
		d.Status = http.StatusInternalServerError
	}
	r.got = append(r.got, d)
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
	w.WriteHeader(d.Status)
}

// deliveries returns what the receiver got so far.
func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

// await waits until done holds of the deliveries or the deadline passes,
// and returns the deliveries and whether done held.
func (r *receiver) await(deadline time.Duration, done func([]delivery) bool) ([]delivery, bool) {
	timer := time.NewTimer(deadline)
	defer timer.Stop()
	for {
		got := r.deliveries()
		if done(got) {
			return got, true
		}
		select {
		case <-r.notify:
		case <-timer.C:
			got = r.deliveries()
			return got, done(got)
		}
	}
}

// maxAge is how old a webhook's date may be (Webhook.verify's 60 s).
const maxAge = 60 * time.Second

// verify checks body as the SDK's Webhook.verify does, and fills d: the
// body is a JSON object whose "signature" is the hex HMAC-SHA256, keyed
// with key, of JSON.stringify of the object without "signature" (its
// other keys in the order they were sent), and whose "date", in
// milliseconds, is at most 60 s before now.
func verify(body []byte, key string, now time.Time, d *delivery) error {
	var fields struct {
		Event     string         `json:"event"`
		Date      *int64         `json:"date"`
		Data      map[string]any `json:"data"`
		Signature string         `json:"signature"`
	}
	if err := json.Unmarshal(body, &fields); err != nil {
		return fmt.Errorf("the body is not a JSON object with a string event and signature, an integer date and an object data: %v", err)
	}
	d.Event, d.Data = fields.Event, fields.Data
	if fields.Date == nil {
		return errors.New("the body has no date")
	}
	d.Date = *fields.Date
	signed, err := stringifyWithout(body, "signature")
	if err != nil {
		return err
	}
	got, err := hex.DecodeString(fields.Signature)
	if err != nil || fields.Signature == "" {
		return fmt.Errorf("signature %q is not hex", fields.Signature)
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write(signed)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return fmt.Errorf("signature %s is not the HMAC-SHA256 of %s with the organisation's key", fields.Signature, signed)
	}
	if age := now.UnixMilli() - d.Date; age > maxAge.Milliseconds() {
		return fmt.Errorf("date %d is %d ms before the receiver's clock: more than 60000 (a date in seconds is always too old)", d.Date, age)
	}
	return nil
}

// stringifyWithout returns what JavaScript's JSON.stringify writes for the
// JSON object body once its top-level key drop is deleted: compact, keys
// in the order they came, strings escaped as JSON.stringify escapes them
// (no HTML escapes, U+2028 and U+2029 as they are). Numbers are kept as
// written, which is JSON.stringify's form for the integers webhooks carry.
func stringifyWithout(body []byte, drop string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var out bytes.Buffer
	if err := writeValue(dec, &out, 0, drop); err != nil {
		return nil, fmt.Errorf("the body is not JSON: %v", err)
	}
	if dec.More() {
		return nil, errors.New("the body has data after its JSON value")
	}
	return out.Bytes(), nil
}

func writeValue(dec *json.Decoder, out *bytes.Buffer, depth int, drop string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			out.WriteByte('{')
			first := true
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				name, _ := k.(string)
				if depth == 0 && name == drop {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						return err
					}
					continue
				}
				if !first {
					out.WriteByte(',')
				}
				first = false
				writeString(out, name)
				out.WriteByte(':')
				if err := writeValue(dec, out, depth+1, drop); err != nil {
					return err
				}
			}
			out.WriteByte('}')
		case '[':
			out.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					out.WriteByte(',')
				}
				if err := writeValue(dec, out, depth+1, drop); err != nil {
					return err
				}
			}
			out.WriteByte(']')
		}
		_, err := dec.Token() // the closing delimiter
		return err
	case string:
		writeString(out, t)
	case json.Number:
		out.WriteString(t.String())
	case bool:
		fmt.Fprint(out, t)
	case nil:
		out.WriteString("null")
	}
	return nil
}

// writeString writes s as JSON.stringify quotes it: only the quote, the
// backslash and control characters are escaped, with the short escapes
// where JSON has them.
func writeString(out *bytes.Buffer, s string) {
	out.WriteByte('"')
	for _, c := range s {
		switch c {
		case '"':
			out.WriteString(`\"`)
		case '\\':
			out.WriteString(`\\`)
		case '\b':
			out.WriteString(`\b`)
		case '\f':
			out.WriteString(`\f`)
		case '\n':
			out.WriteString(`\n`)
		case '\r':
			out.WriteString(`\r`)
		case '\t':
			out.WriteString(`\t`)
		default:
			if c < 0x20 {
				fmt.Fprintf(out, `\u%04x`, c)
			} else {
				out.WriteRune(c)
			}
		}
	}
	out.WriteByte('"')
}
