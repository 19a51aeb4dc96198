package beside

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// An Unnamed is a new file in an output's directory that has no name
// while it is written (Linux's O_TMPFILE): a process killed then, even by
// SIGKILL, leaves nothing beside the output, not even for `objcache clean`
// to find. Publish names it once its data is complete. Its creator holds
// the same flock a named temporary's does, from the creation on, so that
// the instant it spends under a slot's name before the rename looks like
// any live writer's temporary to Reclaim.
type Unnamed struct {
	// File is open for writing; Publish needs it open.
	File *os.File
}

// CreateUnnamed opens a new unnamed file in dir with mode perm (cut by the
// umask) and locks it. The error wraps errors.ErrUnsupported where the
// system or dir's file system has no unnamed files; the caller then takes
// a named temporary (Create).
func CreateUnnamed(dir string, perm os.FileMode) (*Unnamed, error) {
	f, err := openUnnamed(dir, perm)
	if err != nil {
		return nil, err
	}
	ok, err := tryLock(f)
	if err == nil && !ok {
		err = errors.New("an unnamed file is locked by another process")
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock unnamed file in %s: %w", dir, err)
	}
	return &Unnamed{File: f}, nil
}

// Publish gives the file the name target, still open: by a link straight
// to target when target does not exist (no other name ever shows), else
// under the first free slot's name (Path) and a rename over target.
// register(path, link) must run link, which creates path, and register
// path for removal on a signal, both before a signal can be handled (the
// janitor's createBy); forget undoes the registration after the rename.
func (u *Unnamed) Publish(target string, register func(path string, link func() error) error, forget func(string)) error {
	err := linkUnnamed(u.File, target)
	if err == nil || !errors.Is(err, fs.ErrExist) {
		return err
	}
	for n := range Slots {
		path := Path(target, n)
		link := func() error { return linkUnnamed(u.File, path) }
		err := register(path, link)
		if errors.Is(err, fs.ErrExist) && Reclaim(path) {
			err = register(path, link)
		}
		switch {
		case errors.Is(err, fs.ErrExist):
			continue // a live writer's
		case err != nil:
			return err
		}
		if err := os.Rename(path, target); err != nil {
			os.Remove(path)
			forget(path)
			return err
		}
		forget(path)
		return nil
	}
	return fmt.Errorf("%s: every temporary slot beside it is in use", target)
}
