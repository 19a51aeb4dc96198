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
// If the lock file's directory is missing (a section removed by hand, or a
// layout never completed), a writable store makes it and tries again.
//
// A read-only store never creates a lock file. When one is missing it reads
// without the lock, which is safe: files are published whole by rename, so
// a reader never sees a partial one, and a lock file is missing only where
// no objcache process has ever written (every writer takes the lock first,
// creating it). On Windows a writer that appears meanwhile could find the
// reader's handle open; its rename retries briefly (rename_windows.go) and
// at worst fails that one write.
func (s *Store) lock(ctx context.Context, path string, m lockMode) (unlock func(), err error) {
	if s.opts.ReadOnly && m == shared {
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
