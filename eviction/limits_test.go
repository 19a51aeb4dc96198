package eviction

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
)

// TestLimitHoldsForEverySize fills caches of 200K, 1M, 16M and 256M to
// well over their limit as the launcher does (an entry, its manifest entry,
// the manifest's stat record and the source's record per compile; a trim
// after each add) with entries of realistic, incompressible sizes up to
// 1/16 of the limit, and checks that what the cache holds on disk stays
// within 10% of the limit after every add, that the ledger and the
// counters say what is on disk, and that verify finds nothing.
func TestLimitHoldsForEverySize(t *testing.T) {
	tests := []struct {
		name    string
		max     int64
		largest int64   // largest entry
		fill    float64 // how many times the limit is added
	}{
		{"200K", 200 << 10, 25 << 10, 4},
		{"1M", 1 << 20, 64 << 10, 4},
		{"16M", 16 << 20, 256 << 10, 3},
		{"256M", 256 << 20, 512 << 10, 1.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if (testing.Short() || raceEnabled || runtime.GOOS == "windows") && tt.max > 16<<20 {
				t.Skip("writes some 400 MB: skipped with -short, under the race detector and on Windows (Wine in CI)")
			}
			dir := t.TempDir()
			st := openStore(t, dir)
			limits := Limits{MaxBytes: tt.max}
			r := rand.New(rand.NewPCG(uint64(tt.max), 2))
			var added, highest int64
			var n int
			for added < int64(tt.fill*float64(tt.max)) {
				size := logUniform(r, 2<<10, tt.largest)
				source := r.IntN(int(max(8, tt.max/(16<<10))))
				okey := addCompile(t, st, r, source, n, size)
				if _, err := MaybeTrim(ctx(t), st, cache.SectionOf(okey), limits); err != nil {
					t.Fatal(err)
				}
				added += size
				n++
				if tt.max <= 1<<20 || n%10 == 0 || added >= int64(tt.fill*float64(tt.max)) {
					held := onDisk(t, dir)
					highest = max(highest, held)
					if float64(held) > 1.1*float64(tt.max) {
						t.Fatalf("after %d adds the cache holds %d bytes, more than 110%% of %d", n, held, tt.max)
					}
				}
			}
			held := onDisk(t, dir)
			total, err := st.Total(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			if total.Bytes != held {
				t.Errorf("the ledger says %d bytes, the sections hold %d", total.Bytes, held)
			}
			if float64(held) < 0.85*float64(tt.max) {
				t.Errorf("the cache holds %d bytes, less than 85%% of %d: trims evict too much", held, tt.max)
			}
			t.Logf("%d adds (%d bytes): the cache holds %d bytes (%.1f%% of the limit; highest %.1f%%)",
				n, added, held, 100*float64(held)/float64(tt.max), 100*float64(highest)/float64(tt.max))
			wantClean(t, st)
		})
	}
}

// noise is random bytes, which zstd cannot shrink, for entries' content.
var noise = func() []byte {
	r := rand.New(rand.NewPCG(1, 1))
	b := make([]byte, 1<<20)
	for i := 0; i < len(b); i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}()

// logUniform returns a size between lo and hi, uniform in its logarithm:
// many small objects, a few big ones, as in a real build.
func logUniform(r *rand.Rand, lo, hi int64) int64 {
	return int64(math.Exp(math.Log(float64(lo)) + r.Float64()*(math.Log(float64(hi))-math.Log(float64(lo)))))
}

// addCompile stores what a compile of source (variant v) leaves, as the
// launcher does: an incompressible entry whose file is size bytes, its
// manifest entry (the cap's dropped objects removed), the manifest's stat
// record and the source's record.
func addCompile(t *testing.T, st *cache.Store, r *rand.Rand, source, v int, size int64) digest.Sum {
	t.Helper()
	c := context.Background()
	mkey, okey := compileKeys(source, v)
	inc := manifest.Include{Path: fmt.Sprintf("inc/h%d.h", v), Size: int64(v), Hash: digest.Of(fmt.Appendf(nil, "%d", v))}
	// A window of one random block, at a random place, with the compile's
	// number in front: incompressible, distinct, and cheap to make.
	n := min(int(max(0, size-200)), len(noise)) // the entry's header, checksum and framing
	at := r.IntN(len(noise) - n + 1)
	data := append(fmt.Appendf(nil, "%d:", v), noise[at:at+n]...)
	e := &cache.Entry{ManifestKey: mkey, Outputs: []cache.Output{{Kind: "object", Data: data}}}
	if _, err := st.PutEntry(c, okey, e); err != nil {
		t.Fatal(err)
	}
	err := st.UpdateManifest(c, mkey, okey, func(current []byte, tx *cache.ManifestTx) ([]byte, error) {
		m, dropped := manifest.AddTo(current, manifest.Entry{Includes: []manifest.Include{inc}, Object: okey}, 32)
		for _, gone := range dropped {
			tx.DropObject(gone)
		}
		return m.Encode(), nil
	})
	if err != nil && !isNotFound(err) {
		t.Fatal(err)
	}
	record := []byte(strings.Repeat(fmt.Sprintf("/src/project/include/header%d.h: stat data and hash\n", v), 20))
	if err := st.PutStatRecord(c, mkey, record); err != nil {
		t.Fatal(err)
	}
	if err := st.PutSourceRecord(c, fmt.Sprintf("/src/project/src%d.c", source), []byte("a source's record, about this long\n")); err != nil {
		t.Fatal(err)
	}
	return okey
}

// onDisk returns the size of every file the store counts, found by walking
// the manifest and object sections: entries, manifests and stat records
// (not the sections' lock, counter and trim-lock files).
func onDisk(t *testing.T, dir string) int64 {
	t.Helper()
	var total int64
	for _, area := range []string{"manifests", "objects"} {
		err := filepath.WalkDir(filepath.Join(dir, area), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || sectionFile(d.Name()) {
				return err
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			total += fi.Size()
			return nil
		})
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	return total
}

// sectionFile reports whether name is one of a section's own files, which
// the limit does not count.
func sectionFile(name string) bool {
	return name == ".lock" || name == ".counters" || name == ".trim"
}

// TestOldStatRecordsAreRemoved: clean removes the uncounted stat/ directory
// of earlier versions, and counts the ledger of a cache made before it.
func TestOldStatRecordsAreRemoved(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	add(t, st, 1, 1, 1000)
	old := filepath.Join(dir, "stat", "ab", strings.Repeat("ab", 32))
	os.MkdirAll(filepath.Dir(old), 0o777)
	os.WriteFile(old, []byte("old record"), 0o666)
	// A cache made before the ledger: no ledger file.
	os.Remove(filepath.Join(dir, "stats", "usage"))
	if _, _, err := Clean(ctx(t), st, CleanOptions{Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "stat")); !os.IsNotExist(err) {
		t.Errorf("clean left the old stat/ directory (%v)", err)
	}
	u, counted, err := st.Ledger(ctx(t))
	if err != nil || !counted || u.Bytes != onDisk(t, dir) {
		t.Errorf("after clean the ledger says %+v (counted %v, %v); the sections hold %d bytes", u, counted, err, onDisk(t, dir))
	}
	wantClean(t, st)
}

// TestTrimFreesWhatItMust: a trim credits what an evicted entry takes with
// it (its manifest's share, the manifest and its stat record), so that it
// leaves the cache near the limit rather than empty (break-it round 5: a
// 1M cache of 19 entries was trimmed to one entry; clean --max-size 600K of
// 1.2M left nothing, and so did a max_files limit).
func TestTrimFreesWhatItMust(t *testing.T) {
	tests := []struct {
		name          string
		limits        Limits
		clean         bool
		entry, record int64
	}{
		{"inline, bytes", Limits{MaxBytes: 1 << 20}, false, 40 << 10, 20 << 10},
		{"clean, bytes", Limits{MaxBytes: 600 << 10}, true, 40 << 10, 20 << 10},
		{"inline, files", Limits{MaxFiles: 80}, false, 40 << 10, 20 << 10},
		{"clean, files", Limits{MaxFiles: 80}, true, 40 << 10, 20 << 10},
		// 300 headers a translation unit: the manifest's record
		// outweighs its entry (break-it round 6: one add emptied it).
		{"inline, header-heavy", Limits{MaxBytes: 1 << 20}, false, 8 << 10, 30 << 10},
		{"clean, header-heavy", Limits{MaxBytes: 600 << 10}, true, 8 << 10, 30 << 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			st := openStore(t, dir)
			r := rand.New(rand.NewPCG(5, 5))
			// Each compile: a 40K entry, its own manifest, a 20K stat
			// record and a source record: a third of what an entry
			// brings is not the entry.
			for n := range 40 {
				okey := addCompileRecord(t, st, r, n, tt.entry, tt.record)
				if !tt.clean {
					if _, err := MaybeTrim(ctx(t), st, cache.SectionOf(okey), tt.limits); err != nil {
						t.Fatal(err)
					}
				}
			}
			if tt.clean {
				if _, _, err := Clean(ctx(t), st, CleanOptions{Limits: tt.limits}); err != nil {
					t.Fatal(err)
				}
			}
			u, err := st.Usage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			if tt.limits.MaxBytes > 0 && (u.Bytes > tt.limits.MaxBytes || float64(u.Bytes) < 0.85*float64(tt.limits.MaxBytes)) {
				t.Errorf("the cache holds %d bytes; want 85%% to 100%% of %d", u.Bytes, tt.limits.MaxBytes)
			}
			if tt.limits.MaxFiles > 0 && (u.Files > tt.limits.MaxFiles || float64(u.Files) < 0.85*float64(tt.limits.MaxFiles)) {
				t.Errorf("the cache holds %d files; want 85%% to 100%% of %d", u.Files, tt.limits.MaxFiles)
			}
			wantClean(t, st)
		})
	}
}

// addCompileRecord is addCompile with its own manifest per compile and a
// stat record of recordSize bytes.
func addCompileRecord(t *testing.T, st *cache.Store, r *rand.Rand, n int, size, recordSize int64) digest.Sum {
	t.Helper()
	okey := addCompile(t, st, r, 1000+n, n, size)
	mkey := digest.Of(fmt.Appendf(nil, "manifest %d", 1000+n))
	if err := st.PutStatRecord(context.Background(), mkey, noise[:recordSize]); err != nil {
		t.Fatal(err)
	}
	return okey
}

// TestTrimBesideStuckLocks: a section lock or the trim lock held by a
// stuck process does not stop eviction (break-it round 5: every add waited
// the lock timeout and failed to trim, and the cache grew to 175%; a held
// trim lock let it grow to 362%), and a stuck ledger lock fails no add and
// no trim (round 6: every miss waited the lock timeout).
func TestTrimBesideStuckLocks(t *testing.T) {
	flockBin, err := exec.LookPath("flock")
	if err != nil {
		t.Skip("needs flock(1) (util-linux)")
	}
	for _, held := range []string{"a section lock", "the trim lock", "the ledger lock"} {
		t.Run(held, func(t *testing.T) {
			dir := t.TempDir()
			st := openStore(t, dir)
			limits := Limits{MaxBytes: 200 << 10}
			r := rand.New(rand.NewPCG(6, 6))
			okey := addCompile(t, st, r, 1, 0, 10<<10)
			okey0 := okey[0]
			lock := filepath.Join(dir, "objects", fmt.Sprintf("%02x", okey0), ".lock")
			switch held {
			case "the trim lock":
				lock = filepath.Join(dir, "objects", ".trim")
				os.WriteFile(lock, nil, 0o666)
			case "the ledger lock":
				lock = filepath.Join(dir, "stats", "usage.lock")
			}
			holder := exec.Command(flockBin, lock, "sleep", "60")
			if err := holder.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { holder.Process.Kill(); holder.Wait() })
			time.Sleep(200 * time.Millisecond) // let it take the lock
			// A store whose lock waits end soon, as a launcher's do.
			short, err := cache.Open(dir, cache.Options{LockTimeout: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			for n := range 60 {
				if mkey, okey := compileKeys(n%30+2, n); held == "a section lock" && (mkey[0] == okey0 || okey[0] == okey0) {
					continue // its own add would wait for the lock, and run uncached
				}
				okey := addCompile(t, short, r, n%30+2, n, 10<<10)
				if _, err := MaybeTrim(ctx(t), short, cache.SectionOf(okey), limits); err != nil {
					t.Fatalf("add %d: %v", n, err)
				}
			}
			if held == "the ledger lock" {
				// The holder's mark tells other processes to wait only
				// briefly; the trims used the section sum.
				if _, err := os.Stat(filepath.Join(dir, "stats", "usage.stuck")); err != nil {
					t.Errorf("no mark of the stuck ledger lock: %v", err)
				}
			}
			if held := onDisk(t, dir); float64(held) > ceiling*float64(limits.MaxBytes) {
				t.Errorf("the cache holds %d bytes, over %.0f%% of %d", held, 100*ceiling, limits.MaxBytes)
			}
		})
	}
}

// compileKeys returns the manifest and object keys addCompile uses for
// source, variant v.
func compileKeys(source, v int) (mkey, okey digest.Sum) {
	mkey = digest.Of(fmt.Appendf(nil, "manifest %d", source))
	inc := manifest.Include{Path: fmt.Sprintf("inc/h%d.h", v), Size: int64(v), Hash: digest.Of(fmt.Appendf(nil, "%d", v))}
	return mkey, manifest.ObjectKey(mkey, []manifest.Include{inc})
}

// TestLedgerTooHigh: a ledger that says far more than the cache holds (an
// older objcache's clean emptied the cache behind it; damaged counters
// then clear) does not make every add evict everything (break-it round 5:
// 0 entries kept, 0 hits in 47 calls): a trim that lists the whole cache
// measures it and puts the ledger right, and clear reconciles it.
func TestLedgerTooHigh(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	limits := Limits{MaxBytes: 200 << 10}
	r := rand.New(rand.NewPCG(7, 7))
	// As an older objcache's clean leaves it: the ledger counted, and 10M
	// more than the (empty) cache holds.
	if err := os.WriteFile(filepath.Join(dir, "stats", "usage"), []byte("bytes 10485760\ncounted 1\nfiles 500\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	for n := range 5 {
		okey := addCompile(t, st, r, n, n, 10<<10)
		if _, err := MaybeTrim(ctx(t), st, cache.SectionOf(okey), limits); err != nil {
			t.Fatal(err)
		}
	}
	if objs := countFiles(t, dir, "objects"); objs != 5 {
		t.Errorf("%d of 5 entries kept under a ledger that said 10M too much", objs)
	}
	wantClean(t, st)

	// Damaged counters, then clear.
	for _, f := range globCounters(t, dir) {
		os.WriteFile(f, []byte("garbage"), 0o666)
	}
	if _, err := Clear(ctx(t), st, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if u, _, _ := st.Ledger(ctx(t)); u != (cache.SectionUsage{}) {
		t.Errorf("after clear the ledger says %+v", u)
	}
	wantClean(t, st)
}

// countFiles counts the key-named files in an area.
func countFiles(t *testing.T, dir, area string) int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, area, "??", "*"))
	n := 0
	for _, f := range files {
		if !strings.Contains(filepath.Base(f), ".") {
			n++
		}
	}
	return n
}

// globCounters lists the section counter files.
func globCounters(t *testing.T, dir string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*", "??", ".counters"))
	return files
}
