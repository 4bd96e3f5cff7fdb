package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "bare": // the bare server, run by benchhttp itself
			exit(runBareCommand(os.Args[2:]))
			return
		case "load": // the built-in load generator, run by benchhttp itself
			exit(runLoadCommand(os.Args[2:]))
			return
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	exit(err)
}

// exit ends the process with status 0 for no error, 2 for -h and 1
// otherwise, after printing the error.
func exit(err error) {
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "benchhttp:", err)
		os.Exit(1)
	}
}

// targetsMissed is the error of a -check run that missed targets.
type targetsMissed int

func (n targetsMissed) Error() string { return fmt.Sprintf("%d target(s) missed", int(n)) }

// missedPerRequest reports whether a target of the request path
// (throughput, p99, logging) is missed.
func missedPerRequest(ts []target) bool {
	for _, t := range ts {
		if t.PerRequest && !t.Pass {
			return true
		}
	}
	return false
}

// options are the command line's settings.
type options struct {
	standin     string
	duration    time.Duration
	gap         time.Duration
	rounds      int
	conns       int
	startupRuns int
	generator   string
	profileDir  string
	jsonFile    string
	check       bool
}

func parseOptions(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("benchhttp", flag.ContinueOnError)
	fs.StringVar(&o.standin, "standin", "bin/standin", "the standin binary under test")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "length of each load run (whole seconds with wrk)")
	fs.DurationVar(&o.gap, "gap", time.Second, "pause between two load runs")
	fs.IntVar(&o.rounds, "rounds", 6, "rounds of paired runs, the servers' order reversed every other round; the report shows medians")
	fs.IntVar(&o.conns, "c", 32, "connections of the load generator")
	fs.IntVar(&o.startupRuns, "startup-runs", 10, "start-ups to measure")
	fs.StringVar(&o.generator, "generator", "auto", "load generator: wrk, go (built in) or auto (wrk if on PATH)")
	fs.StringVar(&o.profileDir, "profile", "", "write CPU profiles of standin to this directory and print their top entries (where the time goes, by stage, is printed with it and whenever a request target is missed)")
	fs.StringVar(&o.jsonFile, "json", "", "also write the results as JSON to this file")
	fs.BoolVar(&o.check, "check", false, "exit with status 1 when a target is missed")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	case o.rounds < 1 || o.conns < 1 || o.startupRuns < 1:
		return o, errors.New("-rounds, -c and -startup-runs must be at least 1")
	case o.duration < time.Second:
		return o, errors.New("-duration must be at least 1s")
	case o.generator != "auto" && o.generator != "wrk" && o.generator != "go":
		return o, fmt.Errorf("-generator %q: want auto, wrk or go", o.generator)
	}
	return o, nil
}

// Names of the measured servers.
const (
	serverBare       = "bare"
	serverBareLimits = "bare-limits"
	serverQuiet      = "quiet"
	serverLogging    = "logging"
)

// servers are measured in this order in odd rounds and in the reverse
// order in even ones (see roundOrder). The bare server with standin's
// connection limits is not a target: it shows what the limits (timeouts,
// which net/http sets on every request) cost by themselves.
var servers = []string{serverBare, serverBareLimits, serverQuiet, serverLogging}

// roundOrder is the order of the servers in round (from 1): servers, then
// the reverse, and so on. A machine whose speed drifts during a round
// favours the servers measured first in one round and last in the next,
// so over two rounds the drift cancels out of each ratio's median instead
// of always counting against the same server.
func roundOrder(round int) []string {
	order := slices.Clone(servers)
	if round%2 == 0 {
		slices.Reverse(order)
	}
	return order
}

var serverTitle = map[string]string{
	serverBare:       "bare net/http",
	serverBareLimits: "bare, standin's limits",
	serverQuiet:      "standin --quiet",
	serverLogging:    "standin, logging",
}

// loadFunc runs one load pass against base.
type loadFunc func(ctx context.Context, base string, req request) (loadResult, error)

func run(ctx context.Context, args []string, out io.Writer) error {
	o, err := parseOptions(args)
	if err != nil {
		return err
	}
	bin, err := filepath.Abs(o.standin)
	if err != nil {
		return err
	}
	info, err := os.Stat(bin)
	if err != nil {
		return fmt.Errorf("standin binary: %w (make build makes bin/standin)", err)
	}
	dir, err := os.MkdirTemp("", "benchhttp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	rep := &report{Started: time.Now().UTC(), Standin: bin, StandinSize: info.Size(), CPUs: runtime.NumCPU(),
		Duration: o.duration.String(), Rounds: o.rounds, Conns: o.conns, GoVersion: runtime.Version()}
	pin := choosePinning(rep.CPUs)
	rep.Pinning = pin.note
	load, generator, err := chooseGenerator(o, pin, dir)
	if err != nil {
		return err
	}
	rep.Generator = generator
	fmt.Fprintf(out, "benchhttp: %s; generator %s; %s\n", bin, generator, pin.note)

	apis, err := apiNames(bin)
	if err != nil {
		return err
	}
	if err := measureThroughput(ctx, o, rep, bin, apis, pin, load, dir, out); err != nil {
		return err
	}
	if err := measureStartups(ctx, o, rep, bin, dir, out); err != nil {
		return err
	}
	rep.Targets = targets(rep.Summary, rep.Startup)
	// Where the time goes is measured with -profile, and whenever a
	// target of the request path is missed, so that the report says
	// what the gap is made of.
	if o.profileDir != "" || missedPerRequest(rep.Targets) {
		pdir := o.profileDir
		if pdir == "" {
			pdir = filepath.Join(dir, "profiles")
		}
		if err := profile(ctx, pdir, o.profileDir != "", rep, bin, apis, pin, load, dir, out); err != nil {
			return err
		}
	}
	rep.print(out)
	if o.jsonFile != "" {
		data, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.jsonFile, append(data, '\n'), 0o644); err != nil {
			return err
		}
	}
	if len(rep.Warnings) > 0 {
		return fmt.Errorf("%d warning(s): answers with unexpected statuses, see above", len(rep.Warnings))
	}
	if o.check {
		missed := 0
		for _, t := range rep.Targets {
			if !t.Pass {
				missed++
			}
		}
		if missed > 0 {
			return targetsMissed(missed)
		}
	}
	return nil
}

// chooseGenerator picks wrk or the built-in generator, each behind the
// load generator's pinning.
func chooseGenerator(o options, pin pinning, dir string) (loadFunc, string, error) {
	_, wrkErr := exec.LookPath("wrk")
	useWrk := o.generator == "wrk" || (o.generator == "auto" && wrkErr == nil)
	if useWrk {
		if wrkErr != nil {
			return nil, "", fmt.Errorf("-generator wrk: %w", wrkErr)
		}
		return func(ctx context.Context, base string, req request) (loadResult, error) {
			return runWrk(ctx, pin.load, base, req, o.conns, o.duration, dir)
		}, fmt.Sprintf("wrk -t1 -c%d", o.conns), nil
	}
	name := fmt.Sprintf("built-in Go generator, %d keep-alive connections", o.conns)
	if o.generator == "auto" {
		name += " (wrk not on PATH)"
	}
	return func(ctx context.Context, base string, req request) (loadResult, error) {
		return runGoLoad(ctx, pin.load, base, req, o.conns, o.duration, dir)
	}, name, nil
}

// measureThroughput starts the bare server, standin --quiet and standin
// logging, and measures each request on each in turn, round after round.
func measureThroughput(ctx context.Context, o options, rep *report, bin string, apis []string, pin pinning, load loadFunc, dir string, out io.Writer) (err error) {
	quiet, err := startStandin("standin-quiet", bin, pin.server, apis, true, nil, dir)
	if err != nil {
		return err
	}
	defer stopInto(quiet.process, &err)
	sub, err := quiet.lookUp()
	if err != nil {
		return err
	}
	rep.Subjects = sub
	reqs := map[string]map[string]request{serverQuiet: quiet.requests(sub)}
	answers, err := check(quiet.name, quiet.root, reqs[serverQuiet])
	if err != nil {
		return err
	}

	logging, err := startStandin("standin-logging", bin, pin.server, apis, false, nil, dir)
	if err != nil {
		return err
	}
	defer stopInto(logging.process, &err)
	reqs[serverLogging] = logging.requests(sub)
	if _, err := check(logging.name, logging.root, reqs[serverLogging]); err != nil {
		return err
	}

	respFile := filepath.Join(dir, "responses.json")
	var list []captured
	for _, k := range kinds {
		list = append(list, answers[k])
	}
	data, err := json.Marshal(list)
	if err != nil {
		return err
	}
	if err := os.WriteFile(respFile, data, 0o600); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	bareArgs := append(append([]string(nil), pin.server...), self, "bare", "-addr", "127.0.0.1:0", "-responses", respFile)
	bases := map[string]string{serverQuiet: quiet.root, serverLogging: logging.root}
	procs := map[string]*process{serverQuiet: quiet.process, serverLogging: logging.process}
	// The bare server, and the same with standin's connection limits.
	for srv, extra := range map[string][]string{serverBare: nil, serverBareLimits: {"-limits"}} {
		var p *process
		p, err = startProcess(srv, append(slices.Clone(bareArgs), extra...), nil, bareBanner, filepath.Join(dir, srv+".stderr"))
		if err != nil {
			return err
		}
		defer stopInto(p, &err)
		bases[srv], procs[srv] = p.base, p
		reqs[srv] = reqs[serverQuiet]
		if _, err = check(p.name, p.base, reqs[srv]); err != nil {
			return err
		}
	}

	if la := loadAvg(); la != "" {
		rep.LoadAvg = append(rep.LoadAvg, la)
		defer func() { rep.LoadAvg = append(rep.LoadAvg, loadAvg()) }()
	}
	first := true
	for round := 1; round <= o.rounds; round++ {
		for _, kind := range kinds {
			for _, srv := range roundOrder(round) {
				if !first {
					if err := waitCtx(ctx, o.gap); err != nil {
						return err
					}
				}
				first = false
				req := reqs[srv][kind]
				res, err := load(ctx, bases[srv], req)
				if err != nil {
					return fmt.Errorf("round %d, %s, %s: %w", round, kindTitle[kind], serverTitle[srv], err)
				}
				if err := procs[srv].alive(); err != nil {
					return err
				}
				pt := point{Round: round, Kind: kind, Server: srv, Result: res, Unexpected: res.unexpected(req.Want)}
				rep.Points = append(rep.Points, pt)
				fmt.Fprintf(out, "round %d  %-18s %-22s %9.0f req/s  p99 %s\n", round, kindTitle[kind], serverTitle[srv], res.RPS, fmtDuration(res.P99))
				if pt.Unexpected > 0 {
					w := fmt.Sprintf("round %d, %s, %s: %d of %d answers not %d (or errors)", round, kindTitle[kind], serverTitle[srv], pt.Unexpected, res.Requests, req.Want)
					rep.Warnings = append(rep.Warnings, w)
					fmt.Fprintln(out, "WARNING:", w)
				}
			}
		}
	}
	rep.Summary = summarize(rep.Points)
	return nil
}

// stopInto stops p and keeps its error in *err unless *err holds one.
func stopInto(p *process, err *error) {
	if e := p.stop(); e != nil && *err == nil {
		*err = e
	}
}

// measureStartups measures o.startupRuns start-ups of every API.
func measureStartups(ctx context.Context, o options, rep *report, bin, dir string, out io.Writer) error {
	calls, err := startupCalls(bin)
	if err != nil {
		return err
	}
	for _, c := range calls {
		rep.Startup.Calls = append(rep.Startup.Calls, c.api+": "+c.desc)
	}
	for i := range o.startupRuns {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := measureStartup(bin, calls, nil, true, dir)
		if err != nil {
			return fmt.Errorf("start-up %d: %w", i+1, err)
		}
		rep.Startup.Runs = append(rep.Startup.Runs, r)
		fmt.Fprintf(out, "start-up %2d  health %s  first API %s  all five %s  RSS idle %.1f MiB (anonymous %.1f)\n", i+1,
			fmtDuration(r.Health), fmtDuration(r.FirstAPI), fmtDuration(r.AllAPIs), float64(r.RSSIdle)/(1<<20), float64(r.RSSAnon)/(1<<20))
	}
	rep.Startup.summarize()
	return nil
}

// loadAvg is the first three fields of /proc/loadavg, or "" where there
// is none.
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	return strings.Join(f[:min(3, len(f))], " ")
}
