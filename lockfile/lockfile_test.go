package lockfile

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// shortWait is how long a test waits for a lock it expects not to get.
const shortWait = 150 * time.Millisecond

// generous bounds any wait that is expected to end: never a tight time.
const generous = 5 * time.Second

func lockPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), ".lock")
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// checkEmpty fails if the table still has entries once everyone has left.
func checkEmpty(t *testing.T, tab *Table) {
	t.Helper()
	tab.mu.Lock()
	defer tab.mu.Unlock()
	if n := len(tab.entries); n != 0 {
		t.Errorf("table has %d entries after all locks were released", n)
	}
}

// TestMutualExclusion has many goroutines of one process take one path
// exclusively: the shared counter shows that at most one holds it at a time,
// and the test ending shows that no goroutine deadlocks on its own process's
// file lock.
func TestMutualExclusion(t *testing.T) {
	const goroutines, rounds = 64, 20
	tab := NewTable()
	path := lockPath(t)
	var holders atomic.Int32
	total := 0 // guarded by the lock under test; -race checks it
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				unlock, err := tab.Lock(ctxFor(t, generous), path)
				if err != nil {
					t.Error(err)
					return
				}
				if n := holders.Add(1); n != 1 {
					t.Errorf("%d goroutines hold the lock at once", n)
				}
				total++
				holders.Add(-1)
				unlock()
			}
		}()
	}
	wg.Wait()
	if total != goroutines*rounds {
		t.Errorf("total = %d, want %d", total, goroutines*rounds)
	}
	checkEmpty(t, tab)
}

// TestReadersShare has many readers hold one path at the same moment: none
// of them releases it before all have it.
func TestReadersShare(t *testing.T) {
	const readers = 16
	tab := NewTable()
	path := lockPath(t)
	var all sync.WaitGroup
	all.Add(readers)
	var wg sync.WaitGroup
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := tab.RLock(ctxFor(t, generous), path)
			if err != nil {
				t.Error(err)
				all.Done()
				return
			}
			defer unlock()
			all.Done()
			all.Wait() // every reader holds the lock here
		}()
	}
	wg.Wait()
	checkEmpty(t, tab)
}

// TestExclusion checks each pair of holder and contender within one process:
// the contender must time out while the holder holds, and succeed after.
func TestExclusion(t *testing.T) {
	tests := []struct {
		name        string
		holdShared  bool
		wantShared  bool
		wantBlocked bool
	}{
		{"writer excludes writer", false, false, true},
		{"writer excludes reader", false, true, true},
		{"reader excludes writer", true, false, true},
		{"reader admits reader", true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := NewTable()
			path := lockPath(t)
			take := func(ctx context.Context, sharedLock bool) (func(), error) {
				if sharedLock {
					return tab.RLock(ctx, path)
				}
				return tab.Lock(ctx, path)
			}
			unlockHolder, err := take(ctxFor(t, generous), tt.holdShared)
			if err != nil {
				t.Fatal(err)
			}
			unlock, err := take(ctxFor(t, shortWait), tt.wantShared)
			if tt.wantBlocked {
				if !errors.Is(err, ErrTimeout) {
					t.Fatalf("contender got err = %v, want ErrTimeout", err)
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("error %q does not name %s", err, path)
				}
			} else if err != nil {
				t.Fatalf("contender: %v", err)
			} else {
				unlock()
			}
			_, ok, err := tab.TryLock(path)
			if ok || err != nil {
				t.Errorf("TryLock while held = %v, %v; want false, nil", ok, err)
			}
			unlockHolder()
			unlock, err = take(ctxFor(t, generous), tt.wantShared)
			if err != nil {
				t.Fatalf("after release: %v", err)
			}
			unlock()
			checkEmpty(t, tab)
		})
	}
}

// TestReadersAndWriters mixes readers and writers on one path and checks
// that a writer is always alone.
func TestReadersAndWriters(t *testing.T) {
	const goroutines, rounds = 16, 30
	tab := NewTable()
	path := lockPath(t)
	var readers, writers atomic.Int32
	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range rounds {
				if (i+j)%3 == 0 {
					unlock, err := tab.Lock(ctxFor(t, generous), path)
					if err != nil {
						t.Error(err)
						return
					}
					if w := writers.Add(1); w != 1 || readers.Load() != 0 {
						t.Errorf("writer with %d writers and %d readers", w, readers.Load())
					}
					writers.Add(-1)
					unlock()
				} else {
					unlock, err := tab.RLock(ctxFor(t, generous), path)
					if err != nil {
						t.Error(err)
						return
					}
					readers.Add(1)
					if w := writers.Load(); w != 0 {
						t.Errorf("reader with %d writers", w)
					}
					readers.Add(-1)
					unlock()
				}
			}
		}()
	}
	wg.Wait()
	checkEmpty(t, tab)
}

// TestWriterPreference: while a writer waits, a new reader waits too, even
// though only readers hold the path.
func TestWriterPreference(t *testing.T) {
	tab := NewTable()
	path := lockPath(t)
	unlockReader, err := tab.RLock(ctxFor(t, generous), path)
	if err != nil {
		t.Fatal(err)
	}
	writerDone := make(chan error, 1)
	go func() {
		unlock, err := tab.Lock(ctxFor(t, generous), path)
		if err == nil {
			unlock()
		}
		writerDone <- err
	}()
	waitQueued(t, tab, path)
	if _, err := tab.RLock(ctxFor(t, shortWait), path); !errors.Is(err, ErrTimeout) {
		t.Errorf("reader behind a waiting writer: err = %v, want ErrTimeout", err)
	}
	unlockReader()
	if err := <-writerDone; err != nil {
		t.Errorf("writer: %v", err)
	}
	checkEmpty(t, tab)
}

// TestUnlockTwice: a second call of an unlock function does not release the
// lock a later holder took.
func TestUnlockTwice(t *testing.T) {
	tab := NewTable()
	path := lockPath(t)
	for _, sharedLock := range []bool{false, true} {
		var unlock func()
		var err error
		if sharedLock {
			unlock, err = tab.RLock(ctxFor(t, generous), path)
		} else {
			unlock, err = tab.Lock(ctxFor(t, generous), path)
		}
		if err != nil {
			t.Fatal(err)
		}
		unlock()
		unlock()
		unlock2, err := tab.Lock(ctxFor(t, generous), path)
		if err != nil {
			t.Fatal(err)
		}
		unlock()
		if _, ok, _ := tab.TryLock(path); ok {
			t.Fatalf("shared=%v: a repeated unlock released another holder's lock", sharedLock)
		}
		unlock2()
	}
	checkEmpty(t, tab)
}

// TestWaitErrors checks the errors of waits that end without the lock.
func TestWaitErrors(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	tests := []struct {
		name    string
		ctx     context.Context
		missing bool // the lock file's directory does not exist
		want    error
		timeout bool
	}{
		{"canceled", canceled, false, context.Canceled, false},
		{"expired", expired, false, ErrTimeout, true},
		{"no directory", context.Background(), true, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := NewTable()
			path := lockPath(t)
			if tt.missing {
				path = filepath.Join(filepath.Dir(path), "missing", ".lock")
			}
			for _, sharedLock := range []bool{false, true} {
				var err error
				if sharedLock {
					_, err = tab.RLock(tt.ctx, path)
				} else {
					_, err = tab.Lock(tt.ctx, path)
				}
				switch {
				case err == nil:
					t.Fatalf("shared=%v: got the lock", sharedLock)
				case tt.want != nil && !errors.Is(err, tt.want):
					t.Errorf("shared=%v: err = %v, want %v", sharedLock, err, tt.want)
				case errors.Is(err, ErrTimeout) != tt.timeout:
					t.Errorf("shared=%v: err = %v: ErrTimeout %v, want %v", sharedLock, err, !tt.timeout, tt.timeout)
				case !strings.Contains(err.Error(), path):
					t.Errorf("shared=%v: error %q does not name %s", sharedLock, err, path)
				}
			}
			if tt.missing {
				if _, _, err := tab.TryLock(path); err == nil {
					t.Error("TryLock without a directory: no error")
				}
			}
			checkEmpty(t, tab)
		})
	}
}

// TestCanceledWriterLetsReadersGo: a writer that gives up while queued
// wakes the reader its preference held back.
func TestCanceledWriterLetsReadersGo(t *testing.T) {
	tab := NewTable()
	path := lockPath(t)
	unlockReader, err := tab.RLock(ctxFor(t, generous), path)
	if err != nil {
		t.Fatal(err)
	}
	defer unlockReader()
	writerDone := make(chan error, 1)
	go func() {
		_, err := tab.Lock(ctxFor(t, shortWait), path)
		writerDone <- err
	}()
	waitQueued(t, tab, path)
	start := time.Now()
	unlock, err := tab.RLock(ctxFor(t, generous), path) // waits for the writer to give up
	if err != nil {
		t.Fatalf("reader behind a writer that gives up: %v", err)
	}
	if d := time.Since(start); d > generous/2 {
		t.Errorf("reader waited %v", d)
	}
	unlock()
	if err := <-writerDone; !errors.Is(err, ErrTimeout) {
		t.Errorf("writer: err = %v, want ErrTimeout", err)
	}
}

// waitQueued waits until a writer waits for path.
func waitQueued(t *testing.T, tab *Table, path string) {
	t.Helper()
	for deadline := time.Now().Add(generous); ; {
		tab.mu.Lock()
		e := tab.entries[filepath.Clean(path)]
		queued := e != nil && e.waitingWriters > 0
		tab.mu.Unlock()
		if queued {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("writer never queued")
		}
		time.Sleep(time.Millisecond)
	}
}
