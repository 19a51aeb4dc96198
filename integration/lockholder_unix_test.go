//go:build unix

package integration

import (
	"os"
	"syscall"
	"testing"
)

// startLockHolder takes an exclusive flock(2) on path, as a stuck process
// would hold a section's lock, and returns the function that lets it go.
func startLockHolder(t *testing.T, path string) func() {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatal(err)
	}
	return func() { f.Close() }
}
