//go:build unix

package cache

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// touchNow sets the mtime (and atime) of the file at path to the current
// time. It lets the kernel pick the time (utimes with no times), which needs
// only write permission on the file, where setting an explicit time needs
// ownership: in a cache shared by a group, one user's hits must refresh the
// entries another user stored. Systems whose utimes wants explicit times
// (AIX) get them.
func touchNow(path string) error {
	err := unix.Utimes(path, nil)
	if errors.Is(err, unix.EINVAL) {
		now := time.Now()
		return os.Chtimes(path, now, now)
	}
	return err
}
