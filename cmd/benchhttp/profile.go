package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// profileEnv is the environment variable that makes standin write a CPU
// profile of its whole run, written when it stops.
const profileEnv = "STANDIN_CPUPROFILE"

// profileTop is one CPU profile and its top entries.
type profileTop struct {
	Name string `json:"name"`
	File string `json:"file"`
	Top  string `json:"top,omitempty"`    // go tool pprof -top -nodecount=15
	Cum  string `json:"topCum,omitempty"` // the same with -cum: where the time goes
}

// profile runs standin --quiet once more per request kind with CPU
// profiling on, into pdir, and finds in each profile where the time goes
// (rep.Breakdowns). With tops, it also profiles a start-up and reads the
// top entries of each profile with go tool pprof when go is on PATH.
func profile(ctx context.Context, pdir string, tops bool, rep *report, bin string, apis []string, pin pinning, load loadFunc, dir string, out io.Writer) error {
	pdir, err := filepath.Abs(pdir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(pdir, 0o755); err != nil {
		return err
	}
	for _, kind := range kinds {
		file := filepath.Join(pdir, kind+".cpu")
		res, err := profileKind(ctx, kind, file, bin, apis, pin, load, rep.Subjects, dir)
		if err != nil {
			return fmt.Errorf("profile %s: %w", kind, err)
		}
		shares, err := stageShares(file)
		if err != nil {
			return fmt.Errorf("profile %s: %w", kind, err)
		}
		b := breakdown{Kind: kind, StandinMicros: micros(res.RPS), BareMicros: micros(rep.Summary[kind][serverBare].RPS), Stages: shares}
		for i := range b.Stages {
			b.Stages[i].Micro = b.Stages[i].Share * b.StandinMicros
		}
		rep.Breakdowns = append(rep.Breakdowns, b)
		if tops {
			rep.Profiles = append(rep.Profiles, profileTop{Name: kindTitle[kind], File: file})
			fmt.Fprintf(out, "profile: %s\n", file)
		}
	}
	if !tops {
		return nil
	}
	calls, err := startupCalls(bin)
	if err != nil {
		return err
	}
	file := filepath.Join(pdir, "startup.cpu")
	if _, err := measureStartup(bin, calls, []string{profileEnv + "=" + file}, false, dir); err != nil {
		return fmt.Errorf("profile start-up: %w", err)
	}
	if fi, err := os.Stat(file); err != nil || fi.Size() == 0 {
		return fmt.Errorf("standin wrote no start-up profile to %s (%v)", file, err)
	}
	rep.Profiles = append(rep.Profiles, profileTop{Name: "start-up", File: file})
	fmt.Fprintf(out, "profile: %s\n", file)
	goTool, err := exec.LookPath("go")
	if err != nil {
		fmt.Fprintln(out, "go is not on PATH: read the profiles with go tool pprof -top", bin, "FILE")
		return nil
	}
	pprof := func(file string, extra ...string) (string, error) {
		args := append(append([]string{"tool", "pprof", "-top", "-nodecount=15"}, extra...), bin, file)
		out, err := exec.CommandContext(ctx, goTool, args...).CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("go %s: %w: %s", strings.Join(args, " "), err, out)
		}
		return string(out), nil
	}
	for i, p := range rep.Profiles {
		if rep.Profiles[i].Top, err = pprof(p.File); err != nil {
			return err
		}
		if rep.Profiles[i].Cum, err = pprof(p.File, "-cum"); err != nil {
			return err
		}
	}
	return nil
}

// profileKind measures one load run of kind against standin --quiet with
// a CPU profile written to file, then stops standin with SIGINT, as the
// profile is written at a clean exit.
func profileKind(ctx context.Context, kind, file, bin string, apis []string, pin pinning, load loadFunc, sub subjects, dir string) (res loadResult, err error) {
	s, err := startStandin("standin-profile-"+kind, bin, pin.server, apis, true, []string{profileEnv + "=" + file}, dir)
	if err != nil {
		return res, err
	}
	defer stopInto(s.process, &err)
	reqs := s.requests(sub)
	if _, err := check(s.name, s.root, reqs); err != nil {
		return res, err
	}
	if res, err = load(ctx, s.root, reqs[kind]); err != nil {
		return res, err
	}
	if err := s.stop(); err != nil {
		return res, err
	}
	if fi, err := os.Stat(file); err != nil || fi.Size() == 0 {
		return res, fmt.Errorf("standin wrote no profile to %s (%v)", file, err)
	}
	return res, nil
}

// micros is the time one request takes at rps requests a second, in µs.
func micros(rps float64) float64 {
	if rps <= 0 {
		return 0
	}
	return 1e6 / rps
}
