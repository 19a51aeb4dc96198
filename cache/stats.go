package cache

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Counters are named statistics.
//
// Names are written one a line, so they may not be empty or contain white
// space; AddStats rejects such names.
type Counters map[string]int64

// Statistics live in statShards files stats/0 … stats/15, each guarded by its
// own lock file stats/N.lock. A process adds to the shard its pid picks, so
// that concurrent processes rarely wait for each other; a reader sums them
// all. A shard lock is a leaf (DESIGN.md §4 rule 4): nothing else is locked
// while one is held, and only one is held at a time.
const statShards = 16

// ZeroedAt is the counter ZeroStats leaves: the Unix time (seconds) of the
// last reset. Stats reports the latest, not a sum; AddStats ignores it.
const ZeroedAt = "zeroed_at"

// statsShard returns the path of shard n.
func (s *Store) statsShard(n int) string {
	return filepath.Join(s.dir, statsDir, strconv.Itoa(n))
}

// Miss details are counters of their own, in stats/why.0 … why.15 beside
// the shards and with the same rules: what caused misses, by file and
// argument (launcher's miss-cause details). Only misses write them, so
// that a hit, which rewrites a shard, never rewrites them; and each shard
// keeps at most detailLimit names, dropping the smallest counts, so that a
// project with many changing files does not grow them without bound.
const (
	detailShardPrefix = "why."
	detailLimit       = 400
)

// detailShard returns the path of miss-detail shard n.
func (s *Store) detailShard(n int) string {
	return filepath.Join(s.dir, statsDir, detailShardPrefix+strconv.Itoa(n))
}

// AddMissDetails adds delta to the miss details, as AddStats adds to the
// statistics.
func (s *Store) AddMissDetails(ctx context.Context, delta Counters) error {
	if s.opts.ReadOnly {
		return nil // a consumer of a cache explains no misses to its owner
	}
	return s.addTo(ctx, s.detailShard(os.Getpid()%statShards), delta, detailLimit)
}

// MissDetails returns the sum of the miss-detail shards.
func (s *Store) MissDetails(ctx context.Context) (Counters, error) {
	total := Counters{}
	for n := range statShards {
		c, err := s.readShardAt(ctx, s.detailShard(n))
		if err != nil {
			return nil, err
		}
		for name, v := range c {
			total[name] += v
		}
	}
	return total, nil
}

// AddStats adds delta to the statistics, in one shard chosen by process, so
// that concurrent processes rarely contend.
//
// The shard is rewritten in place under its exclusive lock (see
// rewriteCounters). A damaged shard counts as empty and is replaced.
//
// A read-only store counts too (ccache does): a CI job that only consumes
// a cache wants its hit rate. It writes no entry, manifest or record; a
// cache that does not exist yet (or an empty directory) is given its
// empty layout, as ccache makes its statistics there, so that the job's
// calls are counted. Where the statistics cannot be written (a read-only
// mount, a directory that is not a cache) it counts nowhere and returns
// nil.
func (s *Store) AddStats(ctx context.Context, delta Counters) error {
	if s.opts.ReadOnly {
		if fi, err := os.Stat(filepath.Join(s.dir, statsDir)); err != nil || !fi.IsDir() {
			if s.makeLayout() != nil {
				return nil
			}
		}
		if err := s.addStats(ctx, delta); err != nil && !errors.Is(err, fs.ErrPermission) && !errors.Is(err, syscall.EROFS) {
			return err
		}
		return nil
	}
	return s.addStats(ctx, delta)
}

// addStats is AddStats' work.
func (s *Store) addStats(ctx context.Context, delta Counters) error {
	return s.addTo(ctx, s.statsShard(os.Getpid()%statShards), delta, 0)
}

// addTo adds delta to the counter shard at path under its exclusive lock,
// keeping at most limit names (0: no limit).
func (s *Store) addTo(ctx context.Context, path string, delta Counters, limit int) error {
	for name := range delta {
		if !validCounterName(name) {
			return fmt.Errorf("add stats: bad counter name %q", name)
		}
	}
	unlock, err := s.lock(ctx, path+lockName, exclusive)
	if err != nil {
		return fmt.Errorf("add stats: %w", err)
	}
	defer unlock()
	err = s.rewriteCounters(path, func(c Counters) {
		for name, v := range delta {
			if name != ZeroedAt {
				c[name] += v
			}
		}
		if limit > 0 {
			keepLargest(c, limit)
		}
	})
	if err != nil {
		return fmt.Errorf("add stats to %s: %w", path, err)
	}
	return nil
}

// Stats returns the sum of all shards.
//
// Each shard is read under its shared lock, one at a time, so the sum is not
// one instant's: an AddStats running meanwhile may or may not be in it. A
// damaged shard counts as empty.
func (s *Store) Stats(ctx context.Context) (Counters, error) {
	total := Counters{}
	for n := range statShards {
		c, err := s.readShard(ctx, n)
		if err != nil {
			return nil, err
		}
		for name, v := range c {
			if name == ZeroedAt {
				total[name] = max(total[name], v)
			} else {
				total[name] += v
			}
		}
	}
	return total, nil
}

// readShard reads shard n under its shared lock.
func (s *Store) readShard(ctx context.Context, n int) (Counters, error) {
	return s.readShardAt(ctx, s.statsShard(n))
}

// readShardAt reads the counter shard at path under its shared lock.
func (s *Store) readShardAt(ctx context.Context, path string) (Counters, error) {
	unlock, err := s.lock(ctx, path+lockName, shared)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	defer unlock()
	c, err := readCounters(path)
	if err != nil {
		return nil, fmt.Errorf("stats from %s: %w", path, err)
	}
	return c, nil
}

// ZeroStats resets all shards, keeping nothing but a "zeroed_at" time.
//
// Shards are reset one at a time, each under its exclusive lock; what
// another process adds meanwhile to a shard already reset is kept. The time
// is recorded in shard 0. A read-only store returns nil.
func (s *Store) ZeroStats(ctx context.Context) error {
	if s.opts.ReadOnly {
		return nil
	}
	now := time.Now().Unix()
	for n := range statShards {
		if err := s.zeroShard(ctx, n, now); err != nil {
			return err
		}
		if err := s.removeShard(ctx, s.detailShard(n)); err != nil {
			return err
		}
	}
	return nil
}

// removeShard removes the counter shard at path under its exclusive lock.
func (s *Store) removeShard(ctx context.Context, path string) error {
	unlock, err := s.lock(ctx, path+lockName, exclusive)
	if err != nil {
		return fmt.Errorf("zero stats: %w", err)
	}
	defer unlock()
	if err := remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("zero stats in %s: %w", path, err)
	}
	return nil
}

// keepLargest drops the smallest counters of c until it has at most limit
// names (ties: the names last in order go first, so that the result does
// not depend on map order).
func keepLargest(c Counters, limit int) {
	if len(c) <= limit {
		return
	}
	names := make([]string, 0, len(c))
	for name := range c {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int {
		if d := cmp.Compare(c[b], c[a]); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	for _, name := range names[limit:] {
		delete(c, name)
	}
}

// zeroShard resets shard n under its exclusive lock: shard 0 keeps the time
// of the reset, the others are removed.
func (s *Store) zeroShard(ctx context.Context, n int, now int64) error {
	path := s.statsShard(n)
	unlock, err := s.lock(ctx, path+lockName, exclusive)
	if err != nil {
		return fmt.Errorf("zero stats: %w", err)
	}
	defer unlock()
	if n == 0 {
		err = s.writeAtomic(path, formatCounters(Counters{ZeroedAt: now}))
	} else if err = remove(path); errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("zero stats in %s: %w", path, err)
	}
	return nil
}
