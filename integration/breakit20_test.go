package integration

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Regression tests for break-it round 20's finds that are fixed (its
// other three are listed in the stop's note); each fails on 3bcbb3d.

// TestNoCanonicalPrefixes: with -no-canonical-prefixes the driver finds
// its parts beside the link it was started by, which the key (links
// resolved) does not cover: the call passes through.
func TestNoCanonicalPrefixes(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("a.c", "int x;\n")
	sameAsAlone(t, e, e.work, "a.o", "ref.o", gcc, "-no-canonical-prefixes", "-c", "a.c", "-o", "a.o")
	e.wantStats(map[string]int64{"uncacheable.no-canonical-prefixes": 1})
}

// TestOuterSpecsFile: gcc also reads <prefix>/lib/gcc/specs; one that
// appears there changes the compiler.
func TestOuterSpecsFile(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	driver, libDir := relocatedGCC(t, e, gcc, filepath.Join(e.work, "tc"), "")
	// The identity record is kept only for files whose stat data is old
	// enough to stand for their content (statTrustAge, 2 s).
	time.Sleep(2100 * time.Millisecond)
	e.write("src/a.c", "#ifndef V\n#define V 1\n#endif\nint v = V;\n")
	src := filepath.Join(e.work, "src")
	sameAsAlone(t, e, src, "a.o", "ref.o", driver, "-c", "a.c", "-o", "a.o")
	os.WriteFile(filepath.Join(filepath.Dir(filepath.Dir(libDir)), "specs"), []byte("*cpp:\n+ -DV=7\n\n"), 0o666)
	e.lastWrite = timeNow()
	sameAsAlone(t, e, src, "a.o", "ref.o", driver, "-c", "a.c", "-o", "a.o")
}

// TestLongIncludeWithPrefix: --include-prefix/--include-with-prefix are
// -iprefix/-iwithprefix, and take the spelled include list too.
func TestLongIncludeWithPrefix(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("sdk/v1/include/x.h", "#define X 1\n")
	e.write("sdk/v2/include/x.h", "#define X 2\n")
	e.write("src/a.c", "#include <x.h>\nint x = X;\n")
	link := filepath.Join(e.work, "sdk", "current")
	os.Symlink("v1", link)
	args := []string{gcc, "--include-prefix", link + "/", "--include-with-prefix", "include", "-c", "a.c", "-o", "a.o"}
	src := filepath.Join(e.work, "src")
	sameAsAlone(t, e, src, "a.o", "ref.o", args...)
	os.Remove(link)
	os.Symlink("v2", link)
	sameAsAlone(t, e, src, "a.o", "ref.o", args...)
}
