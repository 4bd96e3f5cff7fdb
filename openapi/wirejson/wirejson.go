// Package wirejson is the JSON package of the code generated into gen/:
// encoding/json's API and encoding/json's bytes, encoded faster.
//
// Encoding goes through github.com/segmentio/encoding/json, which writes
// the bytes encoding/json writes (HTML escaped, map keys sorted, invalid
// UTF-8 replaced, the same number forms) in about a third of the time and
// with fewer allocations; an answer of standin's mock is encoded on every
// request, so this is a measurable part of the hot path. Where segmentio
// refuses a value that encoding/json accepts (it does not trim the
// whitespace around what a MarshalJSON method returns), the value is
// encoded again by encoding/json, so nothing encoding/json encodes fails
// here, and what fails here fails with encoding/json's error. One value
// encodes here that encoding/json refuses: a time.Time outside the years 0
// to 9999, which has no RFC 3339 form, is written with its year's digits
// as they are ("10000-01-01T00:00:00Z") where encoding/json fails; and a
// RawMessage that is not JSON, which segmentio may copy whole or in part. The
// generated code fills RawMessages from a decoder or from Marshal only.
//
// Decoding is encoding/json's own: the inputs a client or the mock accepts
// and the errors it reports stay exactly those of the standard library.
//
// The generated files import this package under the name json (see
// imports.tmpl, the oapi-codegen template that replaces the import list),
// so the generated code reads as it would with encoding/json.
package wirejson

import (
	"encoding/json"
	"io"
	"sync"

	fast "github.com/segmentio/encoding/json"
)

// RawMessage is encoding/json's RawMessage.
type RawMessage = json.RawMessage

// flags are encoding/json's defaults: HTML escaped, map keys sorted.
const flags = fast.EscapeHTML | fast.SortMapKeys

// Marshal returns the encoding of v, byte for byte what json.Marshal
// returns.
func Marshal(v any) ([]byte, error) {
	if b, err := fast.Marshal(v); err == nil {
		return b, nil
	}
	return json.Marshal(v)
}

// Unmarshal is json.Unmarshal.
func Unmarshal(data []byte, v any) error {
	return json.Unmarshal(data, v)
}

// An Encoder writes JSON values to an output stream, as json.Encoder does
// with its default settings: each value followed by a newline, in one
// Write.
//
// It has no SetEscapeHTML: without HTML escaping, segmentio copies a
// RawMessage or a MarshalJSON method's output as it is, where encoding/json
// compacts it.
type Encoder struct {
	w io.Writer
}

// NewEncoder returns an encoder that writes to w.
func NewEncoder(w io.Writer) *Encoder {
	return &Encoder{w: w}
}

// maxKept is the largest scratch buffer kept for the next Encode; a rare
// large answer is not held on to.
const maxKept = 64 << 10

// scratch holds encoding buffers between calls to Encode. Encode does not
// use segmentio's own Encoder, which pools its buffers too: that Encoder
// returns nil when the write fails (it keeps the error for its next call),
// and every handler's answer would lose a broken connection's error.
var scratch = sync.Pool{New: func() any { return new([]byte) }}

// Encode writes the encoding of v and a newline to the stream, byte for
// byte what json.Encoder.Encode writes. Nothing is written when v cannot
// be encoded.
func (e *Encoder) Encode(v any) error {
	buf := scratch.Get().(*[]byte)
	b, err := fast.Append((*buf)[:0], v, flags)
	if err != nil {
		scratch.Put(buf)
		return json.NewEncoder(e.w).Encode(v)
	}
	b = append(b, '\n')
	_, err = e.w.Write(b)
	if cap(b) <= maxKept {
		*buf = b
		scratch.Put(buf)
	}
	return err
}
