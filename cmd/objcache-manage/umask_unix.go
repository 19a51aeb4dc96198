//go:build unix

package main

import (
	"os"
	"syscall"
)

// processUmask reads the umask (by setting it and setting it back: the only
// way POSIX offers; done once, before any goroutine creates files).
func processUmask() os.FileMode {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return os.FileMode(m)
}
