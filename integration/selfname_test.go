package integration

import (
	"os"
	"path/filepath"
	"testing"
)

// TestObjcacheNamedAsItsOwnCompiler: "objcache objcache gcc" (a launcher
// setting on top of CC="objcache gcc") skips objcache and caches, as
// "ccache ccache gcc" does, where objcache used to fail the build with a
// masquerade loop (issue 12, item 14). A path to objcache under a compiler's
// name is a masquerade: it finds the real compiler in PATH.
func TestObjcacheNamedAsItsOwnCompiler(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("hello.c", helloC)
	e.write("hello.h", "#define GREETING \"self\"\n")
	masq := filepath.Join(e.work, "masq")
	os.MkdirAll(masq, 0o777)
	if err := os.Symlink(objcacheBin, filepath.Join(masq, "gcc")); err != nil {
		t.Fatal(err)
	}
	want := e.run("gcc", "-c", "hello.c", "-o", "want.o")
	if want.code != 0 {
		t.Fatal(want)
	}
	calls := [][]string{
		{"objcache", "gcc", "-c", "hello.c", "-o", "hello.o"},
		{objcacheBin, "gcc", "-c", "hello.c", "-o", "hello.o"},
		{"objcache", "objcache", "gcc", "-c", "hello.c", "-o", "hello.o"},
		{filepath.Join(masq, "gcc"), "-c", "hello.c", "-o", "hello.o"},
	}
	for _, args := range calls {
		os.Remove(filepath.Join(e.work, "hello.o"))
		o := e.objcache(args...)
		if o.code != 0 || o.stdout != want.stdout || o.stderr != want.stderr {
			t.Fatalf("objcache %q: %v; want %v", args, o, want)
		}
		if e.read("hello.o") != e.read("want.o") {
			t.Fatalf("objcache %q: object differs from gcc's", args)
		}
	}
	e.wantStats(map[string]int64{"misses": 1, "hits": 3})
}
