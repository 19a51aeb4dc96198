package cache

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/objcache/objcache/digest"
)

// The records that explain misses (records.go has their rules). Both are
// read without a lock: they are published by rename.

// historyTries bounds UpdateHistory's attempts when other processes keep
// changing the same history.
const historyTries = 3

// PutKeyRecord stores data as the key record of the manifest under key, if
// that manifest exists (checked inside the section's exclusive lock: a
// record never outlives its manifest). A read-only store writes nothing.
func (s *Store) PutKeyRecord(ctx context.Context, key digest.Sum, data []byte) error {
	if s.opts.ReadOnly {
		return nil
	}
	sec := s.manifestSection(key)
	return s.putRecord(ctx, sec, filepath.Join(sec.dir, fileName(key, KindKeyRecord)), sec.file(key), data)
}

// KeyRecord returns the key record of the manifest under key, nil when
// there is none.
func (s *Store) KeyRecord(key digest.Sum) []byte {
	data, err := os.ReadFile(filepath.Join(s.manifestSection(key).dir, fileName(key, KindKeyRecord)))
	if err != nil {
		return nil
	}
	return data
}

// History returns the history kept under id, nil when there is none.
func (s *Store) History(id digest.Sum) []byte {
	data, err := os.ReadFile(s.historyPath(id))
	if err != nil {
		return nil
	}
	return data
}

// TouchHistory refreshes the last use of the history under id when it is
// older than refresh, as a hit refreshes its entry, so that eviction keeps
// the histories of sources in use. Best effort: it only costs the LRU
// order.
func (s *Store) TouchHistory(id digest.Sum, refresh time.Duration) {
	if s.opts.ReadOnly || refresh <= 0 {
		return
	}
	path := s.historyPath(id)
	if fi, err := os.Lstat(path); err == nil && time.Since(fi.ModTime()) > refresh {
		_ = touchNow(path)
	}
}

// UpdateHistory replaces the history under id with update(current), where
// current is nil when there is none. The new file is staged before the
// section's exclusive lock is taken; inside it, the history must still be
// the one update saw (check inside the lock), else the update is done
// again, up to historyTries times, so that concurrent misses of one source
// do not lose each other's records. A read-only store writes nothing.
func (s *Store) UpdateHistory(ctx context.Context, id digest.Sum, update func(current []byte) []byte) error {
	if s.opts.ReadOnly {
		return nil
	}
	sec := s.manifestSection(id)
	path := s.historyPath(id)
	for range historyTries {
		current, seen, err := readFile(path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("update history %s: %w", path, err)
		}
		tmp, err := s.writeTemp(update(current))
		if err != nil {
			return fmt.Errorf("update history: %w", err)
		}
		done, err := s.publishHistory(ctx, sec, tmp, path, seen)
		if !done {
			err = discard(tmp, err)
		}
		if err != nil {
			return fmt.Errorf("update history %s: %w", path, err)
		}
		if done {
			return nil
		}
	}
	return nil // busy: another process's update stands, this one's is lost
}

// publishHistory renames tmp to path under sec's exclusive lock if path is
// still seen (nil: still absent); done is false when it changed.
func (s *Store) publishHistory(ctx context.Context, sec section, tmp, path string, seen fs.FileInfo) (done bool, err error) {
	unlock, err := s.lock(ctx, sec.lockPath(), exclusive)
	if err != nil {
		return false, err
	}
	defer unlock()
	now, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if seen != nil {
			return false, nil
		}
	case err != nil:
		return false, err
	case seen == nil || !os.SameFile(now, seen) || now.Size() != seen.Size() || !now.ModTime().Equal(seen.ModTime()):
		// Every update renames a new file in: another inode is another
		// process's update, even within one tick of the file clock.
		return false, nil
	}
	size, err := fileSize(tmp)
	if err != nil {
		return false, err
	}
	if err := rename(tmp, path); err != nil {
		return false, err
	}
	var old int64
	if seen != nil {
		old = seen.Size()
	}
	return true, s.addUsage(sec, size-old, 0)
}

// historyPath is where the history under id is kept.
func (s *Store) historyPath(id digest.Sum) string {
	return filepath.Join(s.manifestSection(id).dir, fileName(id, KindHistory))
}

// fileSize is the size of the file at path.
func fileSize(path string) (int64, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
