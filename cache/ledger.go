package cache

import (
	"context"
	"fmt"
	"path/filepath"
)

// The ledger is the cache's total size and file count, kept in one counter
// file, stats/usage, guarded by stats/usage.lock, so that an add knows
// whether the whole cache is over max_size from one small read instead of
// 512 (eviction keeps the limit for the cache as a whole: with 256 section
// pairs each held to 1/256 of a small limit, every pair kept at least one
// entry and a 200K cache held 1.6M).
//
// Invariant: at rest, the ledger equals the sum of the section counters.
// Every change to a section's counters adds the same change to the ledger
// while the section's exclusive lock is held; the ledger lock is a leaf
// (DESIGN.md §4 rule 4: nothing is taken while it is held, and no stats
// shard is held with it). A process killed between the two writes leaves
// the ledger off by one file; `objcache clean` sets it to the sum again
// (SetLedger), and verify reports a difference.
//
// A ledger without its "counted" mark (a cache made before it existed, or a
// damaged file) is not added to; the first Total computes it from the
// section counters and marks it.
const (
	ledgerName    = "usage"
	ledgerCounted = "counted"
)

// ledgerPath returns the path of the ledger file.
func (s *Store) ledgerPath() string { return filepath.Join(s.dir, statsDir, ledgerName) }

// addToLedger adds a change of the section counters to the ledger. The
// caller holds that section's exclusive lock. An unmarked ledger is left
// alone (Total counts it afresh).
func (s *Store) addToLedger(bytes, files int64) error {
	if bytes == 0 && files == 0 {
		return nil
	}
	path := s.ledgerPath()
	// The section lock the caller holds bounds this wait: ledger holders
	// hold nothing else and hold it for one small read and write.
	unlock, err := s.lock(context.Background(), path+lockName, exclusive)
	if err != nil {
		return fmt.Errorf("update the cache's total: %w", err)
	}
	defer unlock()
	err = s.rewriteCounters(path, func(c Counters) {
		if c[ledgerCounted] == 1 {
			c[counterBytes] = max(0, c[counterBytes]+bytes)
			c[counterFiles] = max(0, c[counterFiles]+files)
		}
	})
	if err != nil {
		return fmt.Errorf("update the cache's total: %w", err)
	}
	return nil
}

// Total returns the cache's size and file count from the ledger: what
// eviction compares with the limits after each add. An unmarked ledger is
// first computed from the section counters (Usage) and marked.
func (s *Store) Total(ctx context.Context) (SectionUsage, error) {
	u, ok, err := s.readLedger(ctx)
	if err != nil || ok {
		return u, err
	}
	if s.opts.ReadOnly {
		return s.Usage(ctx)
	}
	sum, err := s.Usage(ctx)
	if err != nil {
		return SectionUsage{}, err
	}
	// A cache made before the ledger has no lock file for it either.
	if err := s.makeLockFile(s.ledgerPath() + lockName); err != nil {
		return SectionUsage{}, fmt.Errorf("set the cache's total: %w", err)
	}
	return sum, s.setLedger(ctx, sum, false)
}

// readLedger reads the ledger under its shared lock; ok is false when it
// is missing, unmarked or damaged.
func (s *Store) readLedger(ctx context.Context) (u SectionUsage, ok bool, err error) {
	path := s.ledgerPath()
	unlock, err := s.lock(ctx, path+lockName, shared)
	if err != nil {
		return u, false, fmt.Errorf("read the cache's total: %w", err)
	}
	defer unlock()
	c, err := readCounters(path)
	if err != nil {
		return u, false, fmt.Errorf("read the cache's total: %w", err)
	}
	return SectionUsage{Bytes: c[counterBytes], Files: c[counterFiles]}, c[ledgerCounted] == 1, nil
}

// SetLedger sets the ledger to u, the sum of the section counters that the
// caller (clean) read after recounting them. Adds that ran between that
// reading and this write are lost from the total until the next clean; at
// rest there are none.
func (s *Store) SetLedger(ctx context.Context, u SectionUsage) error {
	if s.opts.ReadOnly {
		return nil
	}
	return s.setLedger(ctx, u, true)
}

// setLedger writes u as the marked ledger; unless force, only where the
// ledger is still unmarked (another process may have counted it since).
func (s *Store) setLedger(ctx context.Context, u SectionUsage, force bool) error {
	path := s.ledgerPath()
	unlock, err := s.lock(ctx, path+lockName, exclusive)
	if err != nil {
		return fmt.Errorf("set the cache's total: %w", err)
	}
	defer unlock()
	err = s.rewriteCounters(path, func(c Counters) {
		if force || c[ledgerCounted] != 1 {
			clear(c)
			c[counterBytes], c[counterFiles], c[ledgerCounted] = u.Bytes, u.Files, 1
		}
	})
	if err != nil {
		return fmt.Errorf("set the cache's total: %w", err)
	}
	return nil
}

// Ledger returns what the ledger says and whether it is marked, for verify
// to compare with the sum of the section counters.
func (s *Store) Ledger(ctx context.Context) (u SectionUsage, counted bool, err error) {
	return s.readLedger(ctx)
}
