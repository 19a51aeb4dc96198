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

// TestDepfileTargetsOutOfKey (issue 13, O15): -o, -MT and -MQ are out of
// the key, and a hit writes the depfile the compiler writes for this
// call's targets, byte for byte: the compilers wrap the prerequisites
// according to the targets' length, so the rule is laid out again.
func TestDepfileTargetsOutOfKey(t *testing.T) {
	for _, name := range []string{"gcc", "clang-14"} {
		t.Run(name, func(t *testing.T) {
			cc := requireTool(t, name, "apt-get install -y gcc clang-14")
			e := newEnv(t)
			var src strings.Builder
			for _, h := range []string{"first_header.h", "second_header_name.h", "third.h", "a_fourth_header_with_a_longer_name.h"} {
				e.write(h, "\n")
				src.WriteString("#include \"" + h + "\"\n")
			}
			e.write("m.c", src.String()+"int m;\n")
			long := strings.Repeat("t", 50)
			calls := [][]string{
				{"-MD", "-MF", "m.d", "-MT", "x"},
				{"-MD", "-MF", "m.d", "-MT", long},
				{"-MD", "-MF", "m.d", "-MQ", "obj dir/m.o", "-MP"},
				{"-MD", "-MF", "m.d", "-MQ", "obj dir/m.o"},
				{"-MD", "-MF", "m.d", "-MT", "a", "-MT", long + "$"},
				{"-MD", "-MF", "m.d", "-MQ", "q.o", "-MT", "t.o"}, // gcc writes -MT targets first
				{"-MD", "-MF", "m.d", "-MQ", "q1", "-MT", "t1", "-MQ", "q2", "-MT", "t2"},
				{"-MD", "-MF", "m.d"},
				{"-MD", "-MF", "m.d", "-o", strings.Repeat("o", 60) + ".o"},
			}
			for _, extra := range calls {
				args := append([]string{"-c", "m.c"}, extra...)
				out := "m.o"
				if extra[len(extra)-2] == "-o" {
					out = extra[len(extra)-1]
				}
				sameAsCompiler(t, e, strings.Join(extra, " "), cc, args, out, "m.d")
			}
			s := e.stats()
			if s["misses"] != 2 || s["hits"] != int64(len(calls))-2 {
				t.Errorf("stats %v, want 2 misses (with and without -MP) and %d hits", s, len(calls)-2)
			}
		})
	}
}
