package cache

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// On Windows a file that another handle has open (without FILE_SHARE_DELETE,
// which Go's os.Open does not ask for) can be neither renamed over, renamed
// away, nor removed: MoveFileEx and DeleteFile fail with ERROR_ACCESS_DENIED
// or ERROR_SHARING_VIOLATION. objcache's own processes never meet such a file
// (readers read whole files under the shared lock; writers rename and remove
// under the exclusive lock), but virus scanners and search indexers open
// freshly written files on their own for a moment. rename and remove retry
// for a short, bounded time on those two errors, as cmd/go's
// internal/robustio does; the lock holder waits at most that long.
const (
	retryFor      = 500 * time.Millisecond
	retryMinDelay = 1 * time.Millisecond
	retryMaxDelay = 50 * time.Millisecond
)

// rename is os.Rename, retried on transient sharing errors.
func rename(from, to string) error {
	return retry(func() error { return os.Rename(from, to) })
}

// remove is os.Remove, retried on transient sharing errors.
func remove(path string) error {
	return retry(func() error { return os.Remove(path) })
}

// retry calls op until it succeeds, fails with an error other than a sharing
// error, or retryFor has passed.
func retry(op func() error) error {
	deadline := time.Now().Add(retryFor)
	delay := retryMinDelay
	for {
		err := op()
		if err == nil || !isSharingError(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(delay)
		delay = min(2*delay, retryMaxDelay)
	}
}

// isSharingError reports whether err is what Windows says when another
// handle holds the file open.
func isSharingError(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)
}
