// Package ethora is the stateful fake of the Ethora chat backend's B2B and
// tenant-admin surface (openapi/ethora.yaml), wire-compatible with the
// official @ethora/sdk-backend.
//
// Every namespace starts with one app (standin-app / standin-secret by
// default) holding the users and chats of a fixtures data set. Requests
// carry HS256 server tokens minted from an app's secret, verified as the
// backend does (package ethoratoken); implicit routes act on the token's app, and
// /v2/apps/{appId}/... on that app only if it is the token's app or one of
// its children. Chats are named {appId}_{uuid}; members are normalised and
// never double-prefixed; user batches and broadcasts are jobs whose speed
// is a setting; the two v1 deletes answer unknown names with the
// plain-text 422 the SDK treats as "already deleted".
//
// The files: state.go (the data), rules.go (the business rules, on State
// alone), errors.go (the error type),
// server.go, chats.go and apps.go (the generated strict interface),
// convert.go (state to wire types), envelope.go (error bodies and the
// authentication hook), seed.go (initial data), setup.go (wiring).
package ethora
