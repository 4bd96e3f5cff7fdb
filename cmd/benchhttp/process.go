package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"
)

// process is a server benchhttp started: standin or the bare server.
type process struct {
	name   string
	cmd    *exec.Cmd
	base   string // the URL its banner names
	stderr string // file its standard error goes to
	done   chan struct{}
	err    error // Wait's, once done is closed
}

// startProcess starts args with extra environment env, its standard error
// to the file stderrPath, and waits for the line of its standard output
// that starts with banner; the rest of that line is its base URL.
func startProcess(name string, args, env []string, banner, stderrPath string) (*process, error) {
	errFile, err := os.Create(stderrPath)
	if err != nil {
		return nil, err
	}
	defer errFile.Close()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = errFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, stderr: stderrPath, done: make(chan struct{})}
	urls := make(chan string, 1)
	go func() {
		urls <- readBanner(stdout, banner)
		io.Copy(io.Discard, stdout)
		p.err = cmd.Wait()
		close(p.done)
	}()
	select {
	case u := <-urls:
		if u == "" {
			<-p.done
			return nil, fmt.Errorf("%s exited before it served (%v): %s", name, p.err, p.tail())
		}
		p.base = u
		return p, nil
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		return nil, fmt.Errorf("%s printed no %q line within 30s: %s", name, banner, p.tail())
	}
}

// readBanner returns the rest of the first line of r that starts with
// banner, or "" if r ends first.
func readBanner(r io.Reader, banner string) string {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), banner); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

// stop interrupts the process as Ctrl-C would and waits for it to end;
// it is killed if it has not ended after 15 s. The error is its exit
// status, nil for a clean exit.
func (p *process) stop() error {
	select {
	case <-p.done:
		return p.exitErr()
	default:
	}
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%s did not stop within 15s of SIGINT; killed", p.name)
	}
	return p.exitErr()
}

func (p *process) exitErr() error {
	if p.err != nil {
		return fmt.Errorf("%s: %w: %s", p.name, p.err, p.tail())
	}
	return nil
}

// alive reports an error if the process has ended.
func (p *process) alive() error {
	select {
	case <-p.done:
		return fmt.Errorf("%s ended (%v): %s", p.name, p.err, p.tail())
	default:
		return nil
	}
}

// tail is the end of the process's standard error, for error messages.
func (p *process) tail() string {
	data, _ := os.ReadFile(p.stderr)
	data = bytes.TrimSpace(data)
	if len(data) > 2000 {
		data = data[len(data)-2000:]
	}
	return string(data)
}

// pinning is how servers and load generators are placed on the CPUs.
type pinning struct {
	server, load []string // command prefixes, e.g. taskset -c 0
	note         string   // for the report
}

// choosePinning pins servers to CPU 0 and load generators to CPU 1 with
// taskset when there is one and at least two CPUs.
func choosePinning(cpus int) pinning {
	taskset, err := exec.LookPath("taskset")
	switch {
	case err != nil:
		return pinning{note: "not pinned (no taskset on PATH)"}
	case cpus < 2:
		return pinning{note: fmt.Sprintf("not pinned (%d CPU)", cpus)}
	}
	return pinning{
		server: []string{taskset, "-c", "0"},
		load:   []string{taskset, "-c", "1"},
		note:   "server on CPU 0, load generator on CPU 1 (taskset)",
	}
}

// freeAddr returns a loopback address with a port free at the time.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitCtx sleeps for d unless ctx ends first.
func waitCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
