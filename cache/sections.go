package cache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/objcache/objcache/digest"
)

// This file is the store's side of eviction, clean, clear and verify
// (package eviction holds the policy): listing a section, removing entries
// under the section's exclusive lock, recounting, and sweeping tmp/. Every
// function takes one section's lock at a time and keeps the lock order of
// DESIGN.md §4: a manifest section may be held while an object section is
// taken, never the reverse.

// Sections is the number of sections of each area; a key's section is its
// first byte.
const Sections = 256

// Area is one of the store's two kinds of section.
type Area int

const (
	// Manifests are the sections that hold manifests, by manifest key.
	Manifests Area = iota
	// Objects are the sections that hold object entries, by object key.
	Objects
)

func (a Area) String() string {
	if a == Manifests {
		return manifestsDir
	}
	return objectsDir
}

// SectionOf returns the index of the section that holds key.
func SectionOf(key digest.Sum) int { return int(key[0]) }

// sectionAt returns section i of area a.
func (s *Store) sectionAt(a Area, i int) section { return s.section(a.String(), byte(i)) }

// StoredFile is one manifest or entry file, as a listing saw it.
type StoredFile struct {
	Key     digest.Sum
	Kind    FileKind
	Size    int64
	ModTime time.Time
}

// Listing is what a section held at one moment: its key-named files (in a
// manifest section, the stat records too), what its counter file said at
// that moment, and the names that are neither (left by hand or by another
// program).
type Listing struct {
	Files   []StoredFile
	Counted SectionUsage
	Strays  []string
}

// OnDisk returns the size and count of the listed files: what the counters
// should say.
func (l *Listing) OnDisk() SectionUsage {
	var u SectionUsage
	for _, f := range l.Files {
		u.Bytes += f.Size
		if f.Kind == KindKeyed {
			u.Files++ // stat records count toward max_size only
		}
	}
	return u
}

// List lists section i of area a under its shared lock: a readdir and a
// stat of each file, consistent with the counter file read in the same
// hold. A missing section is empty.
func (s *Store) List(ctx context.Context, a Area, i int) (*Listing, error) {
	sec := s.sectionAt(a, i)
	unlock, err := s.lock(ctx, sec.lockPath(), shared)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", sec.dir, err)
	}
	defer unlock()
	l, err := listSection(a, sec)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", sec.dir, err)
	}
	if l.Counted, err = readUsage(sec); err != nil {
		return nil, fmt.Errorf("list %s: %w", sec.dir, err)
	}
	return l, nil
}

// listSection reads the directory of sec, a section of area a. The caller
// holds sec's lock.
func listSection(a Area, sec section) (*Listing, error) {
	l := &Listing{}
	dirents, err := os.ReadDir(sec.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, err
	}
	for _, d := range dirents {
		name := d.Name()
		if name == lockName || name == countersName || name == trimLockName {
			continue
		}
		key, kind, ok := parseFileName(a, name)
		if !ok || !d.Type().IsRegular() {
			l.Strays = append(l.Strays, name)
			continue
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since the readdir (only by hand: we hold the lock)
		}
		if err != nil {
			return nil, err
		}
		l.Files = append(l.Files, StoredFile{Key: key, Kind: kind, Size: fi.Size(), ModTime: fi.ModTime()})
	}
	return l, nil
}

// matches reports whether now, a stat of f's path, is still the file f
// was listed as: same size and mtime (to the nanosecond where the file
// system keeps them). A hit that refreshed the entry, or a remove and
// re-add, makes it another file as far as eviction is concerned.
// os.SameFile is not used: on Windows the FileInfo of a directory listing
// carries no file ID.
func (f *StoredFile) matches(now fs.FileInfo) bool {
	return now.Mode().IsRegular() && now.Size() == f.Size && now.ModTime().Equal(f.ModTime)
}

// Removed is an entry file that RemoveObjects or Clear deleted (or, from
// Clear, a manifest or a stat record).
type Removed struct {
	Key  digest.Sum
	Kind FileKind
	Size int64
	// ManifestKey is the manifest the entry's header named; zero when the
	// header was unreadable.
	ManifestKey digest.Sum
}

// RemoveObjects deletes, under object section i's exclusive lock, each of
// files that is still the file the listing saw (see StoredFile), reading
// the manifest key from each one's header first, and updates the section's
// counters once. It returns what it deleted; the caller then prunes the
// manifests named there (DESIGN.md §5), after this lock is released.
func (s *Store) RemoveObjects(ctx context.Context, i int, files []StoredFile) ([]Removed, error) {
	if s.opts.ReadOnly || len(files) == 0 {
		return nil, nil
	}
	sec := s.sectionAt(Objects, i)
	unlock, err := s.lock(ctx, sec.lockPath(), exclusive)
	if err != nil {
		return nil, fmt.Errorf("remove entries from %s: %w", sec.dir, err)
	}
	defer unlock()
	var removed []Removed
	var bytes int64
	var firstErr error
	for _, f := range files {
		path := sec.file(f.Key)
		now, err := os.Lstat(path)
		if err != nil || !f.matches(now) {
			continue
		}
		r := Removed{Key: f.Key, Size: now.Size()}
		r.ManifestKey, _ = readHeaderKey(path)
		if err := remove(path); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		removed = append(removed, r)
		bytes += r.Size
	}
	if len(removed) > 0 {
		if err := s.addUsage(sec, -bytes, -int64(len(removed))); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return removed, fmt.Errorf("remove entries from %s: %w", sec.dir, firstErr)
	}
	return removed, nil
}

// readHeaderKey reads the manifest key from the header of the entry file at
// path. The file is closed before it returns.
func readHeaderKey(path string) (digest.Sum, error) {
	f, err := os.Open(path)
	if err != nil {
		return digest.Sum{}, err
	}
	defer f.Close()
	var h [headerSize]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return digest.Sum{}, corrupt("header: %v", err)
	}
	return headerKey(h[:])
}

// EntryManifestKey returns the manifest key in the header of the entry
// under key, read under its section's shared lock. The checksum is not
// checked (see CheckEntry); a missing entry is ErrNotFound, an unreadable
// header ErrCorrupt.
func (s *Store) EntryManifestKey(ctx context.Context, key digest.Sum) (digest.Sum, error) {
	sec := s.objectSection(key)
	unlock, err := s.lock(ctx, sec.lockPath(), shared)
	if err != nil {
		return digest.Sum{}, fmt.Errorf("read entry header %s: %w", key, err)
	}
	mkey, err := readHeaderKey(sec.file(key))
	unlock()
	if errors.Is(err, fs.ErrNotExist) {
		err = ErrNotFound
	}
	if err != nil {
		return digest.Sum{}, fmt.Errorf("read entry header %s: %w", key, err)
	}
	return mkey, nil
}

// CheckEntry reads the entry under key whole, under its section's shared
// lock, and verifies it (checksum, format, decompression) without touching
// or removing it. It returns the manifest key of a good entry; a bad one is
// an error wrapping ErrCorrupt, a missing one ErrNotFound.
func (s *Store) CheckEntry(ctx context.Context, key digest.Sum) (digest.Sum, error) {
	sec := s.objectSection(key)
	unlock, err := s.lock(ctx, sec.lockPath(), shared)
	if err != nil {
		return digest.Sum{}, fmt.Errorf("check entry %s: %w", key, err)
	}
	data, _, err := readFile(sec.file(key))
	unlock()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return digest.Sum{}, fmt.Errorf("check entry %s: %w", key, ErrNotFound)
	case err != nil:
		return digest.Sum{}, fmt.Errorf("check entry %s: %w", key, err)
	}
	e, err := s.codec.decode(data)
	if err != nil {
		return digest.Sum{}, fmt.Errorf("check entry %s: %w", key, err)
	}
	return e.ManifestKey, nil
}

// RemoveCorrupt removes the entry file f, which CheckEntry found damaged,
// if it is still the file listed, under its section's exclusive lock. It
// reports whether it removed it.
func (s *Store) RemoveCorrupt(ctx context.Context, f StoredFile) (bool, error) {
	if s.opts.ReadOnly {
		return false, nil
	}
	sec := s.objectSection(f.Key)
	removed, err := s.removeIf(ctx, sec, sec.file(f.Key), f.matches)
	if err != nil {
		return removed, fmt.Errorf("remove corrupt entry %s: %w", f.Key, err)
	}
	return removed, nil
}

// RemoveOrphan removes the entry under objectKey, whose header names the
// manifest manifestKey, if referenced(current manifest) says the manifest
// does not name it. The manifest section's exclusive lock is held across
// the check and the removal (which takes the object section's exclusive
// lock: manifest, then object, DESIGN.md §4), so an adder that published
// the entry but has not yet recorded it either records it first (and it
// stays) or finds it gone when it tries (and records nothing).
func (s *Store) RemoveOrphan(ctx context.Context, manifestKey, objectKey digest.Sum, referenced func(current []byte) bool) (bool, error) {
	if s.opts.ReadOnly {
		return false, nil
	}
	msec := s.manifestSection(manifestKey)
	unlock, err := s.lock(ctx, msec.lockPath(), exclusive)
	if err != nil {
		return false, fmt.Errorf("remove orphan %s: %w", objectKey, err)
	}
	defer unlock()
	current, err := os.ReadFile(msec.file(manifestKey))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("remove orphan %s: %w", objectKey, err)
	}
	if current != nil && referenced(current) {
		return false, nil
	}
	n, err := s.removeObjects(ctx, []digest.Sum{objectKey})
	if err != nil {
		return false, fmt.Errorf("remove orphan %s: %w", objectKey, err)
	}
	return n == 1, nil
}

// removeObjects deletes the entries under keys, each under its section's
// exclusive lock taken in turn, and returns how many it deleted. A missing
// entry is not an error.
func (s *Store) removeObjects(ctx context.Context, keys []digest.Sum) (int, error) {
	n := 0
	for _, key := range keys {
		sec := s.objectSection(key)
		removed, err := s.removeIf(ctx, sec, sec.file(key), func(fs.FileInfo) bool { return true })
		if removed {
			n++
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Recount makes section i's counters equal what is on disk, under the
// section's exclusive lock, and returns what they said before and after.
func (s *Store) Recount(ctx context.Context, a Area, i int) (before, after SectionUsage, err error) {
	sec := s.sectionAt(a, i)
	unlock, err := s.lock(ctx, sec.lockPath(), exclusive)
	if err != nil {
		return before, after, fmt.Errorf("recount %s: %w", sec.dir, err)
	}
	defer unlock()
	l, err := listSection(a, sec)
	if err == nil {
		before, err = readUsage(sec)
	}
	if err != nil {
		return before, after, fmt.Errorf("recount %s: %w", sec.dir, err)
	}
	after = l.OnDisk()
	if before != after && !s.opts.ReadOnly {
		if err := s.setUsage(sec, before, after); err != nil {
			return before, before, fmt.Errorf("recount %s: %w", sec.dir, err)
		}
	}
	return before, after, nil
}

// Clear deletes every manifest or entry file of section i, under its
// exclusive lock, and zeroes its counters. It returns the entries deleted.
// Clearing the objects before the manifests leaves, in a cache still in
// use, at worst an orphan, which the next clean removes.
func (s *Store) Clear(ctx context.Context, a Area, i int) ([]Removed, error) {
	if s.opts.ReadOnly {
		return nil, nil
	}
	sec := s.sectionAt(a, i)
	unlock, err := s.lock(ctx, sec.lockPath(), exclusive)
	if err != nil {
		return nil, fmt.Errorf("clear %s: %w", sec.dir, err)
	}
	defer unlock()
	l, err := listSection(a, sec)
	var before SectionUsage
	if err == nil {
		before, err = readUsage(sec)
	}
	if err != nil {
		return nil, fmt.Errorf("clear %s: %w", sec.dir, err)
	}
	var removed []Removed
	var firstErr error
	for _, f := range l.Files {
		if err := remove(s.path(a, i, f)); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		removed = append(removed, Removed{Key: f.Key, Kind: f.Kind, Size: f.Size})
	}
	after := l.OnDisk()
	for _, r := range removed {
		after.Bytes -= r.Size
		if r.Kind == KindKeyed {
			after.Files--
		}
	}
	if err := s.setUsage(sec, before, after); err != nil && firstErr == nil {
		firstErr = err
	}
	if firstErr != nil {
		return removed, fmt.Errorf("clear %s: %w", sec.dir, firstErr)
	}
	return removed, nil
}

// TmpFile is a file or directory in tmp/.
type TmpFile struct {
	Name    string
	ModTime time.Time
}

// OldTmp lists what in tmp/ was last modified before cutoff: staging files
// and scratch directories of processes killed (or stopped for that long)
// before they cleaned up.
func (s *Store) OldTmp(cutoff time.Time) ([]TmpFile, error) {
	dirents, err := os.ReadDir(filepath.Join(s.dir, tmpDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list tmp: %w", err)
	}
	var old []TmpFile
	for _, d := range dirents {
		fi, err := d.Info()
		if err != nil {
			continue // gone meanwhile
		}
		if fi.ModTime().Before(cutoff) {
			old = append(old, TmpFile{Name: d.Name(), ModTime: fi.ModTime()})
		}
	}
	slices.SortFunc(old, func(a, b TmpFile) int { return a.ModTime.Compare(b.ModTime) })
	return old, nil
}

// SweepTmp removes what in tmp/ was last modified before cutoff and
// returns how many it removed. No lock is needed: every process writes only
// its own names there, and one that has not touched its file for that long
// is gone (a process stopped for longer loses its staged file and, at
// worst, the entry it was adding).
func (s *Store) SweepTmp(cutoff time.Time) (int, error) {
	if s.opts.ReadOnly {
		return 0, nil
	}
	old, err := s.OldTmp(cutoff)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range old {
		if err := os.RemoveAll(filepath.Join(s.dir, tmpDir, f.Name)); err != nil {
			return n, fmt.Errorf("sweep tmp: %w", err)
		}
		n++
	}
	return n, nil
}

// RemoveStrays deletes the named stray files (or directories) of section i
// under its exclusive lock. Names that are keys or the section's own files
// are refused: only what List reported as strays may go.
func (s *Store) RemoveStrays(ctx context.Context, a Area, i int, names []string) error {
	if s.opts.ReadOnly || len(names) == 0 {
		return nil
	}
	sec := s.sectionAt(a, i)
	unlock, err := s.lock(ctx, sec.lockPath(), exclusive)
	if err != nil {
		return fmt.Errorf("remove stray files from %s: %w", sec.dir, err)
	}
	defer unlock()
	for _, name := range names {
		if _, _, ok := parseFileName(a, name); ok || name == lockName || name == countersName || name == trimLockName || filepath.Base(name) != name {
			return fmt.Errorf("remove stray files from %s: %q is not a stray name", sec.dir, name)
		}
		if err := os.RemoveAll(filepath.Join(sec.dir, name)); err != nil {
			return fmt.Errorf("remove stray files from %s: %w", sec.dir, err)
		}
	}
	return nil
}
