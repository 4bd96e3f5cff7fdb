// Package smartlink holds the Go types, HTTP client and strict server
// interface generated from openapi/smartlink.yaml. Do not edit the
// generated file; change the spec and run go generate.
package smartlink

//go:generate go tool oapi-codegen -config cfg.yaml ../../openapi/smartlink.yaml
