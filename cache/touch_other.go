//go:build !unix

package cache

import (
	"os"
	"time"
)

// touchNow sets the mtime (and atime) of the file at path to the current
// time.
func touchNow(path string) error {
	now := time.Now()
	return os.Chtimes(path, now, now)
}
