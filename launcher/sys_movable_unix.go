//go:build unix

package launcher

import (
	"io/fs"
	"os"
	"runtime"
	"syscall"

	"github.com/objcache/objcache/rawpath"
)

// movable reports whether a file staged in the cache's tmp/ can be renamed
// to dest and look as if the compiler had created it there: both
// directories are on one file system, and a new file gets the same group
// in both (a set-group-ID directory gives its own). Otherwise the data is
// copied to a temporary beside dest.
func (inv *invocation) movable(dest string) bool {
	tmp, err := inv.tmpDirInfo()
	if err != nil {
		return false
	}
	dir, err := os.Stat(rawpath.Dir(dest))
	if err != nil {
		return false
	}
	a, aok := tmp.Sys().(*syscall.Stat_t)
	b, bok := dir.Sys().(*syscall.Stat_t)
	return aok && bok && a.Dev == b.Dev && newFileGroup(tmp) == newFileGroup(dir)
}

// newFileGroup returns the group of a file created in the directory dir:
// the directory's own on the BSDs and macOS, and elsewhere where the
// directory has the set-group-ID bit; else the process's effective group.
func newFileGroup(dir fs.FileInfo) uint32 {
	st := dir.Sys().(*syscall.Stat_t)
	switch runtime.GOOS {
	case "darwin", "ios", "freebsd", "netbsd", "openbsd", "dragonfly":
		return st.Gid
	}
	if dir.Mode()&fs.ModeSetgid != 0 {
		return st.Gid
	}
	return uint32(os.Getegid())
}
