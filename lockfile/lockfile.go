// Package lockfile provides reader/writer locks on lock files that exclude
// both other processes and other goroutines of this process.
//
// flock(2) (and LockFileEx on Windows) belongs to an open file description,
// not to a process: two goroutines that each open the lock file block each
// other, and one handle shared by goroutines excludes nothing. A Table
// therefore keeps, per path, one reference-counted in-process reader/writer
// lock and holds the OS file lock (shared or exclusive, matching the
// in-process holders) while any goroutine holds the path. The in-process lock
// is always taken before the file lock.
package lockfile

import (
	"context"
	"errors"
)

// ErrTimeout is returned (wrapped) when a lock is not had before the
// context's deadline.
var ErrTimeout = errors.New("lock timeout")

// Table is one process's registry of locks by path. Create one with NewTable
// and share it among all goroutines of the process; the zero value is not
// usable.
type Table struct {
	// implementation: see the package comment.
}

// NewTable returns an empty Table.
func NewTable() *Table { panic("unimplemented") }

// Lock takes path exclusively (in-process writer, then OS exclusive file
// lock), creating the lock file if needed. It waits until ctx is done; then it
// returns an error wrapping ErrTimeout (or ctx.Err() on cancellation). The
// returned function releases the lock; calling it twice is a no-op.
func (t *Table) Lock(ctx context.Context, path string) (unlock func(), err error) {
	panic("unimplemented")
}

// RLock takes path shared (in-process reader, then OS shared file lock), as
// Lock does otherwise. Many readers in this and other processes may hold it
// at once; a writer anywhere excludes them all.
func (t *Table) RLock(ctx context.Context, path string) (unlock func(), err error) {
	panic("unimplemented")
}

// TryLock takes path exclusively if that is possible without waiting, and
// reports whether it did. Used where a busy lock means "someone else is
// already doing this job" (trimming a section).
func (t *Table) TryLock(path string) (unlock func(), ok bool, err error) {
	panic("unimplemented")
}
