package cache

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// TestLedgerFollowsTheSections: adds, removals, recounts and clears keep
// the ledger equal to the sum of the section counters.
func TestLedgerFollowsTheSections(t *testing.T) {
	s := newStore(t, Options{})
	c := ctx(t)
	want := func(step string) {
		t.Helper()
		sum, err := s.Usage(c)
		if err != nil {
			t.Fatal(err)
		}
		if total, err := s.Total(c); err != nil || total != sum {
			t.Fatalf("%s: the ledger says %+v (%v), the sections %+v", step, total, err, sum)
		}
	}
	want("new store")
	for n := range 20 {
		if _, err := s.PutEntry(c, key(byte(n*13), n), sampleEntry(n, 3000)); err != nil {
			t.Fatal(err)
		}
	}
	want("after 20 adds")
	l, err := s.List(c, Objects, 13)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RemoveObjects(c, 13, l.Files); err != nil {
		t.Fatal(err)
	}
	want("after a removal")
	os.WriteFile(s.sectionAt(Objects, 26).countersPath(), []byte("bytes 1\nfiles 1\n"), 0o666)
	if _, _, err := s.Recount(c, Objects, 26); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reconcile(c); err != nil {
		t.Fatal(err)
	}
	want("after a damaged counter, a recount and a reconcile")
	for i := range Sections {
		if _, err := s.Clear(c, Objects, i); err != nil {
			t.Fatal(err)
		}
	}
	want("after clearing")
}

// TestReconcileBesideAdds: a Reconcile that sums the sections while adds
// run loses none of them (break-it round 5: clean beside running builds
// left the ledger low, and the cache over its limit, until the next clean).
func TestReconcileBesideAdds(t *testing.T) {
	dir := t.TempDir()
	adder, reconciler := openStore(t, dir, Options{}), openStore(t, dir, Options{})
	c := context.Background()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := reconciler.Reconcile(c); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for n := range 300 {
		if _, err := adder.PutEntry(c, key(byte(n), n), sampleEntry(n, 500)); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	sum, err := adder.Usage(c)
	if err != nil {
		t.Fatal(err)
	}
	if total, _, err := adder.Ledger(c); err != nil || total != sum {
		t.Errorf("at rest the ledger says %+v (%v), the sections %+v", total, err, sum)
	}
}

// TestLedgerOfAnOlderCache: a cache made before the ledger (no ledger file)
// is counted at its first Total, adds running beside or not.
func TestLedgerOfAnOlderCache(t *testing.T) {
	s := newStore(t, Options{})
	c := ctx(t)
	for n := range 10 {
		if _, err := s.PutEntry(c, key(byte(n), n), sampleEntry(n, 1000)); err != nil {
			t.Fatal(err)
		}
	}
	os.Remove(s.ledgerPath())
	sum, _ := s.Usage(c)
	if total, err := s.Total(c); err != nil || total != sum {
		t.Errorf("first Total of an older cache: %+v (%v), want %+v", total, err, sum)
	}
	if _, counted, _ := s.Ledger(c); !counted {
		t.Error("the ledger was not marked counted")
	}
}

// TestCounterFileDamage: a directory, a FIFO or a link in the place of the
// ledger (or of a section's counters) reads as a damaged counter file and
// is replaced at the next update, so trims and stores go on, nothing waits
// on the FIFO and nothing outside the cache is written through the link
// (break-it rounds 5 and 8).
func TestCounterFileDamage(t *testing.T) {
	kinds := []string{"directory"}
	if runtime.GOOS != "windows" {
		kinds = append(kinds, "FIFO", "link")
	}
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			s := newStore(t, Options{})
			c := ctx(t)
			if _, err := s.PutEntry(c, key(1, 1), sampleEntry(1, 1000)); err != nil {
				t.Fatal(err)
			}
			outside := filepath.Join(t.TempDir(), "outside")
			os.WriteFile(outside, []byte("not the cache's\n"), 0o666)
			for _, p := range []string{s.ledgerPath(), s.objectSection(key(2, 2)).countersPath()} {
				os.Remove(p)
				os.MkdirAll(filepath.Dir(p), 0o755)
				var err error
				switch kind {
				case "directory":
					err = os.MkdirAll(filepath.Join(p, "x"), 0o755)
				case "FIFO":
					err = mkfifo(p)
				case "link":
					err = os.Symlink(outside, p)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.PutEntry(c, key(2, 2), sampleEntry(2, 1000)); err != nil {
				t.Fatalf("store beside a %s in a counter file's place: %v", kind, err)
			}
			sum, err := s.Usage(c)
			if err != nil || sum.Files == 0 {
				t.Fatalf("Usage: %+v, %v", sum, err)
			}
			if total, err := s.Reconcile(c); err != nil || total != sum {
				t.Errorf("Reconcile: %+v (%v), want %+v", total, err, sum)
			}
			if fi, err := os.Lstat(s.ledgerPath()); err != nil || !fi.Mode().IsRegular() {
				t.Errorf("the ledger is not a file again: %v", err)
			}
			if data, _ := os.ReadFile(outside); string(data) != "not the cache's\n" {
				t.Errorf("the file the link pointed to was written: %q", data)
			}
		})
	}
}

// TestStuckLedgerLockIsMarked: a store that waited in vain for the ledger
// lock marks it stuck, so that other processes wait only briefly for it and
// read the total from the sections; the first that has the lock again
// removes the mark (break-it round 6: each process waited ledgerWait).
func TestStuckLedgerLockIsMarked(t *testing.T) {
	dir := t.TempDir()
	holder := openStore(t, dir, Options{})
	unlock, err := holder.lock(ctx(t), holder.ledgerPath()+lockName, exclusive)
	if err != nil {
		t.Fatal(err)
	}
	first := openStore(t, dir, Options{})
	if _, err := first.PutEntry(ctx(t), key(1, 1), sampleEntry(1, 1000)); err != nil {
		t.Fatal(err)
	}
	other := openStore(t, dir, Options{})
	if wait, marked := other.ledgerLockWait(); !marked || wait != ledgerProbeWait {
		t.Fatalf("after a vain wait: ledger wait %v, marked %v; want %v, marked", wait, marked, ledgerProbeWait)
	}
	sum, _ := other.Usage(ctx(t))
	if total, err := other.Total(ctx(t)); err != nil || total != sum || sum.Files == 0 {
		t.Errorf("Total beside a stuck ledger lock: %+v (%v), want the section sum %+v", total, err, sum)
	}
	unlock()
	later := openStore(t, dir, Options{})
	if _, err := later.PutEntry(ctx(t), key(2, 2), sampleEntry(2, 1000)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(later.ledgerStuckPath()); !os.IsNotExist(err) {
		t.Errorf("the mark stays after the lock was had again: %v", err)
	}
	// The first store's change was left out of the ledger: the next Total
	// must sum the sections again (break-it round 8).
	sum, _ = later.Usage(ctx(t))
	if total, err := openStore(t, dir, Options{}).Total(ctx(t)); err != nil || total != sum {
		t.Errorf("Total after the stuck lock: %+v (%v), want the section sum %+v", total, err, sum)
	}
}
