// Package rocketchat holds the Go types, HTTP client and strict server
// interface generated from openapi/rocketchat.yaml. Do not edit the
// generated file; change the spec and run go generate.
package rocketchat

//go:generate go tool oapi-codegen -config cfg.yaml ../../openapi/rocketchat.yaml
