package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/objcache/objcache/digest"
)

// Names in the cache directory (DESIGN.md §3).
const (
	manifestsDir = "manifests"
	objectsDir   = "objects"
	statsDir     = "stats"
	tmpDir       = "tmp"
	tagName      = "CACHEDIR.TAG"

	// lockName and countersName are the section's lock file and counter
	// file. Their leading dot keeps them apart from the 64-hex-digit names
	// of manifests and entries.
	lockName     = ".lock"
	countersName = ".counters"
)

// tagContent is CACHEDIR.TAG (https://bford.info/cachedir/): backup and
// indexing tools that honour it skip the cache.
const tagContent = "Signature: 8a477f597d28d172789f06886806bc55\n" +
	"# This file is a cache directory tag created by objcache.\n" +
	"# For information about cache directory tags, see https://bford.info/cachedir/\n"

// section is one of the 256 manifest or 256 object sections: a directory
// holding the files whose keys start with one byte, a lock file and a counter
// file.
type section struct {
	dir string
}

// manifestSection returns the manifest section that holds key.
func (s *Store) manifestSection(key digest.Sum) section {
	return s.section(manifestsDir, key[0])
}

// objectSection returns the object section that holds key.
func (s *Store) objectSection(key digest.Sum) section {
	return s.section(objectsDir, key[0])
}

// section returns section b (0x00 … 0xff) of area (manifestsDir or
// objectsDir).
func (s *Store) section(area string, b byte) section {
	const hex = "0123456789abcdef"
	return section{dir: filepath.Join(s.dir, area, string([]byte{hex[b>>4], hex[b&15]}))}
}

// file returns the path of key's file in the section.
func (sec section) file(key digest.Sum) string { return filepath.Join(sec.dir, key.String()) }

// lockPath returns the path of the section's lock file.
func (sec section) lockPath() string { return filepath.Join(sec.dir, lockName) }

// countersPath returns the path of the section's counter file.
func (sec section) countersPath() string { return filepath.Join(sec.dir, countersName) }

// allSections returns the 512 sections, manifests first.
func (s *Store) allSections() []section {
	list := make([]section, 0, 512)
	for _, area := range []string{manifestsDir, objectsDir} {
		for b := range 256 {
			list = append(list, s.section(area, byte(b)))
		}
	}
	return list
}

// dirMode and fileMode are the modes of what the store creates.
func (s *Store) dirMode() fs.FileMode  { return 0o777 &^ fs.FileMode(s.opts.Umask) }
func (s *Store) fileMode() fs.FileMode { return 0o666 &^ fs.FileMode(s.opts.Umask) }

// makeLayout creates whatever is missing of the cache's layout, CACHEDIR.TAG
// last: its presence means the layout was once complete, and then nothing is
// done. Without it, a directory holding anything but the layout is not
// taken for a cache (checkAdoptable). Concurrent calls from many processes are harmless: every step
// tolerates finding its work done.
//
// Sections are not created here but by the first writer that locks one
// (see lock): making all 512 directories and lock files cost the first
// compile into a new cache about 0.2 s, and CI jobs that start from an
// empty cache paid it in every build.
func (s *Store) makeLayout() error {
	tag := filepath.Join(s.dir, tagName)
	if _, err := os.Stat(tag); err == nil {
		return nil
	}
	if err := checkAdoptable(s.dir); err != nil {
		return err
	}
	for n := range statShards {
		if err := s.makeLockFile(s.statsShard(n) + lockName); err != nil {
			return err
		}
	}
	if err := s.mkdirAll(filepath.Join(s.dir, tmpDir)); err != nil {
		return err
	}
	// A new cache's ledger is counted: it is empty.
	if err := s.makeLockFile(s.ledgerPath() + lockName); err != nil {
		return err
	}
	if err := s.initLedger(); err != nil {
		return err
	}
	return s.writeAtomic(tag, []byte(tagContent))
}

// makeLockFile creates the lock file at path, and its directory, with the
// store's modes. The lockfile package would otherwise create it under the
// process umask alone.
func (s *Store) makeLockFile(path string) error {
	if err := s.mkdirAll(filepath.Dir(path)); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|os.O_EXCL, s.fileMode())
	switch {
	case errors.Is(err, fs.ErrExist):
		return nil
	case err != nil:
		return fmt.Errorf("create lock file: %w", err)
	}
	err = setFileMode(f, s.fileMode())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("create lock file %s: %w", path, err)
	}
	return nil
}

// mkdirAll creates dir and its missing parents with the store's directory
// mode, which (unlike os.MkdirAll) is set exactly, whatever the process
// umask, on the directories it creates, and only on those.
func (s *Store) mkdirAll(dir string) error {
	err := os.Mkdir(dir, s.dirMode())
	if errors.Is(err, fs.ErrNotExist) {
		if parent := filepath.Dir(dir); parent != dir {
			if err := s.mkdirAll(parent); err != nil {
				return err
			}
			err = os.Mkdir(dir, s.dirMode())
		}
	}
	switch {
	case err == nil:
		err = setPathMode(dir, s.dirMode())
	case errors.Is(err, fs.ErrExist):
		if fi, serr := os.Stat(dir); serr == nil && fi.IsDir() {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("create directory: %w", err)
	}
	return nil
}

// trimLockName is the lock file, objects/.trim, that the one process
// trimming the cache holds while it trims (try-lock: others skip the
// work). It is not a section lock: it is never waited for, so it takes no
// place in the lock order. (Object sections held one each before the limit
// was kept for the whole cache; listSection still passes over the name.)
const trimLockName = ".trim"

// TryTrim takes the cache's trim lock if no process holds it, and reports
// whether it did. The holder calls unlock when done.
func (s *Store) TryTrim() (unlock func(), ok bool, err error) {
	if s.opts.ReadOnly {
		return nil, false, nil
	}
	path := filepath.Join(s.dir, objectsDir, trimLockName)
	unlock, ok, err = s.locks.TryLock(path)
	if err != nil && errors.Is(err, fs.ErrNotExist) {
		if err := s.makeLockFile(path); err != nil {
			return nil, false, err
		}
		unlock, ok, err = s.locks.TryLock(path)
	}
	return unlock, ok, err
}
