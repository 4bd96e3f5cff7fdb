package wirejson_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/standin/standin/openapi/wirejson"
	"github.com/standin/standin/openapi/wirejson/wirejsontest"
)

// spaced is a Marshaler whose output encoding/json trims and compacts and
// segmentio refuses: wirejson falls back to encoding/json for it.
type spaced struct{}

func (spaced) MarshalJSON() ([]byte, error) {
	return []byte(" { \"a\" : \"<b>&\" , \"c\":[ 1, 2 ] }\n"), nil
}

type letter int

func (l letter) MarshalText() ([]byte, error) { return []byte{byte('a' + l)}, nil }

type inner struct {
	A *string        `json:"a,omitempty"`
	B []int          `json:"b"`
	M map[string]any `json:"m,omitempty"`
}

type Embedded struct {
	E string `json:"e"`
}

type kinds struct {
	Embedded
	S       string          `json:"s"`
	F       []float64       `json:"f"`
	F32     float32         `json:"f32"`
	Raw     json.RawMessage `json:"raw"`
	Spaced  spaced          `json:"spaced"`
	Inner   inner           `json:"inner"`
	PInner  *inner          `json:"pInner"`
	Time    time.Time       `json:"time"`
	Letters map[letter]int  `json:"letters"`
	Ints    map[int]string  `json:"ints"`
	Any     any             `json:"any"`
	Bytes   []byte          `json:"bytes"`
	Skip    string          `json:"-"`
	Str     int             `json:"str,string"`
	Omit    *bool           `json:",omitempty"`
}

const awkward = "a<b>&c\u2028\u2029\x00\x1f\"\\ \xff\xfe é 😀 \t/"

// TestSameBytesAsEncodingJSON covers what encoding/json takes care over:
// HTML and line-separator escapes, invalid UTF-8, number forms, sorted
// and text-marshalled map keys, Marshaler output compacted, RawMessage,
// ",string", embedded fields.
func TestSameBytesAsEncodingJSON(t *testing.T) {
	values := map[string]any{
		"nil":     nil,
		"string":  awkward,
		"floats":  []float64{0, 1e20, 1e21, 1e-6, 1e-7, 123.456, math.Copysign(0, -1), math.MaxFloat64, math.SmallestNonzeroFloat64},
		"float32": []float32{3.14159, 1e21, 1e-7},
		"ints":    []any{math.MaxInt64, math.MinInt64, uint64(math.MaxUint64), int8(-8)},
		"kinds": kinds{
			Embedded: Embedded{E: "embedded"},
			S:        awkward,
			F:        []float64{1.5, 1e300},
			F32:      2.5,
			Raw:      json.RawMessage(`{"z": "<" , "a" :1}`),
			Inner:    inner{M: map[string]any{"z": 1, "é": 2, "A": 3, "a": 4, "": 5}},
			Time:     time.Date(2026, 1, 2, 3, 4, 5, 6000, time.FixedZone("x", 3600)),
			Letters:  map[letter]int{2: 1, 0: 2, 1: 3},
			Ints:     map[int]string{10: "a", 2: "b", -1: "c"},
			Any:      map[string]any{"b": []any{1.5, "x", nil, true}, "a": awkward},
			Bytes:    []byte("hello<>"),
			Skip:     "never",
			Str:      42,
		},
		"pointer to kinds": &kinds{PInner: &inner{}},
		"raw nil":          json.RawMessage(nil),
		"empty slice":      []string{},
		"nil slice":        []string(nil),
		"nil map":          map[string]int(nil),
	}
	for name, v := range values {
		if err := wirejsontest.SameBytes(v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestFailsAsEncodingJSONFails: a value encoding/json refuses fails with
// encoding/json's error, and the Encoder writes nothing.
func TestFailsAsEncodingJSONFails(t *testing.T) {
	for name, v := range map[string]any{
		"NaN":         math.NaN(),
		"infinity":    []float64{math.Inf(1)},
		"bad raw":     json.RawMessage(`{bad`),
		"channel":     make(chan int),
		"function":    map[string]any{"f": func() {}},
		"complex":     complex(1, 2),
		"bad in kind": kinds{Raw: json.RawMessage(`[1,`)},
	} {
		if err := wirejsontest.SameBytes(v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		var out bytes.Buffer
		if err := wirejson.NewEncoder(&out).Encode(v); err == nil || out.Len() != 0 {
			t.Errorf("%s: Encode returned %v and wrote %q; want an error and nothing written", name, err, out.String())
		}
	}
}

// TestTimesOutOfRange: the one known difference. A time.Time outside the
// years 0 to 9999 has no RFC 3339 form; encoding/json refuses it, and
// wirejson writes it with the year's digits as they are.
func TestTimesOutOfRange(t *testing.T) {
	for v, want := range map[time.Time]string{
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC): `"10000-01-01T00:00:00Z"`,
		time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC):    `"-0005-01-01T00:00:00Z"`,
	} {
		if _, err := json.Marshal(v); err == nil {
			t.Errorf("encoding/json encodes %v now; the difference is gone, remove it from the package doc", v)
		}
		got, err := wirejson.Marshal(v)
		if err != nil || string(got) != want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", v, got, err, want)
		}
	}
}

// TestInvalidRawMessages: the other known difference. encoding/json
// checks a RawMessage and refuses one that is not JSON; segmentio checks
// less, and wirejson may write such a message whole or in part. The
// generated code fills its RawMessages from a decoder or from Marshal, so
// they hold JSON.
func TestInvalidRawMessages(t *testing.T) {
	raw := json.RawMessage("000")
	if _, err := json.Marshal(raw); err == nil {
		t.Fatal("encoding/json encodes 000 now; the difference is gone, remove it from the package doc")
	}
	if got, err := wirejson.Marshal(raw); err != nil || string(got) != "0" {
		t.Errorf("Marshal(RawMessage(000)) = %s, %v; this test records what wirejson does", got, err)
	}
}

// countingWriter counts the calls to Write.
type countingWriter struct {
	bytes.Buffer
	writes int
	err    error
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	if w.err != nil {
		return 0, w.err
	}
	return w.Buffer.Write(p)
}

// TestEncoderWritesOnce: one value, one Write, ending in a newline, and
// the writer's error returned; a large value is encoded as a small one.
func TestEncoderWritesOnce(t *testing.T) {
	large := bytes.Repeat([]byte("x"), 200<<10)
	for _, v := range []any{map[string]int{"a": 1}, string(large), map[string]int{"b": 2}} {
		w := &countingWriter{}
		if err := wirejson.NewEncoder(w).Encode(v); err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(v)
		if w.writes != 1 || w.String() != string(want)+"\n" {
			t.Errorf("Encode(%.20q...): %d writes of %.40q; want one write of %.40q", v, w.writes, w.String(), string(want)+"\n")
		}
	}
	broken := errors.New("connection reset")
	w := &countingWriter{err: broken}
	if err := wirejson.NewEncoder(w).Encode(1); !errors.Is(err, broken) {
		t.Errorf("Encode to a failing writer returned %v, want %v", err, broken)
	}
}

// TestUnmarshalIsEncodingJSONs: decoding accepts and refuses what
// encoding/json does, with its messages (case-insensitive member names
// included).
func TestUnmarshalIsEncodingJSONs(t *testing.T) {
	type target struct {
		Name string `json:"name"`
		N    int    `json:"n"`
	}
	for _, in := range []string{`{"NAME":"x","n":1}`, `{"n":"1"}`, `{"n":1.5}`, `[`, `{"name":"a"} x`, ``} {
		var want, got target
		wantErr := json.Unmarshal([]byte(in), &want)
		gotErr := wirejson.Unmarshal([]byte(in), &got)
		if want != got || (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
			t.Errorf("Unmarshal(%q) = %+v, %v; encoding/json: %+v, %v", in, got, gotErr, want, wantErr)
		}
	}
}

// FuzzSameBytesAsEncodingJSON encodes any JSON text decoded to Go
// values, taken as a RawMessage, and taken as a string, and wants
// encoding/json's bytes and errors each time.
func FuzzSameBytesAsEncodingJSON(f *testing.F) {
	for _, seed := range []string{
		`{"b":[1,2.5e-7,1e21,-0],"a":{"<":"&"},"":null}`,
		`"` + "\u2028\u2029" + `\ud800\u00e9"`,
		awkward,
		` [ true , false , null ] `,
		`123456789012345678901234567890`,
		`{"a":1,"a":2}`,
		`{`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := wirejsontest.SameBytes(string(data)); err != nil {
			t.Errorf("as a string: %v", err)
		}
		if json.Valid(data) { // see TestInvalidRawMessages
			if err := wirejsontest.SameBytes(json.RawMessage(data)); err != nil {
				t.Errorf("as a RawMessage: %v", err)
			}
		}
		var v any
		if json.Unmarshal(data, &v) == nil {
			if err := wirejsontest.SameBytes(v); err != nil {
				t.Errorf("decoded: %v", err)
			}
		}
	})
}
