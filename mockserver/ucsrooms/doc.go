// Package ucsrooms is standin's stateful fake of the UCS room management
// API (AOH UCS 2.0 room-mgmt), as openapi/ucsrooms.yaml describes it.
//
// Rooms, their participants, chat messages and uploaded files live in
// indexed tables (mockserver/table) per namespace. The caller is the
// bearer token's sub; any sub is a user, since the user directory is
// outside the API. A room's status (booked, started, ended) is computed
// from its times against the fake's clock, never stored. Every rule checks
// first and changes after, inside one store transaction, so a refused
// request leaves nothing behind.
//
// Files: GET .../upload and .../download sign URLs to the fake's own
// /files/{file_id} (HMAC-SHA256 over method, namespace, room, file, user and
// expiry), which take one PUT of a file and answer GETs with it, as MinIO's
// presigned URLs would.
package ucsrooms
