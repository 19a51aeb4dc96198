//go:build unix

package storeopen

import (
	"os"
	"syscall"
)

// ProcessUmask reads the umask (by setting it and setting it back: the only
// way POSIX offers; done once, before any goroutine creates files).
func ProcessUmask() os.FileMode {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return os.FileMode(m)
}
