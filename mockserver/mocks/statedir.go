package mocks

// A state directory keeps a store's state in a directory across restarts,
// for `standin serve --state-dir DIR`: [OpenStateDir] restores it, [StateDir.Run]
// writes what changed on an interval, [StateDir.Flush] writes what changed
// now (serve calls it once more at shutdown).
//
// The directory holds one file per namespace that was changed:
//
//	NS.json            the state of namespace NS, exactly as
//	                   GET /__standin/snapshot?namespace=NS answers it
//	                   ({"NS": {api: state}}), so a file can be read,
//	                   edited and sent to PUT /__standin/snapshot as it is;
//	                   each capital letter of NS is written as '!' and the
//	                   letter in lower case ("Team-A" → "!team-!a.json"),
//	                   as Go's module cache does, so that namespaces that
//	                   differ in case stay apart where file names do not
//	NS.json.N.tmp      a write in progress; one left by a crash is removed
//	                   when the directory is opened again
//	standin.lock       locked while a server uses the directory, so that a
//	                   second server on it refuses to start
//	standin-state.txt  marks a directory that holds state: a seed
//	                   snapshot is loaded only into one without it
//
// A namespace is written only when it changed since its file was written
// (the store's [VersionedStore.Versions]), and never re-encoded otherwise. A
// namespace that was reset or dropped has its file removed, so it does not
// come back after a restart; one that was never changed has no file and
// starts from its data set, as without a state directory.
//
// Each write is crash-safe: the state goes to a temporary file in the
// directory, which is synced and renamed over the namespace's file, and
// the directory is synced after the renames of a flush. Whenever the
// process dies (kill -9, a crash, a power cut), each file is either its
// previous version or its new one, never a mix.
//
// Loss window: a change a client was told about is on disk at the latest
// one interval plus the time of one flush after the answer. A kill -9 or a
// crash loses the changes of that window at most; a graceful stop (SIGTERM,
// Ctrl-C) loses nothing, because serve flushes once more after the last
// request was answered.
//
// A file that cannot be read, parsed or imported stops [OpenStateDir] with an
// error that names the file and the first problem in it (the namespace,
// the API and the JSON pointer, as PUT /__standin/snapshot reports it), and
// serve refuses to start: a server that silently dropped a namespace would
// answer with data the tests did not expect. Fix the file or remove it.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/standin/standin/mockserver"
)

// VersionedStore is a mockserver.Store that can tell which namespaces changed, so
// that only those are written. *mockserver.MemoryStore is one.
type VersionedStore interface {
	mockserver.Store
	// Versions returns, for each namespace changed since it was created,
	// a number that is larger after every later change of it. A namespace
	// left out holds its initial state or none (never changed, or reset
	// or dropped since): its file is removed.
	Versions() map[string]uint64
}

const (
	// LockFile is held (flock) while a server uses the directory.
	LockFile = "standin.lock"
	// MarkerFile is written once a directory holds state, after the
	// first write of [OpenStateDir]; from then on StateDirOptions.Seed is not loaded.
	MarkerFile = "standin-state.txt"
)

// ErrSeedRefused is returned by [OpenStateDir] when the store refuses
// StateDirOptions.Seed; the error wraps the store's reason.
var ErrSeedRefused = errors.New("seed snapshot refused")

// StateDirOptions configure [OpenStateDir].
type StateDirOptions struct {
	// Logger receives what OpenStateDir restores and removes and what Run fails
	// to write; nil discards it.
	Logger *slog.Logger
	// Seed, if not nil, is loaded into the store when the directory has
	// never held state (it has no MarkerFile), before the files in it, and
	// written to it at once. A directory that holds state keeps it and the
	// seed is ignored: it holds what became of the seed, and loading the
	// seed again would undo every change made since.
	Seed mockserver.Snapshot
}

// StateDir is a state directory in use. Its methods may be called from several
// goroutines; flushes run one at a time.
type StateDir struct {
	path  string
	store VersionedStore
	log   *slog.Logger
	lock  *flock.Flock

	mu sync.Mutex
	// written holds, for each namespace that has a file, the version of
	// the state in it: a namespace is written when its version differs,
	// and its file removed when it has no version any more.
	written map[string]uint64
	// encode writes a snapshot into a file; tests make it fail.
	encode func(io.Writer, mockserver.Snapshot) error
}

// StateDirStats say what OpenStateDir found in the directory.
type StateDirStats struct {
	// Restored is the number of namespaces loaded from their files.
	Restored int
	// Seeded is true when StateDirOptions.Seed was loaded.
	Seeded bool
	// TempRemoved counts the temporary files of interrupted writes that
	// were removed.
	TempRemoved int
}

// OpenStateDir takes the directory at path for store: it creates the directory
// if needed, locks it against a second server, removes the temporary
// files an interrupted write left, loads StateDirOptions.Seed into a directory
// that never held state, then imports every NS.json file into store.
// A file that cannot be read, parsed or imported stops OpenStateDir with an error
// naming the file and the first problem in it, so that a server never
// starts on part of its state.
func OpenStateDir(ctx context.Context, store VersionedStore, path string, opts StateDirOptions) (*StateDir, StateDirStats, error) {
	var stats StateDirStats
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, stats, fmt.Errorf("state dir: %w", err)
	}
	lock := flock.New(filepath.Join(path, LockFile))
	locked, err := lock.TryLock()
	if err != nil {
		return nil, stats, fmt.Errorf("state dir %s: lock: %w", path, err)
	}
	if !locked {
		return nil, stats, fmt.Errorf("state dir %s is in use by another standin serve (it holds %s)", path, LockFile)
	}
	d := &StateDir{
		path: path, store: store, log: logger, lock: lock,
		written: map[string]uint64{}, encode: mockserver.WriteSnapshot,
	}
	stats, err = d.open(ctx, opts.Seed)
	if err != nil {
		_ = lock.Unlock()
		return nil, stats, err
	}
	return d, stats, nil
}

func (d *StateDir) open(ctx context.Context, seed mockserver.Snapshot) (StateDirStats, error) {
	var stats StateDirStats
	_, err := os.Stat(filepath.Join(d.path, MarkerFile))
	fresh := errors.Is(err, fs.ErrNotExist)
	if err != nil && !fresh {
		return stats, fmt.Errorf("state dir %s: %w", d.path, err)
	}
	if seed != nil {
		if fresh {
			if err := d.store.Import(ctx, "", seed); err != nil {
				return stats, fmt.Errorf("%w: %w", ErrSeedRefused, err)
			}
			stats.Seeded = true
		} else {
			d.log.Info("state dir holds state already: the snapshot is not loaded (remove the directory to start again from it)", "dir", d.path)
		}
	}

	entries, err := os.ReadDir(d.path)
	if err != nil {
		return stats, fmt.Errorf("state dir: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if m := tempName.FindStringSubmatch(name); m != nil {
			if _, ok := namespaceOf(m[1]); ok {
				if err := os.Remove(filepath.Join(d.path, name)); err != nil {
					return stats, fmt.Errorf("state dir %s: %w", d.path, err)
				}
				d.log.Warn("removed the temporary file of an interrupted write", "dir", d.path, "file", name)
				stats.TempRemoved++
				continue
			}
		}
		if e.IsDir() || !strings.HasSuffix(name, ".json") {
			continue
		}
		if err := d.load(ctx, name); err != nil {
			return stats, fmt.Errorf("state dir %s: %s: %w (fix the file or remove it)", d.path, name, err)
		}
		stats.Restored++
	}
	versions := d.store.Versions()
	for ns := range d.written {
		d.written[ns] = versions[ns]
	}
	if fresh {
		if err := d.Flush(ctx); err != nil {
			return stats, err
		}
		if err := d.writeFile(MarkerFile, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "This directory holds the state of a standin server, one NS.json file per namespace\n(as GET /__standin/snapshot?namespace=NS answers). First used %s.\n", time.Now().UTC().Format(time.RFC3339))
			return err
		}); err != nil {
			return stats, fmt.Errorf("state dir %s: %w", d.path, err)
		}
		if err := syncDir(d.path); err != nil {
			return stats, fmt.Errorf("state dir %s: %w", d.path, err)
		}
	}
	d.log.Info("state restored", "dir", d.path, "namespaces", stats.Restored, "seeded", stats.Seeded, "tempFilesRemoved", stats.TempRemoved)
	return stats, nil
}

// load imports the state file name into the store.
func (d *StateDir) load(ctx context.Context, name string) error {
	ns, ok := namespaceOf(name)
	if !ok {
		return errors.New("not a state file name: a file is named after its namespace (letters, digits, '.', '_', '-'), each capital letter written as '!' and the letter in lower case, then .json")
	}
	data, err := os.ReadFile(filepath.Join(d.path, name))
	if err != nil {
		return err
	}
	snap, err := mockserver.ParseSnapshot(data)
	if err != nil {
		return err
	}
	if err := d.store.Import(ctx, ns, snap); err != nil {
		return err
	}
	d.written[ns] = 0 // its version is read once every file is in
	return nil
}

// Path returns the directory's path.
func (d *StateDir) Path() string { return d.path }

// Flush writes every namespace changed since its file was written and
// removes the files of namespaces that were reset or dropped. Each file is
// written whole to a temporary file in the directory, synced, renamed over
// the old one, and the directory synced once at the end, so that a crash at
// any moment leaves either the old file or the new one. A namespace that
// fails to be written keeps its old file and is tried again by the next
// Flush; the errors are returned together.
func (d *StateDir) Flush(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	start := time.Now()
	versions := d.store.Versions()
	var errs []error
	var wrote []string
	removed := 0
	for _, ns := range slices.Sorted(maps.Keys(versions)) {
		v := versions[ns]
		if w, ok := d.written[ns]; ok && w == v {
			continue
		}
		// The version is read before the export, so the file holds at
		// least that version; a change in between is written next time.
		snap, err := d.store.Export(ctx, ns)
		if err != nil {
			errs = append(errs, fmt.Errorf("namespace %q: %w", ns, err))
			continue
		}
		if _, ok := snap[ns]; !ok {
			continue // reset since Versions: the next Flush removes its file
		}
		if err := d.writeFile(fileName(ns), func(w io.Writer) error { return d.encode(w, snap) }); err != nil {
			errs = append(errs, fmt.Errorf("namespace %q: %w", ns, err))
			continue
		}
		d.written[ns] = v
		wrote = append(wrote, ns)
	}
	for ns := range d.written {
		if _, ok := versions[ns]; ok {
			continue
		}
		if err := os.Remove(filepath.Join(d.path, fileName(ns))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("namespace %q: %w", ns, err))
			continue
		}
		delete(d.written, ns)
		removed++
	}
	if len(wrote)+removed > 0 {
		if err := syncDir(d.path); err != nil {
			for _, ns := range wrote {
				d.written[ns] = 0 // not known to be on disk: write it again
			}
			errs = append(errs, err)
		}
		d.log.Debug("state written", "dir", d.path, "written", len(wrote), "removed", removed, "took", time.Since(start))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("state dir %s: %w", d.path, err)
	}
	return nil
}

// Run calls Flush every interval until ctx is done, logging a failed
// flush (it is tried again at the next tick). It does not flush when ctx
// ends: call Flush once the server has stopped taking requests, so that
// the last write holds every change a client was told about.
func (d *StateDir) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := d.Flush(ctx); err != nil && ctx.Err() == nil {
				d.log.Error("state not written; trying again at the next interval", "err", err)
			}
		}
	}
}

// Close releases the directory's lock. It does not flush.
func (d *StateDir) Close() error { return d.lock.Unlock() }

// writeFile writes the file name in the directory with fill, crash-safely:
// into a temporary file of the directory, synced, then renamed over name.
// On failure the temporary file is removed and name is left as it was.
func (d *StateDir) writeFile(name string, fill func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(d.path, name+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	w := bufio.NewWriterSize(f, 64<<10)
	if err := fill(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(d.path, name))
}

// syncDir makes the renames and removals in dir durable.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be synced there; renames are durable
	}
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// tempName matches the temporary files of writeFile: NAME.json.RANDOM.tmp.
var tempName = regexp.MustCompile(`^(.+\.json)\.[0-9]+\.tmp$`)

// fileName is the file of namespace ns: ns with each capital letter
// written as '!' and the letter in lower case, then ".json", so that
// namespaces differing only in case stay apart on file systems that
// ignore case (the rule of Go's module cache).
func fileName(ns string) string {
	var b strings.Builder
	for i := 0; i < len(ns); i++ {
		if c := ns[i]; 'A' <= c && c <= 'Z' {
			b.WriteByte('!')
			b.WriteByte(c - 'A' + 'a')
		} else {
			b.WriteByte(c)
		}
	}
	b.WriteString(".json")
	return b.String()
}

// namespaceOf is the namespace whose file is name, if it is one.
func namespaceOf(name string) (string, bool) {
	base, ok := strings.CutSuffix(name, ".json")
	if !ok {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(base); i++ {
		switch c := base[i]; {
		case c == '!':
			if i+1 == len(base) || base[i+1] < 'a' || base[i+1] > 'z' {
				return "", false
			}
			i++
			b.WriteByte(base[i] - 'a' + 'A')
		case 'A' <= c && c <= 'Z':
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	ns := b.String()
	return ns, mockserver.ValidNamespace(ns)
}
