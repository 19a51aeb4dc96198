package beside

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

func create(path string, perm os.FileMode) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
}

func forget(string) {}

func TestNames(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ name, base string }{
		{"short", "a.o"},
		{"long", strings.Repeat("n", 250) + ".o"},
		{"multibyte at the cut", strings.Repeat("é", 120) + ".o"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, got := range []string{Path(filepath.Join(dir, tt.base), 3), Random(filepath.Join(dir, tt.base))} {
				name := filepath.Base(got)
				if filepath.Dir(got) != dir || len(name) > nameMax || !utf8.ValidString(name) || !strings.HasPrefix(name, ".") {
					t.Errorf("name %q (%d bytes)", name, len(name))
				}
				if !IsName(name) {
					t.Errorf("IsName(%q) = false", name)
				}
				f, err := create(got, 0o666)
				if err != nil {
					t.Fatalf("the name is not usable: %v", err)
				}
				f.Close()
			}
		})
	}
	for _, name := range []string{"a.o", ".a.o", ".a.o.tmp", ".a.o.objcache-.tmp", ".a.o.objcache-x1.tmp"} {
		if IsName(name) {
			t.Errorf("IsName(%q) = true", name)
		}
	}
}

// TestReclaim checks that a temporary whose writer holds it is left alone,
// and one that nobody holds (a killed writer's) is removed, by Create
// itself and by ReclaimSlots and Sweep.
func TestReclaim(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no temporary is reclaimed on Windows")
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "out.o")
	live, err := Create(target, 0o644, create, forget)
	if err != nil {
		t.Fatal(err)
	}
	if live.Path != Path(target, 0) {
		t.Errorf("first temporary %s, want slot 0", live.Path)
	}
	if Reclaim(live.Path) {
		t.Fatal("a live writer's temporary was reclaimed")
	}
	// A killed writer's: a file in slot 1 that no one has locked.
	dead := Path(target, 1)
	if err := os.WriteFile(dead, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	next, err := Create(target, 0o644, create, forget)
	if err != nil {
		t.Fatal(err)
	}
	if next.Path != dead {
		t.Errorf("second writer took %s, want the dead writer's slot %s", next.Path, dead)
	}
	// Slot 2 is dead too; the live writers stay.
	os.WriteFile(Path(target, 2), nil, 0o644)
	if n := ReclaimSlots(target, next.Path); n != 1 {
		t.Errorf("ReclaimSlots removed %d, want 1", n)
	}
	os.WriteFile(Path(target, 5), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "other.o"), nil, 0o644)
	removed, left, err := Sweep(dir)
	if err != nil || removed != 1 || left != 2 {
		t.Errorf("Sweep removed %d, left %d (%v); want 1 removed and the 2 live ones left", removed, left, err)
	}
	for _, tmp := range []*Temp{live, next} {
		tmp.File.Close()
		os.Remove(tmp.Path)
		tmp.Release()
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left in the directory: %v", entries)
	}
}

// TestReclaimSparesOtherFiles checks that Reclaim removes nothing but a
// regular file: a symbolic link or a FIFO named like a temporary stays.
func TestReclaimSparesOtherFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no temporary is reclaimed on Windows")
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "out.o")
	os.WriteFile(filepath.Join(dir, "victim"), []byte("keep"), 0o644)
	if err := os.Symlink("victim", Path(target, 0)); err != nil {
		t.Fatal(err)
	}
	if Reclaim(Path(target, 0)) {
		t.Error("a symbolic link was reclaimed")
	}
	if _, err := os.Lstat(Path(target, 0)); err != nil {
		t.Error(err)
	}
}
