package openapi

import "github.com/getkin/kin-openapi/openapi3filter"

// ChatKitty's SDK sends merge patches as application/json+merge-patch, a
// spelling kin-openapi does not know (it knows RFC 7396's
// application/merge-patch+json). Its body is JSON all the same; register
// it for every validator, the mock's and the contracts'.
func init() {
	openapi3filter.RegisterBodyDecoder("application/json+merge-patch", openapi3filter.JSONBodyDecoder)
}
