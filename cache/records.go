package cache

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/objcache/objcache/digest"
)

// Stat records are the launcher's machine-local shortcuts: the content
// hashes of files by their stat data, so that a hit need not read them
// (launcher/input_record.go has the format). They live in the manifest
// sections and their bytes are counted there, so they count toward
// max_size; not toward max_files, whose files are entries and manifests,
// as ccache's are:
//
//   - .<key>.stat, beside the manifest <key>, records that manifest's
//     include files. It is written only while the manifest exists, under
//     the section's exclusive lock, and removed with the manifest, so a
//     record lives and dies with its manifest (an evicted manifest took its
//     record with it; before, 300 compiles into a 1M cache left 1.08 MB of
//     records beside 878 KB of counted entries).
//   - .<hash of the path>.src records one source file (the source is hashed
//     into the manifest key, before any manifest can be found). It belongs
//     to no manifest: eviction treats it as it treats an entry, least
//     recently used first, and a hit refreshes its mtime as it does an
//     entry's.
//
// Two more records explain misses (package whymiss); only misses write
// them and only misses read them, so a hit pays for neither:
//
//   - .<key>.key, beside the manifest <key>, records what the key was made
//     of (arguments, compiler identity, environment, source). Like a
//     .stat record it is written only while its manifest exists and is
//     removed with it.
//   - .<source id>.hist lists the latest keys and objects stored for one
//     source (whymiss.SourceID), so that a miss finds the nearest earlier
//     compile of its source. It belongs to no manifest and is evicted
//     least recently used first; a hit that refreshes its entry refreshes
//     it too (TouchHistory).
//
// Records are read without a lock (they are published by rename, so a
// reader sees a whole file or none). On Windows a reader's open handle can
// make a writer's rename or an evictor's removal of a record fail: both are
// best effort, a failed removal leaves the record counted, and the next
// clean tries again.
//
// Their names start with a dot, as the section's lock and counter files
// do: what a listing of a section shows without dot files is its entries
// or manifests, as in ccache's layout (ccache's own test suite counts its
// files_in_cache so).
const (
	recordPrefix       = "."
	statRecordSuffix   = ".stat"
	sourceRecordSuffix = ".src"
	keyRecordSuffix    = ".key"
	historySuffix      = ".hist"
)

// FileKind says what a key-named file in a section is.
type FileKind int

const (
	// KindKeyed is a manifest (in a manifest section) or an object entry
	// (in an object section), named by its key.
	KindKeyed FileKind = iota
	// KindStatRecord is a manifest's stat record, <key>.stat.
	KindStatRecord
	// KindSourceRecord is a source file's stat record, <hash of path>.src.
	KindSourceRecord
	// KindKeyRecord is a manifest's key record, <key>.key.
	KindKeyRecord
	// KindHistory is a source's history of stored keys, <source id>.hist.
	KindHistory
)

// recordSuffixes are the suffixes of the record kinds.
var recordSuffixes = map[FileKind]string{
	KindStatRecord:   statRecordSuffix,
	KindSourceRecord: sourceRecordSuffix,
	KindKeyRecord:    keyRecordSuffix,
	KindHistory:      historySuffix,
}

// OfManifest reports whether files of kind k belong to the manifest of
// the same key: they are written only while it exists and go with it.
func (k FileKind) OfManifest() bool { return k == KindStatRecord || k == KindKeyRecord }

// Evictable reports whether eviction picks files of kind k by their own
// last use: entries, and the records that belong to no manifest.
func (k FileKind) Evictable() bool { return k == KindSourceRecord || k == KindHistory }

// fileName returns the name of a file of kind k under key.
func fileName(key digest.Sum, k FileKind) string {
	if suffix, ok := recordSuffixes[k]; ok {
		return recordPrefix + key.String() + suffix
	}
	return key.String()
}

// parseFileName returns the key and kind of a file named name in a section
// of area a; ok is false for any other name. Records are only in manifest
// sections.
func parseFileName(a Area, name string) (key digest.Sum, k FileKind, ok bool) {
	base := name
	if a == Manifests && strings.HasPrefix(name, recordPrefix) {
		rest := name[len(recordPrefix):]
		for kind, suffix := range recordSuffixes {
			if strings.HasSuffix(rest, suffix) {
				base, k = strings.TrimSuffix(rest, suffix), kind
				break
			}
		}
	}
	key, err := digest.Parse(base)
	if err != nil || key.String() != base {
		return digest.Sum{}, 0, false
	}
	return key, k, true
}

// path returns where f is in section i of area a.
func (s *Store) path(a Area, i int, f StoredFile) string {
	return filepath.Join(s.sectionAt(a, i).dir, fileName(f.Key, f.Kind))
}

// SourceRecordKey is the key the record of the source file at path is kept
// under (in manifest section SectionOf(key)).
func SourceRecordKey(path string) digest.Sum { return digest.Of([]byte(path)) }

// LookupManifest returns the manifest stored under key and its stat record
// (nil when there is none), both read under the section's shared lock. A
// missing manifest is ErrNotFound.
func (s *Store) LookupManifest(ctx context.Context, key digest.Sum) (manifest, record []byte, err error) {
	sec := s.manifestSection(key)
	unlock, err := s.lock(ctx, sec.lockPath(), shared)
	if err != nil {
		return nil, nil, fmt.Errorf("get manifest %s: %w", key, err)
	}
	manifest, err = os.ReadFile(sec.file(key))
	if err == nil {
		record, _ = os.ReadFile(filepath.Join(sec.dir, fileName(key, KindStatRecord)))
	}
	unlock()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, fmt.Errorf("get manifest %s: %w", key, ErrNotFound)
	case err != nil:
		return nil, nil, fmt.Errorf("get manifest %s: %w", key, err)
	}
	return manifest, record, nil
}

// PutStatRecord stores data as the stat record of the manifest under key,
// if that manifest exists (checked inside the section's exclusive lock: a
// record never outlives its manifest). The file is staged in tmp/ before
// the lock is taken. A read-only store writes nothing.
func (s *Store) PutStatRecord(ctx context.Context, key digest.Sum, data []byte) error {
	if s.opts.ReadOnly {
		return nil
	}
	sec := s.manifestSection(key)
	return s.putRecord(ctx, sec, filepath.Join(sec.dir, fileName(key, KindStatRecord)), sec.file(key), data)
}

// SourceRecord returns the stat record of the source file at path
// (absolute), nil when there is none. A record last used longer ago than
// refresh is touched, for LRU eviction, as a hit touches its entry.
func (s *Store) SourceRecord(path string, refresh time.Duration) []byte {
	key := SourceRecordKey(path)
	file := filepath.Join(s.manifestSection(key).dir, fileName(key, KindSourceRecord))
	data, fi, err := readFile(file)
	if err != nil {
		return nil
	}
	if refresh > 0 && !s.opts.ReadOnly && time.Since(fi.ModTime()) > refresh {
		_ = touchNow(file) // best effort: it only costs the LRU order
	}
	return data
}

// PutSourceRecord stores data as the stat record of the source file at path
// (absolute), counted in its manifest section. A read-only store writes
// nothing.
func (s *Store) PutSourceRecord(ctx context.Context, path string, data []byte) error {
	if s.opts.ReadOnly {
		return nil
	}
	key := SourceRecordKey(path)
	sec := s.manifestSection(key)
	return s.putRecord(ctx, sec, filepath.Join(sec.dir, fileName(key, KindSourceRecord)), "", data)
}

// putRecord publishes data at path in sec, replacing what is there, and
// counts the change. If owner is not empty, nothing is written unless the
// file owner exists, checked inside the lock.
func (s *Store) putRecord(ctx context.Context, sec section, path, owner string, data []byte) error {
	tmp, err := s.writeTemp(data)
	if err != nil {
		return fmt.Errorf("write stat record: %w", err)
	}
	published, err := s.publishRecord(ctx, sec, tmp, path, owner, int64(len(data)))
	if !published {
		err = discard(tmp, err)
	}
	if err != nil {
		return fmt.Errorf("write stat record %s: %w", path, err)
	}
	return nil
}

// publishRecord is putRecord's work under sec's exclusive lock.
func (s *Store) publishRecord(ctx context.Context, sec section, tmp, path, owner string, size int64) (bool, error) {
	unlock, err := s.lock(ctx, sec.lockPath(), exclusive)
	if err != nil {
		return false, err
	}
	defer unlock()
	if owner != "" {
		if _, err := os.Lstat(owner); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return false, nil // its manifest was evicted: no record
			}
			return false, err
		}
	}
	var oldSize int64
	if fi, err := os.Lstat(path); err == nil {
		oldSize = fi.Size()
	}
	if err := rename(tmp, path); err != nil {
		return false, err
	}
	return true, s.addUsage(sec, size-oldSize, 0)
}

// removeManifestRecords removes the records of the manifest under key
// (its stat record and key record) from sec and counts them out. The
// caller holds sec's exclusive lock and has just removed the manifest. A
// missing record is not an error.
func (s *Store) removeManifestRecords(sec section, key digest.Sum) error {
	var errs []error
	for _, kind := range []FileKind{KindStatRecord, KindKeyRecord} {
		path := filepath.Join(sec.dir, fileName(key, kind))
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err == nil {
			err = remove(path)
		}
		if err == nil {
			err = s.addUsage(sec, -fi.Size(), 0)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", path, err))
		}
	}
	return errors.Join(errs...)
}

// RemoveRecords deletes, under manifest section i's exclusive lock, each of
// files (stat records of either kind, from a listing) that is still the
// file listed, and counts them out. A manifest's record goes only when its
// manifest is gone (an orphan that clean found). It returns how many it
// removed.
func (s *Store) RemoveRecords(ctx context.Context, i int, files []StoredFile) (n int, err error) {
	if s.opts.ReadOnly || len(files) == 0 {
		return 0, nil
	}
	sec := s.sectionAt(Manifests, i)
	unlock, err := s.lock(ctx, sec.lockPath(), exclusive)
	if err != nil {
		return 0, fmt.Errorf("remove stat records from %s: %w", sec.dir, err)
	}
	defer unlock()
	var bytes int64
	var firstErr error
	for _, f := range files {
		if f.Kind == KindKeyed {
			continue
		}
		if f.Kind.OfManifest() {
			if _, err := os.Lstat(sec.file(f.Key)); err == nil {
				continue // its manifest is back
			}
		}
		path := s.path(Manifests, i, f)
		now, err := os.Lstat(path)
		if err != nil || !f.matches(now) {
			continue
		}
		if err := remove(path); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		n++
		bytes += now.Size()
	}
	if n > 0 {
		if err := s.addUsage(sec, -bytes, 0); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return n, fmt.Errorf("remove stat records from %s: %w", sec.dir, firstErr)
	}
	return n, nil
}

// oldStatDir held the stat records, uncounted, before they moved into the
// manifest sections.
const oldStatDir = "stat"

// RemoveOldStatRecords removes the stat/ directory that earlier versions
// kept their records in, uncounted: the records are shortcuts, and the
// next hit of each manifest writes its record anew, counted. No lock is
// needed: no current process reads or writes there.
func (s *Store) RemoveOldStatRecords() error {
	if s.opts.ReadOnly {
		return nil
	}
	if err := os.RemoveAll(filepath.Join(s.dir, oldStatDir)); err != nil {
		return fmt.Errorf("remove old stat records: %w", err)
	}
	return nil
}
