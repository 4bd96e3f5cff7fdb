package contracts

import (
	"net/http"

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
}

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
