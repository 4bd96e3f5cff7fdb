package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mocks"
	"github.com/standin/standin/openapi"
)

const serveSynopsis = `Serves every enabled mock on one address, each API under its own prefix
(http://ADDR/rocketchat, ...), with the admin API under /__standin/ and
the inspector, a web page over it (journal, state, credentials), at
http://ADDR/__standin/ui.
The admin API answers only requests addressed to a loopback host
(localhost, 127.0.0.1, [::1]) or to one listed in admin.hosts, sends no
CORS headers unless admin.corsOrigins is set and, with --admin-token,
needs "Authorization: Bearer TOKEN" on every request but its health check.
With --state-dir DIR the state survives restarts: it is restored from DIR
at start and the namespaces that changed are written there every
state.interval (default 2s) and at a graceful stop, one NS.json file per
namespace, each written whole (temporary file, fsync, rename), so a kill -9
loses at most the changes of one interval plus one write. A file that
cannot be loaded stops the start with an error naming it. --snapshot FILE
loads a snapshot (as GET /__standin/snapshot answers it) at start; with
--state-dir it seeds only a directory that never held state.
Without --config the documented defaults apply; --print-config shows them.
Stops gracefully on Ctrl-C or SIGTERM.`

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", serveSynopsis, stderr)
	addr := fs.String("addr", "", "listen address (env STANDIN_ADDR; default from config: 127.0.0.1:8080)")
	configPath := fs.String("config", "", "YAML configuration file (keys it leaves out keep their defaults)")
	dataSet := fs.String("data-set", "", "data set for every API: empty, default, large, or scale:N for N users (see standin fixtures -h); overrides the config")
	seed := fs.Uint64("seed", 0, "seed of the data set (overrides the config; 0 keeps it)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	quiet := fs.Bool("quiet", false, "log only warnings and errors, not every request")
	printConfig := fs.Bool("print-config", false, "print the default configuration and exit")
	adminToken := fs.String("admin-token", "", "token the admin API requires (env STANDIN_ADMIN_TOKEN; default from config: none)")
	stateDir := fs.String("state-dir", "", "directory the state is restored from and written to (default from config: none)")
	snapshotFile := fs.String("snapshot", "", "snapshot file to load at start, as GET /__standin/snapshot answers it (default from config: none)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cat := catalog()
	if *printConfig {
		_, err := stdout.Write(cat.DefaultYAML())
		return err
	}

	cfg := cat.Default()
	if *configPath != "" {
		var err error
		if cfg, err = cat.Load(*configPath); err != nil {
			return err
		}
	}
	if v := os.Getenv("STANDIN_ADDR"); v != "" {
		cfg.Addr = v
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	if v := os.Getenv("STANDIN_ADMIN_TOKEN"); v != "" {
		cfg.Admin.Token = v
	}
	if *adminToken != "" {
		cfg.Admin.Token = *adminToken
	}
	if *stateDir != "" {
		cfg.State.Dir = *stateDir
	}
	if *snapshotFile != "" {
		cfg.State.Snapshot = *snapshotFile
	}
	for name, api := range cfg.APIs {
		if *dataSet != "" {
			api.DataSet = *dataSet
		}
		if *seed != 0 {
			api.Seed = *seed
		}
		cfg.APIs[name] = api
	}
	if err := cat.Validate(cfg); err != nil {
		return err
	}
	// The first API's document is built now, in the background, while the
	// server is built; the others once the server answers (LoadSpecs
	// below). Building them all now, on every CPU, made the server and
	// its first API answer 10 to 15 ms later, and all five no sooner, on
	// two CPUs (make bench-http's start-up figures).
	for _, name := range cat.Names() {
		if cfg.APIs[name].Enabled {
			openapi.Preload(name)
			break
		}
	}

	level := slog.LevelInfo
	if *quiet {
		level = slog.LevelWarn
	}
	// One record a request: gathered and written every few milliseconds,
	// not a write system call each.
	logs := newBatchWriter(stderr, 20*time.Millisecond, 32<<10)
	defer func() { _ = logs.Flush() }()
	var handler slog.Handler
	switch *logFormat {
	case "text":
		handler = slog.NewTextHandler(logs, &slog.HandlerOptions{Level: level})
	case "json":
		handler = slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: level})
	default:
		return fmt.Errorf("--log-format must be text or json, got %q", *logFormat)
	}
	logger := slog.New(handler)

	srv, err := cat.New(cfg, logger)
	if err != nil {
		return err
	}
	state, stateNotes, err := mocks.RestoreState(ctx, cfg.State, srv.Store(), logger)
	if err != nil {
		return err
	}
	if state != nil {
		defer func() { _ = state.Close() }()
	}
	type listener struct {
		ln      net.Listener
		handler http.Handler
		what    string
	}
	var listeners []listener
	defer func() {
		for _, l := range listeners {
			_ = l.ln.Close()
		}
	}()
	listen := func(addr string, h http.Handler, what string) error {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		listeners = append(listeners, listener{ln, h, what})
		return nil
	}
	if err := listen(cfg.Addr, srv.Handler(), "all APIs"); err != nil {
		return err
	}
	for _, name := range srv.APIs() {
		if root := cfg.APIs[name].RootAddr; root != "" {
			h, err := srv.RootHandler(name)
			if err != nil {
				return err
			}
			if err := listen(root, h, name+" at the root"); err != nil {
				return err
			}
		}
	}

	// The banner is written at once, so that whoever waits for its first
	// line (a script, a test) reads all of it.
	base := "http://" + listeners[0].ln.Addr().String()
	var banner strings.Builder
	fmt.Fprintf(&banner, "standin serving on %s\n", base)
	for _, name := range srv.APIs() {
		api := cfg.APIs[name]
		mock, _ := cat.Lookup(name)
		fmt.Fprintf(&banner, "  %-11s %s%s  (data set %q, seed %d%s)\n", name, base, mock.Prefix, api.DataSet, api.Seed, credentialsHint(mock, api))
		for _, c := range longCredentials(mock, api) {
			fmt.Fprintf(&banner, "  %-11s %s %s\n", "", c.Key, c.Value)
		}
	}
	for _, l := range listeners[1:] {
		fmt.Fprintf(&banner, "  %-11s http://%s\n", l.what, l.ln.Addr())
	}
	fmt.Fprintf(&banner, "  admin       %s%s/health  (%s)\n", base, mockserver.AdminPrefix, adminHint(cfg.Admin))
	fmt.Fprintf(&banner, "  inspector   %s%s/ui\n", base, mockserver.AdminPrefix)
	for _, note := range stateNotes {
		fmt.Fprintf(&banner, "  %s\n", note)
	}
	for _, l := range listeners {
		if note := adminHostsNote(l.ln.Addr().String(), cfg.Admin); note != "" {
			fmt.Fprintf(&banner, "  note: %s\n", note)
			break
		}
	}
	if _, err := io.WriteString(stdout, banner.String()); err != nil {
		return err
	}

	g, gctx := errgroup.WithContext(ctx)
	errorLog := slog.NewLogLogger(handler, slog.LevelWarn)
	for _, l := range listeners {
		hs := cfg.Server.HTTPServer(l.handler, errorLog)
		g.Go(func() error { return mockserver.Serve(gctx, l.ln, hs, 5*time.Second) })
	}
	if state != nil {
		g.Go(func() error { state.Run(gctx, cfg.State.Interval); return nil })
	}
	// The APIs answer already; their documents (the first one's begun by
	// Preload) are built and routed now, in the background, in mount
	// order, unless a request to an API got there first. Then the
	// start-up's garbage goes back to the system, so that the idle server
	// holds only what it uses. A stop does not wait for them: Ctrl-C
	// right after the start exits at once.
	g.Go(func() error {
		loaded := make(chan error, 1)
		go func() { loaded <- srv.LoadSpecs() }()
		select {
		case err := <-loaded:
			if err != nil {
				return err
			}
		case <-gctx.Done():
			return nil
		}
		debug.FreeOSMemory()
		tuneGC(gctx, 5*time.Second)
		return nil
	})
	err = g.Wait()
	listeners = nil
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	// Webhook deliveries in flight are canceled, those waiting dropped.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	if cerr := srv.Close(cctx); cerr != nil {
		logger.Warn("webhook deliveries did not stop", "error", cerr)
	}
	cancel()
	stopped := "standin stopped"
	if state != nil {
		// Every request has been answered: this write holds every
		// change a client was told about.
		if ferr := state.Flush(context.WithoutCancel(ctx)); ferr != nil {
			err = errors.Join(err, fmt.Errorf("state not saved at shutdown: %w", ferr))
		}
		stopped += " (state saved in " + state.Path() + ")"
	}
	if err == nil {
		fmt.Fprintln(stdout, stopped)
	}
	return err
}

// credentialsHint says how to authenticate to an API as configured.
func credentialsHint(mock *mockserver.Mock, api mocks.APIConfig) string {
	var b strings.Builder
	for _, c := range mock.Credentials(api.Options) {
		if len(c.Value) <= longCredential {
			fmt.Fprintf(&b, ", %s %s", c.Key, c.Value)
		}
	}
	return b.String()
}

// longCredential is the longest value the banner shows inline; longer ones
// (tokens) get a line each, so that they copy whole.
const longCredential = 40

// longCredentials are the credentials the banner shows on lines of their own.
func longCredentials(mock *mockserver.Mock, api mocks.APIConfig) []mockserver.Credential {
	var long []mockserver.Credential
	for _, c := range mock.Credentials(api.Options) {
		if len(c.Value) > longCredential {
			long = append(long, c)
		}
	}
	return long
}

// adminHint says how the admin API is protected, for the banner.
func adminHint(a mockserver.AdminOptions) string {
	hosts := "loopback hosts only"
	if len(a.Hosts) > 0 {
		hosts = "loopback hosts and " + strings.Join(a.Hosts, ", ")
	}
	if a.Token == "" {
		return "no admin token; " + hosts
	}
	return "protected by the admin token; " + hosts
}

// adminHostsNote explains, for a listener on a non-loopback address with
// no admin.hosts configured, that clients reaching it by another name
// cannot use the admin API.
func adminHostsNote(addr string, a mockserver.AdminOptions) string {
	if len(a.Hosts) > 0 || loopback("http://"+addr) {
		return ""
	}
	return fmt.Sprintf("%s is not a loopback address: the admin API answers only requests for localhost or 127.0.0.1 until admin.hosts lists the names and addresses clients use", addr)
}
