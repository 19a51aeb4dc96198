package eviction

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

func openStore(t *testing.T, dir string) *cache.Store {
	t.Helper()
	st, err := cache.Open(dir, cache.Options{LockTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// add stores an entry of size bytes for source n, variant v, under the
// manifest of source n, as the launcher does: entry first, then the
// manifest entry, with the cap's dropped objects removed.
func add(t testing.TB, st *cache.Store, n, v, size int) (mkey, okey digest.Sum) {
	mkey = digest.Of(fmt.Appendf(nil, "manifest %d", n))
	inc := manifest.Include{Path: fmt.Sprintf("h%d.h", v), Size: int64(v), Hash: digest.Of(fmt.Appendf(nil, "%d", v))}
	okey = manifest.ObjectKey(mkey, []manifest.Include{inc})
	e := &cache.Entry{ManifestKey: mkey, Outputs: []cache.Output{{Kind: "object", Data: bytes.Repeat([]byte{byte(n)}, size)}}}
	if _, err := st.PutEntry(context.Background(), okey, e); err != nil {
		t.Fatal(err)
	}
	err := st.UpdateManifest(context.Background(), mkey, okey, func(current []byte, tx *cache.ManifestTx) ([]byte, error) {
		m, dropped := manifest.AddTo(current, manifest.Entry{Includes: []manifest.Include{inc}, Object: okey}, 4)
		for _, gone := range dropped {
			tx.DropObject(gone)
		}
		return m.Encode(), nil
	})
	if err != nil && !isNotFound(err) {
		t.Fatal(err)
	}
	return mkey, okey
}

func isNotFound(err error) bool {
	return err != nil && bytes.Contains([]byte(err.Error()), []byte(cache.ErrNotFound.Error()))
}

func mustCheck(t *testing.T, st *cache.Store, opts CheckOptions) *Report {
	t.Helper()
	rep, err := Check(ctx(t), st, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func wantClean(t *testing.T, st *cache.Store) {
	t.Helper()
	if rep := mustCheck(t, st, CheckOptions{Checksums: true}); rep.Total() != 0 {
		t.Fatalf("verify found %v", rep.Found)
	}
}

func TestChunk(t *testing.T) {
	cands := make([]candidate, 8)
	for i := range cands {
		cands[i].file.Size = 100
	}
	tests := []struct {
		name string
		need cache.SectionUsage
		w    weight
		want int
	}{
		{"nothing", cache.SectionUsage{}, weight{1, 1}, 1},
		{"one byte", cache.SectionUsage{Bytes: 1}, weight{1, 1}, 1},
		{"half of 400 bytes", cache.SectionUsage{Bytes: 400}, weight{1, 1}, 2},
		{"half of 401 bytes", cache.SectionUsage{Bytes: 401}, weight{1, 1}, 3},
		{"half of 4 files", cache.SectionUsage{Files: 4}, weight{1, 1}, 2},
		{"bytes and files", cache.SectionUsage{Bytes: 200, Files: 6}, weight{1, 1}, 3},
		{"more than there is", cache.SectionUsage{Bytes: 1 << 20}, weight{1, 1}, 8},
		{"entries that take their manifests along", cache.SectionUsage{Bytes: 800}, weight{4, 1}, 1},
		{"half of 1600 bytes at weight 2", cache.SectionUsage{Bytes: 1600}, weight{2, 1}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := chunk(cands, tt.need, tt.w); got != tt.want {
				t.Errorf("chunk = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestTrimKeepsManifestsConsistent fills a cache far over a small limit,
// trimming after every add as the launcher does, and checks that it stays
// near the limit and that no manifest entry ever names a missing object.
func TestTrimKeepsManifestsConsistent(t *testing.T) {
	st := openStore(t, t.TempDir())
	limits := Limits{MaxBytes: 256 * 1024}
	evicted := 0
	for n := range 600 {
		_, okey := add(t, st, n%150, n, 900)
		res, err := MaybeTrim(ctx(t), st, cache.SectionOf(okey), limits)
		if err != nil {
			t.Fatal(err)
		}
		evicted += res.Evicted
	}
	if evicted == 0 {
		t.Fatal("nothing was evicted")
	}
	u, err := st.Usage(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if u.Bytes > limits.MaxBytes {
		t.Errorf("cache holds %d bytes, over the %d limit", u.Bytes, limits.MaxBytes)
	}
	t.Logf("evicted %d; %d bytes in %d files left", evicted, u.Bytes, u.Files)
	wantClean(t, st)
}

// TestCheckFindsAndRepairs damages a cache in each way verify knows, and
// checks that verify counts each problem, --repair fixes it, and a second
// verify finds nothing.
func TestCheckFindsAndRepairs(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	var objs []digest.Sum
	for n := range 12 {
		_, okey := add(t, st, n, n, 300)
		objs = append(objs, okey)
	}
	wantClean(t, st)
	objPath := func(k digest.Sum) string {
		return filepath.Join(dir, "objects", fmt.Sprintf("%02x", k[0]), k.String())
	}
	manPath := func(n int) string {
		k := digest.Of(fmt.Appendf(nil, "manifest %d", n))
		return filepath.Join(dir, "manifests", fmt.Sprintf("%02x", k[0]), k.String())
	}
	// Dangling: an object removed by hand.
	os.Remove(objPath(objs[0]))
	// Orphan: a manifest removed by hand leaves its object.
	os.Remove(manPath(1))
	// Corrupt: a flipped byte.
	data, _ := os.ReadFile(objPath(objs[2]))
	data[len(data)/2] ^= 1
	os.WriteFile(objPath(objs[2]), data, 0o666)
	// Unreadable manifest.
	os.WriteFile(manPath(3), []byte("garbage"), 0o666)
	// Old tmp file.
	old := filepath.Join(dir, "tmp", "objcache-dead.tmp")
	os.WriteFile(old, []byte("x"), 0o666)
	os.Chtimes(old, time.Now().Add(-2*time.Hour), time.Now().Add(-2*time.Hour))
	// Stray file, in a section that may not exist yet (sections are made
	// on first use).
	os.MkdirAll(filepath.Join(dir, "objects", "00"), 0o777)
	os.WriteFile(filepath.Join(dir, "objects", "00", "junk"), nil, 0o666)

	want := map[string]int{
		ProblemDangling:    1,
		ProblemOrphan:      2, // manifest 1's object, and manifest 3's, whose manifest is unreadable
		ProblemCorrupt:     1,
		ProblemBadManifest: 1,
		ProblemOldTmp:      1,
		ProblemCounters:    4, // the sections where files were removed, changed or written by hand
		ProblemStray:       1,
	}
	rep := mustCheck(t, st, CheckOptions{Checksums: true})
	for _, kind := range Problems {
		if kind == ProblemCounters {
			if rep.Found[kind] == 0 {
				t.Errorf("%s: found none", kind)
			}
			continue
		}
		if rep.Found[kind] != want[kind] {
			t.Errorf("%s: found %d, want %d", kind, rep.Found[kind], want[kind])
		}
	}
	fixed := mustCheck(t, st, CheckOptions{Checksums: true, Repair: true})
	for kind, n := range fixed.Found {
		if fixed.Repaired[kind] != n {
			t.Errorf("%s: repaired %d of %d", kind, fixed.Repaired[kind], n)
		}
	}
	wantClean(t, st)
	// The untouched entries survived.
	for _, k := range objs[4:] {
		if ok, _ := st.HasEntry(ctx(t), k); !ok {
			t.Errorf("repair removed a good entry %s", k)
		}
	}
}

// TestCapDropsObject checks that an entry falling off a manifest's cap
// takes its object with it.
func TestCapDropsObject(t *testing.T) {
	st := openStore(t, t.TempDir())
	var objs []digest.Sum
	for v := range 6 { // the cap in add is 4
		_, okey := add(t, st, 7, v, 100)
		objs = append(objs, okey)
	}
	for i, k := range objs {
		ok, err := st.HasEntry(ctx(t), k)
		if err != nil {
			t.Fatal(err)
		}
		if want := i >= 2; ok != want {
			t.Errorf("object %d: exists = %v, want %v", i, ok, want)
		}
	}
	wantClean(t, st)
}

func TestCleanOlderThanAndClear(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	var objs []digest.Sum
	for n := range 20 {
		_, okey := add(t, st, n, n, 200)
		objs = append(objs, okey)
	}
	// Age half the entries.
	for _, k := range objs[:10] {
		p := filepath.Join(dir, "objects", fmt.Sprintf("%02x", k[0]), k.String())
		os.Chtimes(p, time.Now().Add(-48*time.Hour), time.Now().Add(-48*time.Hour))
	}
	res, rep, err := Clean(ctx(t), st, CleanOptions{OlderThan: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if res.Evicted != 10 || res.RemovedManifests != 10 {
		t.Errorf("clean --older-than: evicted %d, removed %d manifests; want 10, 10", res.Evicted, res.RemovedManifests)
	}
	if rep.Total() != 0 {
		t.Errorf("clean found problems in a sound cache: %v", rep.Found)
	}
	wantClean(t, st)
	cleared, err := Clear(ctx(t), st, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if cleared.Entries != 10 || cleared.Manifests != 10 {
		t.Errorf("clear removed %d entries and %d manifests, want 10 and 10", cleared.Entries, cleared.Manifests)
	}
	if u, _ := st.Usage(ctx(t)); u != (cache.SectionUsage{}) {
		t.Errorf("after clear the counters say %+v", u)
	}
	stats, _ := st.Stats(ctx(t))
	if stats[StatEvicted] != 10 {
		t.Errorf("statistics count %d evicted, want 10 (clear keeps them)", stats[StatEvicted])
	}
	wantClean(t, st)
}

// TestConcurrentAddTrimClean runs adders that trim, a cleaner and a checker
// at once on two Stores (as two processes would), and checks the cache is
// sound at rest.
func TestConcurrentAddTrimClean(t *testing.T) {
	dir := t.TempDir()
	stores := []*cache.Store{openStore(t, dir), openStore(t, dir)}
	limits := Limits{MaxBytes: 256 * 2048}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := stores[w%2]
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for range 300 {
				n := r.IntN(80)
				_, okey := add(t, st, n, r.IntN(6), 500+r.IntN(1000))
				if _, err := MaybeTrim(context.Background(), st, cache.SectionOf(okey), limits); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	var side sync.WaitGroup
	side.Add(1)
	go func() {
		defer side.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, _, err := Clean(context.Background(), stores[1], CleanOptions{Limits: limits}); err != nil {
				t.Error(err)
				return
			}
			if rep, err := Check(context.Background(), stores[0], CheckOptions{Checksums: true}); err != nil {
				t.Error(err)
				return
			} else if rep.Found[ProblemCorrupt] > 0 || rep.Found[ProblemBadManifest] > 0 {
				t.Errorf("a reader saw damage: %v", rep.Found)
			}
		}
	}()
	wg.Wait()
	close(stop)
	side.Wait()
	if _, _, err := Clean(ctx(t), stores[0], CleanOptions{Limits: limits}); err != nil {
		t.Fatal(err)
	}
	wantClean(t, stores[1])
	if held := onDisk(t, dir); held > limits.MaxBytes {
		t.Errorf("at rest the cache holds %d bytes, over the %d limit", held, limits.MaxBytes)
	}
}
