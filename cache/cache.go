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
// Each section directory also holds .counters, the size and file count of
// its manifest or entry files, rewritten under the section's exclusive lock
// on every add and removal (DESIGN.md §5).
//
// The rules kept here (DESIGN.md §4): every file is written whole into tmp/
// and renamed into place; an add checks for an existing entry under the
// section's exclusive lock; nothing slow (compressing, hashing sources,
// network) happens under a lock; a manifest section may be locked and then an
// object section, never the reverse and never two of a kind; a stats shard is
// a leaf lock; readers read whole files under the shared lock so that, on
// Windows, writers holding the exclusive lock never meet an open file.
//
// The code keeps one more rule to make the last one hold: no function of
// this package keeps a file open while it, or anyone, renames or removes it.
// Files are opened, read or written whole, and closed, before a rename.
package cache

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/lockfile"
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
	// had in time returns an error wrapping lockfile.ErrTimeout. Zero means
	// no bound beyond the context's own deadline.
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
//
// An Entry returned by GetEntry is decoded in place: Stdout, Stderr and the
// outputs' Data are slices of one buffer (capped, so appending to one never
// overwrites another).
type Entry struct {
	// ManifestKey names the manifest that refers to this entry, so that
	// eviction can find and prune it without a scan.
	ManifestKey digest.Sum
	// Outputs are the files, in the order the launcher writes them.
	Outputs []Output
	// Stdout and Stderr are the compiler's console output, byte for byte.
	Stdout, Stderr []byte
	// Refreshed says that GetEntry refreshed the entry's last use (LRU):
	// the records a hit keeps in use are refreshed with it.
	Refreshed bool
}

// Store is an open cache directory. It is safe for concurrent use by many
// goroutines and many processes.
//
// A Store has its own lockfile.Table: goroutines sharing one Store share its
// section locks as the lockfile package describes. Two Stores on one
// directory in one process are correct too (they exclude each other through
// the OS locks, like two processes), but a goroutine must not hold a lock of
// one while it waits for the other's.
type Store struct {
	dir   string // absolute
	opts  Options
	locks *lockfile.Table
	codec *codec
	// ledgerStuckUntil (Unix ns) is set when the ledger lock was not had
	// in time: until then this store waits only ledgerProbeWait for it
	// under a section lock, and reads the total from the sections.
	ledgerStuckUntil atomic.Int64
}

// Open prepares the cache at dir, creating its layout if it does not exist
// (unless opts.ReadOnly). It does not scan the cache.
//
// The layout is complete once CACHEDIR.TAG exists, which is written last, so
// opening an existing cache costs one stat. Directories that go missing later
// are made again when they are needed. A read-only store creates nothing,
// not even lock files; a missing directory is then simply empty.
func Open(dir string, opts Options) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open cache %s: %w", dir, err)
	}
	if opts.CompressionLevel < 0 {
		opts.CompressionLevel = 1
	}
	s := &Store{
		dir:   abs,
		opts:  opts,
		locks: lockfile.NewTable(),
		codec: newCodec(opts.CompressionLevel),
	}
	if !opts.ReadOnly {
		if err := s.makeLayout(); err != nil {
			return nil, fmt.Errorf("open cache %s: %w", abs, err)
		}
	}
	return s, nil
}

// Dir returns the cache directory.
func (s *Store) Dir() string { return s.dir }
