// Package rocketchat is the stateful fake of Rocket.Chat's REST API (the
// subset in openapi/rocketchat.yaml), wire-compatible with the official
// @rocket.chat/api-client.
//
// It keeps users, rooms, subscriptions with room roles, auth tokens and the
// permission table per namespace, and enforces the server's rules: tokens
// from login are required on every other call; who may invite, kick, and
// add or remove owners and moderators follows the default permission table
// (which permissions.update changes); channels.* refuses private rooms;
// unknown ids in userIds are dropped; re-inviting is a no-op; the last owner
// can be neither removed nor kicked. Errors use Rocket.Chat's envelope,
// mostly 400 with an errorType.
//
// The files: state.go (the data), rules.go and auth.go (the business rules,
// on State alone), errors.go (the error type and sentinels), server.go,
// rooms.go and operations.go (the generated strict interface), envelope.go
// (error bodies and authentication), seed.go (initial data from fixtures),
// setup.go (wiring).
package rocketchat
