// Command standin serves stateful mocks of chat and identity APIs, runs the
// conformance suite against any target, and checks the specs.
//
//	standin serve     [flags]   run the mock server
//	standin conform   [flags]   run the conformance scenarios against a target
//	standin validate  [flags] [FILE...]  check the specs (or FILEs) and their examples
//	standin fixtures  [flags]   print a seeded data set (users, passwords, rooms, ids)
//	standin load      [flags]   load-test a target, report latency per operation
//	standin proxy     [flags]   check live traffic against a spec, as a reverse proxy
//	standin apis                list the APIs this build serves, one name a line
//	standin token API [--user U]  print a ready token for an API
//	standin version             print the version and VCS revision of this build
//
// Run "standin COMMAND -h" or "standin help COMMAND" for the flags of a
// command; help goes to stdout, errors to stderr with exit status 2.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

const usage = `standin: stateful API mocks and conformance tests from OpenAPI specs

Usage:
  standin serve     [flags]   run the mock server (default 127.0.0.1:8080)
  standin conform   [flags]   run the conformance scenarios against a target
  standin validate  [flags] [FILE...]
                              check every spec (or the given files) and its examples
  standin fixtures  [flags]   print a seeded data set as JSON, with its ids
  standin load      [flags]   load-test a target and report latency per operation
  standin proxy     [flags]   check traffic to a target against its spec (reverse proxy)
  standin apis                list the APIs this build serves, one name a line
  standin token API [--user U]
                              print a ready token for an API (ethora, ucsrooms)
  standin version             print the version and VCS revision of this build

Run "standin COMMAND -h" or "standin help COMMAND" for a command's flags.
`

// exitCode is how a command asks for a particular exit status.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile, err := startProfiles()
	if err == nil {
		err = run(ctx, os.Args[1:], os.Stdout, os.Stderr)
		err = errors.Join(err, stopProfile())
	}
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
// Help that was asked for (-h, --help, help, help COMMAND) goes to stdout;
// errors and the usage shown with them go to stderr, with exit status 2.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitCode(2)
	}
	cmd, rest := args[0], args[1:]
	if cmd == "help" && len(rest) > 0 {
		// "standin help serve" is "standin serve -h".
		if _, ok := commands[rest[0]]; !ok {
			fmt.Fprintf(stderr, "standin: unknown command %q\n\n%s", rest[0], usage)
			return exitCode(2)
		}
		err := run(ctx, []string{rest[0], "-h"}, stdout, stderr)
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if c, ok := commands[cmd]; ok {
		return c(ctx, rest, stdout, helpWriter{Writer: stderr, help: stdout})
	}
	switch cmd {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "-version", "--version":
		return printVersion(rest, stdout, stderr)
	}
	fmt.Fprintf(stderr, "standin: unknown command %q\n\n%s", cmd, usage)
	return exitCode(2)
}

// command is one of standin's commands.
type command func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// commands are standin's commands by name.
var commands = map[string]command{
	"serve":    serve,
	"conform":  conform,
	"validate": validate,
	"fixtures": func(_ context.Context, args []string, stdout, stderr io.Writer) error {
		return printFixtures(args, stdout, stderr)
	},
	"load":  loadTest,
	"proxy": proxyCmd,
	"apis": func(_ context.Context, args []string, stdout, stderr io.Writer) error {
		return listAPIs(args, stdout, stderr)
	},
	"token": func(_ context.Context, args []string, stdout, stderr io.Writer) error {
		return printToken(args, stdout, stderr)
	},
	"version": func(_ context.Context, args []string, stdout, stderr io.Writer) error {
		return printVersion(args, stdout, stderr)
	},
}

// helpWriter is the stderr run gives a command: it writes to stderr, and
// carries stdout, where newFlags sends the help that -h asks for.
type helpWriter struct {
	io.Writer
	help io.Writer
}

// newFlags returns a flag set for command name (with its positional
// arguments after it, e.g. "token API"). Its help goes to stdout when asked
// for (-h), through the stderr run gave the command; a flag error prints
// only itself and how to get help, to stderr.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("standin "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	help := stderr
	if w, ok := stderr.(helpWriter); ok {
		help = w.help
	}
	fs.Usage = func() {
		fmt.Fprintf(help, "Usage: standin %s [flags]\n\n%s\n\nFlags:\n", name, synopsis)
		fs.SetOutput(help)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
	}
	return fs
}

// parseFlags parses args, which must hold only flags: -h prints the
// command's help (flag.ErrHelp), an error prints one line and a hint
// (exit status 2).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := parseFlagsArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %v\n", fs.Args())
		return usageHint(fs)
	}
	return nil
}

// parseFlagsArgs is parseFlags for a command that takes arguments after
// its flags (fs.Args).
func parseFlagsArgs(fs *flag.FlagSet, args []string) error {
	help := fs.Usage
	// The flag package calls Usage after an error too: the error alone
	// is printed then, since the usage lists every flag, and the
	// synopsis of some commands lists configuration keys besides.
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = help
	switch {
	case errors.Is(err, flag.ErrHelp):
		help()
		return err
	case err != nil:
		return usageHint(fs)
	}
	return nil
}

// usageHint tells how to get a command's help, after an error, and asks
// for exit status 2.
func usageHint(fs *flag.FlagSet) error {
	cmd, _, _ := strings.Cut(strings.TrimPrefix(fs.Name(), "standin "), " ")
	fmt.Fprintf(fs.Output(), "run \"standin %s -h\" for help\n", cmd)
	return exitCode(2)
}
