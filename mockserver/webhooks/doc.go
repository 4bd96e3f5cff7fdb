// Package webhooks delivers the changes an API reports to the URLs users
// subscribed to them: outbound webhooks, as a piece of the core that any
// fake can use.
//
// An API publishes an [Event] (its API and namespace, a name such as
// "membership.created", and a Build function that makes the body and
// headers of one attempt) to a [Publisher], which the core hands it in
// mockserver.Setup. The [Dispatcher] is the core's Publisher: it queues the
// event for every [Subscription] of that namespace and API whose filter
// takes the name, and returns at once; delivery never blocks the request
// that caused it.
//
// Each subscription has at most one worker at a time, which delivers its
// queued events in order: the next event waits until the previous one was
// delivered or given up. An attempt is an HTTP POST to the subscription's
// URL; it fails on a transport error, a timeout (Options.Timeout) or any
// status but 2xx (redirects are not followed: calls go only to the URLs a
// user registered). A failed attempt is retried after a backoff that starts
// at Options.Backoff and doubles up to Options.MaxBackoff, until
// Options.MaxAttempts attempts were made. Every attempt is recorded as an
// [Attempt] in a bounded ring (Dispatcher.Attempts) and passed to
// Options.OnAttempt, which the core uses to write the journal.
//
// Memory stays bounded: at most Options.MaxPending events wait per
// subscription (a further one is dropped and recorded as a failed attempt
// with try 0), and at most Options.MaxSubscriptions subscriptions exist per
// namespace. A worker only runs while its subscription has events to
// deliver, so an idle Dispatcher holds no goroutines.
package webhooks
