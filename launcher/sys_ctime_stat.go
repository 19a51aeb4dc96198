//go:build linux || openbsd || dragonfly || solaris || darwin || freebsd || netbsd

package launcher

import (
	"os"
	"syscall"
	"time"
)

// changeTime returns the file's status change time (ctime), which no tool
// can set back: a file rewritten with its old mtime restored still shows.
func changeTime(fi os.FileInfo) time.Time {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		ts := statCtime(st)
		return time.Unix(ts.Unix())
	}
	return fi.ModTime()
}
