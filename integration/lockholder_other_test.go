//go:build !unix

package integration

import "testing"

// startLockHolder skips: the tests that hold a lock use flock(2).
func startLockHolder(t *testing.T, path string) func() {
	t.Skip("flock(2) is Unix's")
	return func() {}
}
