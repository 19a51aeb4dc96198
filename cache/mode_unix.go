//go:build unix

package cache

import (
	"io/fs"
	"os"
)

// setFileMode gives the open file f exactly mode m. Files are created with a
// mode the process umask has already reduced (os.CreateTemp even uses 0600);
// the cache's own umask (Options.Umask) may be looser, as for a cache shared
// by a group, so the mode is set explicitly.
func setFileMode(f *os.File, m fs.FileMode) error { return f.Chmod(m) }

// setPathMode gives the file or directory at path exactly mode m, for the
// reason setFileMode gives.
func setPathMode(path string, m fs.FileMode) error { return os.Chmod(path, m) }
