//go:build linux

package integration

import (
	"path/filepath"
	"testing"
	"time"
)

// TestFilesDotDotPaths names files through a symbolic link followed by
// "..": the kernel resolves ".." in the directory the link leads to, so
// other/link/../u.o is deep/u.o when other/link leads to deep/sub. objcache
// must write, read and hash the files the compiler does: it used to clean
// the path lexically and write other/u.o.
func TestFilesDotDotPaths(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	setup := func(t *testing.T, dir string) {
		files("u.c", "#include \"other/link/../h.h\"\nint x = X;\n", "deep/h.h", "#define X 1\n",
			"other/h.h", "#define X 2\n", "deep/sub/keep", "")(t, dir)
		symlink(t, "../deep/sub", filepath.Join(dir, "other", "link"))
	}
	changeHeader := func(t *testing.T, dir string) {
		files("deep/h.h", "#define X 3\n")(t, dir)
		time.Sleep(50 * time.Millisecond)
	}
	for _, args := range [][]string{
		{"gcc", "-c", "u.c", "-o", "other/link/../u.o"},
		{"gcc", "-c", "u.c", "-MD", "-MF", "other/link/../u.d", "-o", "other/link/../u.o"},
	} {
		t.Run(args[len(args)-1], func(t *testing.T) {
			runTwins(t, newEnv(t), setup,
				twinStep{args: args},
				twinStep{args: args},
				twinStep{prep: changeHeader, args: args})
		})
	}
}
