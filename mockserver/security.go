package mockserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/rs/cors"
)

// AdminTokenHeader carries the admin token, as an alternative to
// "Authorization: Bearer <token>".
const AdminTokenHeader = "X-Standin-Admin-Token"

// AdminOptions protect the admin API (/__standin/...). The zero value
// admits requests addressed to a loopback host, with no token, and sends no
// CORS headers.
type AdminOptions struct {
	// Hosts are the Host names, besides the loopback ones (localhost,
	// *.localhost, 127.0.0.0/8, [::1]), under which the admin API answers:
	// "mock.internal" admits it on any port, "mock.internal:8080" on that
	// port only, "*" admits any Host. Every other Host is refused with 403,
	// so that a web page cannot reach the admin API through DNS rebinding.
	// A server that listens on a non-loopback address and is called by
	// name or address needs that name or address here.
	Hosts []string `yaml:"hosts"`
	// Token, if not empty, must accompany every admin request but the
	// health check and GET of the inspector's files (/__standin/ui), as
	// "Authorization: Bearer <token>" or in the X-Standin-Admin-Token
	// header; requests without it get 401.
	Token string `yaml:"token"`
	// CORSOrigins are the browser origins that may call the admin API
	// ("*" for any). Empty, the admin API sends no CORS headers and
	// approves no preflight.
	CORSOrigins []string `yaml:"corsOrigins"`
}

// adminGuard is how the admin API is protected.
type adminGuard struct {
	hosts []string   // lower-cased
	token [32]byte   // SHA-256 of the token
	open  bool       // no token
	cors  *cors.Cors // nil: no CORS
}

func newAdminGuard(o AdminOptions) *adminGuard {
	g := &adminGuard{open: o.Token == "", cors: adminCORS(o.CORSOrigins)}
	for _, h := range o.Hosts {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			g.hosts = append(g.hosts, h)
		}
	}
	if !g.open {
		g.token = sha256.Sum256([]byte(o.Token))
	}
	return g
}

// wrap returns next behind the guard: the Host check, then CORS (so that a
// configured origin's preflight, which carries no token, is answered),
// then the token.
func (g *adminGuard) wrap(next http.Handler) http.Handler {
	tokened := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The health check and the inspector's files (GET only: they
		// hold no data; the page asks for the token for its API calls)
		// need no token.
		if !g.open && r.URL.Path != AdminPrefix+"/health" && !isUIFile(r) && !g.tokenOK(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="standin admin"`)
			adminError(w, http.StatusUnauthorized, "the admin API needs the admin token (admin.token, --admin-token or STANDIN_ADMIN_TOKEN): send it as \"Authorization: Bearer <token>\" or in %s", AdminTokenHeader)
			return
		}
		next.ServeHTTP(w, r)
	})
	var inner http.Handler = tokened
	if g.cors != nil {
		inner = g.cors.Handler(tokened)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.hostOK(r.Host) {
			adminError(w, http.StatusForbidden, "the admin API does not answer requests for Host %q: only loopback hosts (localhost, *.localhost, 127.0.0.0/8, [::1]) and those in admin.hosts may call it, against DNS rebinding", r.Host)
			return
		}
		inner.ServeHTTP(w, r)
	})
}

// hostOK reports whether host, a request's Host, is a loopback name or
// address, or one of the configured hosts.
func (g *adminGuard) hostOK(host string) bool {
	host = strings.ToLower(host)
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	} else {
		name = strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")
	}
	name = strings.TrimSuffix(name, ".")
	if name == "" {
		return false
	}
	if isLoopback(name) {
		return true
	}
	for _, h := range g.hosts {
		if h == "*" || h == host || h == name {
			return true
		}
	}
	return false
}

// isLoopback reports whether name (no port, no brackets) is localhost, a
// subdomain of it, or a loopback address.
func isLoopback(name string) bool {
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(name)
	return err == nil && ip.Unmap().IsLoopback()
}

// tokenOK reports whether r carries the admin token, comparing in constant
// time.
func (g *adminGuard) tokenOK(r *http.Request) bool {
	sent := r.Header.Get(AdminTokenHeader)
	if sent == "" {
		scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return false
		}
		sent = strings.TrimSpace(cred)
	}
	if sent == "" {
		return false
	}
	sum := sha256.Sum256([]byte(sent))
	return subtle.ConstantTimeCompare(sum[:], g.token[:]) == 1
}
