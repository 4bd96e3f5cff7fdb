// Package rocketchat holds the conformance scenarios of the Rocket.Chat
// REST API: bulk invites, invite permissions, owner revocation and auth.
//
// They run against any target: the in-process mock under go test, or a
// live server through "standin conform --api rocketchat". They need the
// credentials of a server admin ("username" and "password"), and create and
// delete their own users and rooms, with run-unique names, so a shared
// server is left as it was found.
package rocketchat
