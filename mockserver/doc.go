// Package mockserver is the core that every stateful fake in standin runs on.
//
// A fake (for example mockserver/rocketchat) describes itself as an [API]: its
// spec, an http.Handler for its operations, how it authenticates callers and
// how it writes errors in its own envelope. A [Server] mounts any number of
// APIs, each under its own prefix on one listener or alone at the root of its
// own, and runs every request through the same pipeline:
//
//	CORS → namespace → body limit → route → faults → authenticate → validate → handler
//
// Latency and fault rules ([Faults]) delay, drop or fail a routed request, or
// slow its answer, before it is authenticated, so that a faulted request
// changes no state.
//
// Each step that refuses a request does so with a [*Problem], which the API
// turns into its own error body, so clients see the error shape they expect.
//
// State lives in a [Store], partitioned by namespace (the X-Standin-Namespace
// header), so parallel test suites never see each other's data. The admin API
// under /__standin/ exposes health, reset, snapshot export and import, and a
// journal of recent requests.
package mockserver
