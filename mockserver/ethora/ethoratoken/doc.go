// Package ethoratoken is the published token scheme of the Ethora backend
// and its SDK (@ethora/sdk-backend): the claims of a token, HS256 signing,
// the per-purpose key derivation of SDK 26.3.1 and later (with the raw
// secret of 26.2.x still accepted), verification, and reading the token
// from a request's headers.
//
// Both the fake (mockserver/ethora) and the conformance scenarios
// (contracts/ethora) use it, so the scenarios share the scheme with the
// fake but none of its code. It holds no fake state: where a token is
// checked against apps, the caller supplies them through Keys.
package ethoratoken
