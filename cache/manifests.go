package cache

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/objcache/objcache/digest"
)

// GetManifest returns the raw bytes of the manifest stored under key, read
// whole under its section's shared lock. A missing manifest is ErrNotFound.
func (s *Store) GetManifest(ctx context.Context, key digest.Sum) ([]byte, error) {
	sec := s.manifestSection(key)
	unlock, err := s.lock(ctx, sec.lockPath(), shared)
	if err != nil {
		return nil, fmt.Errorf("get manifest %s: %w", key, err)
	}
	data, err := os.ReadFile(sec.file(key))
	unlock()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("get manifest %s: %w", key, ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("get manifest %s: %w", key, err)
	}
	return data, nil
}

// UpdateManifest replaces the manifest under key with update(current), where
// current is nil when there is none. It holds the manifest section's exclusive
// lock across the fresh read, the call and the rename, so concurrent updates
// never lose each other's entries. update must be quick and do no I/O.
// Returning nil from update deletes the manifest. If objectKey is not zero,
// the update is abandoned (returning ErrNotFound) when that object does not
// exist, checked under the object section's shared lock while the manifest
// lock is held (DESIGN.md §5).
//
// update runs while every other process that wants this manifest section
// waits: decoding, adding an entry and encoding a small manifest is the most
// it should do. An error from update abandons the update and is returned,
// wrapped. A read-only store returns nil without calling update.
//
// If the section's counter file cannot be updated after the manifest was
// written, the error is returned although the manifest is in place.
func (s *Store) UpdateManifest(ctx context.Context, key, objectKey digest.Sum, update func(current []byte) ([]byte, error)) error {
	if s.opts.ReadOnly {
		return nil
	}
	if err := s.updateManifest(ctx, key, objectKey, update); err != nil {
		return fmt.Errorf("update manifest %s: %w", key, err)
	}
	return nil
}

func (s *Store) updateManifest(ctx context.Context, key, objectKey digest.Sum, update func(current []byte) ([]byte, error)) error {
	sec := s.manifestSection(key)
	unlock, err := s.lock(ctx, sec.lockPath(), exclusive)
	if err != nil {
		return err
	}
	defer unlock()

	if !objectKey.IsZero() {
		// Lock order: manifest section, then object section (rule 4).
		if err := s.checkObject(ctx, objectKey); err != nil {
			return err
		}
	}

	path := sec.file(key)
	current, err := os.ReadFile(path)
	existed := err == nil
	switch {
	case errors.Is(err, fs.ErrNotExist):
		current = nil
	case err != nil:
		return err
	}
	next, err := update(current)
	if err != nil {
		return err
	}
	switch {
	case next != nil:
		if err := s.writeAtomic(path, next); err != nil {
			return err
		}
		files := int64(0)
		if !existed {
			files = 1
		}
		return s.addUsage(sec, int64(len(next))-int64(len(current)), files)
	case existed:
		if err := remove(path); err != nil {
			return fmt.Errorf("remove manifest: %w", err)
		}
		return s.addUsage(sec, -int64(len(current)), -1)
	}
	return nil
}

// checkObject returns an error wrapping ErrNotFound unless the object entry
// under key exists, looked at under its section's shared lock.
func (s *Store) checkObject(ctx context.Context, key digest.Sum) error {
	sec := s.objectSection(key)
	unlock, err := s.lock(ctx, sec.lockPath(), shared)
	if err != nil {
		return err
	}
	_, err = os.Lstat(sec.file(key))
	unlock()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("object %s: %w", key, ErrNotFound)
	case err != nil:
		return fmt.Errorf("object %s: %w", key, err)
	}
	return nil
}
