package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// Profiling a whole run of the binary, start-up included, is how the
// hot path and the start-up are measured (make bench-http):
//
//	STANDIN_CPUPROFILE=cpu.out standin serve ...   CPU profile of the run
//	STANDIN_MEMPROFILE=mem.out standin serve ...   allocations, written at exit
//
// Read them with "go tool pprof bin/standin cpu.out". Neither is a flag, so
// that no command's usage grows a debugging knob.
const (
	cpuProfileEnv = "STANDIN_CPUPROFILE"
	memProfileEnv = "STANDIN_MEMPROFILE"
)

// startProfiles starts the profiles the environment asks for and returns
// the function that writes them out.
func startProfiles() (stop func() error, err error) {
	var cpu *os.File
	if path := os.Getenv(cpuProfileEnv); path != "" {
		if cpu, err = os.Create(path); err != nil {
			return nil, fmt.Errorf("%s: %w", cpuProfileEnv, err)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			_ = cpu.Close()
			return nil, fmt.Errorf("%s: %w", cpuProfileEnv, err)
		}
	}
	memPath := os.Getenv(memProfileEnv)
	if memPath != "" {
		runtime.MemProfileRate = 4096
	}
	return func() error {
		var errs []error
		if cpu != nil {
			pprof.StopCPUProfile()
			errs = append(errs, cpu.Close())
		}
		if memPath != "" {
			errs = append(errs, writeHeapProfile(memPath))
		}
		return errors.Join(errs...)
	}, nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("%s: %w", memProfileEnv, err)
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		_ = f.Close()
		return fmt.Errorf("%s: %w", memProfileEnv, err)
	}
	return f.Close()
}
