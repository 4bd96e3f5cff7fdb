// Package ethora holds the Go types, HTTP client and strict server
// interface generated from openapi/ethora.yaml. Do not edit the
// generated file; change the spec and run go generate.
package ethora

//go:generate go tool oapi-codegen -config cfg.yaml ../../openapi/ethora.yaml
