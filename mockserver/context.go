package mockserver

import (
	"context"
	"net/http"
	"regexp"
	"strings"
)

// NamespaceHeader selects the state namespace of a request. Requests without
// it use DefaultNamespace.
const NamespaceHeader = "X-Standin-Namespace"

// DefaultNamespace is the namespace of requests that do not name one.
const DefaultNamespace = "default"

var namespacePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ValidNamespace reports whether ns can name a namespace: 1 to 64 letters,
// digits, dots, dashes or underscores.
func ValidNamespace(ns string) bool { return namespacePattern.MatchString(ns) }

type namespaceKey struct{}

// WithNamespace returns a context that carries the state namespace ns.
func WithNamespace(ctx context.Context, ns string) context.Context {
	return context.WithValue(ctx, namespaceKey{}, ns)
}

// Namespace returns the state namespace carried by ctx, or DefaultNamespace.
func Namespace(ctx context.Context) string {
	if ns, ok := ctx.Value(namespaceKey{}).(string); ok {
		return ns
	}
	return DefaultNamespace
}

type callerKey struct{}

// WithCaller returns a context that carries the authenticated caller c, as
// an API's Authenticate finds it (a user id and token, an app id, ...).
func WithCaller[C any](ctx context.Context, c C) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller of type C that ctx carries, if any.
func CallerFrom[C any](ctx context.Context) (C, bool) {
	c, ok := ctx.Value(callerKey{}).(C)
	return c, ok
}

type mountKey struct{}

// withMountPath returns a context that records the path prefix the
// request's API is mounted under ("/ucs"; none at the root of a port).
func withMountPath(ctx context.Context, prefix string) context.Context {
	return context.WithValue(ctx, mountKey{}, prefix)
}

// BaseURL returns the URL a client reached the request's API at: scheme,
// host and the API's mount path, without a trailing slash
// ("http://127.0.0.1:8080/ucs"). An API that hands out links to itself
// (signed file URLs, HAL links) builds them on it. Behind a proxy, the
// first X-Forwarded-Host names the host and X-Forwarded-Proto: https the
// scheme; otherwise the scheme is https when the request came over TLS.
func BaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	host := r.Host
	if fwd, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Host"), ","); strings.TrimSpace(fwd) != "" {
		host = strings.TrimSpace(fwd)
	}
	prefix, _ := r.Context().Value(mountKey{}).(string)
	return scheme + "://" + host + prefix
}
