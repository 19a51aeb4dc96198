package cache

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/objcache/objcache/digest"
)

// GetEntry reads and verifies the object entry under key. The file is read
// whole under the section's shared lock; decompression and the checksum run
// after the lock is released. A missing entry is ErrNotFound; a bad one is
// removed (under the exclusive lock, if it is still the same file) and
// reported as ErrCorrupt. If the entry's mtime is older than refresh, it is
// touched so that LRU eviction sees the hit.
//
// The touch happens under the shared lock, before the entry is verified, and
// is best effort: a failure (on Windows, another reader's open handle makes
// it fail) only costs the LRU order that hit. A read-only store touches
// nothing and removes nothing.
func (s *Store) GetEntry(ctx context.Context, key digest.Sum, refresh time.Duration) (*Entry, error) {
	sec := s.objectSection(key)
	path := sec.file(key)
	unlock, err := s.lock(ctx, sec.lockPath(), shared)
	if err != nil {
		return nil, fmt.Errorf("get entry %s: %w", key, err)
	}
	data, fi, err := readFile(path)
	refreshed := false
	if err == nil && refresh > 0 && !s.opts.ReadOnly && time.Since(fi.ModTime()) > refresh {
		fi, refreshed = touch(path, fi), true
	}
	unlock()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("get entry %s: %w", key, ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("get entry %s: %w", key, err)
	}

	e, err := s.codec.decode(data)
	if err == nil {
		e.Refreshed = refreshed
		return e, nil
	}
	if errors.Is(err, ErrCorrupt) && !s.opts.ReadOnly {
		if rerr := s.removeIfSame(ctx, sec, path, fi); rerr != nil {
			// Both errors stay visible to errors.Is: a lock timeout
			// here must still turn the cache off for the invocation.
			return nil, fmt.Errorf("get entry %s: %w; removing it: %w", path, err, rerr)
		}
	}
	return nil, fmt.Errorf("get entry %s: %w", path, err)
}

// touch sets the mtime of the file at path to now, for LRU eviction, and
// returns its FileInfo afterwards (or fi if anything failed), so that
// removeIfSame still recognizes the file.
func touch(path string, fi fs.FileInfo) fs.FileInfo {
	if touchNow(path) != nil {
		return fi
	}
	if fi2, err := os.Lstat(path); err == nil {
		return fi2
	}
	return fi
}

// removeIfSame removes the file at path from sec, and counts it out of the
// section's counters, if it is still the file fi describes: between the read
// and this exclusive lock another process may have removed it and added a
// good entry under the same name, which must stay.
func (s *Store) removeIfSame(ctx context.Context, sec section, path string, fi fs.FileInfo) error {
	_, err := s.removeIf(ctx, sec, path, func(now fs.FileInfo) bool {
		return os.SameFile(fi, now) && now.Size() == fi.Size() && now.ModTime().Equal(fi.ModTime())
	})
	return err
}

// removeIf removes the file at path from sec, and counts it out of the
// section's counters, under the section's exclusive lock, if it exists and
// still is what same says. It reports whether it removed it.
func (s *Store) removeIf(ctx context.Context, sec section, path string, same func(now fs.FileInfo) bool) (bool, error) {
	unlock, err := s.lock(ctx, sec.lockPath(), exclusive)
	if err != nil {
		return false, err
	}
	defer unlock()
	now, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil // someone else removed it
	case err != nil:
		return false, err
	case !same(now):
		return false, nil // replaced meanwhile
	}
	if err := remove(path); err != nil {
		return false, err
	}
	return true, s.addUsage(sec, -now.Size(), -1)
}

// PutEntry stores e under key. It encodes and compresses e into tmp/ without
// any lock, then under the section's exclusive lock renames it into place
// unless an entry already exists (which is kept: both processes succeed). It
// reports whether this call added the entry.
//
// If the section's counter file cannot be updated after the rename, PutEntry
// returns added = true with the error: the entry is in the cache, the
// counters are off until `objcache clean` recounts them. A read-only store
// returns false, nil.
func (s *Store) PutEntry(ctx context.Context, key digest.Sum, e *Entry) (added bool, err error) {
	if s.opts.ReadOnly {
		return false, nil
	}
	data, err := s.EncodeEntry(e)
	if err != nil {
		return false, fmt.Errorf("put entry %s: %w", key, err)
	}
	return s.PutEncodedEntry(ctx, key, data)
}

// EncodeEntry returns e as an entry file: header, compressed payload,
// checksum. It is what PutEncodedEntry stores and what travels to remote
// storage.
func (s *Store) EncodeEntry(e *Entry) ([]byte, error) { return s.codec.encode(e) }

// DecodeEntry verifies and decodes an entry file (from remote storage):
// anything wrong is an error wrapping ErrCorrupt.
func (s *Store) DecodeEntry(data []byte) (*Entry, error) { return s.codec.decode(data) }

// PutEncodedEntry stores data, an entry file from EncodeEntry (or one that
// DecodeEntry accepted), under key, as PutEntry does.
func (s *Store) PutEncodedEntry(ctx context.Context, key digest.Sum, data []byte) (added bool, err error) {
	if s.opts.ReadOnly {
		return false, nil
	}
	tmp, err := s.writeTemp(data)
	if err != nil {
		return false, fmt.Errorf("put entry %s: %w", key, err)
	}
	added, err = s.publishEntry(ctx, key, tmp, int64(len(data)))
	if !added {
		// The staged file is removed after the lock is released.
		err = discard(tmp, err)
	}
	if err != nil {
		return added, fmt.Errorf("put entry %s: %w", key, err)
	}
	return added, nil
}

// publishEntry renames the staged entry file tmp, of size bytes, into key's
// place under the section's exclusive lock, unless an entry is already
// there. If added is false, tmp is still there.
func (s *Store) publishEntry(ctx context.Context, key digest.Sum, tmp string, size int64) (added bool, err error) {
	sec := s.objectSection(key)
	path := sec.file(key)
	unlock, err := s.lock(ctx, sec.lockPath(), exclusive)
	if err != nil {
		return false, err
	}
	defer unlock()
	// Check inside the lock (DESIGN.md §4 rule 2).
	switch _, err := os.Lstat(path); {
	case err == nil:
		return false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return false, err
	}
	if err := rename(tmp, path); err != nil {
		return false, err
	}
	return true, s.addUsage(sec, size, 1)
}

// HasEntry reports whether an entry exists under key (a stat under the shared
// lock).
func (s *Store) HasEntry(ctx context.Context, key digest.Sum) (bool, error) {
	sec := s.objectSection(key)
	unlock, err := s.lock(ctx, sec.lockPath(), shared)
	if err != nil {
		return false, fmt.Errorf("has entry %s: %w", key, err)
	}
	defer unlock()
	switch _, err := os.Lstat(sec.file(key)); {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	default:
		return false, fmt.Errorf("has entry %s: %w", key, err)
	}
}
