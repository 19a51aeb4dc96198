//go:build !(linux || openbsd || dragonfly || solaris || darwin || freebsd || netbsd)

package launcher

import (
	"os"
	"time"
)

// changeTime returns the file's modification time: this system's ctime is
// not read portably, so the mtime stands in for it.
func changeTime(fi os.FileInfo) time.Time { return fi.ModTime() }
