package cache

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestOpenLayout(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "new", "cache")
	s := openStore(t, dir, Options{})
	tag, err := os.ReadFile(filepath.Join(dir, tagName))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(tag), "Signature: 8a477f597d28d172789f06886806bc55\n#") {
		t.Errorf("CACHEDIR.TAG = %q", tag)
	}
	for _, p := range []string{"stats/0.lock", "stats/15.lock", "tmp"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			t.Error(err)
		}
	}
	// Sections are made by their first writer, not by Open nor by readers.
	if _, err := os.Stat(filepath.Join(dir, "objects")); err == nil {
		t.Error("Open made the sections")
	}
	if _, err := s.GetEntry(ctx(t), key(0x12, 1), 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetEntry in a new cache: %v", err)
	}
	if _, err := s.Usage(ctx(t)); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "objects", "12")); err == nil {
		t.Error("a reader made a section")
	}
	if _, err := s.PutEntry(ctx(t), key(0xa7, 1), sampleEntry(1, 10)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "objects", "a7", lockName)); err != nil {
		t.Error(err)
	}
	// Opening again, also concurrently with a half-made layout, is harmless.
	if err := os.Remove(filepath.Join(dir, tagName)); err != nil {
		t.Fatal(err)
	}
	openStore(t, dir, Options{})
	if s.Dir() != dir {
		t.Errorf("Dir() = %q, want %q", s.Dir(), dir)
	}
}

// TestUmask checks the modes of what the store creates, which follow
// Options.Umask whatever the process umask.
func TestUmask(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	for _, umask := range []uint32{0o002, 0o077} {
		dir := t.TempDir()
		s := openStore(t, dir, Options{Umask: umask})
		k := key(0x5c, 1)
		if _, err := s.PutEntry(ctx(t), k, sampleEntry(1, 10)); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateManifest(ctx(t), k, k, appendLine("x")); err != nil {
			t.Fatal(err)
		}
		if err := s.AddStats(ctx(t), Counters{"x": 1}); err != nil {
			t.Fatal(err)
		}
		wantDir := fs.ModeDir | fs.FileMode(0o777&^umask)
		wantFile := fs.FileMode(0o666 &^ umask)
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || path == dir {
				return err
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			want := wantFile
			if d.IsDir() {
				want = wantDir
			}
			if fi.Mode() != want {
				t.Errorf("umask %03o: %s has mode %v, want %v", umask, path, fi.Mode(), want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
