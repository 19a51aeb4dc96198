package cache

import (
	"context"
	"errors"
	"io/fs"
	"os"
)

// lockMode says how a lock is taken.
type lockMode bool

const (
	shared    lockMode = false
	exclusive lockMode = true
)

// lock takes the lock file at path in mode m, waiting at most
// Options.LockTimeout (and no longer than ctx allows). A timeout returns an
// error wrapping lockfile.ErrTimeout, naming the lock file.
//
// Sections are made on first write: an exclusive lock whose file (or
// directory) is missing makes it and tries again, unless the store is
// read-only.
//
// A shared lock whose file is missing is not taken, and nothing is
// created: a missing lock file means no writer has ever been in that
// section, so it holds nothing to read, and a reader (a lookup, stats,
// verify) must not fill a new cache with 512 empty sections. A writer
// that appears meanwhile creates the lock file first and publishes whole
// files by rename, so the reader still never sees a partial file; on
// Windows the reader's open handle could make that writer's rename wait
// (rename_windows.go retries) and at worst fail that one write.
func (s *Store) lock(ctx context.Context, path string, m lockMode) (unlock func(), err error) {
	if m == shared {
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			return func() {}, nil
		}
	}
	if s.opts.LockTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.opts.LockTimeout)
		defer cancel()
	}
	take := s.locks.RLock
	if m == exclusive {
		take = s.locks.Lock
	}
	unlock, err = take(ctx, path)
	if err != nil && errors.Is(err, fs.ErrNotExist) && !s.opts.ReadOnly {
		if err := s.makeLockFile(path); err != nil {
			return nil, err
		}
		unlock, err = take(ctx, path)
	}
	return unlock, err
}
