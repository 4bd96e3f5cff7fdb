// Package smartlink is standin's stateful fake of the SmartLink workflow
// API (Vaultys), as openapi/smartlink.yaml describes it: organisations
// reached by API key, their apps, nested folders, memberships with roles
// and statuses, the paginated membership search and log events.
//
// Every change is also reported as a signed webhook through the core's
// webhooks.Publisher: the body is {"event","date","data","signature"},
// signed as the SDK's Webhook.verify checks it (see signing.go). Events are
// published only after the change's transaction succeeded, so a refused
// or retried transaction sends nothing.
package smartlink
