package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/standin/standin/contracts/load"
)

const loadSynopsis = `Drives a target with concurrent virtual users and reports throughput and
latency (p50, p90, p99, max) per operation. A run stops at --requests or
--duration, whichever comes first. Without --target it loads the API on
standin serve's default address, http://127.0.0.1:8080/<prefix>, and says
so. While it runs it prints progress to stderr every --progress (-quiet:
not at all). Targets must be on this machine
(loopback) unless --allow-remote is given: do not load-test servers you do
not own.`

func loadTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("load", loadSynopsis, stderr)
	target := fs.String("target", "", "base URL of the API (default http://127.0.0.1:8080 and the API's mount path)")
	api := fs.String("api", "rocketchat", "API of the target")
	workers := fs.Int("workers", 8, "concurrent virtual users")
	requests := fs.Int("requests", 20000, "stop after this many requests (0: no count limit)")
	duration := fs.Duration("duration", 30*time.Second, "stop after this long (0: no time limit)")
	namespace := fs.String("namespace", "load", "namespace to run in on a standin mock (empty: none)")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	remote := fs.Bool("allow-remote", false, "allow a target that is not on this machine")
	quiet := fs.Bool("quiet", false, "do not print progress to stderr")
	every := fs.Duration("progress", 5*time.Second, "print progress (requests, errors, rate so far) to stderr this often")
	creds := credFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	suite, ok := lookupFlag(*api, stderr)
	if !ok {
		return exitCode(2)
	}
	if *target == "" {
		*target = "http://127.0.0.1:8080" + suite.mock.Prefix
		fmt.Fprintf(stderr, "load: no --target given, using %s (standin serve's default address)\n", *target)
	}
	if !checkTarget(*api, *target, stderr) {
		return exitCode(2)
	}
	if !*remote && !loopback(*target) {
		fmt.Fprintf(stderr, "--target %s is not on this machine; pass --allow-remote if you own it\n", *target)
		return exitCode(2)
	}
	if *requests <= 0 && *duration <= 0 {
		fmt.Fprintln(stderr, "set --requests or --duration: a load run must be bounded")
		return exitCode(2)
	}
	t := newTarget(*target, *namespace, creds, suite.defaultCredentials())
	t.Transport = &http.Transport{MaxIdleConnsPerHost: *workers, MaxConnsPerHost: *workers}
	opts := load.Options{Workers: *workers, Requests: *requests, Duration: *duration}
	if !*quiet && *every > 0 {
		opts.ProgressEvery = *every
		opts.Progress = func(p load.Progress) {
			fmt.Fprintf(stderr, "load: %s: %d requests, %d errors, %.0f requests/s\n",
				p.Elapsed.Round(time.Second), p.Requests, p.Errors, float64(p.Requests)/p.Elapsed.Seconds())
		}
	}
	rep, err := load.Run(ctx, t, suite.workload, opts)
	if err != nil {
		return err
	}
	if err := rep.WriteText(stdout); err != nil {
		return err
	}
	return writeReport(*jsonOut, rep.WriteJSON)
}

// loopback reports whether the URL's host is this machine.
func loopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
