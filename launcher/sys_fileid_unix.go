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
	if dev, ino, ok := fileKey(fi); ok {
		return fmt.Sprintf("%d:%d", dev, ino)
	}
	return ""
}

// fileKey returns the file's device and inode numbers.
func fileKey(fi os.FileInfo) (dev, ino uint64, ok bool) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev), uint64(st.Ino), true
	}
	return 0, 0, false
}

// openStat returns the stat data of the open file f, whose FileInfo is fi,
// and whether the platform gives what a stat record needs.
func openStat(_ *os.File, fi os.FileInfo) (statEntry, bool) { return statOf(fi) }

// pathStat returns the stat data of the regular file at path; ok is false
// for anything else, or when the platform gives no inode numbers.
func pathStat(path string) (e statEntry, ok bool) {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return statEntry{}, false
	}
	return statOf(fi)
}
