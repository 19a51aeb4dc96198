package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNinjaDependencyLogs builds with Ninja through objcache, for both kinds
// of dependency information Ninja reads: deps = msvc (clang-cl's
// /showIncludes on stdout) and deps = gcc (depfiles). A clean rebuild is
// all hits, and an edit of a header afterwards rebuilds exactly the objects
// that include it: Ninja's deps log got the includes from the hits.
func TestNinjaDependencyLogs(t *testing.T) {
	requireTool(t, "ninja", "apt-get install -y ninja-build")
	for _, kind := range []string{"msvc", "gcc"} {
		t.Run(kind, func(t *testing.T) {
			e := newEnv(t)
			e.write("src/a.c", "#include \"common.h\"\nint a(void) { return COMMON; }\n")
			e.write("src/b.c", "#include \"common.h\"\nint b(void) { return COMMON + 1; }\n")
			e.write("src/c.c", "#include \"other.h\"\nint c(void) { return OTHER; }\n")
			e.write("src/common.h", "#define COMMON 1\n")
			e.write("src/other.h", "#define OTHER 2\n")
			var rule string
			if kind == "msvc" {
				cl := clExe(t, e)
				rule = "rule cc\n  command = " + objcacheBin + " " + cl + " /nologo /showIncludes /c /Brepro $in /Fo$out\n  deps = msvc\n"
			} else {
				requireTool(t, "gcc", "apt-get install -y gcc")
				rule = "rule cc\n  command = " + objcacheBin + " gcc -MD -MF $out.d -c $in -o $out\n  deps = gcc\n  depfile = $out.d\n"
			}
			var build strings.Builder
			build.WriteString(rule)
			for _, n := range []string{"a", "b", "c"} {
				build.WriteString("build " + n + ".o: cc src/" + n + ".c\n")
			}
			os.WriteFile(filepath.Join(e.work, "build.ninja"), []byte(build.String()), 0o666)

			ninja := func() string {
				t.Helper()
				o := e.run("ninja")
				if o.code != 0 {
					t.Fatalf("ninja: %v", o)
				}
				return o.stdout
			}
			ninja()
			e.wantStats(map[string]int64{"misses": 3, "hits": 0})
			if o := e.run("ninja", "-t", "clean"); o.code != 0 {
				t.Fatal(o)
			}
			ninja()
			e.wantStats(map[string]int64{"misses": 3, "hits": 3})
			if out := ninja(); !strings.Contains(out, "no work to do") {
				t.Errorf("an up-to-date build did work:\n%s", out)
			}
			// Edit a header: exactly a.o and b.o are rebuilt.
			time.Sleep(10 * time.Millisecond)
			os.WriteFile(filepath.Join(e.work, "src/common.h"), []byte("#define COMMON 3\n"), 0o666)
			out := ninja()
			if !strings.Contains(out, "a.o") || !strings.Contains(out, "b.o") || strings.Contains(out, "c.o") {
				t.Errorf("after editing common.h ninja ran:\n%s\nwant a.o and b.o only", out)
			}
			e.wantStats(map[string]int64{"misses": 5, "hits": 3})
		})
	}
}
