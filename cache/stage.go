package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrReadOnly is returned (wrapped) by the staging calls of a read-only
// store, which creates nothing.
var ErrReadOnly = errors.New("the cache is read-only")

// stageDirPattern names the directories StageDir makes in tmp/.
const stageDirPattern = "objcache-*.dir"

// TmpDir returns the store's staging directory, tmp/, on the cache's file
// system.
func (s *Store) TmpDir() string { return filepath.Join(s.dir, tmpDir) }

// StageDir creates a new directory in tmp/ for a program the caller runs
// to write its outputs into (a compiler on a miss), and returns its path.
// The directory has mode 0700 whatever the store's modes, so that no other
// user of a shared cache can replace a file in it between the moment the
// program writes it and the moment the caller reads it. The caller removes
// it; `objcache clean` sweeps what a killed caller leaves (SweepTmp removes
// whole directories).
func (s *Store) StageDir() (string, error) {
	if s.opts.ReadOnly {
		return "", fmt.Errorf("staging directory: %w", ErrReadOnly)
	}
	dir := s.TmpDir()
	path, err := os.MkdirTemp(dir, stageDirPattern)
	if errors.Is(err, fs.ErrNotExist) {
		if err := s.mkdirAll(dir); err != nil {
			return "", err
		}
		path, err = os.MkdirTemp(dir, stageDirPattern)
	}
	if err != nil {
		return "", fmt.Errorf("staging directory: %w", err)
	}
	return path, nil
}

// StageOutput writes data to a new file in tmp/ with exactly mode m (not
// the store's file mode) and returns its path: a file the caller renames
// out of the cache, to a user's output path, where it must have the mode
// the compiler would have given it.
func (s *Store) StageOutput(data []byte, m fs.FileMode) (string, error) {
	if s.opts.ReadOnly {
		return "", fmt.Errorf("stage output: %w", ErrReadOnly)
	}
	return s.writeTempMode(data, m)
}
