package cache

import (
	"context"
	"fmt"
	"time"
)

// SectionUsage is the size and file count of one section, from its counter
// file.
//
// Bytes is the sum of the apparent sizes of the section's manifest or entry
// files; the lock and counter files are not counted.
type SectionUsage struct {
	Bytes int64
	Files int64
}

// Usage returns the total size and file count over all object and manifest
// sections, from their counter files (no tree walk).
//
// Each counter file is read under its section's shared lock, one section at
// a time. Reading without the lock would be safe on Unix (counter files are
// replaced by rename), but on Windows a reader's open handle makes the
// writer's rename over the file fail; the lock keeps the rule that readers
// and renaming writers never meet. 512 uncontended shared locks cost a few
// milliseconds, and Usage is for `objcache stats` and eviction, not for
// every compilation.
func (s *Store) Usage(ctx context.Context) (SectionUsage, error) { return s.usageWithin(ctx, 0) }

// usageWithin is Usage with each section's lock waited for at most wait
// (when positive), as well as ctx allows.
func (s *Store) usageWithin(ctx context.Context, wait time.Duration) (SectionUsage, error) {
	var total SectionUsage
	for _, sec := range s.allSections() {
		sctx, cancel := ctx, context.CancelFunc(func() {})
		if wait > 0 {
			sctx, cancel = context.WithTimeout(ctx, wait)
		}
		u, err := s.sectionUsage(sctx, sec)
		cancel()
		if err != nil {
			return SectionUsage{}, err
		}
		total.Bytes += u.Bytes
		total.Files += u.Files
	}
	return total, nil
}

// sectionUsage reads the counters of sec under its shared lock.
func (s *Store) sectionUsage(ctx context.Context, sec section) (SectionUsage, error) {
	unlock, err := s.lock(ctx, sec.lockPath(), shared)
	if err != nil {
		return SectionUsage{}, fmt.Errorf("usage: %w", err)
	}
	defer unlock()
	u, err := readUsage(sec)
	if err != nil {
		return SectionUsage{}, fmt.Errorf("usage of %s: %w", sec.dir, err)
	}
	return u, nil
}

// SectionUsage returns the counters of section i of area a, read under its
// shared lock.
func (s *Store) SectionUsage(ctx context.Context, a Area, i int) (SectionUsage, error) {
	return s.sectionUsage(ctx, s.sectionAt(a, i))
}
