// Package ucsrooms holds the conformance scenarios of the UCS room
// management API (openapi/ucsrooms.yaml): admin revocation, the room
// lifecycle, participant privacy, signed file URLs, authentication and chat
// history, and a load workload.
//
// They run against any target: the in-process mock under go test, or a
// live server through "standin conform --api ucsrooms". They act only over
// HTTP, as three distinct users whose bearer tokens are the credentials
// "aliceToken", "bobToken" and "carolToken" (their user ids are the
// tokens' sub claims). The "jwtSecret" credential, when given, is used only
// to mint tokens the server must refuse (expired ones) and tokens for fresh
// users; a server behind a real identity provider has no shared secret, so
// without it those steps are left out and the scenario's log says so.
//
// Each scenario creates its own rooms with run-unique names. The API
// cannot delete a room, so each scenario ends the rooms it created when it
// is done, even after a failure: a shared server keeps them, ended.
package ucsrooms
