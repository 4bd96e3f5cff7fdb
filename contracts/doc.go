// Package contracts runs conformance scenarios against an API target and
// reports every step.
//
// A Scenario is a named sequence of steps against one API, written with
// httpexpect. Run replays scenarios against a Target, which is either a live
// base URL or an in-process handler (InProcess), and returns a Report that
// can be written as text, JSON or JUnit XML; RunT does the same under go
// test, with a subtest per scenario and per step.
//
// Every response is checked against the API's OpenAPI document in addition
// to the scenario's own assertions: a status the operation does not
// declare, an undeclared content type, a body that does not match its
// schema or a request for an operation the spec lacks is a Violation, and
// fails the step it occurred in. Requests are not checked, since scenarios
// send malformed ones on purpose. The checking transport is available on
// its own as Validator.Transport.
//
// # How failures stop a step
//
// Each step runs on a goroutine of its own. The first failed assertion, a
// call to S.Fail or a missing S.Credential records the failure and ends
// that goroutine with runtime.Goexit, as testing.T.FailNow does, so the
// step's later requests, which usually depend on the failed one, are not
// sent; a panic is recovered and recorded likewise. Violations are
// recorded as the response arrives but do not end the step: the response
// is still handed to the scenario, whose assertions then add what the
// scenario expected. Once a step has failed, the scenario's later steps
// are recorded as skipped without running; steps run with S.Cleanup, which
// remove what a scenario created on a live target, run regardless.
//
// Stopping at the first failure is deliberate: a step's later requests
// usually build on the failed one, so going on would bury the cause under
// follow-on failures and, on a live target, act on state the step never
// reached. Letting violations pass keeps both the spec's and the
// scenario's view of a bad response in the report.
//
// Paths in messages and violations are relative to the target's base URL,
// so that the same scenario reports alike in process and against a server.
package contracts
