package mockserver

import (
	"fmt"
	"net/http"
)

// Kind classifies a refusal made by the core, so that an API can choose its
// own wording and status for it.
type Kind string

// The kinds of problem the core reports.
const (
	KindNotFound         Kind = "not-found"          // no operation at that path
	KindMethodNotAllowed Kind = "method-not-allowed" // the path exists, the method does not
	KindTooLarge         Kind = "body-too-large"     // the body exceeds the configured limit
	KindInvalid          Kind = "invalid-request"    // the request does not satisfy the spec
	KindUnauthorized     Kind = "unauthorized"       // missing or wrong credentials
	KindForbidden        Kind = "forbidden"          // valid credentials, not allowed
	KindBadNamespace     Kind = "bad-namespace"      // the namespace header is malformed
	KindInternal         Kind = "internal"           // a bug in standin; never expected
)

// Problem is a refused request. The core creates problems for routing,
// validation, size and authentication failures; an API's WriteError renders
// them in that API's envelope.
type Problem struct {
	Status int    // HTTP status to answer with
	Kind   Kind   // what went wrong, for the API to phrase
	Field  string // where, e.g. "body.name" or "query.count"; empty if not about one field
	Rule   string // which rule, e.g. "required", "pattern", "type"; empty if none
	Detail string // human-readable explanation
	Err    error  // underlying cause, if any
}

// Error implements error.
func (p *Problem) Error() string {
	msg := p.Detail
	if msg == "" {
		msg = http.StatusText(p.Status)
	}
	if p.Field != "" {
		msg = fmt.Sprintf("%s: %s", p.Field, msg)
	}
	return msg
}

// Unwrap returns the underlying cause.
func (p *Problem) Unwrap() error { return p.Err }

// StatusCode reports the HTTP status of the problem.
func (p *Problem) StatusCode() int { return p.Status }
