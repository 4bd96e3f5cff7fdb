// Package ucsrooms holds the Go types, HTTP client and strict server
// interface generated from openapi/ucsrooms.yaml. Do not edit the
// generated file; change the spec and run go generate.
package ucsrooms

//go:generate go tool oapi-codegen -config cfg.yaml ../../openapi/ucsrooms.yaml
