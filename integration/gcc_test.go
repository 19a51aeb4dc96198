package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// compilers are the GCC-family compilers every test runs against.
var compilers = []struct{ name, install string }{
	{"gcc", "apt-get install -y gcc"},
	{"clang-14", "apt-get install -y clang-14"},
}

const helloC = `#include <stdio.h>
#include "hello.h"
int main(void) { printf("%s\n", GREETING); return 0; }
`

// snapshot reads the named outputs (missing ones read as "<missing>") and
// removes them, so the next run starts from nothing.
func (e *env) snapshot(names ...string) map[string]string {
	e.t.Helper()
	got := map[string]string{}
	for _, n := range names {
		p := filepath.Join(e.work, n)
		data, err := os.ReadFile(p)
		if err != nil {
			got[n] = "<missing>"
			continue
		}
		got[n] = string(data)
		os.Remove(p)
	}
	return got
}

// sameFiles compares two snapshots byte for byte.
func sameFiles(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for name, w := range want {
		if g := got[name]; g != w {
			t.Errorf("%s: %s differs from the compiler's own (%d bytes, want %d)", what, name, len(g), len(w))
			if len(g) < 2000 && len(w) < 2000 {
				t.Logf("got:\n%s\nwant:\n%s", g, w)
			}
		}
	}
}

// checkAgainstCompiler runs args with the compiler alone, then twice through
// objcache (a miss, then a hit), and compares outputs, console output and
// status each time.
func checkAgainstCompiler(t *testing.T, e *env, cc string, args []string, outputs []string, wantHit bool) {
	t.Helper()
	ref := e.run(cc, args...)
	refFiles := e.snapshot(outputs...)
	for i, phase := range []string{"miss", "hit"} {
		o := e.objcache(append([]string{cc}, args...)...)
		files := e.snapshot(outputs...)
		if o != ref {
			t.Errorf("%s: console differs from the compiler's own:\n%v\nwant:\n%v", phase, o, ref)
		}
		sameFiles(t, phase, files, refFiles)
		s := e.stats()
		if wantHit && s["hits"] != int64(i) {
			t.Errorf("after the %s: %d hits, want %d (stats %v)", phase, s["hits"], i, s)
		}
	}
}

func TestMissThenHitIsByteIdentical(t *testing.T) {
	variants := []struct {
		name    string
		args    []string
		outputs []string
	}{
		{"-o", []string{"-c", "hello.c", "-o", "hello.o"}, []string{"hello.o"}},
		{"joined -o", []string{"-c", "-O2", "hello.c", "-ohello.o"}, []string{"hello.o"}},
		{"default output", []string{"-c", "hello.c"}, []string{"hello.o"}},
		{"debug info", []string{"-c", "-g", "-O1", "hello.c", "-o", "hello.o"}, []string{"hello.o"}},
		{"subdirectories", []string{"-c", "-Iinc", "src/hello.c", "-o", "out/hello.o"}, []string{"out/hello.o"}},
		{"assembly", []string{"-S", "hello.c", "-o", "hello.s"}, []string{"hello.s"}},
		{"c++", []string{"-x", "c++", "-c", "hello.c", "-o", "hello.o"}, []string{"hello.o"}},
		{"defines", []string{"-c", "-DGREETING=\"hi\"", "-UNDEBUG", "hello2.c", "-o", "hello.o"}, []string{"hello.o"}},
	}
	for _, c := range compilers {
		cc := requireTool(t, c.name, c.install)
		for _, v := range variants {
			t.Run(c.name+"/"+v.name, func(t *testing.T) {
				e := newEnv(t)
				e.write("hello.c", helloC)
				e.write("hello2.c", "#include <stdio.h>\nint main(void) { puts(GREETING); return 0; }\n")
				e.write("hello.h", "#define GREETING \"hello\"\n")
				e.write("src/hello.c", helloC)
				e.write("inc/hello.h", "#define GREETING \"hello from inc\"\n")
				os.MkdirAll(filepath.Join(e.work, "out"), 0o777)
				checkAgainstCompiler(t, e, cc, v.args, v.outputs, true)
			})
		}
	}
}

func TestWarningsAndStatusReplay(t *testing.T) {
	for _, c := range compilers {
		cc := requireTool(t, c.name, c.install)
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.write("warn.c", "#warning \"a warning\"\nint f(void) { int unused; return 0; }\n")
			args := []string{"-Wall", "-c", "warn.c", "-o", "warn.o"}
			checkAgainstCompiler(t, e, cc, args, []string{"warn.o"}, true)
			if ref := e.run(cc, args...); !strings.Contains(ref.stderr, "a warning") {
				t.Fatalf("the test source gives no warning: %v", ref)
			}
		})
	}
}

func TestStdoutReplayAndCompilerType(t *testing.T) {
	e := newEnv(t)
	// A compiler whose name says nothing, which also writes to stdout.
	e.write("mycc", "#!/bin/sh\necho \"mycc says hello\"\nexec gcc \"$@\"\n")
	os.Chmod(filepath.Join(e.work, "mycc"), 0o755)
	e.write("hello.c", helloC)
	e.write("hello.h", "#define GREETING \"x\"\n")
	e.setenv("OBJCACHE_COMPILER_TYPE", "gcc")
	checkAgainstCompiler(t, e, "./mycc", []string{"-c", "hello.c", "-o", "hello.o"}, []string{"hello.o"}, true)
}

func TestFailingCompileIsReplayedNotStored(t *testing.T) {
	for _, c := range compilers {
		cc := requireTool(t, c.name, c.install)
		for _, old := range []bool{false, true} {
			name := c.name + "/no old output"
			if old {
				name = c.name + "/old output present"
			}
			t.Run(name, func(t *testing.T) {
				e := newEnv(t)
				e.write("bad.c", "int x = ;\n")
				args := []string{"-c", "bad.c", "-o", "bad.o", "-MD"}
				prepare := func() {
					if old {
						e.write("bad.o", "stale object")
						e.write("bad.d", "stale depfile")
					}
				}
				prepare()
				ref := e.run(cc, args...)
				refFiles := e.snapshot("bad.o", "bad.d")
				if ref.code == 0 {
					t.Fatal("the bad source compiled")
				}
				for i := 0; i < 2; i++ {
					prepare()
					o := e.objcache(append([]string{cc}, args...)...)
					if o != ref {
						t.Errorf("run %d: got\n%v\nwant\n%v", i, o, ref)
					}
					sameFiles(t, "failed compile", e.snapshot("bad.o", "bad.d"), refFiles)
				}
				e.wantStats(map[string]int64{"hits": 0, "misses": 2, "not_stored.compile-failed": 2})
				if n := len(e.entryFiles("objects")); n != 0 {
					t.Errorf("%d entries stored for a failed compile", n)
				}
			})
		}
	}
}
