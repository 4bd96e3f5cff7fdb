package mocks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/standin/standin/mockserver"
)

// RestoreState loads the snapshot file and opens the state directory of
// cfg, if set, and returns the directory (nil without one) and lines for
// the banner.
func RestoreState(ctx context.Context, cfg StateConfig, store mockserver.Store, logger *slog.Logger) (*StateDir, []string, error) {
	var seed mockserver.Snapshot
	if cfg.Snapshot != "" {
		data, err := os.ReadFile(cfg.Snapshot)
		if err != nil {
			return nil, nil, fmt.Errorf("--snapshot: %w", err)
		}
		if seed, err = mockserver.ParseSnapshot(data); err != nil {
			return nil, nil, fmt.Errorf("--snapshot %s: %w", cfg.Snapshot, err)
		}
	}
	if cfg.Dir == "" {
		if seed == nil {
			return nil, nil, nil
		}
		if err := store.Import(ctx, "", seed); err != nil {
			return nil, nil, fmt.Errorf("--snapshot %s: %w", cfg.Snapshot, err)
		}
		return nil, []string{fmt.Sprintf("snapshot    %s loaded (%d namespaces)", cfg.Snapshot, len(seed))}, nil
	}
	st, ok := store.(VersionedStore)
	if !ok {
		return nil, nil, fmt.Errorf("--state-dir: the store (%T) cannot tell which namespaces changed", store)
	}
	dir, stats, err := OpenStateDir(ctx, st, cfg.Dir, StateDirOptions{Logger: logger, Seed: seed})
	if errors.Is(err, ErrSeedRefused) {
		return nil, nil, fmt.Errorf("--snapshot %s: %w", cfg.Snapshot, err)
	}
	if err != nil {
		return nil, nil, err
	}
	notes := []string{fmt.Sprintf("state       %s  (namespaces restored: %d; changes written every %s and at shutdown; a kill -9 loses at most the last %s plus one write)",
		cfg.Dir, stats.Restored, cfg.Interval, cfg.Interval)}
	switch {
	case seed == nil:
	case stats.Seeded:
		notes = append(notes, fmt.Sprintf("snapshot    %s loaded into the new state directory (%d namespaces)", cfg.Snapshot, len(seed)))
	default:
		notes = append(notes, fmt.Sprintf("snapshot    %s not loaded: %s holds state already (remove it to start again from the snapshot)", cfg.Snapshot, cfg.Dir))
	}
	return dir, notes, nil
}
