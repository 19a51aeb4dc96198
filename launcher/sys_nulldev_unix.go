//go:build unix

package launcher

import (
	"os"
	"syscall"
)

// isNullDevice reports whether fi is a null device: a character device with
// the device number of /dev/null (the node itself, or one made with mknod
// elsewhere). Reading one gives end of file at once, so it stands for an
// empty file: configure scripts compile "-x c /dev/null" to probe a flag.
func isNullDevice(fi os.FileInfo) bool {
	if fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	if err != nil || null.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	a, ok1 := fi.Sys().(*syscall.Stat_t)
	b, ok2 := null.Sys().(*syscall.Stat_t)
	return ok1 && ok2 && a.Rdev == b.Rdev
}
