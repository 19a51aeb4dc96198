package cache

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/objcache/objcache/digest"
)

// TestReadOnlyMissingDir: a read-only store on a directory that does not
// exist is an empty cache, and stays nonexistent.
func TestReadOnlyMissingDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "cache")
	s, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	k := key(1, 1)
	if _, err := s.GetEntry(ctx(t), k, time.Hour); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetEntry: err = %v, want ErrNotFound", err)
	}
	if _, err := s.GetManifest(ctx(t), k); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetManifest: err = %v, want ErrNotFound", err)
	}
	if ok, err := s.HasEntry(ctx(t), k); ok || err != nil {
		t.Errorf("HasEntry = %v, %v", ok, err)
	}
	if added, err := s.PutEntry(ctx(t), k, sampleEntry(1, 10)); added || err != nil {
		t.Errorf("PutEntry = %v, %v", added, err)
	}
	if err := s.UpdateManifest(ctx(t), k, digest.Sum{}, appendLine("x")); err != nil {
		t.Errorf("UpdateManifest: %v", err)
	}
	if err := s.ZeroStats(ctx(t)); err != nil {
		t.Errorf("ZeroStats: %v", err)
	}
	if c, err := s.Stats(ctx(t)); len(c) != 0 || err != nil {
		t.Errorf("Stats = %v, %v", c, err)
	}
	if u, err := s.Usage(ctx(t)); u != (SectionUsage{}) || err != nil {
		t.Errorf("Usage = %v, %v", u, err)
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) {
		t.Errorf("read-only store created its directory (%v)", err)
	}
	// Counting is the one write: as ccache does, the calls of a job that
	// only reads are counted even in a cache that did not exist, which
	// gets its empty layout and nothing else.
	if err := s.AddStats(ctx(t), Counters{"x": 1}); err != nil {
		t.Errorf("AddStats: %v", err)
	}
	if c, err := s.Stats(ctx(t)); c["x"] != 1 || err != nil {
		t.Errorf("Stats = %v, %v; want x counted", c, err)
	}
	if u, err := s.Usage(ctx(t)); u != (SectionUsage{}) || err != nil {
		t.Errorf("Usage = %v, %v", u, err)
	}
	for _, area := range []string{"manifests", "objects"} {
		if _, err := os.Lstat(filepath.Join(dir, area)); !os.IsNotExist(err) {
			t.Errorf("read-only store made %s (%v)", area, err)
		}
	}
}

// TestReadOnlyWritesNothing: every operation of a read-only store on a
// populated cache, corrupt entries and stale mtimes included, leaves every
// file as it was, but for the counters it adds to.
func TestReadOnlyWritesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := openStore(t, dir, Options{})
	good, bad, mk := key(1, 1), key(2, 2), key(3, 3)
	if _, err := w.PutEntry(ctx(t), good, sampleEntry(1, 100)); err != nil {
		t.Fatal(err)
	}
	putRaw(t, w, bad, []byte("not an entry"))
	if err := w.UpdateManifest(ctx(t), mk, good, appendLine("x")); err != nil {
		t.Fatal(err)
	}
	if err := w.AddStats(ctx(t), Counters{"hits": 3}); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	if err := os.Chtimes(w.objectSection(good).file(good), old, old); err != nil {
		t.Fatal(err)
	}
	// Remove one section's lock file: a read-only store must not make it.
	if err := os.Remove(w.manifestSection(key(0xfe, 0)).lockPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	before := snapshot(t, dir)

	s := openStore(t, dir, Options{ReadOnly: true})
	if e, err := s.GetEntry(ctx(t), good, time.Hour); err != nil || !equalEntry(e, sampleEntry(1, 100)) {
		t.Errorf("GetEntry(good) = %v, %v", e, err)
	}
	if _, err := s.GetEntry(ctx(t), bad, time.Hour); !errors.Is(err, ErrCorrupt) {
		t.Errorf("GetEntry(bad): err = %v, want ErrCorrupt", err)
	}
	if _, err := s.GetManifest(ctx(t), key(0xfe, 0)); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetManifest without lock file: err = %v, want ErrNotFound", err)
	}
	if data, err := s.GetManifest(ctx(t), mk); err != nil || string(data) != "x\n" {
		t.Errorf("GetManifest = %q, %v", data, err)
	}
	called := false
	if err := s.UpdateManifest(ctx(t), mk, good, func([]byte, *ManifestTx) ([]byte, error) { called = true; return nil, nil }); err != nil || called {
		t.Errorf("UpdateManifest: err %v, update called %v", err, called)
	}
	if added, err := s.PutEntry(ctx(t), key(4, 4), sampleEntry(4, 10)); added || err != nil {
		t.Errorf("PutEntry = %v, %v", added, err)
	}
	if err := s.AddStats(ctx(t), Counters{"hits": 1}); err != nil {
		t.Error(err)
	}
	if err := s.ZeroStats(ctx(t)); err != nil {
		t.Error(err)
	}
	if c, err := s.Stats(ctx(t)); err != nil || c["hits"] != 4 {
		t.Errorf("Stats = %v, %v; want the read-only store's hit counted", c, err)
	}
	if _, err := s.Usage(ctx(t)); err != nil {
		t.Error(err)
	}
	for _, p := range diffSnapshots(before, snapshot(t, dir)) {
		if filepath.Dir(p) != filepath.Join(dir, statsDir) {
			t.Errorf("read-only store changed %s", p)
		}
	}
	// Put the lock file back for the cleanup's checks.
	if err := w.makeLockFile(w.manifestSection(key(0xfe, 0)).lockPath()); err != nil {
		t.Fatal(err)
	}
	// The writable store removes the corrupt entry (and keeps counters
	// right, which the cleanup checks).
	if _, err := w.GetEntry(ctx(t), bad, 0); !errors.Is(err, ErrCorrupt) {
		t.Errorf("GetEntry(bad): err = %v, want ErrCorrupt", err)
	}
}
