package mockserver

import (
	"fmt"
	"log"
	"net/http"
	"time"
)

// Limits bound what one client connection may take from the server: how
// long reading a request (its headers, and all of it) and writing a
// response may last, how long an idle keep-alive connection stays open,
// and how large the request line and headers may be. A zero duration means
// no limit; a zero MaxHeaderBytes means net/http's default (1 MiB). A
// request whose body arrives too slowly is cut off when ReadTimeout
// passes: its body cannot be read, it is refused, and the connection is
// closed.
type Limits struct {
	ReadTimeout       time.Duration `yaml:"readTimeout"`
	ReadHeaderTimeout time.Duration `yaml:"readHeaderTimeout"`
	WriteTimeout      time.Duration `yaml:"writeTimeout"`
	IdleTimeout       time.Duration `yaml:"idleTimeout"`
	MaxHeaderBytes    int           `yaml:"maxHeaderBytes"`
}

// DefaultLimits are the limits standin serves with unless configured
// otherwise: generous for tests and frontends, short enough that a slow
// or stuck client cannot hold a connection for long.
func DefaultLimits() Limits {
	return Limits{
		ReadTimeout:       30 * time.Second,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
	}
}

// Validate reports a negative limit.
func (l Limits) Validate() error {
	for _, d := range []struct {
		key string
		v   time.Duration
	}{
		{"readTimeout", l.ReadTimeout}, {"readHeaderTimeout", l.ReadHeaderTimeout},
		{"writeTimeout", l.WriteTimeout}, {"idleTimeout", l.IdleTimeout},
	} {
		if d.v < 0 {
			return fmt.Errorf("%s must not be negative, got %s", d.key, d.v)
		}
	}
	if l.MaxHeaderBytes < 0 {
		return fmt.Errorf("maxHeaderBytes must not be negative, got %d", l.MaxHeaderBytes)
	}
	return nil
}

// HTTPServer returns an http.Server for h with these limits, logging
// net/http's own errors to errorLog (nil: the log package's default).
func (l Limits) HTTPServer(h http.Handler, errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadTimeout:       l.ReadTimeout,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ErrorLog:          errorLog,
	}
}
