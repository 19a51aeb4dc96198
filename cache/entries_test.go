package cache

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestEntryRoundTrip stores and reads entries through a store, with and
// without compression.
func TestEntryRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, level := range []int{-1, 0, 1, 5} {
		s := openStore(t, dir, Options{CompressionLevel: level})
		for i, tt := range roundTripEntries() {
			k := key(byte(i), 100*level+i)
			if ok, err := s.HasEntry(ctx(t), k); ok || err != nil {
				t.Fatalf("HasEntry before put = %v, %v", ok, err)
			}
			if _, err := s.GetEntry(ctx(t), k, 0); !errors.Is(err, ErrNotFound) {
				t.Fatalf("GetEntry before put: err = %v, want ErrNotFound", err)
			}
			added, err := s.PutEntry(ctx(t), k, tt.e)
			if err != nil || !added {
				t.Fatalf("level %d, %s: PutEntry = %v, %v", level, tt.name, added, err)
			}
			got, err := s.GetEntry(ctx(t), k, time.Hour)
			if err != nil {
				t.Fatalf("level %d, %s: GetEntry: %v", level, tt.name, err)
			}
			if !equalEntry(got, tt.e) {
				t.Errorf("level %d, %s: entry changed", level, tt.name)
			}
			if ok, err := s.HasEntry(ctx(t), k); !ok || err != nil {
				t.Errorf("HasEntry after put = %v, %v", ok, err)
			}
			// A second put keeps the first entry.
			if added, err := s.PutEntry(ctx(t), k, sampleEntry(99, 10)); added || err != nil {
				t.Errorf("second PutEntry = %v, %v; want false, nil", added, err)
			}
			if got, _ := s.GetEntry(ctx(t), k, 0); got == nil || !equalEntry(got, tt.e) {
				t.Errorf("level %d, %s: second put replaced the entry", level, tt.name)
			}
		}
	}
}

// TestConcurrentPut has 16 goroutines, on two stores (as two processes
// would), put the same key at once: exactly one adds it.
func TestConcurrentPut(t *testing.T) {
	t.Parallel()
	const goroutines = 16
	dir := t.TempDir()
	stores := []*Store{openStore(t, dir, Options{}), openStore(t, dir, Options{})}
	k := key(0x42, 1)
	var wg sync.WaitGroup
	results := make(chan bool, goroutines)
	for i := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			added, err := stores[i%2].PutEntry(ctx(t), k, sampleEntry(1, 5000))
			if err != nil {
				t.Error(err)
			}
			results <- added
		}()
	}
	wg.Wait()
	close(results)
	n := 0
	for added := range results {
		if added {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d puts added the entry, want 1", n)
	}
	list, err := os.ReadDir(stores[0].objectSection(k).dir)
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	for _, e := range list {
		if !strings.HasPrefix(e.Name(), ".") {
			files++
		}
	}
	if files != 1 {
		t.Errorf("%d entry files in the section, want 1", files)
	}
	// newStore's cleanup checks the counters and tmp/.
}

// TestCorruptEntries stores damaged entry files and checks that GetEntry
// reports each as ErrCorrupt and removes it, keeping the counters right.
func TestCorruptEntries(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, level := range []int{0, 1} {
		s := openStore(t, dir, Options{CompressionLevel: level})
		valid, err := s.codec.encode(sampleEntry(3, 2000))
		if err != nil {
			t.Fatal(err)
		}
		cases := corruptions(valid)
		for name, data := range badPayloads() {
			cases[name] = data
		}
		i := 0
		for name, data := range cases {
			i++
			k := key(byte(i), 1000*level+i)
			putRaw(t, s, k, data)
			_, err := s.GetEntry(ctx(t), k, time.Hour)
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("level %d, %s: err = %v, want ErrCorrupt", level, name, err)
			}
			if _, err := os.Lstat(s.objectSection(k).file(k)); !os.IsNotExist(err) {
				t.Errorf("level %d, %s: corrupt entry still there (%v)", level, name, err)
			}
			if _, err := s.GetEntry(ctx(t), k, 0); !errors.Is(err, ErrNotFound) {
				t.Errorf("level %d, %s: after removal err = %v, want ErrNotFound", level, name, err)
			}
		}
	}
}

// TestCorruptReplacedMeanwhile: a corrupt entry that another process
// replaced by a good one between the read and the removal stays.
func TestCorruptReplacedMeanwhile(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	k := key(5, 5)
	putRaw(t, s, k, []byte("bad"))
	sec := s.objectSection(k)
	path := sec.file(k)
	_, fi, err := readFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Another process removes it and adds a good entry.
	if err := s.removeIfSame(ctx(t), sec, path, fi); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutEntry(ctx(t), k, sampleEntry(5, 100)); err != nil {
		t.Fatal(err)
	}
	// This process, which read the bad one, now tries to remove it.
	if err := s.removeIfSame(ctx(t), sec, path, fi); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetEntry(ctx(t), k, 0); err != nil {
		t.Errorf("good entry gone: %v", err)
	}
}

// TestRefresh checks that a hit touches an entry only when it is older than
// the refresh interval.
func TestRefresh(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		age     time.Duration
		refresh time.Duration
		touched bool
	}{
		{"old entry", 2 * time.Hour, time.Hour, true},
		{"recent entry", time.Minute, time.Hour, false},
		{"refresh off", 2 * time.Hour, 0, false},
	}
	s := newStore(t, Options{})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := key(byte(i), i)
			if _, err := s.PutEntry(ctx(t), k, sampleEntry(i, 10)); err != nil {
				t.Fatal(err)
			}
			path := s.objectSection(k).file(k)
			old := time.Now().Add(-tt.age).Truncate(time.Second)
			if err := os.Chtimes(path, old, old); err != nil {
				t.Fatal(err)
			}
			if _, err := s.GetEntry(ctx(t), k, tt.refresh); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if touched := !fi.ModTime().Equal(old); touched != tt.touched {
				t.Errorf("touched = %v, want %v (mtime %v)", touched, tt.touched, fi.ModTime())
			}
		})
	}
}

// TestCountersAfterMix adds entries and manifests, damages some entries in
// place and reads everything: the counters must match the disk throughout
// (checked by newStore's cleanup at the end, and here in between).
func TestCountersAfterMix(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	for i := range 40 {
		k := key(byte(i%5), i) // a few sections, several files each
		if _, err := s.PutEntry(ctx(t), k, sampleEntry(i, 100*i)); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateManifest(ctx(t), key(byte(i%3), i/2), k, appendLine(k.String())); err != nil {
			t.Fatal(err)
		}
	}
	checkCounters(t, s)
	for i := 0; i < 40; i += 3 {
		k := key(byte(i%5), i)
		path := s.objectSection(k).file(k)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)/2] ^= 1 // same size: the counters stay right
		if err := os.WriteFile(path, data, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 40 {
		k := key(byte(i%5), i)
		_, err := s.GetEntry(ctx(t), k, 0)
		if wantCorrupt := i%3 == 0; wantCorrupt != errors.Is(err, ErrCorrupt) || (!wantCorrupt && err != nil) {
			t.Errorf("entry %d: err = %v", i, err)
		}
	}
	for i := range 20 {
		if i%4 == 0 {
			if err := s.UpdateManifest(ctx(t), key(byte((2*i)%3), i), [32]byte{}, func([]byte, *ManifestTx) ([]byte, error) { return nil, nil }); err != nil {
				t.Fatal(err)
			}
		}
	}
	checkCounters(t, s)
}

// TestPutErrorLeavesNothing: a put that fails after staging leaves nothing
// in tmp/.
func TestPutErrorLeavesNothing(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	k := key(9, 9)
	// Make the entry's place a directory that cannot be replaced by a file.
	path := s.objectSection(k).file(k)
	if err := os.MkdirAll(filepath.Join(path, "x"), 0o777); err != nil {
		t.Fatal(err)
	}
	// Lstat finds something there: the put is a no-op that must clean up.
	if added, err := s.PutEntry(ctx(t), k, sampleEntry(9, 10)); added || err != nil {
		t.Errorf("PutEntry = %v, %v", added, err)
	}
	checkTmpEmpty(t, s)
	if err := os.RemoveAll(path); err != nil {
		t.Fatal(err)
	}
	// tmp/ unusable: staging fails cleanly.
	tmp := filepath.Join(s.Dir(), tmpDir)
	if err := os.Remove(tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tmp, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutEntry(ctx(t), k, sampleEntry(9, 10)); err == nil {
		t.Error("PutEntry with tmp/ a file: no error")
	}
	if err := os.Remove(tmp); err != nil {
		t.Fatal(err)
	}
	// tmp/ missing: made again.
	if added, err := s.PutEntry(ctx(t), k, sampleEntry(9, 10)); !added || err != nil {
		t.Errorf("PutEntry with tmp/ missing = %v, %v", added, err)
	}
}

// TestSectionMadeAgain: a section directory removed by hand is made again
// when it is needed.
func TestSectionMadeAgain(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	k := key(0xab, 1)
	if err := os.RemoveAll(s.objectSection(k).dir); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetEntry(ctx(t), k, 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetEntry: err = %v, want ErrNotFound", err)
	}
	if added, err := s.PutEntry(ctx(t), k, sampleEntry(1, 10)); !added || err != nil {
		t.Fatalf("PutEntry = %v, %v", added, err)
	}
	if e, err := s.GetEntry(ctx(t), k, 0); err != nil || !bytes.Equal(e.Stdout, sampleEntry(1, 10).Stdout) {
		t.Errorf("GetEntry = %v, %v", e, err)
	}
}
