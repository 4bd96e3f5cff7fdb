// Command standin serves stateful mocks of chat and identity APIs, runs the
// conformance suite against any target, and checks the specs.
//
//	standin serve     [flags]   run the mock server
//	standin conform   [flags]   run the conformance scenarios against a target
//	standin validate  [flags]   check every spec and its examples
//	standin fixtures  [flags]   print a seeded data set (users, passwords, rooms)
//	standin load      [flags]   load-test a target, report latency per operation
//	standin proxy     [flags]   check live traffic against a spec, as a reverse proxy
//	standin apis                list the APIs this build serves, one name a line
//	standin token API --user U  print a token for a user of an API
//
// Run "standin COMMAND -h" for the flags of a command.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `standin: stateful API mocks and conformance tests from OpenAPI specs

Usage:
  standin serve     [flags]   run the mock server (default 127.0.0.1:8080)
  standin conform   [flags]   run the conformance scenarios against a target
  standin validate  [flags]   check every spec and every example in it
  standin fixtures  [flags]   print a seeded data set as JSON
  standin load      [flags]   load-test a target and report latency per operation
  standin proxy     [flags]   check traffic to a target against its spec (reverse proxy)
  standin apis                list the APIs this build serves, one name a line
  standin token API --user U  print a token for user U of an API (ucsrooms)

Run "standin COMMAND -h" for a command's flags.
`

// exitCode is how a command asks for a particular exit status.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var code exitCode
	switch {
	case err == nil:
	case errors.As(err, &code):
		os.Exit(int(code))
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	default:
		fmt.Fprintln(os.Stderr, "standin:", err)
		os.Exit(1)
	}
}

// run dispatches to a command; it is main without the process around it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitCode(2)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr)
	case "conform":
		return conform(ctx, rest, stdout, stderr)
	case "validate":
		return validate(ctx, rest, stdout, stderr)
	case "fixtures":
		return printFixtures(rest, stdout, stderr)
	case "load":
		return loadTest(ctx, rest, stdout, stderr)
	case "proxy":
		return proxyCmd(ctx, rest, stdout, stderr)
	case "apis":
		return listAPIs(rest, stdout, stderr)
	case "token":
		return printToken(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "standin: unknown command %q\n\n%s", cmd, usage)
	return exitCode(2)
}

// newFlags returns a flag set that prints its usage to stderr with a header.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("standin "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: standin %s [flags]\n\n%s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning a usage error into exit status 2.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return exitCode(2)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %v\n", fs.Args())
		fs.Usage()
		return exitCode(2)
	}
	return nil
}
