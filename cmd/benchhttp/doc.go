// Command benchhttp measures standin's HTTP hot path and start-up against
// fixed targets; `make bench-http` runs it.
//
// The throughput measurement has this shape: the server is pinned to one
// core (taskset -c 0) and the load generator to another (taskset -c 1),
// wrk with 32 connections (or, without wrk on PATH, a built-in Go load
// generator with 32 keep-alive connections). Rocket.Chat is served alone
// at the root of a port, with validation, state and the journal on, and
// requests carry a real token from POST /api/v1/login. Three requests are
// measured:
//
//	GET  /api/v1/channels.info?roomName=<a seeded public channel>   200
//	POST /api/v1/channels.invite, a member invited again            200
//	POST /api/v1/channels.invite, a body that breaks the spec       400
//
// Each point is paired with a bare net/http server measured in the same
// round: benchhttp runs itself as that server (the hidden "bare"
// subcommand), answering each request with the status and body bytes
// standin answered it with, so that response sizes match. For every round
// and request the bare server, standin --quiet and standin with request
// logging on are measured in turn, in reverse order every other round so
// that a drift in the machine's speed does not always favour the same
// server; the report shows medians over rounds.
//
// Start-up is the time from exec of "standin serve --addr 127.0.0.1:0
// --quiet" (every API, default data) to the first 2xx of
// /__standin/health, of a Rocket.Chat call and of a call to each of the
// five APIs; idle RSS is read from /proc 2 s after those calls, with its
// anonymous part (heap, stacks) and its file part (the binary's pages).
//
// Usage:
//
//	benchhttp -standin bin/standin [-duration 5s] [-rounds 6] [-gap 1s]
//	          [-c 32] [-startup-runs 10] [-generator auto|wrk|go]
//	          [-profile DIR] [-json FILE] [-check]
//
// -profile DIR runs standin once more per request with STANDIN_CPUPROFILE
// set, and one start-up, and prints "go tool pprof -top" of each profile,
// by flat and by cumulative time.
// -check exits with status 1 when a target is missed.
package main
