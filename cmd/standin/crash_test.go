package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
)

// TestCrashLoop tests --state-dir the way it fails: it starts the standin
// binary with a state directory, creates Rocket.Chat channels in a loop,
// kills the process with SIGKILL at a random moment, and starts it again,
// STANDIN_CRASH_TRIALS times. Each time it checks that
//
//   - the restart comes up (health 200),
//   - every state file in the directory parses and imports into a new
//     store (no file is ever half-written),
//   - every channel whose creation was acknowledged more than the loss
//     window before the kill is there; the loss window is the interval
//     plus STANDIN_CRASH_MARGIN (default 500ms) for one write and the
//     scheduler.
//
// It is slow (each trial lasts up to two intervals), so it runs only when
// asked: make crash-test, or STANDIN_CRASH_TRIALS=200 go test -run
// TestCrashLoop ./cmd/standin. STANDIN_CRASH_INTERVAL sets state.interval
// (default 2s, the default of the configuration) and STANDIN_CRASH_DATASET
// the data set (default "default"; "large" makes each write longer, so
// that more kills land during one).
func TestCrashLoop(t *testing.T) {
	trials, _ := strconv.Atoi(os.Getenv("STANDIN_CRASH_TRIALS"))
	if trials <= 0 {
		t.Skip("set STANDIN_CRASH_TRIALS (make crash-test) to run the crash loop")
	}
	interval := envDuration(t, "STANDIN_CRASH_INTERVAL", 2*time.Second)
	margin := envDuration(t, "STANDIN_CRASH_MARGIN", 500*time.Millisecond)
	dataSet := cmpOr(os.Getenv("STANDIN_CRASH_DATASET"), "default")
	window := interval + margin

	tmp := t.TempDir()
	bin := filepath.Join(tmp, "standin")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(tmp, "state")
	cfg := filepath.Join(tmp, "standin.yaml")
	writeFile(t, cfg, fmt.Sprintf("addr: 127.0.0.1:0\nstate:\n  interval: %s\n", interval))

	var (
		r        = rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
		required = map[string][]string{} // namespace → channels acknowledged before a kill's window
		st       crashStats
	)
	for trial := range trials {
		p, err := startBinary(bin, "serve", "--config", cfg, "--state-dir", dir, "--data-set", dataSet, "--quiet")
		if err != nil {
			st.failures++
			t.Errorf("trial %d: the restart did not come up: %v", trial, err)
			break
		}
		st.interrupted += strings.Count(p.stderr.String(), "removed the temporary file of an interrupted write")

		// Everything acknowledged before an earlier kill's window is here.
		if missing := missingChannels(t, p.base, required); len(missing) > 0 {
			st.failures++
			st.lost += len(missing)
			t.Errorf("trial %d: %d channels acknowledged more than %s before a kill are gone, e.g. %v", trial, len(missing), window, missing[:min(len(missing), 5)])
		}

		// Create channels until the kill, recording each acknowledgement.
		// The trials take turns on crashNamespaces namespaces, so that
		// there are several files and each grows over the run.
		ns := fmt.Sprintf("crash-%d", trial%crashNamespaces)
		kill := time.Duration(r.Int64N(int64(2 * window)))
		acks := createUntilKilled(p, ns, trial, kill)
		killedAt := time.Now()
		p.kill()
		st.trials++
		for _, a := range acks {
			st.acked++
			if killedAt.Sub(a.at) > window {
				required[ns] = append(required[ns], a.name)
				st.required++
			}
		}

		// Every file the kill left parses and imports.
		corrupt, files := checkStateFiles(t, dir)
		st.corrupt += corrupt
		st.files += files
		if corrupt > 0 {
			st.failures++
			t.Errorf("trial %d: %d corrupt state files after the kill", trial, corrupt)
		}
		if (trial+1)%20 == 0 {
			t.Logf("%d trials, %d failures, %d corrupt files, %d interrupted writes, %d channels required, %d lost", trial+1, st.failures, st.corrupt, st.interrupted, st.required, st.lost)
		}
	}
	// The last kill's channels, checked on one more restart.
	if p, err := startBinary(bin, "serve", "--config", cfg, "--state-dir", dir, "--data-set", dataSet, "--quiet"); err != nil {
		st.failures++
		t.Errorf("last restart did not come up: %v", err)
	} else {
		if missing := missingChannels(t, p.base, required); len(missing) > 0 {
			st.failures++
			st.lost += len(missing)
			t.Errorf("last restart: %d channels acknowledged more than %s before the kill are gone", len(missing), window)
		}
		p.kill()
	}
	t.Logf("crash loop: %d trials (state.interval %s, data set %q, loss window %s): %d failures, %d corrupt state files among %d checked, %d kills interrupted a write (its temporary file removed at restart), %d channels acknowledged, %d required after their kill, %d of them lost",
		st.trials, interval, dataSet, window, st.failures, st.corrupt, st.files, st.interrupted, st.acked, st.required, st.lost)
}

// crashNamespaces is how many namespaces the crash loop's trials share.
const crashNamespaces = 20

type crashStats struct {
	trials, failures, corrupt, files, interrupted, acked, required, lost int
}

func envDuration(t *testing.T, key string, def time.Duration) time.Duration {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("%s=%q: want a positive duration", key, v)
	}
	return d
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// process is a standin binary running in the background.
type process struct {
	cmd    *exec.Cmd
	base   string
	stderr *syncBuffer
}

// startBinary starts bin and waits until it serves and its health check
// answers 200.
func startBinary(bin string, args ...string) (*process, error) {
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, stderr: &syncBuffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	deadline := time.After(20 * time.Second)
	for p.base == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				_ = cmd.Wait()
				return nil, fmt.Errorf("standin exited before serving: %s", p.stderr)
			}
			if m := regexp.MustCompile(`^standin serving on (http://\S+)$`).FindStringSubmatch(line); m != nil {
				p.base = m[1]
			}
		case <-deadline:
			p.kill()
			return nil, fmt.Errorf("standin printed no serving line within 20s: %s", p.stderr)
		}
	}
	go func() {
		for range lines { // keep the pipe drained
		}
	}()
	resp, err := client.Get(p.base + "/__standin/health")
	if err != nil {
		p.kill()
		return nil, fmt.Errorf("health: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		p.kill()
		return nil, fmt.Errorf("health: %d", resp.StatusCode)
	}
	return p, nil
}

// kill sends SIGKILL and waits for the process to end.
func (p *process) kill() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

type ack struct {
	name string
	at   time.Time
}

// createUntilKilled logs in to namespace ns and creates channels one
// after another (about 150 a second) for d, and returns those whose
// creation was acknowledged, with the time of each acknowledgement.
func createUntilKilled(p *process, ns string, trial int, d time.Duration) []ack {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var acks []ack
	token, userID, err := loginBinary(ctx, p.base, ns)
	if err != nil {
		return nil
	}
	for i := 0; ctx.Err() == nil; i++ {
		name := fmt.Sprintf("crash-%d-%d-%d", trial, i, rand.Uint32())
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.base+"/rocketchat/api/v1/channels.create", strings.NewReader(`{"name":"`+name+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(mockserver.NamespaceHeader, ns)
		req.Header.Set("X-Auth-Token", token)
		req.Header.Set("X-User-Id", userID)
		resp, err := client.Do(req)
		if err != nil {
			break
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			acks = append(acks, ack{name, time.Now()})
		}
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Millisecond):
		}
	}
	return acks
}

func loginBinary(ctx context.Context, base, ns string) (token, userID string, err error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/rocketchat/api/v1/login", strings.NewReader(`{"user":"admin","password":"admin"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(mockserver.NamespaceHeader, ns)
	resp, err := client.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	var login struct {
		Data struct {
			AuthToken string `json:"authToken"`
			UserID    string `json:"userId"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&login); err != nil {
		return "", "", err
	}
	return login.Data.AuthToken, login.Data.UserID, nil
}

// missingChannels returns the names (namespace → names) that their
// namespace's snapshot does not hold (names are unique, so a name in it is
// the channel).
func missingChannels(t *testing.T, base string, names map[string][]string) []string {
	t.Helper()
	var missing []string
	for ns, names := range names {
		code, body := get(t, base+"/__standin/snapshot?namespace="+ns)
		if code != http.StatusOK {
			t.Fatalf("GET snapshot of %s: %d %.300s", ns, code, body)
		}
		for _, n := range names {
			if !strings.Contains(body, `"`+n+`"`) {
				missing = append(missing, ns+"/"+n)
			}
		}
	}
	return missing
}

// checkStateFiles parses every state file in dir and imports it into a
// new store, and returns how many failed and how many there were.
func checkStateFiles(t *testing.T, dir string) (corrupt, files int) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := catalog().New(catalog().Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		ns, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok {
			continue // the lock, the marker, a temporary file
		}
		files++
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err == nil {
			var snap mockserver.Snapshot
			if snap, err = mockserver.ParseSnapshot(data); err == nil {
				err = srv.Store().Import(context.Background(), ns, snap)
			}
		}
		if err != nil {
			corrupt++
			t.Errorf("%s: %v (%d bytes, ends %q)", e.Name(), err, len(data), data[max(0, len(data)-40):])
		}
	}
	return corrupt, files
}
