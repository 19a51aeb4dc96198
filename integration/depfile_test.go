package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDepfileCombinations checks every combination of the dependency options
// against the compiler alone: on the miss, on the hit, and on a hit that
// writes a different output path (whose depfile target must follow it).
func TestDepfileCombinations(t *testing.T) {
	type combo struct {
		args    []string
		depfile func(output string) string
	}
	var combos []combo
	for _, mode := range []string{"-MD", "-MMD"} {
		for _, mf := range []string{"", "deps/x.d"} {
			for _, target := range [][]string{nil, {"-MT", "my target"}, {"-MQ", "a b$c.o"}} {
				for _, mp := range []string{"", "-MP"} {
					for _, debug := range []string{"", "-g"} {
						args := []string{mode}
						if mf != "" {
							args = append(args, "-MF", mf)
						}
						args = append(args, target...)
						if mp != "" {
							args = append(args, mp)
						}
						if debug != "" {
							args = append(args, debug)
						}
						mf := mf
						combos = append(combos, combo{args, func(out string) string {
							if mf != "" {
								return mf
							}
							return strings.TrimSuffix(out, filepath.Ext(out)) + ".d"
						}})
					}
				}
			}
		}
	}
	for _, c := range compilers {
		cc := requireTool(t, c.name, c.install)
		for _, cb := range combos {
			t.Run(fmt.Sprintf("%s/%s", c.name, strings.Join(cb.args, " ")), func(t *testing.T) {
				e := newEnv(t)
				e.write("src/main.c", "#include <stdio.h>\n#include \"local.h\"\nint main(void) { return LOCAL; }\n")
				e.write("src/local.h", "#include <stdlib.h>\n#define LOCAL 0\n")
				os.MkdirAll(filepath.Join(e.work, "obj"), 0o777)
				os.MkdirAll(filepath.Join(e.work, "deps"), 0o777)
				for i, out := range []string{"obj/main.o", "obj/main.o", "obj/other.o"} {
					args := append([]string{"-c", "src/main.c", "-o", out}, cb.args...)
					outputs := []string{out, cb.depfile(out)}
					ref := e.run(cc, args...)
					want := e.snapshot(outputs...)
					o := e.objcache(append([]string{cc}, args...)...)
					got := e.snapshot(outputs...)
					if o != ref {
						t.Errorf("run %d: console %v, want %v", i, o, ref)
					}
					sameFiles(t, fmt.Sprintf("run %d (-o %s)", i, out), got, want)
				}
				e.wantStats(map[string]int64{"misses": 1, "hits": 2})
			})
		}
	}
}

// TestManifestListsSystemHeaders checks that a change to a system header
// (here: a header found through -isystem) makes a miss even when the user's
// -MMD depfile leaves it out.
func TestManifestListsSystemHeaders(t *testing.T) {
	for _, c := range compilers {
		cc := requireTool(t, c.name, c.install)
		for _, debug := range []string{"-O0", "-g"} {
			t.Run(c.name+"/"+debug, func(t *testing.T) {
				e := newEnv(t)
				e.write("main.c", "#include <sys_thing.h>\nint main(void) { return THING; }\n")
				e.write("sys/sys_thing.h", "#define THING 1\n")
				args := []string{cc, "-isystem", "sys", debug, "-MMD", "-c", "main.c", "-o", "main.o"}
				e.objcache(args...)
				if dep := e.mustRead("main.d"); strings.Contains(dep, "sys_thing.h") {
					// clang 14 lists -isystem headers under -MMD.
					t.Logf("-MMD listed the -isystem header:\n%s", dep)
				}
				e.objcache(args...)
				e.write("sys/sys_thing.h", "#define THING 2\n")
				if o := e.objcache(args...); o.code != 0 {
					t.Fatal(o)
				}
				got := e.snapshot("main.o", "main.d")
				e.run(args[0], args[1:]...)
				sameFiles(t, "after the system header changed", got, e.snapshot("main.o", "main.d"))
				e.wantStats(map[string]int64{"hits": 1, "misses": 2})
			})
		}
	}
}

// TestIncludeDirWithNewline: gcc writes a name's newline into the depfile
// as it is, which ends the rule early; objcache read the list up to there
// and stored an entry without the headers after it, whose hit survived an
// edit of such a header (break-it W13). Such a result is not stored.
func TestIncludeDirWithNewline(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("inc\nx/foo.h", "#define V 1\n")
	e.write("inc", "not a directory\n")
	e.write("t.c", "#include <foo.h>\nint v = V;\n")
	args := []string{"gcc", "-Iinc\nx", "-c", "t.c", "-o", "t.o"}
	if o := e.objcache(args...); o.code != 0 {
		t.Fatal(o)
	}
	e.write("inc\nx/foo.h", "#define V 2\n")
	if o := e.objcache(args...); o.code != 0 {
		t.Fatal(o)
	}
	if o := e.run("gcc", "-Iinc\nx", "-c", "t.c", "-o", "want.o"); o.code != 0 {
		t.Fatal(o)
	}
	if e.read("t.o") != e.read("want.o") {
		t.Fatal("the object after the header changed is not gcc's")
	}
	if s := e.stats(); s["hits"] != 0 {
		t.Errorf("stats %v: a hit from an entry without the header", s)
	}
}
