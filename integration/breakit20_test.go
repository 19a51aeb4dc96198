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

// Round 20's other three finds, fixed at stop 25, and a class found while
// fixing them: each fails on 13a8718.

// TestCalledAs: clang takes its driver mode and target from the name it
// is called by: clang++ compiles a .c file as C++ and
// aarch64-linux-gnu-clang targets aarch64, from the one binary that clang
// runs. Each name misses and gets its own object.
func TestCalledAs(t *testing.T) {
	clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
	e := newEnv(t)
	real, err := filepath.EvalSymlinks(clang)
	if err != nil {
		t.Fatal(err)
	}
	e.write("a.c", "#ifdef __cplusplus\nint in_cxx;\n#else\nint in_c;\n#endif\n")
	bin := filepath.Join(e.work, "bin")
	os.MkdirAll(bin, 0o777)
	for _, name := range []string{"clang", "clang++", "aarch64-linux-gnu-clang", "x86_64-linux-gnu-clang++"} {
		os.Symlink(real, filepath.Join(bin, name))
	}
	for _, name := range []string{"clang", "clang++", "aarch64-linux-gnu-clang", "x86_64-linux-gnu-clang++"} {
		sameAsAlone(t, e, e.work, "a.o", "ref.o", filepath.Join(bin, name), "-Wno-deprecated", "-c", "a.c", "-o", "a.o")
	}
	e.wantStats(map[string]int64{"misses": 4})
}

// TestClangAutoConfig: clang called with a target prefix reads
// <prefix>-<mode>.cfg beside its binary of its own accord; with one there,
// the call passes through.
func TestClangAutoConfig(t *testing.T) {
	clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
	e := newEnv(t)
	real, err := filepath.EvalSymlinks(clang)
	if err != nil {
		t.Fatal(err)
	}
	driver := filepath.Join(e.work, "tc", "x86_64-linux-gnu-clang")
	os.MkdirAll(filepath.Dir(driver), 0o777)
	copyFile(t, real, driver)
	e.write("a.c", "#ifndef V\n#define V 1\n#endif\nint v = V;\n")
	sameAsAlone(t, e, e.work, "a.o", "ref.o", driver, "-c", "a.c", "-o", "a.o")
	e.write("tc/x86_64-linux-gnu-clang.cfg", "-DV=7\n")
	sameAsAlone(t, e, e.work, "a.o", "ref.o", driver, "-c", "a.c", "-o", "a.o")
	e.wantStats(map[string]int64{"misses": 1, "uncacheable.clang-config": 1})
}

// TestDriversOwnSpecsFunction: gcc's own specs file calls %:getenv, which
// reads a variable no key holds: its calls pass through, as a -specs=
// file's do.
func TestDriversOwnSpecsFunction(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	driver, libDir := relocatedGCC(t, e, gcc, filepath.Join(e.work, "tc"), "")
	os.WriteFile(filepath.Join(libDir, "specs"), []byte("*cpp:\n+ -DV=%:getenv(MYV 0)\n\n"), 0o666)
	e.write("src/a.c", "int v = V;\n")
	src := filepath.Join(e.work, "src")
	e.setenv("MYV", "1")
	sameAsAlone(t, e, src, "a.o", "ref.o", driver, "-c", "a.c", "-o", "a.o")
	e.setenv("MYV", "2")
	sameAsAlone(t, e, src, "a.o", "ref.o", driver, "-c", "a.c", "-o", "a.o")
	e.wantStats(map[string]int64{"uncacheable.specs-function": 2})
}

// TestDefaultDirLinkRepointed: a header of the compiler's own default
// include directory that is a link to a shorter path elsewhere is named by
// its target; the link re-pointed must miss.
func TestDefaultDirLinkRepointed(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	driver, libDir := relocatedGCC(t, e, gcc, filepath.Join(e.work, "toolchain-with-a-long-name"), "")
	e.write("v1/v.h", "#define V 1\n")
	e.write("v2/v.h", "#define V 2\n")
	link := filepath.Join(libDir, "include", "v.h")
	os.Symlink(filepath.Join(e.work, "v1", "v.h"), link)
	e.write("src/a.c", "#include <v.h>\nint v = V;\n")
	src := filepath.Join(e.work, "src")
	for _, deps := range [][]string{nil, {"-MD"}, {"-MMD"}} {
		args := append([]string{driver, "-c", "a.c", "-o", "a.o"}, deps...)
		os.Remove(link)
		os.Symlink(filepath.Join(e.work, "v1", "v.h"), link)
		sameAsAlone(t, e, src, "a.o", "ref.o", args...)
		os.Remove(link)
		os.Symlink(filepath.Join(e.work, "v2", "v.h"), link)
		e.lastWrite = timeNow()
		sameAsAlone(t, e, src, "a.o", "ref.o", args...)
	}
}
