package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The tests of this file check that everything that changes a compile's
// result is in its key (issue 12, items 3, 6, 8, 9, 10, 13 and 16a): each
// changes one thing the compiler reads or decides, and the next call
// through objcache must give what the compiler alone gives now.

// touched marks files written other than by e.write (a profile a program
// wrote, a directory created) as just written, so that the next run waits
// until a compile may store them.
func (e *env) touched() { e.lastWrite = time.Now() }

// sameAsCompiler runs args through objcache, then with the compiler alone,
// in dir (relative to the work directory), and checks that console output,
// status and outputs are the same.
func (e *env) sameAsCompiler(t *testing.T, phase, dir, cc string, args []string, outputs ...string) {
	t.Helper()
	wd := filepath.Join(e.work, dir)
	got := e.runIn(wd, objcacheBin, append([]string{cc}, args...)...)
	gotFiles := e.snapshot(prefixed(dir, outputs)...)
	want := e.runIn(wd, cc, args...)
	wantFiles := e.snapshot(prefixed(dir, outputs)...)
	if got != want {
		t.Errorf("%s: console differs from the compiler's own:\n%v\nwant:\n%v", phase, got, want)
	}
	sameFiles(t, phase, gotFiles, wantFiles)
}

// matchesCompiler is sameAsCompiler as a question: whether one call
// through objcache and one by the compiler alone gave the same console
// and outputs.
func (e *env) matchesCompiler(dir, cc string, args []string, outputs ...string) bool {
	e.t.Helper()
	wd := filepath.Join(e.work, dir)
	got := e.runIn(wd, objcacheBin, append([]string{cc}, args...)...)
	gotFiles := e.snapshot(prefixed(dir, outputs)...)
	want := e.runIn(wd, cc, args...)
	wantFiles := e.snapshot(prefixed(dir, outputs)...)
	if got != want || len(gotFiles) != len(wantFiles) {
		return false
	}
	for name, w := range wantFiles {
		if gotFiles[name] != w {
			return false
		}
	}
	return true
}

func prefixed(dir string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = filepath.Join(dir, n)
	}
	return out
}

// TestTimeMacrosInArguments (item 3): a time macro named by an argument is
// expanded in the source, so the call is not cached; SOURCE_DATE_EPOCH
// makes __DATE__ and __TIME__ reproducible under gcc only, and never
// __TIMESTAMP__ (the file's mtime).
func TestTimeMacrosInArguments(t *testing.T) {
	cases := []struct {
		name   string
		cc     string
		source string
		args   []string
		env    map[string]string
		cached bool
	}{
		{"gcc -D", "gcc", "const char *s = STAMP;\n", []string{"-DSTAMP=__TIME__", "-c", "t.c"}, nil, false},
		{"gcc -D in a response file", "gcc", "const char *s = STAMP;\n", []string{"@args.rsp", "-c", "t.c"}, nil, false},
		{"clang -D __DATE__", "clang-14", "const char *s = STAMP;\n", []string{"-DSTAMP=__DATE__ \" \" __TIME__", "-c", "t.c"}, nil, false},
		{"clang ignores SOURCE_DATE_EPOCH", "clang-14", "const char *s = __TIME__;\n", []string{"-c", "t.c"}, map[string]string{"SOURCE_DATE_EPOCH": "0"}, false},
		{"__TIMESTAMP__ under SOURCE_DATE_EPOCH", "gcc", "const char *s = __TIMESTAMP__;\n", []string{"-c", "t.c"}, map[string]string{"SOURCE_DATE_EPOCH": "0"}, false},
		{"__TIMESTAMP__ in -D under SOURCE_DATE_EPOCH", "gcc", "const char *s = STAMP;\n", []string{"-DSTAMP=__TIMESTAMP__", "-c", "t.c"}, map[string]string{"SOURCE_DATE_EPOCH": "0"}, false},
		{"gcc honours SOURCE_DATE_EPOCH", "gcc", "const char *s = STAMP;\n", []string{"-DSTAMP=__DATE__ \" \" __TIME__", "-c", "t.c"}, map[string]string{"SOURCE_DATE_EPOCH": "0"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, tc.cc, "apt-get install -y "+tc.cc)
			e := newEnv(t)
			for k, v := range tc.env {
				e.setenv(k, v)
			}
			e.write("t.c", tc.source)
			e.write("args.rsp", "-DSTAMP=__TIME__\n")
			first := e.objcache(append([]string{cc}, tc.args...)...)
			firstObj := e.snapshot("t.o")["t.o"]
			// __TIME__ and __TIMESTAMP__ have one-second steps, and the
			// source's mtime moves: a stale hit shows in the object.
			time.Sleep(1100 * time.Millisecond)
			os.Chtimes(filepath.Join(e.work, "t.c"), time.Now().Add(-time.Hour), time.Now().Add(-time.Hour))
			e.touched()
			second := e.objcache(append([]string{cc}, tc.args...)...)
			secondObj := e.snapshot("t.o")["t.o"]
			if first.code != 0 || second.code != 0 {
				t.Fatalf("compiles failed:\n%v\n%v", first, second)
			}
			s := e.stats()
			if tc.cached {
				ref := e.run(cc, tc.args...)
				if refObj := e.snapshot("t.o")["t.o"]; ref.code != 0 || secondObj != refObj || s["hits"] != 1 {
					t.Errorf("reproducible time macros: hit %d, object same as the compiler's: %v (stats %v)", s["hits"], secondObj == refObj, s)
				}
				return
			}
			if firstObj == secondObj {
				t.Error("the second object is the first one's: a stale hit")
			}
			if s["hits"] != 0 || s["uncacheable.time-macro"]+s["not_stored.time-macro"] != 2 {
				t.Errorf("stats %v, want no hit and two time-macro calls", s)
			}
		})
	}
}

// TestTimeMacrosInMSVCArguments (item 3): the same through cl.exe (a
// clang-cl), with /D on the command line and in CL and _CL_.
func TestTimeMacrosInMSVCArguments(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"/D", []string{"/c", "/Brepro", "/DSTAMP=__TIME__", "t.c"}, nil},
		{"CL", []string{"/c", "/Brepro", "t.c"}, map[string]string{"CL": "/DSTAMP#__TIME__"}},
		{"_CL_", []string{"/c", "/Brepro", "t.c"}, map[string]string{"_CL_": "/DSTAMP=__TIME__"}},
		{"SOURCE_DATE_EPOCH", []string{"/c", "/Brepro", "/DSTAMP=__TIME__", "t.c"}, map[string]string{"SOURCE_DATE_EPOCH": "0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			cl := clExe(t, e)
			for k, v := range tc.env {
				e.setenv(k, v)
			}
			e.write("t.c", "const char *s = STAMP;\n")
			var objs []string
			for range 2 {
				if o := e.objcache(append([]string{cl}, tc.args...)...); o.code != 0 {
					t.Fatalf("compile failed: %v", o)
				}
				objs = append(objs, e.snapshot("t.obj")["t.obj"])
				time.Sleep(1100 * time.Millisecond)
			}
			if objs[0] == objs[1] {
				t.Error("the second object is the first one's: a stale hit")
			}
			if s := e.stats(); s["hits"] != 0 || s["uncacheable.time-macro"] != 2 {
				t.Errorf("stats %v, want no hit and 2 time-macro", s)
			}
		})
	}
}

// TestCompilerEnvironment (item 6): variables the compiler reads change
// the key, or pass the call through where no key can hold them.
func TestCompilerEnvironment(t *testing.T) {
	// Two warnings, one with a fix-it hint (the missing #include).
	const warn = "int f(void) { int unused; return 0; }\nint g(void) { return strlen(\"x\"); }\n"
	cases := []struct {
		name   string
		cc     string
		args   []string
		before map[string]string // the first call's environment
		after  map[string]string // the second's
		reason string            // the second call's uncacheable reason, if any
	}{
		{"CCC_OVERRIDE_OPTIONS adds an option", "clang-14", []string{"-c", "t.c"}, nil, map[string]string{"CCC_OVERRIDE_OPTIONS": "# +-DV=2"}, "compiler-env"},
		{"CCC_OVERRIDE_OPTIONS drops -o", "clang-14", []string{"-c", "t.c", "-o", "t.o"}, nil, map[string]string{"CCC_OVERRIDE_OPTIONS": "# x-o Xt.o +-ou.o"}, "compiler-env"},
		{"CC_PRINT_HEADERS", "clang-14", []string{"-c", "t.c"}, nil, map[string]string{"CC_PRINT_HEADERS": "1"}, "compiler-env"},
		{"GCC_COLORS", "gcc", []string{"-Wall", "-fdiagnostics-color=always", "-c", "w.c"}, map[string]string{"GCC_COLORS": "warning=01;35"}, map[string]string{"GCC_COLORS": "warning=01;32"}, ""},
		{"GCC_EXTRA_DIAGNOSTIC_OUTPUT", "gcc", []string{"-Wall", "-c", "w.c"}, nil, map[string]string{"GCC_EXTRA_DIAGNOSTIC_OUTPUT": "fixits-v2"}, ""},
		{"GCC_URLS", "gcc", []string{"-Wall", "-fdiagnostics-urls=always", "-c", "w.c"}, nil, map[string]string{"GCC_URLS": "st"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, tc.cc, "apt-get install -y "+tc.cc)
			e := newEnv(t)
			e.write("t.c", "#include \"v.h\"\nint v = V;\n")
			e.write("v.h", "#ifndef V\n#define V 1\n#endif\n")
			e.write("w.c", warn)
			for k, v := range tc.before {
				e.setenv(k, v)
			}
			e.sameAsCompiler(t, "first", "", cc, tc.args, "t.o", "u.o", "w.o")
			for k, v := range tc.after {
				e.setenv(k, v)
			}
			e.sameAsCompiler(t, "changed environment", "", cc, tc.args, "t.o", "u.o", "w.o")
			s := e.stats()
			if s["hits"] != 0 {
				t.Errorf("a hit across the change: %v", s)
			}
			if tc.reason != "" && s["uncacheable."+tc.reason] != 1 {
				t.Errorf("not counted as %s: %v", tc.reason, s)
			}
		})
	}
}

// TestDebugInfoEmbedsDirectory (item 6): whatever turns debug information
// (or clang's coverage mapping) on puts the working directory in the key,
// unless the prefix maps or a compilation directory take it out of the
// object. The same call in a second directory must give that directory's
// object, not the first one's.
func TestDebugInfoEmbedsDirectory(t *testing.T) {
	cases := []struct {
		name string
		cc   string
		args []string
	}{
		{"gcc -gtoggle", "gcc", []string{"-gtoggle", "-c", "a.c"}},
		{"gcc -gtoggle -MMD", "gcc", []string{"-gtoggle", "-MMD", "-c", "a.c"}},
		{"gcc -g with a map that does not match", "gcc", []string{"-g", "-fdebug-prefix-map=/nonexistent=/x", "-c", "a.c"}},
		{"gcc -Wa,--gdwarf-5 on assembly", "gcc", []string{"-Wa,--gdwarf-5", "-c", "s.S"}},
		{"clang -gmodules", "clang-14", []string{"-gmodules", "-c", "a.c"}},
		{"clang -gno-inline-line-tables", "clang-14", []string{"-gno-inline-line-tables", "-c", "a.c"}},
		{"clang -fcoverage-mapping", "clang-14", []string{"-fprofile-instr-generate", "-fcoverage-mapping", "-c", "a.c"}},
		{"clang -g with a map that does not match", "clang-14", []string{"-g", "-ffile-prefix-map=/nonexistent=/x", "-c", "a.c"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, tc.cc, "apt-get install -y "+tc.cc)
			e := newEnv(t)
			for _, d := range []string{"one", "two"} {
				e.write(d+"/a.c", "#include \"a.h\"\nint f(int x) { return x * A; }\n")
				e.write(d+"/a.h", "#define A 3\n")
				e.write(d+"/s.S", "\t.text\n\t.globl g\ng:\n\tret\n")
			}
			e.sameAsCompiler(t, "first directory", "one", cc, tc.args, "a.o", "a.d", "s.o")
			e.sameAsCompiler(t, "second directory", "two", cc, tc.args, "a.o", "a.d", "s.o")
			e.sameAsCompiler(t, "second directory again", "two", cc, tc.args, "a.o", "a.d", "s.o")
			if s := e.stats(); s["hits"] != 1 {
				t.Errorf("%d hits, want 1 (the second call in the second directory): %v", s["hits"], s)
			}
		})
	}
}

// profileSource is a program whose branch weights depend on its argument.
const profileSource = `#include <stdlib.h>
int f(int x) { if (x > 5) return x * 3; else return x + 7; }
int main(int argc, char **argv) { int s = 0; for (int i = 0; i < 100000; i++) s += f(atoi(argv[1]) + (i & 1)); return s & 1; }
`

// TestProfileInputs (item 8): the profile files the compiler reads join the
// key (their content, or that they are missing), and where gcc finds the
// .gcda by the object's name the object keeps that name.
func TestProfileInputs(t *testing.T) {
	t.Run("gcc", func(t *testing.T) {
		gcc := requireTool(t, "gcc", "apt-get install -y gcc")
		for _, use := range [][]string{{"-fbranch-probabilities"}, {"-fprofile-use"}, {"-fprofile-use=pdir"}, {"-fprofile-dir=pdir", "-fbranch-probabilities"}} {
			t.Run(strings.Join(use, " "), func(t *testing.T) {
				e := newEnv(t)
				e.write("t.c", profileSource)
				os.MkdirAll(filepath.Join(e.work, "obj"), 0o777)
				args := append([]string{"-O2", "-c", "t.c", "-o", "obj/t.o"}, use...)
				// No profile yet: gcc warns and compiles without one.
				e.sameAsCompiler(t, "no profile", "", gcc, args, "obj/t.o")
				train := func(arg string) {
					gen := []string{"-O2", "-fprofile-generate", "-c", "t.c", "-o", "obj/t.o"}
					if use[0] != "-fbranch-probabilities" && use[0] != "-fprofile-use" {
						gen = append(gen, "-fprofile-dir=pdir")
					}
					if o := e.run(gcc, gen...); o.code != 0 {
						t.Fatalf("instrumented compile: %v", o)
					}
					if o := e.run(gcc, "-fprofile-generate", "obj/t.o", "-o", "tp"); o.code != 0 {
						t.Fatalf("instrumented link: %v", o)
					}
					e.run(filepath.Join(e.work, "tp"), arg)
					e.touched()
				}
				train("9")
				e.sameAsCompiler(t, "profile appeared", "", gcc, args, "obj/t.o")
				e.sameAsCompiler(t, "same profile", "", gcc, args, "obj/t.o")
				train("1")
				train("1")
				e.sameAsCompiler(t, "profile changed", "", gcc, args, "obj/t.o")
				if s := e.stats(); s["hits"] != 1 || s["misses"] != 3 {
					t.Errorf("stats %v, want 3 misses and 1 hit", s)
				}
			})
		}
	})
	t.Run("clang", func(t *testing.T) {
		clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
		profdata := requireTool(t, "llvm-profdata-14", "apt-get install -y llvm-14")
		for _, use := range []string{"-fprofile-instr-use", "-fprofile-use", "-fprofile-use=pd"} {
			t.Run(use, func(t *testing.T) {
				e := newEnv(t)
				e.write("t.c", profileSource)
				if o := e.run(clang, "-O2", "-fprofile-instr-generate", "t.c", "-o", "tp"); o.code != 0 {
					t.Skipf("clang cannot build an instrumented program (libclang-rt-14-dev?): %v", o)
				}
				os.MkdirAll(filepath.Join(e.work, "pd"), 0o777)
				train := func(arg string) {
					e.setenv("LLVM_PROFILE_FILE", "p.profraw")
					e.run(filepath.Join(e.work, "tp"), arg)
					out := "default.profdata"
					if strings.HasPrefix(use, "-fprofile-use=") {
						out = "pd/default.profdata"
					}
					if o := e.run(profdata, "merge", "-o", out, "p.profraw"); o.code != 0 {
						t.Fatalf("llvm-profdata: %v", o)
					}
					e.touched()
				}
				args := []string{"-O2", use, "-c", "t.c"}
				train("1")
				e.sameAsCompiler(t, "first profile", "", clang, args, "t.o")
				e.sameAsCompiler(t, "same profile", "", clang, args, "t.o")
				train("9")
				e.sameAsCompiler(t, "profile changed", "", clang, args, "t.o")
				if s := e.stats(); s["hits"] != 1 || s["misses"] != 2 {
					t.Errorf("stats %v, want 2 misses and 1 hit", s)
				}
			})
		}
	})
}

// TestIncludeDirectoryAppears (item 9): an include directory that did not
// exist when an entry was stored, and appears with a header that shadows
// the one used, makes the next call miss.
func TestIncludeDirectoryAppears(t *testing.T) {
	cases := []struct {
		name    string
		cc      string
		include string // how the source includes foo.h
		args    []string
		env     map[string]string
		obj     string
	}{
		{"gcc -I", "gcc", "<foo.h>", []string{"-c", "-Ib", "-Ia", "m.c"}, nil, "m.o"},
		{"clang -I", "clang-14", "<foo.h>", []string{"-c", "-Ib", "-Ia", "m.c"}, nil, "m.o"},
		{"gcc -isystem", "gcc", "<foo.h>", []string{"-c", "-isystem", "b", "-isystem", "a", "m.c"}, nil, "m.o"},
		{"gcc -iquote", "gcc", "\"foo.h\"", []string{"-c", "-iquote", "b", "-iquote", "a", "m.c"}, nil, "m.o"},
		{"gcc --include-directory", "gcc", "<foo.h>", []string{"-c", "--include-directory=b", "--include-directory", "a", "m.c"}, nil, "m.o"},
		{"gcc -iprefix -iwithprefixbefore", "gcc", "<foo.h>", []string{"-c", "-iprefix", "./", "-iwithprefixbefore", "b", "-iwithprefixbefore", "a", "m.c"}, nil, "m.o"},
		{"CPATH", "gcc", "<foo.h>", []string{"-c", "m.c"}, map[string]string{"CPATH": "b:a"}, "m.o"},
		{"C_INCLUDE_PATH", "clang-14", "<foo.h>", []string{"-c", "m.c"}, map[string]string{"C_INCLUDE_PATH": "b:a"}, "m.o"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, tc.cc, "apt-get install -y "+tc.cc)
			e := newEnv(t)
			for k, v := range tc.env {
				e.setenv(k, v)
			}
			e.write("m.c", "#include "+tc.include+"\n")
			e.write("a/foo.h", "char x[] = \"content_a\";\n")
			e.sameAsCompiler(t, "a/foo.h", "", cc, tc.args, tc.obj)
			e.sameAsCompiler(t, "a/foo.h again", "", cc, tc.args, tc.obj)
			e.write("b/foo.h", "char x[] = \"content_b\";\n")
			e.sameAsCompiler(t, "b/ appeared", "", cc, tc.args, tc.obj)
			e.sameAsCompiler(t, "b/ again", "", cc, tc.args, tc.obj)
			if s := e.stats(); s["hits"] != 2 || s["misses"] != 2 {
				t.Errorf("stats %v, want 2 misses and 2 hits", s)
			}
		})
	}
}

// TestIncludeDirectoryAppearsMSVC (item 9): the same through cl.exe, with
// /I and INCLUDE.
func TestIncludeDirectoryAppearsMSVC(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"/I", []string{"/c", "/Brepro", "/Ib", "/Ia", "m.c"}, nil},
		{"/external:I", []string{"/c", "/Brepro", "/external:I", "b", "/external:I", "a", "m.c"}, nil},
		{"INCLUDE", []string{"/c", "/Brepro", "m.c"}, map[string]string{"INCLUDE": "b;a"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			cl := clExe(t, e)
			for k, v := range tc.env {
				e.setenv(k, v)
			}
			e.write("m.c", "#include <foo.h>\n")
			e.write("a/foo.h", "char x[] = \"content_a\";\n")
			e.sameAsCompiler(t, "a/foo.h", "", cl, tc.args, "m.obj")
			e.sameAsCompiler(t, "a/foo.h again", "", cl, tc.args, "m.obj")
			e.write("b/foo.h", "char x[] = \"content_b\";\n")
			e.sameAsCompiler(t, "b/ appeared", "", cl, tc.args, "m.obj")
			if s := e.stats(); s["hits"] != 1 || s["misses"] != 2 {
				t.Errorf("stats %v, want 2 misses and 1 hit", s)
			}
		})
	}
}

// fakeNativeGCC is gcc behind a wrapper whose "native" CPU is $FAKE_CPU,
// as on a host with that CPU: it answers -### with that expansion and
// compiles -march=native as -march=$FAKE_CPU.
const fakeNativeGCC = `#!/bin/sh
if [ "$1" = "-###" ]; then
	echo "Using built-in specs." >&2
	echo " /usr/lib/gcc/fake/cc1 -E -quiet - -march=$FAKE_CPU" >&2
	exit 0
fi
for a in "$@"; do
	shift
	[ "$a" = "-march=native" ] && a="-march=$FAKE_CPU"
	set -- "$@" "$a"
done
exec gcc "$@"
`

// TestNativeCPU (item 10): -march=native is keyed by what the driver makes
// of it on this host, so a host with another CPU (here, a wrapper that
// says so) does not get this one's code; on one host, the answer is
// remembered and the call hits.
func TestNativeCPU(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	t.Run("another CPU", func(t *testing.T) {
		e := newEnv(t)
		cc := e.write("bin/fakegcc", fakeNativeGCC)
		os.Chmod(cc, 0o755)
		e.setenv("OBJCACHE_COMPILER_TYPE", "gcc")
		e.write("v.c", "void add(float *restrict a, const float *restrict b) { for (int i = 0; i < 1024; i++) a[i] += b[i]; }\n")
		args := []string{"-O3", "-march=native", "-c", "v.c"}
		for _, cpu := range []string{"x86-64", "x86-64", "haswell", "haswell", "x86-64"} {
			e.setenv("FAKE_CPU", cpu)
			e.sameAsCompiler(t, cpu, "", cc, args, "v.o")
		}
		if s := e.stats(); s["hits"] != 3 || s["misses"] != 2 {
			t.Errorf("stats %v, want 2 misses and 3 hits", s)
		}
	})
	for _, c := range compilers {
		t.Run(c.name, func(t *testing.T) {
			cc := requireTool(t, c.name, c.install)
			e := newEnv(t)
			e.write("v.c", "int f(int x) { return x * 3; }\n")
			checkAgainstCompiler(t, e, cc, []string{"-march=native", "-mtune=native", "-c", "v.c"}, []string{"v.o"}, true)
			if records, _ := filepath.Glob(filepath.Join(e.cache, "compilers", "*.native")); len(records) != 1 {
				t.Errorf("native records %q, want one", records)
			}
		})
	}
}

// TestLongOptions (item 13): gcc's and clang's long options work and are
// cached like their short forms; a long option objcache does not model
// (an abbreviation) passes through, counted.
func TestLongOptions(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		outputs []string
		clang   bool // clang accepts it too
	}{
		{"--output=", []string{"-c", "a.c", "--output=out.o"}, []string{"out.o"}, true},
		{"--output", []string{"-c", "a.c", "--output", "out.o"}, []string{"out.o"}, true},
		{"--compile", []string{"--compile", "a.c", "-o", "out.o"}, []string{"out.o"}, true},
		{"--write-dependencies", []string{"-c", "a.c", "--write-dependencies", "-o", "out.o"}, []string{"out.o", "out.d"}, true},
		{"--write-user-dependencies", []string{"-c", "a.c", "--write-user-dependencies", "--output=out.o"}, []string{"out.o", "out.d"}, true},
		{"--include-directory --define-macro", []string{"-c", "b.c", "--include-directory=inc", "--define-macro", "V=2"}, []string{"b.o"}, true},
		{"--include-directory --undefine-macro=", []string{"-c", "b.c", "--include-directory", "inc", "-DV=3", "--undefine-macro=V"}, []string{"b.o"}, true},
		{"--language --debug", []string{"-c", "--language=c", "a.txt", "--debug", "-o", "out.o"}, []string{"out.o"}, true},
		{"--include --imacros", []string{"-c", "c.c", "--include=inc/pre.h", "--imacros", "inc/mac.h"}, []string{"c.o"}, true},
		{"--param --std", []string{"-c", "a.c", "--param", "max-inline-insns-single=10", "--std=c99"}, []string{"a.o"}, false},
	}
	for _, c := range compilers {
		for _, tc := range cases {
			if c.name != "gcc" && !tc.clang {
				continue
			}
			t.Run(c.name+"/"+tc.name, func(t *testing.T) {
				cc := requireTool(t, c.name, c.install)
				e := newEnv(t)
				e.write("a.c", "int a(void) { return 1; }\n")
				e.write("a.txt", "int a(void) { return 1; }\n")
				e.write("b.c", "#include <b.h>\nint b(void) { return V; }\n")
				e.write("c.c", "int c(void) { return PRE + MAC; }\n")
				e.write("inc/b.h", "#ifndef V\n#define V 1\n#endif\n")
				e.write("inc/pre.h", "#define PRE 5\n")
				e.write("inc/mac.h", "#define MAC 7\n")
				checkAgainstCompiler(t, e, cc, tc.args, tc.outputs, true)
			})
		}
	}
	t.Run("abbreviation passes through", func(t *testing.T) {
		gcc := requireTool(t, "gcc", "apt-get install -y gcc")
		e := newEnv(t)
		e.write("a.c", "int a(void) { return 1; }\n")
		e.sameAsCompiler(t, "--write-dep", "", gcc, []string{"-c", "a.c", "--write-dep"}, "a.o", "a.d")
		e.wantStats(map[string]int64{"uncacheable.unknown-long-option": 1})
	})
}

// TestDoubleDash (item 16a): with clang, "--" ends the options and what
// follows are inputs; objcache's own options go before it, so the call is
// compiled once and cached. gcc rejects "--": its own error and status.
func TestDoubleDash(t *testing.T) {
	t.Run("clang", func(t *testing.T) {
		clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
		for _, args := range [][]string{{"-c", "--", "a.c"}, {"-c", "-MD", "-o", "x.o", "--", "a.c"}, {"-c", "-MMD", "-frecord-gcc-switches", "--", "a.c"}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				e := newEnv(t)
				e.write("a.c", "#include \"a.h\"\nint a(void) { return A; }\n")
				e.write("a.h", "#define A 1\n")
				checkAgainstCompiler(t, e, clang, args, []string{"a.o", "x.o", "a.d", "x.d"}, true)
				if s := e.stats(); s["not_stored.compile-failed"] != 0 || s["failed_compile_rerun"] != 0 {
					t.Errorf("compiled twice: %v", s)
				}
			})
		}
	})
	t.Run("gcc", func(t *testing.T) {
		gcc := requireTool(t, "gcc", "apt-get install -y gcc")
		e := newEnv(t)
		e.write("a.c", "int a(void) { return 1; }\n")
		e.sameAsCompiler(t, "gcc --", "", gcc, []string{"-c", "--", "a.c"}, "a.o")
	})
}

// TestIncludeDirectorySymlinkRetargeted: an include directory named by a
// symlink ("-Icur", cur -> v1) that is pointed at another directory, one
// that has a header the search found further on before: the compiler now
// reads the new one, and a hit must not give the old object.
func TestIncludeDirectorySymlinkRetargeted(t *testing.T) {
	cases := []struct {
		name, cc string
		args     []string
		obj      string
	}{
		{"gcc -I", "gcc", []string{"-c", "-Icur", "-Ia", "m.c"}, "m.o"},
		{"gcc -I with a trailing slash", "gcc", []string{"-c", "-Icur/", "-Ia", "m.c"}, "m.o"},
		{"clang -isystem", "clang-14", []string{"-c", "-isystem", "cur", "-isystem", "a", "m.c"}, "m.o"},
		{"cl.exe /I", "cl.exe", []string{"/c", "/Brepro", "/Icur", "/Ia", "m.c"}, "m.obj"},
		{"gcc -I with /. after the link", "gcc", []string{"-c", "-Icur/.", "-Ia", "m.c"}, "m.o"},
		{"cl.exe /I with /. after the link", "cl.exe", []string{"/c", "/Brepro", "/Icur/.", "/Ia", "m.c"}, "m.obj"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			var cc string
			if tc.cc == "cl.exe" {
				cc = clExe(t, e)
			} else {
				cc = requireTool(t, tc.cc, "apt-get install -y "+tc.cc)
			}
			e.write("m.c", "#include <foo.h>\n")
			e.write("a/foo.h", "char x[] = \"content_a\";\n")
			e.write("v1/other.h", "\n")
			e.write("v2/foo.h", "char x[] = \"content_v2\";\n")
			link := filepath.Join(e.work, "cur")
			if err := os.Symlink("v1", link); err != nil {
				t.Fatal(err)
			}
			e.sameAsCompiler(t, "cur -> v1", "", cc, tc.args, tc.obj)
			e.sameAsCompiler(t, "cur -> v1 again", "", cc, tc.args, tc.obj)
			pointLink(t, link, "v2")
			e.sameAsCompiler(t, "cur -> v2", "", cc, tc.args, tc.obj)
			e.sameAsCompiler(t, "cur -> v2 again", "", cc, tc.args, tc.obj)
			if s := e.stats(); s["hits"] != 2 || s["misses"] != 2 {
				t.Errorf("stats %v, want 2 misses and 2 hits", s)
			}
		})
	}
}

// TestSymlinkChainsRetargeted: the same through a link to a link (the
// first link stays, the second moves), and for the source's own
// directory, which the compiler searches first for #include "x.h".
func TestSymlinkChainsRetargeted(t *testing.T) {
	cc := requireTool(t, "gcc", "apt-get install -y gcc")
	t.Run("link to a link", func(t *testing.T) {
		e := newEnv(t)
		e.write("m.c", "#include <foo.h>\n")
		e.write("a/foo.h", "char x[] = \"content_a\";\n")
		e.write("v1/other.h", "\n")
		e.write("v2/foo.h", "char x[] = \"content_v2\";\n")
		mid := filepath.Join(e.work, "mid")
		if err := os.Symlink("v1", mid); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("mid", filepath.Join(e.work, "cur")); err != nil {
			t.Fatal(err)
		}
		args := []string{"-c", "-Icur", "-Ia", "m.c"}
		e.sameAsCompiler(t, "mid -> v1", "", cc, args, "m.o")
		e.sameAsCompiler(t, "mid -> v1 again", "", cc, args, "m.o")
		pointLink(t, mid, "v2")
		e.sameAsCompiler(t, "mid -> v2", "", cc, args, "m.o")
		e.wantStats(map[string]int64{"hits": 1, "misses": 2})
	})
	t.Run("source directory", func(t *testing.T) {
		e := newEnv(t)
		e.write("v1/t.c", "#include \"foo.h\"\n")
		e.write("v2/t.c", "#include \"foo.h\"\n")
		e.write("v2/foo.h", "char x[] = \"content_v2\";\n")
		e.write("a/foo.h", "char x[] = \"content_a\";\n")
		link := filepath.Join(e.work, "src")
		if err := os.Symlink("v1", link); err != nil {
			t.Fatal(err)
		}
		args := []string{"-c", "-Ia", "src/t.c", "-o", "t.o"}
		e.sameAsCompiler(t, "src -> v1", "", cc, args, "t.o")
		e.sameAsCompiler(t, "src -> v1 again", "", cc, args, "t.o")
		pointLink(t, link, "v2")
		e.sameAsCompiler(t, "src -> v2", "", cc, args, "t.o")
		e.wantStats(map[string]int64{"hits": 1, "misses": 2})
	})
}

// pointLink points the symlink at link to target, as ln -sfn does.
func pointLink(t *testing.T, link, target string) {
	t.Helper()
	os.Remove(link)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
