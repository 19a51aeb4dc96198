//go:build unix

package launcher

import (
	"fmt"
	"io/fs"
	"syscall"
)

// Access modes of access(2).
const (
	accessWrite = 0x2
	accessExec  = 0x1
)

// writable reports (nil) whether this process may open the existing file
// at path for writing. access(2) also says EROFS for a read-only file
// system, which permissions alone, for root, would not.
func writable(path string) error {
	if err := syscall.Access(path, accessWrite); err != nil {
		return fmt.Errorf("not writable: %w", err)
	}
	return nil
}

// writableDir reports (nil) whether this process may create and rename
// files in the directory dir.
func writableDir(dir string) error {
	if err := syscall.Access(dir, accessWrite|accessExec); err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	return nil
}

// fileOwner returns the owner, group and link count of the file st
// describes.
func fileOwner(st fs.FileInfo) (uid, gid int, links uint64, ok bool) {
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, 0, false
	}
	return int(s.Uid), int(s.Gid), uint64(s.Nlink), true
}
