package openapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	fast "github.com/segmentio/encoding/json"
)

// jsonTypes are the media types kin-openapi decodes with its
// JSONBodyDecoder, and application/json+merge-patch: ChatKitty's SDK sends
// merge patches under that spelling, which kin-openapi does not know (it
// knows RFC 7396's application/merge-patch+json); its body is JSON all the
// same.
var jsonTypes = []string{
	"application/json",
	"application/json-patch+json",
	"application/merge-patch+json",
	"application/ld+json",
	"application/hal+json",
	"application/json+merge-patch",
}

// Every validator, the mock's and the contracts', decodes JSON bodies with
// DecodeJSONBody.
func init() {
	for _, t := range jsonTypes {
		openapi3filter.RegisterBodyDecoder(t, DecodeJSONBody)
	}
}

// DecodeJSONBody is kin-openapi's JSONBodyDecoder, in less than half the
// time on the mock's hot path: a body that is one JSON value and nothing
// else (json.Valid, encoding/json's own check) is decoded by
// github.com/segmentio/encoding/json, to the same values (numbers as
// json.Number); any other body goes to JSONBodyDecoder itself, so that its
// errors, and its leniency (it reads the first value and ignores what
// follows), stay exactly as they are. FuzzDecodeJSONBodyAsKinOpenAPI
// holds the two to the same values and errors.
func DecodeJSONBody(body io.Reader, header http.Header, schema *openapi3.SchemaRef, encFn openapi3filter.EncodingFn) (any, error) {
	data, err := readBody(body)
	if err != nil {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: err}
	}
	if v, ok := DecodeJSON(data); ok {
		return v, nil
	}
	return openapi3filter.JSONBodyDecoder(bytes.NewReader(data), header, schema, encFn)
}

// DecodeJSON is DecodeJSONBody's quick way: when data is one JSON value
// and nothing else, it returns the value DecodeJSONBody returns for it;
// for any other data it reports false, and DecodeJSONBody hands such data
// to kin-openapi's decoder.
func DecodeJSON(data []byte) (any, bool) {
	if !json.Valid(data) {
		return nil, false
	}
	var v any
	if rest, err := fast.Parse(data, &v, fast.UseNumber); err != nil || len(bytes.TrimSpace(rest)) != 0 {
		return nil, false
	}
	return v, true
}

// readBody reads body whole; kin-openapi hands decoders a *bytes.Reader
// over the body it has read, which is copied in one allocation.
func readBody(body io.Reader) ([]byte, error) {
	if br, ok := body.(*bytes.Reader); ok {
		data := make([]byte, br.Len())
		_, err := io.ReadFull(br, data)
		return data, err
	}
	return io.ReadAll(body)
}
