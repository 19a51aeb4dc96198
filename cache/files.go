package cache

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// tmpPattern names staged files in tmp/ (os.CreateTemp adds a random part).
// `objcache clean` removes those older than an hour: a process killed between
// staging and renaming leaves one behind.
const tmpPattern = "objcache-*.tmp"

// readFile reads the file at path whole, and returns its content and the
// FileInfo of the open file (from which os.SameFile can tell later whether a
// path still names the same file). The file is closed before readFile
// returns.
func readFile(path string) ([]byte, fs.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := fi.Size()
	if int64(int(size)) != size || size < 0 {
		return nil, nil, fmt.Errorf("read %s: file too large (%d bytes)", path, size)
	}
	// Files in the cache change only by rename, and only under the
	// exclusive lock, which excludes the caller: the size is the size.
	data := make([]byte, size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, fi, nil
}

// writeTemp writes data to a new file in tmp/, with the store's file mode,
// and returns its path. The file is closed, and on error removed.
func (s *Store) writeTemp(data []byte) (string, error) { return s.writeTempMode(data, s.fileMode()) }

// writeTempMode is writeTemp with the file mode m.
func (s *Store) writeTempMode(data []byte, m fs.FileMode) (string, error) {
	dir := filepath.Join(s.dir, tmpDir)
	f, err := os.CreateTemp(dir, tmpPattern)
	if errors.Is(err, fs.ErrNotExist) {
		if err := s.mkdirAll(dir); err != nil {
			return "", err
		}
		f, err = os.CreateTemp(dir, tmpPattern)
	}
	if err != nil {
		return "", fmt.Errorf("create temporary file: %w", err)
	}
	name := f.Name()
	err = setFileMode(f, m)
	if err == nil {
		_, err = f.Write(data)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", discard(name, fmt.Errorf("write temporary file %s: %w", name, err))
	}
	return name, nil
}

// writeAtomic publishes data at path: it is written whole to tmp/ and
// renamed over path, so that no reader ever sees a partial file. Nothing is
// left in tmp/ on any error. On Windows the caller must hold the lock that
// keeps readers of path away (see the package comment).
func (s *Store) writeAtomic(path string, data []byte) error {
	tmp, err := s.writeTemp(data)
	if err != nil {
		return err
	}
	if err := rename(tmp, path); err != nil {
		return discard(tmp, fmt.Errorf("publish %s: %w", path, err))
	}
	return nil
}

// WriteFile publishes data at path, a file of the cache outside the
// sections that no lock guards (the launcher's stat and compiler records):
// written whole to tmp/ with the store's file mode and renamed over path,
// whose directory is made (with the store's modes) if missing. A reader sees
// the old file or the new one, and of two writers the last rename wins,
// which such records accept. A read-only store writes nothing.
func (s *Store) WriteFile(path string, data []byte) error {
	if s.opts.ReadOnly {
		return nil
	}
	tmp, err := s.writeTemp(data)
	if err != nil {
		return err
	}
	err = rename(tmp, path)
	if errors.Is(err, fs.ErrNotExist) {
		if err = s.mkdirAll(filepath.Dir(path)); err == nil {
			err = rename(tmp, path)
		}
	}
	if err != nil {
		return discard(tmp, fmt.Errorf("publish %s: %w", path, err))
	}
	return nil
}

// Stage writes data to a new file in tmp/ and returns its path, for a file
// the caller hands to another program and removes itself (the include list
// a compiler rewrites on a miss). `objcache clean` sweeps what a killed
// caller leaves.
func (s *Store) Stage(data []byte) (string, error) { return s.writeTemp(data) }

// discard removes the staged file tmp, which will not be published, and
// returns err, joined with the removal's failure if any (the file is then
// left for `objcache clean`). err may be nil.
func discard(tmp string, err error) error {
	if rerr := remove(tmp); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		return errors.Join(err, fmt.Errorf("remove staged file: %w", rerr))
	}
	return err
}
