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
//
// The in-process lock works like this (the state is an entry, see entry.go):
//
//   - A writer waits until nobody in the process holds the path, marks the
//     path as written, and only then takes the OS exclusive lock, polling it
//     until the context is done. While it polls it already excludes every
//     other goroutine of the process, so no goroutine ever waits on the OS
//     lock of a path another goroutine of the same process holds: there is
//     no self-deadlock.
//   - The first reader (no reader holds the path yet) marks the path as
//     being acquired and takes the OS shared lock; readers arriving meanwhile
//     wait for it. Once it holds the OS lock every later reader joins without
//     any system call. The last reader to leave releases the OS lock.
//   - Writers are preferred: while a writer waits, new readers wait too, so a
//     steady stream of readers cannot starve a writer of this process.
//     (Between processes there is no such guarantee: the OS lock is polled.)
//
// Locks are not reentrant: a goroutine that holds a path and asks for it
// again waits for itself until its context is done.
package lockfile

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
)

// ErrTimeout is returned (wrapped) when a lock is not had before the
// context's deadline.
var ErrTimeout = errors.New("lock timeout")

// Table is one process's registry of locks by path. Create one with NewTable
// and share it among all goroutines of the process; the zero value is not
// usable.
//
// Paths are compared after filepath.Clean: two spellings of one file (a
// relative and an absolute path, a symlink) get two entries, which still
// exclude each other through the OS lock but can deadlock a goroutine that
// holds one and asks for the other. Callers use one spelling per file.
type Table struct {
	// mu guards entries and every field of every entry except fl (see
	// entry). It is held only for state changes, never while waiting.
	mu sync.Mutex
	// entries holds the paths that some goroutine holds or waits for. An
	// entry is removed as soon as its refs drop to zero.
	entries map[string]*entry
}

// NewTable returns an empty Table.
func NewTable() *Table {
	return &Table{entries: make(map[string]*entry)}
}

// Lock takes path exclusively (in-process writer, then OS exclusive file
// lock), creating the lock file if needed. It waits until ctx is done; then it
// returns an error wrapping ErrTimeout (or ctx.Err() on cancellation). The
// returned function releases the lock; calling it twice is a no-op.
func (t *Table) Lock(ctx context.Context, path string) (unlock func(), err error) {
	path = filepath.Clean(path)
	if err := ctx.Err(); err != nil {
		return nil, waitError(path, exclusive, err)
	}
	t.mu.Lock()
	e := t.ref(path)
	e.waitingWriters++
	for e.writer || e.readers > 0 || e.acquiring {
		if err := t.wait(ctx, e); err != nil {
			e.waitingWriters--
			e.broadcast() // readers held back by writer preference may go on
			t.unref(path, e)
			t.mu.Unlock()
			return nil, waitError(path, exclusive, err)
		}
	}
	e.waitingWriters--
	e.writer = true
	fl := e.fl
	t.mu.Unlock()

	// This goroutine alone may touch fl now (e.writer is set).
	if err := acquire(ctx, fl, exclusive); err != nil {
		t.mu.Lock()
		e.writer = false
		e.broadcast()
		t.unref(path, e)
		t.mu.Unlock()
		return nil, err
	}
	return once(func() { t.unlockWriter(path, e) }), nil
}

// RLock takes path shared (in-process reader, then OS shared file lock), as
// Lock does otherwise. Many readers in this and other processes may hold it
// at once; a writer anywhere excludes them all.
func (t *Table) RLock(ctx context.Context, path string) (unlock func(), err error) {
	path = filepath.Clean(path)
	if err := ctx.Err(); err != nil {
		return nil, waitError(path, shared, err)
	}
	t.mu.Lock()
	e := t.ref(path)
	for e.writer || e.waitingWriters > 0 || e.acquiring {
		if err := t.wait(ctx, e); err != nil {
			t.unref(path, e)
			t.mu.Unlock()
			return nil, waitError(path, shared, err)
		}
	}
	if e.readers > 0 {
		// The OS shared lock is held on behalf of all readers: join them.
		e.readers++
		t.mu.Unlock()
		return once(func() { t.unlockReader(path, e) }), nil
	}
	e.acquiring = true
	fl := e.fl
	t.mu.Unlock()

	// This goroutine alone may touch fl now (e.acquiring is set).
	err = acquire(ctx, fl, shared)
	t.mu.Lock()
	e.acquiring = false
	e.broadcast()
	if err != nil {
		t.unref(path, e)
		t.mu.Unlock()
		return nil, err
	}
	e.readers = 1
	t.mu.Unlock()
	return once(func() { t.unlockReader(path, e) }), nil
}

// TryLock takes path exclusively if that is possible without waiting, and
// reports whether it did. Used where a busy lock means "someone else is
// already doing this job" (trimming a section).
func (t *Table) TryLock(path string) (unlock func(), ok bool, err error) {
	path = filepath.Clean(path)
	t.mu.Lock()
	e := t.ref(path)
	if e.writer || e.readers > 0 || e.acquiring || e.waitingWriters > 0 {
		t.unref(path, e)
		t.mu.Unlock()
		return nil, false, nil
	}
	e.writer = true
	fl := e.fl
	t.mu.Unlock()

	ok, err = fl.TryLock()
	if err != nil || !ok {
		t.mu.Lock()
		e.writer = false
		e.broadcast()
		t.unref(path, e)
		t.mu.Unlock()
		if err != nil {
			return nil, false, fmt.Errorf("try to lock %s exclusively: %w", path, err)
		}
		return nil, false, nil
	}
	return once(func() { t.unlockWriter(path, e) }), true, nil
}

// unlockWriter releases the OS lock and then the in-process writer lock of
// path, in that order, so that no goroutine of this process takes the OS lock
// while this one still has it.
func (t *Table) unlockWriter(path string, e *entry) {
	// e.writer is still set: this goroutine alone may touch fl.
	e.release()
	t.mu.Lock()
	e.writer = false
	e.broadcast()
	t.unref(path, e)
	t.mu.Unlock()
}

// unlockReader leaves the readers of path; the last one releases the OS
// shared lock. That happens under t.mu so that no new first reader can start
// acquiring while the lock is being dropped.
func (t *Table) unlockReader(path string, e *entry) {
	t.mu.Lock()
	e.readers--
	if e.readers == 0 {
		e.release()
		e.broadcast()
	}
	t.unref(path, e)
	t.mu.Unlock()
}

// once returns a function that calls f the first time it is called and does
// nothing afterwards, from any goroutine.
func once(f func()) func() {
	var o sync.Once
	return func() { o.Do(f) }
}
