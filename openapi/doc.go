// Package openapi embeds the hand-written OpenAPI 3 specifications of the
// APIs that standin mocks and parses each of them once.
//
// The YAML files beside this package are the source of truth: gen/ is
// generated from them, the mock server validates requests against them and
// the conformance runner validates responses against them.
package openapi
