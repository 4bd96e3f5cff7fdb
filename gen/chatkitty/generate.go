// Package chatkitty holds the Go types, HTTP client and strict server
// interface generated from openapi/chatkitty.yaml. Do not edit the
// generated file; change the spec and run go generate.
package chatkitty

//go:generate go tool oapi-codegen -config cfg.yaml ../../openapi/chatkitty.yaml
