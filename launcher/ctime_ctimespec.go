//go:build darwin || freebsd || netbsd

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
		return time.Unix(int64(st.Ctimespec.Sec), int64(st.Ctimespec.Nsec)) // int32 on 32-bit systems
	}
	return fi.ModTime()
}
