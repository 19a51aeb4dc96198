package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/objcache/objcache/lockfile"
)

// The ledger is the cache's total size and file count, kept in one counter
// file, stats/usage, guarded by stats/usage.lock, so that an add knows
// whether the whole cache is over max_size from one small read instead of
// 512 (eviction keeps the limit for the cache as a whole: with 256 section
// pairs each held to 1/256 of a small limit, a 200K cache held 1.6M).
//
// The ledger should equal the sum of the section counters: every change to
// a section's counters adds the same change to the ledger while the
// section's exclusive lock is held. The ledger lock is a leaf (DESIGN.md §4
// rule 4: nothing is taken while it is held, and no stats shard is held
// with it), waited for briefly (ledgerWait) under the section lock.
//
// It is a running total, so it drifts: a process killed between the two
// writes, a ledger lock not had in time, or an older objcache that updates
// the section counters alone. Drift is healed by Reconcile, which sets the
// ledger to the sum of the section counters when no add ran while it
// summed: the first Total of a ledger without its "counted" mark (a new
// store's is marked; a cache made before the ledger has none), clean,
// verify --repair, clear, one add in reconcileEvery (eviction) and a trim
// that lists every section.
const (
	ledgerName    = "usage"
	ledgerCounted = "counted"
)

// ledgerWait bounds the wait for the ledger lock under a section lock:
// its holders hold it for one small read and write, so a longer wait means
// a stuck holder (or a machine so loaded that its processes stall for
// seconds), and the section lock must not be held for it. The change is
// then left out of the ledger, to be healed by Reconcile, and for
// ledgerStuckFor the store does not wait again.
//
// Other processes learn it from a mark file beside the ledger
// (usage.stuck), whose modification time says when a wait last ended so:
// while it is younger than ledgerStuckFor they wait only ledgerProbeWait,
// and the first of them that has the lock again removes the mark and takes
// the ledger's "counted" mark away, so that the next Total reconciles what
// was left out meanwhile. Without the mark file, each new process of a
// build waited ledgerWait once.
const (
	ledgerWait      = 2 * time.Second
	ledgerProbeWait = 50 * time.Millisecond
	ledgerStuckFor  = 30 * time.Second
	ledgerStuckMark = ledgerName + ".stuck"
)

// reconcileTries is how often Reconcile sums the sections before it settles
// for a sum that adds may have run beside.
const reconcileTries = 3

// ledgerPath returns the path of the ledger file.
func (s *Store) ledgerPath() string { return filepath.Join(s.dir, statsDir, ledgerName) }

// ledger is what the ledger file says.
type ledger struct {
	SectionUsage
	counted bool
}

// addToLedger adds a change of the section counters to the ledger (also to
// an unmarked one: Reconcile sees that adds ran). The caller holds that
// section's exclusive lock. A failure is not returned: the section's
// change stands, and the ledger is off until it is reconciled.
func (s *Store) addToLedger(bytes, files int64) {
	if bytes == 0 && files == 0 {
		return
	}
	wait, marked := s.ledgerLockWait()
	if time.Now().UnixNano() < s.ledgerStuckUntil.Load() {
		wait = ledgerProbeWait // this store found it stuck just now
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	path := s.ledgerPath()
	unlock, err := s.lock(ctx, path+lockName, exclusive)
	if err != nil {
		s.markLedgerStuck()
		return
	}
	defer unlock()
	_ = s.rewriteCounters(path, func(c Counters) {
		c[counterBytes] = max(0, c[counterBytes]+bytes)
		c[counterFiles] = max(0, c[counterFiles]+files)
		if marked {
			// Changes were left out while the lock was stuck: the next
			// Total sums the sections (break-it round 8: the cache stayed
			// over its limit by what was stored meanwhile).
			delete(c, ledgerCounted)
		}
	})
	if marked {
		os.Remove(s.ledgerStuckPath())
	}
}

// ledgerStuckPath returns the path of the mark of a stuck ledger lock.
func (s *Store) ledgerStuckPath() string {
	return filepath.Join(s.dir, statsDir, ledgerStuckMark)
}

// ledgerLockWait returns how long an add waits for the ledger lock, and
// whether the mark of a stuck lock is there (and young).
func (s *Store) ledgerLockWait() (wait time.Duration, marked bool) {
	fi, err := os.Lstat(s.ledgerStuckPath())
	if err == nil && time.Since(fi.ModTime()) < ledgerStuckFor {
		return ledgerProbeWait, true
	}
	return ledgerWait, err == nil
}

// markLedgerStuck notes that the ledger lock was not had in time: this
// store stops waiting for it, and the mark tells other processes.
func (s *Store) markLedgerStuck() {
	now := time.Now()
	s.ledgerStuckUntil.Store(now.Add(ledgerStuckFor).UnixNano())
	if s.opts.ReadOnly {
		return
	}
	p := s.ledgerStuckPath()
	if f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE, s.fileMode()); err == nil {
		f.Close()
		os.Chtimes(p, now, now)
	}
}

// Total returns the cache's size and file count from the ledger: what
// eviction compares with the limits after each add. An unmarked ledger is
// reconciled first.
func (s *Store) Total(ctx context.Context) (SectionUsage, error) { return s.TotalWithin(ctx, 0) }

// TotalWithin is Total with each lock (the ledger's, and each section's if
// the ledger must be reconciled) waited for at most wait, when positive:
// an add that checks the limit gives up on a stuck lock rather than wait
// the lock timeout. When the ledger lock is the one not had in time, the
// total is the sum of the section counters (what the ledger should say),
// so that a process stuck holding the ledger lock does not stop trims.
func (s *Store) TotalWithin(ctx context.Context, wait time.Duration) (SectionUsage, error) {
	if time.Now().UnixNano() < s.ledgerStuckUntil.Load() {
		return s.usageWithin(ctx, wait) // this store found the lock stuck just now
	}
	lwait := wait
	if w, marked := s.ledgerLockWait(); marked && w < lwait || marked && lwait <= 0 {
		lwait = w // another process found the lock stuck just now
	}
	lctx, cancel := ctx, context.CancelFunc(func() {})
	if lwait > 0 {
		lctx, cancel = context.WithTimeout(ctx, lwait)
	}
	l, err := s.readLedger(lctx)
	cancel()
	if err != nil && ctx.Err() == nil && (errors.Is(err, lockfile.ErrTimeout) || errors.Is(err, context.DeadlineExceeded)) {
		s.markLedgerStuck()
		return s.usageWithin(ctx, wait)
	}
	if err != nil || l.counted {
		return l.SectionUsage, err
	}
	return s.ReconcileWithin(ctx, wait)
}

// readLedger reads the ledger under its shared lock. A missing or damaged
// one reads as zero and unmarked.
func (s *Store) readLedger(ctx context.Context) (ledger, error) {
	path := s.ledgerPath()
	unlock, err := s.lock(ctx, path+lockName, shared)
	if err != nil {
		return ledger{}, fmt.Errorf("read the cache's total: %w", err)
	}
	defer unlock()
	c, err := readCounters(path)
	if err != nil {
		return ledger{}, fmt.Errorf("read the cache's total: %w", err)
	}
	return ledger{SectionUsage{Bytes: c[counterBytes], Files: c[counterFiles]}, c[ledgerCounted] == 1}, nil
}

// Reconcile sets the ledger to the sum of the section counters and returns
// what the ledger says then. The sum is read one section at a time, so it
// is taken as the total only if the ledger did not move meanwhile (no add
// or removal ran). If it moved in each of reconcileTries sums, a counted
// ledger is left as it is (it is being kept by those adds; a later, quieter
// Reconcile heals its drift), and an unmarked one is set to the last sum
// plus the ledger's own movement since that sum began: it may count twice
// the changes made during that sum, never miss one.
func (s *Store) Reconcile(ctx context.Context) (SectionUsage, error) {
	return s.ReconcileWithin(ctx, 0)
}

// ReconcileWithin is Reconcile with each section's lock waited for at most
// wait (when positive): a trim's reconcile gives up on a stuck section
// (an error wrapping the lock timeout) rather than hold the add that made
// it for the lock timeout. clean and verify wait as long as any call.
func (s *Store) ReconcileWithin(ctx context.Context, wait time.Duration) (SectionUsage, error) {
	if s.opts.ReadOnly {
		return s.usageWithin(ctx, wait)
	}
	for try := 1; ; try++ {
		before, err := s.readLedger(ctx)
		if err != nil {
			return SectionUsage{}, err
		}
		sum, err := s.usageWithin(ctx, wait)
		if err != nil {
			return SectionUsage{}, err
		}
		last := try == reconcileTries
		now, ok, err := s.setLedgerIf(ctx, before, sum, last && !before.counted)
		if err != nil || ok || last {
			return now, err
		}
	}
}

// setLedgerIf writes sum as the marked ledger if the ledger still says
// before; otherwise, if anyway, it writes sum plus what the ledger moved
// since before. It returns what the ledger says afterwards and whether it
// wrote.
func (s *Store) setLedgerIf(ctx context.Context, before ledger, sum SectionUsage, anyway bool) (SectionUsage, bool, error) {
	path := s.ledgerPath()
	unlock, err := s.lock(ctx, path+lockName, exclusive)
	if err != nil {
		return SectionUsage{}, false, fmt.Errorf("set the cache's total: %w", err)
	}
	defer unlock()
	var after SectionUsage
	wrote := false
	err = s.rewriteCounters(path, func(c Counters) {
		now := SectionUsage{Bytes: c[counterBytes], Files: c[counterFiles]}
		after = now
		if now != before.SectionUsage && !anyway {
			return
		}
		after = SectionUsage{Bytes: max(0, sum.Bytes+now.Bytes-before.Bytes), Files: max(0, sum.Files+now.Files-before.Files)}
		clear(c)
		c[counterBytes], c[counterFiles], c[ledgerCounted] = after.Bytes, after.Files, 1
		wrote = true
	})
	if err != nil {
		return SectionUsage{}, false, fmt.Errorf("set the cache's total: %w", err)
	}
	return after, wrote, nil
}

// initLedger writes a new store's ledger: zero, and marked.
func (s *Store) initLedger() error {
	_, _, err := s.setLedgerIf(context.Background(), ledger{}, SectionUsage{}, false)
	return err
}

// Ledger returns what the ledger says and whether it is marked, for verify
// to compare with the sum of the section counters.
func (s *Store) Ledger(ctx context.Context) (u SectionUsage, counted bool, err error) {
	l, err := s.readLedger(ctx)
	return l.SectionUsage, l.counted, err
}
