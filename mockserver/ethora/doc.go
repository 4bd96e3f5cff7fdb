// Package ethora is the stateful fake of the Ethora chat backend's B2B
// surface (openapi/ethora.yaml), wire-compatible with the official
// @ethora/sdk-backend.
package ethora
