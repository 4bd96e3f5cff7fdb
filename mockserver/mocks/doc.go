// Package mocks assembles a mockserver.Server with every fake standin ships,
// from a Config that a YAML file can hold. The CLI's serve command and the
// in-process conformance tests both build their server here, so they serve
// the same thing.
package mocks
