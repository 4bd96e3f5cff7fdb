package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/openapi"
)

const proxySynopsis = `Serves a reverse proxy in front of one API (a standin mock or a live
backend) that checks every request and every response against the API's
spec and passes both on unchanged. A request for an operation the spec
lacks counts as a violation. Counts requests, responses and violations per
operation, and prints them when it stops (text; with --json FILE also as
JSON); GET /__standin-proxy/report answers the counts so far.

Point the client at the proxy's address in place of the API's base URL:
the proxy serves the API at its root and forwards /x to TARGET/x.

  standin proxy --api rocketchat --target http://127.0.0.1:8080/rocketchat

With a command after "--", the proxy runs it with STANDIN_URL (or --env
NAME) set to the proxy's URL, and stops when it exits:

  standin proxy --api ethora --target http://127.0.0.1:8080/ethora --fail -- node check.mjs

--record FILE writes every exchange as a line of JSON, secrets replaced by
placeholders ("[redacted:N]", the same secret the same N; the mock's
default credentials as "[credential:KEY]"), for replaying against a mock.

Exits 0, or 1 with --fail when any violation was seen, or the command's
own status when it failed; 2 on a usage error.`

func proxyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var command []string
	dashes := false
	for i, a := range args {
		if a == "--" {
			args, command, dashes = args[:i], args[i+1:], true
			break
		}
	}
	fs := newFlags("proxy", proxySynopsis, stderr)
	apiName := fs.String("api", "", "API whose spec checks the traffic: "+strings.Join(suiteNames(), ", ")+" (required)")
	target := fs.String("target", "", "base URL of the API upstream, e.g. http://127.0.0.1:8080/rocketchat (required)")
	addr := fs.String("addr", "127.0.0.1:0", "listen address (port 0: any free port, printed at start)")
	record := fs.String("record", "", "write every exchange to this file, one JSON object a line, secrets redacted")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	fail := fs.Bool("fail", false, "exit 1 if any request or response broke the spec")
	envName := fs.String("env", "STANDIN_URL", "environment variable that gives the command the proxy's URL")
	mockCreds := fs.Bool("mock-credentials", true, "record the mock's default credentials (public) by name, for replay")
	quiet := fs.Bool("quiet", false, "do not print each violation as it is found")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, ok := lookupFlag(*apiName, stderr)
	if !ok || !checkTarget(*apiName, *target, stderr) {
		return exitCode(2)
	}
	if dashes && len(command) == 0 {
		fmt.Fprintln(stderr, "no command after --")
		return exitCode(2)
	}
	doc, err := openapi.Load(a.mock.Name)
	if err != nil {
		return err
	}
	targetURL, _ := url.Parse(*target)

	opts := contracts.ProxyOptions{Target: targetURL}
	if *mockCreds {
		opts.Public = a.defaultCredentials()
	}
	var recFile *os.File
	if *record != "" {
		if recFile, err = os.Create(*record); err != nil {
			return err
		}
		defer recFile.Close()
		opts.Record = recFile
	}
	var logMu sync.Mutex
	if !*quiet {
		opts.OnViolation = func(v contracts.ProxyViolation) {
			logMu.Lock()
			defer logMu.Unlock()
			fmt.Fprintf(stderr, "standin proxy: %s violation: %s\n", v.Side, v.Violation)
		}
	}
	p, err := contracts.NewProxy(doc, opts)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	self := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "standin proxy on %s -> %s (spec %s)\n", self, targetURL, a.mock.Name)
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var cmdErr error
	if len(command) > 0 {
		c := exec.CommandContext(ctx, command[0], command[1:]...)
		c.Stdout, c.Stderr, c.Stdin = stdout, stderr, os.Stdin
		c.Env = append(os.Environ(), *envName+"="+self)
		cmdErr = c.Run()
	} else {
		<-ctx.Done()
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}

	rep := p.Report()
	rep.API = a.mock.Name
	if err := rep.WriteText(stdout); err != nil {
		return err
	}
	if err := writeReport(*jsonOut, rep.WriteJSON); err != nil {
		return err
	}
	if recFile != nil {
		if err := recFile.Close(); err != nil {
			return err
		}
	}
	if rep.RecordError != "" {
		return fmt.Errorf("record %s: %s", *record, rep.RecordError)
	}
	var exit *exec.ExitError
	switch {
	case errors.As(cmdErr, &exit):
		fmt.Fprintf(stderr, "standin proxy: %s: %v\n", command[0], cmdErr)
		return exitCode(max(exit.ExitCode(), 1))
	case cmdErr != nil:
		return cmdErr
	case *fail && rep.ViolationCount() > 0:
		fmt.Fprintf(stderr, "standin proxy: %d violations of the %s spec\n", rep.ViolationCount(), a.mock.Name)
		return exitCode(1)
	}
	return nil
}
