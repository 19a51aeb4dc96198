package integration

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestGeneratedSourcesStored (issue 13, O7): a build that generates
// sources and compiles each at once stores its results, so the next clean
// build hits: make runs the generator and then the compiler within a
// millisecond or two, closer than any fixed slack allows.
func TestGeneratedSourcesStored(t *testing.T) {
	for _, name := range []string{"gcc", "clang-14"} {
		t.Run(name, func(t *testing.T) {
			cc := requireTool(t, name, "apt-get install -y gcc clang-14")
			requireTool(t, "make", "apt-get install -y make")
			e := newEnv(t)
			e.write("Makefile", "all: g1.o g2.o g3.o g4.o\n"+
				"g%.c:\n\tprintf 'int f%s(void) { return %s; }\\n' $* $* > $@\n"+
				"g%.o: g%.c\n\t$(CC) -c $< -o $@\n")
			for build := 0; build < 3; build++ {
				for i := 1; i <= 4; i++ {
					os.Remove(filepath.Join(e.work, "g"+strconv.Itoa(i)+".c"))
					os.Remove(filepath.Join(e.work, "g"+strconv.Itoa(i)+".o"))
				}
				if o := e.run("make", "-s", "CC="+objcacheBin+" "+cc); o.code != 0 {
					t.Fatalf("clean build %d: %v", build, o)
				}
			}
			e.wantStats(map[string]int64{"hits": 8, "misses": 4, "not_stored.input-modified": 0})
		})
	}
}

// TestSourceWrittenJustBefore: a source written immediately before each
// call is stored every time (the stamp of the compile's start waits out
// the file system's clock tick), and hits when it is written again with
// the same content.
func TestSourceWrittenJustBefore(t *testing.T) {
	cc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	src := filepath.Join(e.work, "gen.c")
	for i := 0; i < 5; i++ {
		if err := os.WriteFile(src, []byte("int value = "+strconv.Itoa(i)+";\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if o := e.objcache(cc, "-c", "gen.c", "-o", "gen.o"); o.code != 0 {
			t.Fatalf("call %d: %v", i, o)
		}
	}
	if err := os.WriteFile(src, []byte("int value = 0;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if o := e.objcache(cc, "-c", "gen.c", "-o", "gen.o"); o.code != 0 {
		t.Fatal(o)
	}
	e.wantStats(map[string]int64{"hits": 1, "misses": 5, "not_stored.input-modified": 0})
}
