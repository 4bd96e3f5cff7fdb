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
	if s := servedFrom(ctx); s != nil {
		// Keep what the core knows of the request, in another namespace.
		c := *s
		c.namespace = ns
		return context.WithValue(ctx, namespaceKey{}, &c)
	}
	return context.WithValue(ctx, namespaceKey{}, ns)
}

// Namespace returns the state namespace carried by ctx, or DefaultNamespace.
func Namespace(ctx context.Context) string {
	switch v := ctx.Value(namespaceKey{}).(type) {
	case string:
		return v
	case *served:
		return v.namespace
	}
	return DefaultNamespace
}

// served is what the core records of a request it serves, put in the
// request's context once: one value instead of one per fact. It is the
// request's context itself, wrapping the one the server gave it, and
// answers namespaceKey with itself; WithNamespace copies it under that
// key, so that the nearest value under it names the namespace. The
// pipeline fills in mount before the API sees the request.
type served struct {
	context.Context // the request's context as the server gave it
	namespace       string
	mount           string        // the API's mount path ("/ucs"); "" at the root of a port
	req             *http.Request // the request as the server received it
	caller          any           // the first WithCaller's caller, if any
}

// Value answers namespaceKey with s, and any other key as the context s
// wraps does.
func (s *served) Value(key any) any {
	if _, ok := key.(namespaceKey); ok {
		return s
	}
	return s.Context.Value(key)
}

// withServed returns r with a context that carries what the core knows
// of it, to fill in (servedFrom) as the request is routed.
func withServed(r *http.Request, ns string) *http.Request {
	s := &served{Context: r.Context(), namespace: ns}
	r = r.WithContext(s)
	s.req = r
	return r
}

func servedFrom(ctx context.Context) *served {
	s, _ := ctx.Value(namespaceKey{}).(*served)
	return s
}

type callerKey struct{}

// WithCaller returns a context that carries the authenticated caller c, as
// an API's Authenticate finds it (a user id and token, an app id, ...).
// The first caller of a request the server serves is kept in what the core
// records of the request, and ctx is returned as it is, so that the
// pipeline need not copy the request for it.
func WithCaller[C any](ctx context.Context, c C) context.Context {
	if s := servedFrom(ctx); s != nil && s.caller == nil {
		s.caller = c
		return ctx
	}
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller of type C that ctx carries, if any.
func CallerFrom[C any](ctx context.Context) (C, bool) {
	// A caller under callerKey was added after the request's first
	// (WithCaller keeps that one in served), so it is the nearer one.
	if c, ok := ctx.Value(callerKey{}).(C); ok {
		return c, true
	}
	if s := servedFrom(ctx); s != nil {
		c, ok := s.caller.(C)
		return c, ok
	}
	var none C
	return none, false
}

// BaseURL returns the URL a client reached the request's API at: scheme,
// host and the API's mount path, without a trailing slash
// ("http://127.0.0.1:8080/ucs"). An API that hands out links to itself
// (signed file URLs, HAL links) builds them on it. Behind a proxy, the
// first X-Forwarded-Host names the host and X-Forwarded-Proto: https the
// scheme; otherwise the scheme is https when the request came over TLS.
func BaseURL(r *http.Request) string {
	var mount string
	if s := servedFrom(r.Context()); s != nil {
		mount = s.mount
	}
	return baseURL(r, mount)
}

// BaseURLOf returns the BaseURL of the request the core serves with ctx,
// for strict handlers, which see the context and not the request; "" for
// a context of no request the server serves.
func BaseURLOf(ctx context.Context) string {
	s := servedFrom(ctx)
	if s == nil {
		return ""
	}
	return baseURL(s.req, s.mount)
}

func baseURL(r *http.Request, mount string) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	host := r.Host
	if fwd, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Host"), ","); strings.TrimSpace(fwd) != "" {
		host = strings.TrimSpace(fwd)
	}
	return scheme + "://" + host + mount
}
