// Package chatkitty holds the conformance scenarios of the ChatKitty
// Platform API (openapi/chatkitty.yaml): user onboarding, bulk channel
// membership with an import job, moderator revocation, messages through
// cursor pages and threads, authentication with token expiry, the
// isolation of applications, and a load workload.
//
// They run against any target: the in-process mock under go test, or a
// live server through "standin conform --api chatkitty". The target's base
// URL is the API root (http://127.0.0.1:8080/chatkitty for standin), and
// the token endpoint is reached at /oauth/token under it, as standin
// serves it. The scenarios act over HTTP as the application of the OAuth
// client "clientId" and "clientSecret", each getting a token of its own
// with the client credentials grant as the official SDK does (HTTP Basic,
// a multipart form); the isolation scenario also needs a second
// application's client, "clientId2" and "clientSecret2", and without them
// says so in its log and checks nothing.
//
// The refusals are checked by their ApiError code (RESOURCE_NOT_FOUND,
// MEMBER_NOT_FOUND, MODERATOR_NOT_FOUND, USER_NAME_TAKEN,
// DIRECT_CHANNEL_FULL, DIRECT_CHANNEL_MEMBERS_FIXED, NOT_A_CHANNEL_MEMBER):
// ChatKitty documents the body's shape but not its codes, so these are
// the codes of standin's mock.
//
// The auth scenario checks that tokens expire by moving the target
// namespace's clock forward through standin's admin API (POST
// /__standin/clock at the target's origin, with the optional "adminToken"
// credential as the admin token) by the token's expires_in. On a server
// without that admin API (404) it says so in its log and leaves the
// expiry out. The clock only moves forward: later requests in the same
// namespace see the moved time, and every token issued before the move
// has expired (run against a namespace of its own with --namespace).
//
// Each scenario creates its users and channels with run-unique names and
// deletes them at the end, even after a failure, with a fresh token.
package chatkitty
