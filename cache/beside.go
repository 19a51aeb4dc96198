package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/objcache/objcache/digest"
)

// besideDir is the journal of the directories where objcache has written
// outputs through a temporary beside them (an output on another file
// system than the cache: see package beside): one file per directory,
// named by the hash of its path and holding the path. A process killed
// with SIGKILL while it copies leaves its temporary there, and `objcache
// clean` finds it through this journal; nothing else could, short of
// walking the disk.
const besideDir = "beside"

// NoteBesideDir records, once, that dir (absolute) may get temporaries
// beside the outputs in it. It costs one stat when dir is known already.
// It is best effort: a journal that cannot be written leaves the
// temporaries of killed writers to the next writer of the same output.
func (s *Store) NoteBesideDir(dir string) {
	if s.opts.ReadOnly {
		return
	}
	path := s.besideEntry(dir)
	if _, err := os.Lstat(path); err == nil {
		return
	}
	s.WriteFile(path, []byte(dir))
}

// besideEntry returns the journal file of dir.
func (s *Store) besideEntry(dir string) string {
	return filepath.Join(s.dir, besideDir, digest.Of([]byte(dir)).String())
}

// BesideDir is a directory the journal names, and its journal file.
type BesideDir struct {
	Dir   string
	entry string
}

// BesideDirs lists the directories of the journal.
func (s *Store) BesideDirs() ([]BesideDir, error) {
	list, err := os.ReadDir(filepath.Join(s.dir, besideDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal of temporaries beside outputs: %w", err)
	}
	var dirs []BesideDir
	for _, e := range list {
		entry := filepath.Join(s.dir, besideDir, e.Name())
		data, err := os.ReadFile(entry)
		if err != nil || len(data) == 0 {
			continue
		}
		dirs = append(dirs, BesideDir{Dir: string(data), entry: entry})
	}
	return dirs, nil
}

// ForgetBesideDir removes d from the journal: its directory is gone, or
// holds no temporary. A writer that noted the directory a moment before
// and is killed after this leaves its temporary to the next writer of that
// output.
func (s *Store) ForgetBesideDir(d BesideDir) error {
	if s.opts.ReadOnly {
		return nil
	}
	if err := os.Remove(d.entry); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("journal of temporaries beside outputs: %w", err)
	}
	return nil
}
