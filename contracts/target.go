package contracts

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/gavv/httpexpect/v2"
)

// inProcessHost is the host of in-process base URLs; .invalid is reserved
// (RFC 2606), so such a URL can never reach the network by mistake.
const inProcessHost = "http://standin.invalid"

// Target is what scenarios run against: a live server or an in-process
// handler.
type Target struct {
	// Name identifies the target in reports, such as "in-process" or the
	// base URL. Empty means BaseURL.
	Name string
	// BaseURL is the API root that scenario paths are relative to, such as
	// "http://127.0.0.1:8080/rocketchat". Its path is the prefix stripped
	// before matching requests against the spec.
	BaseURL string
	// Transport sends the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Header is added to every request that does not set the same header
	// itself, e.g. X-Standin-Namespace to isolate runs on a shared mock.
	Header http.Header
	// Credentials are the scenario inputs a target needs, such as
	// "username" and "password"; the keys are API-specific.
	Credentials map[string]string
	// RequestTimeout bounds each request of a step, so that a target that
	// hangs fails the step instead of the whole run. Zero means
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
}

// DefaultRequestTimeout is the per-request timeout of a Target that sets
// none.
const DefaultRequestTimeout = 30 * time.Second

// maxProbeBody caps what Probe reads of an answer.
const maxProbeBody = 64 << 10

// InProcess returns a Target that serves requests with h directly, without
// a network. prefix is the path the API is mounted at in h, such as
// "/rocketchat".
func InProcess(h http.Handler, prefix string) Target {
	return Target{
		Name:      "in-process",
		BaseURL:   inProcessHost + prefix,
		Transport: httpexpect.NewBinder(h),
	}
}

func (t Target) name() string {
	if t.Name != "" {
		return t.Name
	}
	return t.BaseURL
}

func (t Target) requestTimeout() time.Duration {
	if t.RequestTimeout > 0 {
		return t.RequestTimeout
	}
	return DefaultRequestTimeout
}

func (t Target) transport() http.RoundTripper {
	if t.Transport != nil {
		return t.Transport
	}
	return http.DefaultTransport
}

// Probe sends one GET without credentials to path under the target's base
// URL, with the target's Header, and returns the answer's status and the
// first 64 KiB of its body, to find out before a run whether the target is
// there at all. Redirects are followed. The request is bounded by the
// target's RequestTimeout. If no HTTP answer came (connection refused, a
// host that does not resolve, a timeout), the error is an
// *UnreachableError.
func (t Target) Probe(ctx context.Context, path string) (status int, body []byte, err error) {
	target := strings.TrimSuffix(t.BaseURL, "/") + path
	ctx, cancel := context.WithTimeout(ctx, t.requestTimeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return 0, nil, fmt.Errorf("contracts: probe %s: %w", target, err)
	}
	for k, vs := range t.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	client := &http.Client{Transport: t.transport()}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, &UnreachableError{URL: t.BaseURL, Reason: unreachableReason(err, t.requestTimeout()), Err: err}
	}
	defer resp.Body.Close()
	body, _ = io.ReadAll(io.LimitReader(resp.Body, maxProbeBody))
	return resp.StatusCode, body, nil
}

// UnreachableError says that a target gave no HTTP answer, and why.
type UnreachableError struct {
	URL    string // the target's base URL
	Reason string // why, in a few words: "connection refused"
	Err    error  // the error of the request
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("target %s is unreachable: %s", e.URL, e.Reason)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// unreachableReason says in a few words why a request got no answer.
func unreachableReason(err error, timeout time.Duration) string {
	var dns *net.DNSError
	var tlsErr *tls.RecordHeaderError
	var certErr *tls.CertificateVerificationError
	var netErr net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &dns) && dns.IsNotFound:
		return fmt.Sprintf("host %q not found", dns.Name)
	case errors.As(err, &dns):
		return fmt.Sprintf("cannot resolve host %q: %s", dns.Name, dns.Err)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Sprintf("no answer within %s", timeout)
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.As(err, &tlsErr):
		return "it does not speak TLS (try http://)"
	case errors.As(err, &certErr):
		return "its TLS certificate is not trusted: " + certErr.Err.Error()
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to host"
	}
	if uerr, ok := errors.AsType[*url.Error](err); ok {
		return uerr.Err.Error()
	}
	return err.Error()
}
