package cache

import (
	"bytes"
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

// ManifestTx is what an update function may ask of the store while
// UpdateManifest holds the manifest section's exclusive lock.
type ManifestTx struct {
	ctx   context.Context
	s     *Store
	drops []digest.Sum
}

// ObjectExists reports whether the object entry under key exists, looked at
// under its section's shared lock (manifest, then object: DESIGN.md §4).
// Eviction prunes the entries of a manifest whose objects are gone with it.
func (tx *ManifestTx) ObjectExists(key digest.Sum) (bool, error) {
	err := tx.s.checkObject(tx.ctx, key)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	}
	return false, err
}

// DropObject asks for the object entry under key to be removed once the new
// manifest is written, while the manifest lock is still held: an entry that
// fell off the manifest's cap takes its object with it (DESIGN.md §5), and
// no adder can record that object meanwhile.
func (tx *ManifestTx) DropObject(key digest.Sum) { tx.drops = append(tx.drops, key) }

// UpdateManifest replaces the manifest under key with update(current, tx),
// where current is nil when there is none. It holds the manifest section's
// exclusive lock across the fresh read, the call, the rename and the removal
// of the objects update dropped (tx.DropObject); a manifest deleted takes
// its stat record with it, so concurrent updates never
// lose each other's entries. update must be quick and do no I/O of its own
// (tx.ObjectExists is a stat). Returning nil from update deletes the manifest. If objectKey is not zero,
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
func (s *Store) UpdateManifest(ctx context.Context, key, objectKey digest.Sum, update func(current []byte, tx *ManifestTx) ([]byte, error)) error {
	if s.opts.ReadOnly {
		return nil
	}
	if err := s.updateManifest(ctx, key, objectKey, update); err != nil {
		return fmt.Errorf("update manifest %s: %w", key, err)
	}
	return nil
}

func (s *Store) updateManifest(ctx context.Context, key, objectKey digest.Sum, update func(current []byte, tx *ManifestTx) ([]byte, error)) error {
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
	tx := &ManifestTx{ctx: ctx, s: s}
	next, err := update(current, tx)
	if err != nil {
		return err
	}
	switch {
	case next != nil && existed && bytes.Equal(next, current):
		// Unchanged: nothing to write.
	case next != nil:
		if err := s.writeAtomic(path, next); err != nil {
			return err
		}
		files := int64(0)
		if !existed {
			files = 1
		}
		err = s.addUsage(sec, int64(len(next))-int64(len(current)), files)
	case existed:
		if err := remove(path); err != nil {
			return fmt.Errorf("remove manifest: %w", err)
		}
		err = s.addUsage(sec, -int64(len(current)), -1)
		// Its records go with it (records.go).
		if rerr := s.removeManifestRecords(sec, key); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}
	if _, derr := s.removeObjects(ctx, tx.drops); derr != nil {
		err = errors.Join(err, fmt.Errorf("remove dropped objects: %w", derr))
	}
	return err
}

// InspectManifest calls f with the manifest under key (nil when there is
// none) while holding its section's shared lock; f may look at objects with
// exists, under their sections' shared locks. verify uses it to see a
// manifest and its objects at one moment.
func (s *Store) InspectManifest(ctx context.Context, key digest.Sum, f func(current []byte, exists func(digest.Sum) (bool, error)) error) error {
	sec := s.manifestSection(key)
	unlock, err := s.lock(ctx, sec.lockPath(), shared)
	if err != nil {
		return fmt.Errorf("inspect manifest %s: %w", key, err)
	}
	defer unlock()
	current, err := os.ReadFile(sec.file(key))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("inspect manifest %s: %w", key, err)
	}
	tx := &ManifestTx{ctx: ctx, s: s}
	return f(current, tx.ObjectExists)
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
