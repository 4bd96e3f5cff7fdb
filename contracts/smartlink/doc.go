// Package smartlink holds the conformance scenarios of the SmartLink
// workflow API (openapi/smartlink.yaml): the directory set-up of folders,
// apps and memberships with the paginated search, the revocation of a
// membership, the isolation of organisations, signed outbound webhooks and
// authentication, and a load workload.
//
// They run against any target: the in-process mock under go test, or a
// live server through "standin conform --api smartlink". The target's base
// URL is the mount (http://127.0.0.1:8080/smartlink for standin); the
// scenarios' paths start with /api/workflow, as the spec's do. They act
// over HTTP as the organisation of the "apiKey" credential; the
// isolation scenario needs a second organisation's key, "apiKey2", and
// without it says so in its log and checks nothing.
//
// The webhooks scenario starts an HTTP receiver on 127.0.0.1 and
// registers it through standin's admin API (/__standin/webhooks at the
// target's origin). It needs a target that can reach this machine's
// loopback (in-process or local); against a remote target, or a server
// without that admin API (a live SmartLink configures its webhooks in its
// own console), it says so in its log and checks nothing.
//
// Each scenario creates its records with run-unique names and deletes
// them at the end, even after a failure.
package smartlink
