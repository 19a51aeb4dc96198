// Package cache is objcache's on-disk store: 256 manifest sections and 256
// object sections, each guarded by a section lock, with files published by
// rename from tmp/ and object entries carrying a checksum.
//
// Layout (DESIGN.md §3):
//
//	<dir>/CACHEDIR.TAG
//	<dir>/manifests/00 … ff/<key>   manifest files, and a .lock per section
//	<dir>/objects/00 … ff/<key>     entry files, and a .lock per section
//	<dir>/stats/                    sharded counters
//	<dir>/tmp/                      staging area on the same file system
//
// The rules kept here (DESIGN.md §4): every file is written whole into tmp/
// and renamed into place; an add checks for an existing entry under the
// section's exclusive lock; nothing slow (compressing, hashing sources,
// network) happens under a lock; a manifest section may be locked and then an
// object section, never the reverse and never two of a kind; a stats shard is
// a leaf lock; readers read whole files under the shared lock so that, on
// Windows, writers holding the exclusive lock never meet an open file.
package cache

import (
	"context"
	"errors"
	"time"

	"github.com/objcache/objcache/digest"
)

// ErrNotFound is returned (wrapped) when a manifest or entry does not exist.
var ErrNotFound = errors.New("not in cache")

// ErrCorrupt is returned (wrapped) when an entry fails its checksum, is short,
// or has an unknown version. The entry has been removed when this is
// returned (if removal was possible).
var ErrCorrupt = errors.New("corrupt cache entry")

// Options are the store's settings, from config.
type Options struct {
	// LockTimeout bounds every wait for a section or stats lock. A lock not
	// had in time returns an error wrapping lockfile.ErrTimeout.
	LockTimeout time.Duration
	// CompressionLevel is the zstd level for entries: 0 stores uncompressed,
	// 1 (fastest) … 19. Negative means the default (1).
	CompressionLevel int
	// ReadOnly forbids every write: Put* and stats updates return nil without
	// writing, lookups never remove corrupt entries.
	ReadOnly bool
	// Umask is applied to files and directories the store creates.
	Umask uint32
}

// Output is one file of a compilation that an entry stores.
type Output struct {
	// Kind says what the file is ("object", "depfile", "sourcedeps", …);
	// the launcher maps kinds to paths.
	Kind string
	// Data is the file's content.
	Data []byte
}

// Entry is what one compilation produced: its files and console output.
type Entry struct {
	// ManifestKey names the manifest that refers to this entry, so that
	// eviction can find and prune it without a scan.
	ManifestKey digest.Sum
	// Outputs are the files, in the order the launcher writes them.
	Outputs []Output
	// Stdout and Stderr are the compiler's console output, byte for byte.
	Stdout, Stderr []byte
}

// Store is an open cache directory. It is safe for concurrent use by many
// goroutines and many processes.
type Store struct{}

// Open prepares the cache at dir, creating its layout if it does not exist
// (unless opts.ReadOnly). It does not scan the cache.
func Open(dir string, opts Options) (*Store, error) { panic("unimplemented") }

// Dir returns the cache directory.
func (s *Store) Dir() string { panic("unimplemented") }

// GetManifest returns the raw bytes of the manifest stored under key, read
// whole under its section's shared lock. A missing manifest is ErrNotFound.
func (s *Store) GetManifest(ctx context.Context, key digest.Sum) ([]byte, error) {
	panic("unimplemented")
}

// UpdateManifest replaces the manifest under key with update(current), where
// current is nil when there is none. It holds the manifest section's exclusive
// lock across the fresh read, the call and the rename, so concurrent updates
// never lose each other's entries. update must be quick and do no I/O.
// Returning nil from update deletes the manifest. If objectKey is not zero,
// the update is abandoned (returning ErrNotFound) when that object does not
// exist, checked under the object section's shared lock while the manifest
// lock is held (DESIGN.md §5).
func (s *Store) UpdateManifest(ctx context.Context, key, objectKey digest.Sum, update func(current []byte) ([]byte, error)) error {
	panic("unimplemented")
}

// GetEntry reads and verifies the object entry under key. The file is read
// whole under the section's shared lock; decompression and the checksum run
// after the lock is released. A missing entry is ErrNotFound; a bad one is
// removed (under the exclusive lock, if it is still the same file) and
// reported as ErrCorrupt. If the entry's mtime is older than refresh, it is
// touched so that LRU eviction sees the hit.
func (s *Store) GetEntry(ctx context.Context, key digest.Sum, refresh time.Duration) (*Entry, error) {
	panic("unimplemented")
}

// PutEntry stores e under key. It encodes and compresses e into tmp/ without
// any lock, then under the section's exclusive lock renames it into place
// unless an entry already exists (which is kept: both processes succeed). It
// reports whether this call added the entry.
func (s *Store) PutEntry(ctx context.Context, key digest.Sum, e *Entry) (added bool, err error) {
	panic("unimplemented")
}

// HasEntry reports whether an entry exists under key (a stat under the shared
// lock).
func (s *Store) HasEntry(ctx context.Context, key digest.Sum) (bool, error) {
	panic("unimplemented")
}

// Counters are named statistics.
type Counters map[string]int64

// AddStats adds delta to the statistics, in one shard chosen by process, so
// that concurrent processes rarely contend.
func (s *Store) AddStats(ctx context.Context, delta Counters) error { panic("unimplemented") }

// Stats returns the sum of all shards.
func (s *Store) Stats(ctx context.Context) (Counters, error) { panic("unimplemented") }

// ZeroStats resets all shards, keeping nothing but a "zeroed_at" time.
func (s *Store) ZeroStats(ctx context.Context) error { panic("unimplemented") }

// SectionUsage is the size and file count of one section, from its counter
// file.
type SectionUsage struct {
	Bytes int64
	Files int64
}

// Usage returns the total size and file count over all object and manifest
// sections, from their counter files (no tree walk).
func (s *Store) Usage(ctx context.Context) (SectionUsage, error) { panic("unimplemented") }
