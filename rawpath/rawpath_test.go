package rawpath

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestJoinAndDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix paths")
	}
	tests := []struct {
		dir, p, join, pdir string
	}{
		{"/w", "a.c", "/w/a.c", "/w"},
		{"/w/", "a.c", "/w/a.c", "/w"},
		{"/w", "/abs/a.c", "/abs/a.c", "/abs"},
		{"/w", "link/../a.c", "/w/link/../a.c", "/w/link/.."},
		{"/w", "./a.c", "/w/./a.c", "/w/."},
		{"", "a.c", "a.c", "."},
		{"/", "a.c", "/a.c", "/"},
		{"/w", "sub//a.c", "/w/sub//a.c", "/w/sub"},
	}
	for _, tt := range tests {
		got := Join(tt.dir, tt.p)
		if got != tt.join {
			t.Errorf("Join(%q, %q) = %q, want %q", tt.dir, tt.p, got, tt.join)
		}
		if d := Dir(got); d != tt.pdir {
			t.Errorf("Dir(%q) = %q, want %q", got, d, tt.pdir)
		}
	}
}

// TestJoinResolvesAsTheKernel checks the reason for the package: through a
// symbolic link, "link/../x" is x beside the link's target.
func TestJoinResolvesAsTheKernel(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	for _, d := range []string{"deep/sub", "other"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o777); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("../deep/sub", filepath.Join(dir, "other", "link")); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "deep", "x"), []byte("deep"), 0o666)
	os.WriteFile(filepath.Join(dir, "other", "x"), []byte("other"), 0o666)
	p := Join(dir, "other/link/../x")
	data, err := os.ReadFile(p)
	if err != nil || string(data) != "deep" {
		t.Errorf("%s reads %q, %v; want deep/x", p, data, err)
	}
	if d := Dir(p); d != filepath.Join(dir, "other", "link")+"/.." {
		t.Errorf("Dir(%s) = %s", p, d)
	}
}
