package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
)

// corpus returns the directory of a Debian source package fetched by
// ../shared/corpus/fetch-debian-src into $OBJCACHE_CORPUS, or skips.
func corpus(t *testing.T, pkg string) string {
	t.Helper()
	root := os.Getenv("OBJCACHE_CORPUS")
	if root == "" {
		t.Skipf("OBJCACHE_CORPUS is not set: run ../shared/corpus/fetch-debian-src DIR lua5.4 zlib and set OBJCACHE_CORPUS=DIR (.ci/run does)")
	}
	dir := filepath.Join(root, pkg)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("%s is missing: run ../shared/corpus/fetch-debian-src %s %s", dir, root, pkg)
	}
	return dir
}

// copyTree copies a source tree, so that builds never touch the corpus.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	if out, err := exec.Command("cp", "-a", from, to).CombinedOutput(); err != nil {
		t.Fatalf("copy %s: %v\n%s", from, err, out)
	}
}

// objects reads every *.o under dir, by path relative to dir.
func objects(t *testing.T, dir string) map[string]string {
	t.Helper()
	found := map[string]string{}
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && filepath.Ext(p) == ".o" {
			data, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			found[rel] = string(data)
		}
		return nil
	})
	return found
}

func compareObjects(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(want) == 0 {
		t.Fatalf("%s: the reference build produced no objects", what)
	}
	var names []string
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if got[n] != want[n] {
			t.Errorf("%s: %s differs from the uncached build", what, n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d objects, want %d", what, len(got), len(want))
	}
}

// TestLuaWithMake builds lua5.4 with make CC="objcache gcc": a clean
// rebuild is all direct hits, objects byte-identical to an uncached build.
func TestLuaWithMake(t *testing.T) {
	src := corpus(t, "lua5.4")
	requireTool(t, "make", "apt-get install -y make")
	e := newEnv(t)
	tree := filepath.Join(e.work, "lua")
	copyTree(t, src, tree)
	build := func(cc string) {
		t.Helper()
		if o := e.runIn(tree, "make", "-s", "-j2", "-C", "src", "clean"); o.code != 0 {
			t.Fatal(o)
		}
		if o := e.runIn(tree, "make", "-s", "-j2", "-C", "src", "linux", "CC="+cc); o.code != 0 {
			t.Fatalf("make CC=%q: %v", cc, o)
		}
	}
	build("gcc -std=gnu99")
	want := objects(t, tree)
	build(objcacheBin + " gcc -std=gnu99")
	compareObjects(t, "cold build", objects(t, tree), want)
	cold := e.stats()
	build(objcacheBin + " gcc -std=gnu99")
	compareObjects(t, "warm build", objects(t, tree), want)
	warm := e.stats()
	hits := warm["hits"] - cold["hits"]
	if hits != int64(len(want)) || warm["misses"] != cold["misses"] {
		t.Errorf("warm build: %d hits and %d new misses, want %d hits and none", hits, warm["misses"]-cold["misses"], len(want))
	}
	t.Logf("lua5.4: %d objects; cold build %d misses, warm build %d direct hits", len(want), cold["misses"], hits)
}

// TestZlibWithCMake builds zlib with CMAKE_C_COMPILER_LAUNCHER=objcache
// (Ninja, whose builds pass -MD -MT -MF): a clean rebuild is all direct
// hits, objects byte-identical to an uncached build.
func TestZlibWithCMake(t *testing.T) {
	src := corpus(t, "zlib")
	requireTool(t, "cmake", "apt-get install -y cmake")
	requireTool(t, "ninja", "apt-get install -y ninja-build")
	e := newEnv(t)
	tree := filepath.Join(e.work, "zlib")
	copyTree(t, src, tree)
	// Debian's zlib source leaves out win32/, which CMakeLists.txt names
	// (a resource file, compiled only on Windows).
	if err := os.MkdirAll(filepath.Join(tree, "win32"), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tree, "win32", "zlib1.rc"), nil, 0o666); err != nil {
		t.Fatal(err)
	}
	buildDir := filepath.Join(e.work, "build")
	build := func(launcher bool) map[string]string {
		t.Helper()
		os.RemoveAll(buildDir)
		args := []string{"-S", tree, "-B", buildDir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release"}
		if launcher {
			args = append(args, "-DCMAKE_C_COMPILER_LAUNCHER="+objcacheBin)
		}
		if o := e.run("cmake", args...); o.code != 0 {
			t.Fatalf("cmake: %v", o)
		}
		if o := e.run("ninja", "-C", buildDir); o.code != 0 {
			t.Fatalf("ninja: %v", o)
		}
		return objects(t, buildDir)
	}
	want := build(false)
	compareObjects(t, "cold build", build(true), want)
	cold := e.stats()
	compareObjects(t, "warm build", build(true), want)
	warm := e.stats()
	hits := warm["hits"] - cold["hits"]
	if hits != int64(len(want)) || warm["misses"] != cold["misses"] {
		t.Errorf("warm build: %d hits and %d new misses, want %d hits and none (stats %v)", hits, warm["misses"]-cold["misses"], len(want), warm)
	}
	t.Logf("zlib: %d objects; cold build %d misses, warm build %d direct hits", len(want), cold["misses"], hits)
}
