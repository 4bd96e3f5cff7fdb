package mockserver

import (
	"net/http"
	"slices"

	"github.com/rs/cors"
)

// corsMaxAge is how long, in seconds, a browser may cache an approved
// preflight.
const corsMaxAge = 600

// apiCORS returns the CORS handling of the API prefixes: with no origins
// (or "*" among them) any origin may call the APIs from a browser, with
// credentials, any method and the headers the preflight asks for, and may
// read every response header; otherwise only the listed origins may
// ("https://*.example.com" matches subdomains). Preflights are answered
// here and never reach an API.
func apiCORS(origins []string) *cors.Cors {
	opts := cors.Options{
		AllowedMethods: []string{
			http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
			http.MethodPatch, http.MethodDelete, http.MethodOptions,
		},
		AllowedHeaders:   []string{"*"},
		ExposedHeaders:   []string{"*"},
		AllowCredentials: true,
		MaxAge:           corsMaxAge,
	}
	if len(origins) == 0 || slices.Contains(origins, "*") {
		// Echo the origin rather than answer "*", which browsers refuse
		// together with credentials.
		opts.AllowOriginFunc = func(string) bool { return true }
	} else {
		opts.AllowedOrigins = origins
	}
	return cors.New(opts)
}

// adminCORS returns the CORS handling of the admin API, or nil when no
// origin is configured: then the admin API sends no CORS headers at all and
// a preflight is answered like any other OPTIONS request (405), so that no
// web page can call it from a browser. The configured origins may call it
// without credentials (the admin token travels in a header).
func adminCORS(origins []string) *cors.Cors {
	if len(origins) == 0 {
		return nil
	}
	return cors.New(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete},
		AllowedHeaders: []string{"*"},
		ExposedHeaders: []string{"*"},
		MaxAge:         corsMaxAge,
	})
}
