package mocks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mocks"
)

// counter is the state these tests keep: a number per namespace, which
// may not be negative (so that a file can hold a state its API refuses).
type counter struct {
	N int `json:"n"`
}

func newStore() (*mockserver.MemoryStore, *mockserver.State[counter]) {
	st := mockserver.NewMemoryStore()
	c := mockserver.NewState(st, "counter", func() *counter { return &counter{} }, func(c *counter) error {
		if c.N < 0 {
			return mockserver.Invalid("/n", "must not be negative, got %d", c.N)
		}
		return nil
	})
	return st, c
}

func nsCtx(ns string) context.Context {
	return mockserver.WithNamespace(context.Background(), ns)
}

func set(t *testing.T, c *mockserver.State[counter], ns string, n int) {
	t.Helper()
	if err := c.Update(nsCtx(ns), func(c *counter) error { c.N = n; return nil }); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, c *mockserver.State[counter], ns string) int {
	t.Helper()
	var n int
	if err := c.View(nsCtx(ns), func(c *counter) error { n = c.N; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// open opens dir for st and closes it when the test ends.
func open(t *testing.T, st mocks.VersionedStore, dir string, opts mocks.StateDirOptions) (*mocks.StateDir, mocks.StateDirStats) {
	t.Helper()
	d, stats, err := mocks.OpenStateDir(context.Background(), st, dir, opts)
	if err != nil {
		t.Fatalf("Open(%s) = %v", dir, err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d, stats
}

func flush(t *testing.T, d *mocks.StateDir) {
	t.Helper()
	if err := d.Flush(context.Background()); err != nil {
		t.Fatalf("Flush() = %v", err)
	}
}

// files lists the names in dir, sorted.
func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// stateFiles lists the names in dir that end in .json.
func stateFiles(t *testing.T, dir string) []string {
	t.Helper()
	return slices.DeleteFunc(files(t, dir), func(n string) bool { return !strings.HasSuffix(n, ".json") })
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// State written and opened again in a new store is the same state, and a
// file is byte for byte what GET /__standin/snapshot?namespace=NS answers.
func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	st, c := newStore()
	d, stats := open(t, st, dir, mocks.StateDirOptions{})
	if stats.Restored != 0 || stats.Seeded {
		t.Errorf("Open of an empty directory: %+v, want nothing restored", stats)
	}
	set(t, c, "default", 1)
	set(t, c, "Team-A", 2)
	set(t, c, "team-a", 3) // differs only in case: its own file
	get(t, c, "only-read")
	flush(t, d)

	want := []string{"!team-!a.json", "default.json", "team-a.json"}
	if got := stateFiles(t, dir); !slices.Equal(got, want) {
		t.Errorf("files after Flush: %v, want %v (a namespace only read has none)", got, want)
	}
	srv := mockserver.New(mockserver.Options{Store: st})
	for ns, file := range map[string]string{"default": "default.json", "Team-A": "!team-!a.json"} {
		r := httptest.NewRequest(http.MethodGet, "/__standin/snapshot?namespace="+ns, nil)
		r.Host = "127.0.0.1:8080"
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, r)
		if got := readFile(t, filepath.Join(dir, file)); got != w.Body.String() {
			t.Errorf("%s = %q, want what GET /__standin/snapshot?namespace=%s answers: %q", file, got, ns, w.Body)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	st2, c2 := newStore()
	_, stats = open(t, st2, dir, mocks.StateDirOptions{})
	if stats.Restored != 3 {
		t.Errorf("Open again: %+v, want 3 namespaces restored", stats)
	}
	for ns, want := range map[string]int{"default": 1, "Team-A": 2, "team-a": 3, "only-read": 0} {
		if got := get(t, c2, ns); got != want {
			t.Errorf("after restart, %s = %d, want %d", ns, got, want)
		}
	}
	before, err := st.Export(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	after, err := st2.Export(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	delete(before, "only-read")
	delete(after, "only-read")
	if !jsonEqual(t, before, after) {
		t.Errorf("restored state %s, want %s", mustJSON(t, after), mustJSON(t, before))
	}
}

func jsonEqual(t *testing.T, a, b any) bool {
	return bytes.Equal(mustJSON(t, a), mustJSON(t, b))
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A flush writes only the namespaces that changed since their last write:
// the others' files are not touched (same file, not rewritten).
func TestFlushWritesOnlyChangedNamespaces(t *testing.T) {
	dir := t.TempDir()
	st, c := newStore()
	d, _ := open(t, st, dir, mocks.StateDirOptions{})
	encoded := map[string]int{}
	mocks.SetEncode(d, func(w io.Writer, snap mockserver.Snapshot) error {
		for ns := range snap {
			encoded[ns]++
		}
		return mockserver.WriteSnapshot(w, snap)
	})
	set(t, c, "a", 1)
	set(t, c, "b", 1)
	flush(t, d)
	statB := stat(t, filepath.Join(dir, "b.json"))

	set(t, c, "a", 2)
	get(t, c, "b")
	_ = c.Update(nsCtx("b"), func(*counter) error { return errors.New("refused") })
	flush(t, d)
	flush(t, d) // nothing changed since the last one
	if want := map[string]int{"a": 2, "b": 1}; !jsonEqual(t, encoded, want) {
		t.Errorf("namespaces encoded: %v, want %v", encoded, want)
	}
	if !os.SameFile(statB, stat(t, filepath.Join(dir, "b.json"))) {
		t.Errorf("b.json was rewritten though b did not change")
	}
	if got := readFile(t, filepath.Join(dir, "a.json")); !strings.Contains(got, `"n":2`) {
		t.Errorf("a.json = %s, want n 2", got)
	}
}

func stat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// A namespace reset (or dropped) loses its file, so that it does not come
// back after a restart; a namespace changed again after a reset is written
// again.
func TestFlushRemovesResetNamespaces(t *testing.T) {
	dir := t.TempDir()
	st, c := newStore()
	d, _ := open(t, st, dir, mocks.StateDirOptions{})
	set(t, c, "a", 1)
	set(t, c, "b", 2)
	set(t, c, "c", 3)
	flush(t, d)

	ctx := context.Background()
	if err := st.Reset(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	get(t, c, "a") // created again, with its initial state
	if err := st.Reset(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	set(t, c, "b", 20)
	flush(t, d)
	if got, want := stateFiles(t, dir), []string{"b.json", "c.json"}; !slices.Equal(got, want) {
		t.Errorf("files after resetting a and b and changing b: %v, want %v", got, want)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	st2, c2 := newStore()
	d2, _ := open(t, st2, dir, mocks.StateDirOptions{})
	for ns, want := range map[string]int{"a": 0, "b": 20, "c": 3} {
		if got := get(t, c2, ns); got != want {
			t.Errorf("after restart, %s = %d, want %d", ns, got, want)
		}
	}

	if err := st2.Reset(ctx, ""); err != nil {
		t.Fatal(err)
	}
	flush(t, d2)
	if got := stateFiles(t, dir); len(got) != 0 {
		t.Errorf("files after resetting everything: %v, want none", got)
	}
}

// A write that fails half-way leaves the namespace's file as it was and
// no temporary file behind, and is done by the next flush.
func TestFailedWriteLeavesTheOldFile(t *testing.T) {
	dir := t.TempDir()
	st, c := newStore()
	d, _ := open(t, st, dir, mocks.StateDirOptions{})
	set(t, c, "a", 1)
	flush(t, d)
	old := readFile(t, filepath.Join(dir, "a.json"))

	set(t, c, "a", 2)
	boom := errors.New("disk full")
	mocks.SetEncode(d, func(w io.Writer, snap mockserver.Snapshot) error {
		var b bytes.Buffer
		if err := mockserver.WriteSnapshot(&b, snap); err != nil {
			return err
		}
		// Half the file, pushed out to the temporary file, then a failure.
		if _, err := w.Write(b.Bytes()[:b.Len()/2]); err != nil {
			return err
		}
		if f, ok := w.(interface{ Flush() error }); ok {
			if err := f.Flush(); err != nil {
				return err
			}
		}
		return boom
	})
	err := d.Flush(context.Background())
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), `namespace "a"`) {
		t.Errorf("Flush with a failing write = %v, want the error, naming namespace a", err)
	}
	if got := readFile(t, filepath.Join(dir, "a.json")); got != old {
		t.Errorf("a.json after a failed write = %q, want the old %q", got, old)
	}
	if got, want := files(t, dir), sorted("a.json", mocks.LockFile, mocks.MarkerFile); !slices.Equal(got, want) {
		t.Errorf("files after a failed write: %v, want %v (no temporary file left)", got, want)
	}

	mocks.SetEncode(d, mockserver.WriteSnapshot)
	flush(t, d)
	if got := readFile(t, filepath.Join(dir, "a.json")); !strings.Contains(got, `"n":2`) {
		t.Errorf("a.json after the next flush = %s, want n 2", got)
	}
}

// The temporary file of a write a crash interrupted is ignored and
// removed at the next Open; other files are left alone.
func TestOpenRemovesLeftoverTempFiles(t *testing.T) {
	dir := t.TempDir()
	st, c := newStore()
	d, _ := open(t, st, dir, mocks.StateDirOptions{})
	set(t, c, "a", 1)
	flush(t, d)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	old := readFile(t, filepath.Join(dir, "a.json"))
	leftovers := map[string]string{
		"a.json.123456.tmp":  old[:len(old)/2],
		"b.json.42.tmp":      `{"b":{"counter":{"n":`,
		"!b.json.987654.tmp": "",
	}
	keep := map[string]string{"notes.tmp": "mine", "a.json.tmp": "mine too", "README": "hello"}
	all := maps.Clone(leftovers)
	maps.Copy(all, keep)
	for name, content := range all {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	st2, c2 := newStore()
	_, stats := open(t, st2, dir, mocks.StateDirOptions{})
	if stats.TempRemoved != len(leftovers) || stats.Restored != 1 {
		t.Errorf("Open: %+v, want %d temporary files removed and 1 namespace restored", stats, len(leftovers))
	}
	if got := get(t, c2, "a"); got != 1 {
		t.Errorf("a = %d, want 1 from a.json", got)
	}
	if got := get(t, c2, "b"); got != 0 {
		t.Errorf("b = %d, want 0: its only file was an interrupted write", got)
	}
	want := sorted("README", "a.json", "a.json.tmp", "notes.tmp", mocks.LockFile, mocks.MarkerFile)
	if got := files(t, dir); !slices.Equal(got, want) {
		t.Errorf("files after Open: %v, want %v", got, want)
	}
}

func sorted(names ...string) []string {
	slices.Sort(names)
	return names
}

// A file that cannot be loaded stops Open with an error naming the file
// and the problem, and releases the directory.
func TestOpenRefusesABadFile(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                []string
	}{
		{"not JSON", "a.json", "hello", []string{"a.json", "invalid character"}},
		{"cut short", "a.json", `{"a":{"counter":{"n":`, []string{"a.json", "unexpected EOF"}},
		{"empty", "a.json", "", []string{"a.json", "EOF"}},
		{"trailing data", "a.json", `{"a":{"counter":{"n":1}}}}`, []string{"a.json", "after the JSON value"}},
		{"null", "a.json", "null", []string{"a.json", "not null"}},
		{"another namespace", "a.json", `{"b":{"counter":{"n":1}}}`, []string{"a.json", `namespace "b"`, `for namespace "a" only`}},
		{"refused state", "a.json", `{"a":{"counter":{"n":-1}}}`, []string{"a.json", `namespace "a"`, `API "counter"`, "/n", "must not be negative"}},
		{"unknown API", "a.json", `{"a":{"slack":{}}}`, []string{"a.json", `API "slack"`, "no state kind"}},
		{"capital letter in the name", "Team.json", `{"Team":{"counter":{"n":1}}}`, []string{"Team.json", "not a state file name", "!"}},
		{"bad namespace name", "a b.json", `{}`, []string{"a b.json", "not a state file name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tt.file)
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "good.json"), []byte(`{"good":{"counter":{"n":7}}}`), 0o600); err != nil {
				t.Fatal(err)
			}
			st, _ := newStore()
			_, _, err := mocks.OpenStateDir(context.Background(), st, dir, mocks.StateDirOptions{})
			if err == nil {
				t.Fatalf("Open with %s = %q: nil error", tt.file, tt.content)
			}
			for _, w := range append(tt.want, dir, "fix the file or remove it") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Open: %q, want it to mention %q", err, w)
				}
			}
			if got := readFile(t, path); got != tt.content {
				t.Errorf("%s after a refused Open = %q, want it untouched", tt.file, got)
			}
			// The lock is released: once the file is removed, the
			// directory opens.
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			st2, c2 := newStore()
			open(t, st2, dir, mocks.StateDirOptions{})
			if got := get(t, c2, "good"); got != 7 {
				t.Errorf("good = %d, want 7", got)
			}
		})
	}
}

// Two servers on one directory would overwrite each other's files: the
// second is refused until the first closes it.
func TestOpenLocksTheDirectory(t *testing.T) {
	dir := t.TempDir()
	st, _ := newStore()
	d, _ := open(t, st, dir, mocks.StateDirOptions{})
	st2, _ := newStore()
	if _, _, err := mocks.OpenStateDir(context.Background(), st2, dir, mocks.StateDirOptions{}); err == nil || !strings.Contains(err.Error(), "in use by another standin") {
		t.Errorf("second Open of %s = %v, want it refused as in use", dir, err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	open(t, st2, dir, mocks.StateDirOptions{})
}

// A seed snapshot is loaded into a directory that never held state and
// written to it; once the directory holds state, it wins and the seed is
// not loaded again (a namespace reset since stays reset).
func TestSeed(t *testing.T) {
	dir := t.TempDir()
	seed := mockserver.Snapshot{
		"a": {"counter": json.RawMessage(`{"n":1}`)},
		"b": {"counter": json.RawMessage(`{"n":2}`)},
	}
	st, c := newStore()
	d, stats := open(t, st, dir, mocks.StateDirOptions{Seed: seed})
	if !stats.Seeded {
		t.Errorf("Open of a new directory with a seed: %+v, want it seeded", stats)
	}
	if get(t, c, "a") != 1 || get(t, c, "b") != 2 {
		t.Errorf("after seeding: a %d b %d, want 1 2", get(t, c, "a"), get(t, c, "b"))
	}
	if got, want := files(t, dir), sorted("a.json", "b.json", mocks.LockFile, mocks.MarkerFile); !slices.Equal(got, want) {
		t.Errorf("files after seeding: %v, want %v", got, want)
	}
	set(t, c, "a", 10)
	if err := st.Reset(context.Background(), "b"); err != nil {
		t.Fatal(err)
	}
	flush(t, d)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	st2, c2 := newStore()
	_, stats = open(t, st2, dir, mocks.StateDirOptions{Seed: seed})
	if stats.Seeded || stats.Restored != 1 {
		t.Errorf("Open again with the seed: %+v, want 1 namespace restored and the seed not loaded", stats)
	}
	if get(t, c2, "a") != 10 || get(t, c2, "b") != 0 {
		t.Errorf("after restart: a %d b %d, want 10 (changed) and 0 (reset)", get(t, c2, "a"), get(t, c2, "b"))
	}
}

// A seed the store refuses stops Open.
func TestSeedRefused(t *testing.T) {
	st, _ := newStore()
	_, _, err := mocks.OpenStateDir(context.Background(), st, t.TempDir(), mocks.StateDirOptions{Seed: mockserver.Snapshot{"a": {"counter": json.RawMessage(`{"n":-1}`)}}})
	if !errors.Is(err, mocks.ErrSeedRefused) || !strings.Contains(err.Error(), "must not be negative") {
		t.Errorf("Open with a refused seed = %v, want an error naming the snapshot's problem", err)
	}
}

// Run writes changes without being asked.
func TestRunFlushesOnItsInterval(t *testing.T) {
	dir := t.TempDir()
	st, c := newStore()
	d, _ := open(t, st, dir, mocks.StateDirOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx, time.Millisecond); close(done) }()
	set(t, c, "a", 5)
	deadline := time.After(10 * time.Second)
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "a.json")); err == nil && strings.Contains(string(b), `"n":5`) {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("a.json not written by Run within 10s; files: %v", files(t, dir))
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	<-done
}

func TestFileNames(t *testing.T) {
	for ns, file := range map[string]string{
		"default": "default.json", "Team-A": "!team-!a.json", "a.b_c-D": "a.b_c-!d.json", "..": "...json", "X": "!x.json",
	} {
		if got := mocks.FileName(ns); got != file {
			t.Errorf("FileName(%q) = %q, want %q", ns, got, file)
		}
		if got, ok := mocks.NamespaceOf(file); !ok || got != ns {
			t.Errorf("NamespaceOf(%q) = %q, %v, want %q", file, got, ok, ns)
		}
	}
	for _, file := range []string{"Team.json", "a!.json", "!1.json", "!!a.json", "a b.json", ".json", "a.txt", strings.Repeat("a", 65) + ".json"} {
		if ns, ok := mocks.NamespaceOf(file); ok {
			t.Errorf("NamespaceOf(%q) = %q, want no namespace", file, ns)
		}
	}
}
