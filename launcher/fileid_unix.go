//go:build unix

package launcher

import (
	"fmt"
	"os"
	"syscall"
)

// fileID names the file's inode and device, which change when a file is
// replaced even if its size and times are copied over.
func fileID(fi os.FileInfo) string {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
	}
	return ""
}
