package lockfile

import (
	"context"
	"io/fs"

	"github.com/gofrs/flock"
)

// entry is the in-process state of one path of a Table.
//
// Every field but fl is guarded by Table.mu. The fields keep these
// invariants whenever Table.mu is not held:
//
//   - writer ⇒ readers == 0 && !acquiring
//   - acquiring ⇒ readers == 0 && !writer
//   - the OS lock is held shared exactly when readers > 0, and exclusive
//     only while writer is set (a writer sets writer first, then takes the
//     OS lock);
//   - refs ≥ the number of holders and waiters, each of which counts once;
//     the entry is in Table.entries exactly when refs > 0.
//
// fl is touched by one goroutine at a time, the one the state entitles: the
// writer (writer set), the first reader (acquiring set), or the last reader
// leaving (readers going 1 → 0, under Table.mu). The invariants make these
// mutually exclusive.
type entry struct {
	fl *flock.Flock

	refs           int  // goroutines holding or waiting for the path
	readers        int  // goroutines holding the path shared
	writer         bool // a goroutine holds the path exclusively (or is taking its OS lock)
	acquiring      bool // the first reader is taking the OS shared lock
	waitingWriters int  // writers waiting for the in-process lock; new readers wait while > 0

	// changed, when not nil, is closed (and set to nil) at the next state
	// change, waking every goroutine waiting for one. It is made only when
	// someone waits, so an uncontended lock allocates no channel.
	changed chan struct{}
}

// lockPerm is the mode a lock file is created with, before the umask. Lock
// files hold no data; anyone who may use the cache must be able to open one.
const lockPerm fs.FileMode = 0o666

// ref returns the entry of path, creating it if needed, and counts the
// caller in its refs. t.mu must be held.
func (t *Table) ref(path string) *entry {
	e := t.entries[path]
	if e == nil {
		e = &entry{fl: newFlock(path)}
		t.entries[path] = e
	}
	e.refs++
	return e
}

// unref drops the caller's reference to e, removing e from the table when
// nobody holds or waits for it any more. t.mu must be held.
func (t *Table) unref(path string, e *entry) {
	e.refs--
	if e.refs == 0 {
		delete(t.entries, path)
	}
}

// wait releases t.mu until e changes or ctx is done, and takes it again. It
// returns ctx.Err() when ctx is done. t.mu must be held; the caller rechecks
// its condition after a nil return.
func (t *Table) wait(ctx context.Context, e *entry) error {
	if e.changed == nil {
		e.changed = make(chan struct{})
	}
	ch := e.changed
	t.mu.Unlock()
	var err error
	select {
	case <-ch:
	case <-ctx.Done():
		err = ctx.Err()
	}
	t.mu.Lock()
	return err
}

// broadcast wakes every goroutine waiting for e to change. t.mu must be held.
func (e *entry) broadcast() {
	if e.changed != nil {
		close(e.changed)
		e.changed = nil
	}
}

// release drops the OS lock. Only the goroutine entitled to fl calls it.
//
// flock.Flock.Unlock closes the file; if unlocking fails it keeps the file
// open and still believes it holds the lock, so that its next TryLock would
// report success without locking anything. Such a Flock is abandoned for a
// fresh one: the abandoned file is closed (and its lock dropped) by the
// os.File finalizer, and meanwhile it can only make others wait.
func (e *entry) release() {
	if err := e.fl.Unlock(); err != nil {
		e.fl = newFlock(e.fl.Path())
	}
}

// newFlock returns the unlocked OS lock of path.
func newFlock(path string) *flock.Flock {
	return flock.New(path, flock.SetPermissions(lockPerm))
}
