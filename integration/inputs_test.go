package integration

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Inputs the compiler or the assembler reads that no dependency file
// names (issue 12, items 4, 5, 7 and 15): each test changes such an input
// between two calls and wants the compiler's own result every time.

// build runs a command that writes files objcache then reads (gcc -c p.h
// making p.h.gch) and, like e.write, lets objcache's next call wait until
// they are old enough to be stored.
func (e *env) build(name string, args ...string) {
	e.t.Helper()
	if o := e.run(name, args...); o.code != 0 {
		e.t.Fatalf("%s %q: %v", name, args, o)
	}
	e.lastWrite = time.Now()
}

// sameAsCompiler runs args through objcache, then with the compiler alone,
// and compares their console output and the named outputs byte for byte.
func sameAsCompiler(t *testing.T, e *env, what, cc string, args []string, outputs ...string) {
	t.Helper()
	o := e.objcache(append([]string{cc}, args...)...)
	got := e.snapshot(outputs...)
	ref := e.run(cc, args...)
	want := e.snapshot(outputs...)
	if o != ref {
		t.Errorf("%s: console differs from the compiler's own:\n%v\nwant:\n%v", what, o, ref)
	}
	sameFiles(t, what, got, want)
}

// TestAsmIncludesAreNotCached (item 4): the files that .incbin (in
// assembler, or in asm() in C, in the source or a header) and .include (in
// assembler sources and their headers) read are in no depfile, so such
// calls are not cached: after the file changes, the object is the
// compiler's new one. ccache's "base / .incbin" cases are among them.
func TestAsmIncludesAreNotCached(t *testing.T) {
	cases := []struct {
		name    string
		cc      string
		files   map[string]string
		args    []string
		counter string
	}{
		{"incbin in C", "gcc", map[string]string{"i.c": `__asm__(".section .rodata\nblob: .incbin \"d.bin\"\n");` + "\n"},
			[]string{"-c", "i.c", "-o", "i.o"}, "uncacheable.asm-include"},
		{"incbin as a concatenated string", "gcc", map[string]string{"i.c": `__asm__(".section .rodata\n.incbin" " \"d.bin\"\n");` + "\n"},
			[]string{"-c", "i.c", "-o", "i.o"}, "uncacheable.asm-include"},
		{"incbin in C with clang", "clang-14", map[string]string{"i.c": `__asm__(".section .rodata\nblob: .incbin \"d.bin\"\n");` + "\n"},
			[]string{"-c", "i.c", "-o", "i.o"}, "uncacheable.asm-include"},
		{"incbin in a header", "gcc", map[string]string{"i.c": "#include \"blob.h\"\nint x;\n", "blob.h": `__asm__(".section .rodata\n.incbin \"d.bin\"\n");` + "\n"},
			[]string{"-c", "i.c", "-o", "i.o"}, "not_stored.asm-include"},
		{"incbin in .s, upper case", "gcc", map[string]string{"i.s": ".section .rodata\n.INCBIN \"d.bin\"\n"},
			[]string{"-c", "i.s", "-o", "i.o"}, "uncacheable.asm-include"},
		{"include in .s", "gcc", map[string]string{"i.s": ".section .rodata\n.include \"blob.s\"\n"},
			[]string{"-c", "i.s", "-o", "i.o"}, "uncacheable.asm-include"},
		{"include in .S", "gcc", map[string]string{"i.S": "#define X 1\n.section .rodata\n.include \"blob.s\"\n"},
			[]string{"-c", "i.S", "-o", "i.o"}, "uncacheable.asm-include"},
		{"include in a header of .S", "gcc", map[string]string{"i.S": "#include \"h.inc\"\n", "h.inc": ".section .rodata\n.include \"blob.s\"\n"},
			[]string{"-c", "i.S", "-o", "i.o"}, "not_stored.asm-include"},
		{"include in asm() of C++", "gcc", map[string]string{"i.cc": `asm(".section .rodata\n.include \"blob.s\"\n");` + "\n"},
			[]string{"-c", "i.cc", "-o", "i.o"}, "uncacheable.asm-include"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, tc.cc, "apt-get install -y gcc clang-14")
			e := newEnv(t)
			for name, content := range tc.files {
				e.write(name, content)
			}
			for i, blob := range []string{"AAAA", "BBBB"} {
				e.write("d.bin", blob)
				e.write("blob.s", ".ascii \""+blob+"\"\n")
				sameAsCompiler(t, e, "call "+string(rune('1'+i)), cc, tc.args, "i.o")
			}
			e.wantStats(map[string]int64{"hits": 0, tc.counter: 2})
		})
	}
}

// TestAsmLookalikesAreCached: a member function named incbin (ccache's
// case) and a member named include are no directives in C++ and C.
func TestAsmLookalikesAreCached(t *testing.T) {
	cc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("m.cc", "struct A { void incbin() const {} int include; };\nint f() { A a; a.incbin(); a.include = 1; return a.include; }\n")
	checkAgainstCompiler(t, e, cc, []string{"-c", "m.cc", "-o", "m.o"}, []string{"m.o"}, true)
}

// TestSloppinessIncbin: with sloppiness = incbin (as ccache's), a source
// with .incbin is cached, and a change of the blob is not noticed.
func TestSloppinessIncbin(t *testing.T) {
	cc := requireTool(t, "gcc", "apt-get install -y gcc")
	for _, how := range []string{"environment", "config.toml"} {
		t.Run(how, func(t *testing.T) {
			e := newEnv(t)
			if how == "environment" {
				e.setenv("OBJCACHE_SLOPPINESS", "incbin")
			} else {
				os.MkdirAll(e.cache, 0o777)
				os.WriteFile(filepath.Join(e.cache, "config.toml"), []byte("sloppiness = [\"incbin\"]\n"), 0o666)
			}
			e.write("i.c", `__asm__(".section .rodata\n.incbin \"d.bin\"\n");`+"\n")
			e.write("d.bin", "AAAA")
			checkAgainstCompiler(t, e, cc, []string{"-c", "i.c", "-o", "i.o"}, []string{"i.o"}, true)
		})
	}
}

// mmdTree writes a tree where each kind of file a -MMD compile reads but
// its depfile may leave out defines one value the object holds: a system
// header (-isystem), stdc-predef.h (found first in the -isystem
// directory), a -include file and a header it includes, a -imacros file.
func mmdTree(e *env, gcc bool) {
	predef := ""
	if gcc { // clang 14 reads no stdc-predef.h
		e.write("sys/stdc-predef.h", "#define PREDEF 1\n")
		predef = " + PREDEF"
	}
	e.write("sys/s.h", "#define SYS 1\n")
	e.write("inc.h", "#include \"incdep.h\"\n#define INC 1\n")
	e.write("incdep.h", "#define INCDEP 1\n")
	e.write("mac.h", "#define MAC 1\n")
	e.write("u.c", "#include <s.h>\nint v = SYS + INC + INCDEP + MAC"+predef+";\n")
}

// TestMMDListsEveryInclude (item 5): with -MMD, the manifest names every
// file the compile read, system headers, stdc-predef.h and the -include and
// -imacros files too, so that editing any of them misses. The include list
// comes from a separate dependency pass, for gcc and clang, with and
// without -g.
func TestMMDListsEveryInclude(t *testing.T) {
	for _, c := range compilers {
		for _, debug := range []bool{false, true} {
			name := c.name
			if debug {
				name += "/-g"
			}
			t.Run(name, func(t *testing.T) {
				cc := requireTool(t, c.name, c.install)
				e := newEnv(t)
				gcc := c.name == "gcc"
				mmdTree(e, gcc)
				args := []string{"-MMD", "-isystem", "sys", "-include", "inc.h", "-imacros", "mac.h", "-c", "u.c", "-o", "u.o"}
				if debug {
					args = append(args, "-g")
				}
				sameAsCompiler(t, e, "first", cc, args, "u.o", "u.d")
				sameAsCompiler(t, e, "unchanged", cc, args, "u.o", "u.d")
				edits := []struct{ file, text string }{
					{"sys/s.h", "#define SYS 2\n"},
					{"inc.h", "#include \"incdep.h\"\n#define INC 3\n"},
					{"incdep.h", "#define INCDEP 4\n"},
					{"mac.h", "#define MAC 5\n"},
				}
				if gcc {
					edits = append(edits, struct{ file, text string }{"sys/stdc-predef.h", "#define PREDEF 6\n"})
				}
				for _, edit := range edits {
					e.write(edit.file, edit.text)
					sameAsCompiler(t, e, "after editing "+edit.file, cc, args, "u.o", "u.d")
				}
				e.wantStats(map[string]int64{"hits": 1, "misses": int64(1 + len(edits))})
			})
		}
	}
}

// TestMMDStderrIsTheCompilers (item 15): under -MMD with -include and
// -imacros files that have no include guards, stderr is the compiler's
// byte for byte (no "Multiple include guards may be useful for:" block),
// on the miss and on the hit; and a user's own -H listing is kept.
func TestMMDStderrIsTheCompilers(t *testing.T) {
	for _, c := range compilers {
		for _, userH := range []bool{false, true} {
			name := c.name
			if userH {
				name += "/user -H"
			}
			t.Run(name, func(t *testing.T) {
				cc := requireTool(t, c.name, c.install)
				e := newEnv(t)
				e.write("inc.h", "#define INC 1\n")
				e.write("mac.h", "#define MAC 1\n")
				e.write("local.h", "int local;\n")
				e.write("u.c", "#include <stdio.h>\n#include \"local.h\"\n#warning from the source\nint v = INC + MAC;\n")
				args := []string{"-MMD", "-include", "inc.h", "-imacros", "mac.h", "-c", "u.c", "-o", "u.o"}
				if userH {
					args = append(args, "-H")
				}
				checkAgainstCompiler(t, e, cc, args, []string{"u.o", "u.d"}, true)
			})
		}
	}
}

// pchCase is a scenario with a precompiled header: files to write, a
// command that builds the PCH, the compile, and what changes between its
// calls.
type pchCase struct {
	name  string
	cc    string
	files map[string]string
	// build makes the PCH from the files (run with cc).
	build []string
	args  []string
	// change edits the tree after the first compile; every compile must
	// give the compiler's own object.
	change func(e *env, cc string)
	// counter, if set, must have counted each call.
	counter string
	// preprocess makes u.i from u.c with -fpch-preprocess after the build.
	preprocess bool
	// hits is how many of the four calls must hit, if not 2.
	hits int
}

// touch returns a change that moves a file's modification time a minute
// on, its content unchanged.
func touch(name string) func(e *env, cc string) {
	return func(e *env, cc string) {
		later := time.Now().Add(time.Minute)
		if err := os.Chtimes(filepath.Join(e.work, name), later, later); err != nil {
			e.t.Fatal(err)
		}
	}
}

// TestPrecompiledHeaders (item 7): gcc uses DIR/NAME.gch in place of a
// header NAME it finds in DIR (for -include and for the source's first
// #include, quoted or not), and clang's driver uses X.pch or X.gch for
// "-include X"; their depfiles do not say so. A rebuilt PCH, or one that
// appears, must miss.
func TestPrecompiledHeaders(t *testing.T) {
	rebuild := func(header, text string, build ...string) func(e *env, cc string) {
		return func(e *env, cc string) {
			e.write(header, text)
			e.build(cc, build...)
		}
	}
	cases := []pchCase{
		{name: "gcc -include", cc: "gcc",
			files: map[string]string{"p.h": "#define V 1\n", "u.c": "int v = V;\n"},
			build: []string{"-c", "p.h"}, args: []string{"-c", "-include", "p.h", "u.c", "-o", "u.o"},
			change: rebuild("p.h", "#define V 2\n", "-c", "p.h")},
		{name: "gcc #include quoted, source in a subdirectory", cc: "gcc",
			files: map[string]string{"src/p.h": "#define V 1\n", "src/u.c": "/* #include \"other.h\" */\n#include \"p.h\"\nint v = V;\n"},
			build: []string{"-c", "src/p.h"}, args: []string{"-c", "src/u.c", "-o", "u.o"},
			change: rebuild("src/p.h", "#define V 2\n", "-c", "src/p.h")},
		{name: "gcc #include <> through -I", cc: "gcc",
			files: map[string]string{"inc/p.h": "#define V 1\n", "u.c": "#include <p.h>\nint v = V;\n"},
			build: []string{"-c", "inc/p.h"}, args: []string{"-Iinc", "-c", "u.c", "-o", "u.o"},
			change: rebuild("inc/p.h", "#define V 2\n", "-c", "inc/p.h")},
		{name: "gcc first #include inside #ifdef", cc: "gcc",
			files: map[string]string{"p.h": "#define V 1\n", "u.c": "#ifdef NOTHING\n#include \"none.h\"\n#endif\n#include \"p.h\"\nint v = V;\n"},
			build: []string{"-c", "p.h"}, args: []string{"-c", "u.c", "-o", "u.o"},
			change: rebuild("p.h", "#define V 2\n", "-c", "p.h")},
		{name: "gcc PCH appears, header unchanged", cc: "gcc",
			files: map[string]string{"p.h": "#define V 1\n", "u.c": "#include \"p.h\"\nint v = V;\n"},
			args:  []string{"-c", "u.c", "-o", "u.o"},
			change: func(e *env, cc string) {
				// A .gch built from another version of the header: gcc
				// trusts it, whatever p.h says now.
				e.write("p.h", "#define V 2\n")
				e.build(cc, "-c", "p.h")
				e.write("p.h", "#define V 1\n")
			}},
		{name: "gcc PCH in a later directory of the chain", cc: "gcc",
			// An invalid a/p.h.gch without a/p.h makes gcc go on to b/.
			files: map[string]string{"a/p.h.gch": "not a PCH", "b/p.h": "#define V 1\n", "u.c": "#include <p.h>\nint v = V;\n"},
			args:  []string{"-Ia", "-Ib", "-c", "u.c", "-o", "u.o"},
			change: func(e *env, cc string) {
				e.write("b/p.h", "#define V 3\n")
				e.build(cc, "-c", "b/p.h")
				e.write("b/p.h", "#define V 1\n")
			}},
		{name: "gcc .i with pch_preprocess", cc: "gcc",
			files: map[string]string{"p.h": "static const int k[] = {1, 2, 3};\n", "u.c": "int f(int i) { return k[i]; }\n"},
			build: []string{"-c", "p.h"}, args: []string{"-c", "u.i", "-o", "u.o"}, preprocess: true,
			change: rebuild("p.h", "static const int k[] = {4, 5, 6};\n", "-c", "p.h")},
		{name: "clang -include with .pch", cc: "clang-14",
			files: map[string]string{"p.h": "static const int k[] = {K};\n", "u.c": "int f(int i) { return k[i]; }\n"},
			build: []string{"-x", "c-header", "-DK=1", "p.h", "-o", "p.h.pch"}, args: []string{"-c", "-include", "p.h", "u.c", "-o", "u.o"},
			change: func(e *env, cc string) {
				// The same header, built with another value: clang's
				// depfile names p.h, which has not changed.
				e.build(cc, "-x", "c-header", "-DK=7", "p.h", "-o", "p.h.pch")
			}},
		{name: "clang -include with .gch appearing", cc: "clang-14",
			files: map[string]string{"p.h": "#ifndef K\n#define K 1\n#endif\nstatic const int k[] = {K};\n", "u.c": "int f(int i) { return k[i]; }\n"},
			args:  []string{"-c", "-include", "p.h", "u.c", "-o", "u.o"},
			change: func(e *env, cc string) {
				e.build(cc, "-x", "c-header", "-DK=7", "p.h", "-o", "p.h.gch")
			}},
		{name: "clang -include-pch", cc: "clang-14",
			files: map[string]string{"p.h": "static const int k[] = {K};\n", "u.c": "int f(int i) { return k[i]; }\n"},
			build: []string{"-x", "c-header", "-DK=1", "p.h", "-o", "x.pch"}, args: []string{"-c", "-include-pch", "x.pch", "u.c", "-o", "u.o"},
			change: func(e *env, cc string) {
				e.build(cc, "-x", "c-header", "-DK=7", "p.h", "-o", "x.pch")
			}},
		{name: "clang -include with .pch, header touched", cc: "clang-14",
			// Clang checks the PCH's headers by size and time: after a
			// touch it fails, and so must the call through objcache.
			files: map[string]string{"p.h": "static const int k[] = {K};\n", "u.c": "int f(int i) { return k[i]; }\n"},
			build: []string{"-x", "c-header", "-DK=1", "p.h", "-o", "p.h.pch"}, args: []string{"-c", "-include", "p.h", "u.c", "-o", "u.o"},
			change:  touch("p.h"),
			counter: "uncacheable.pch-stale"},
		{name: "clang -include-pch, nested header touched", cc: "clang-14",
			files: map[string]string{"p.h": "#include \"q.h\"\n", "q.h": "static const int k[] = {1};\n", "u.c": "int f(int i) { return k[i]; }\n"},
			build: []string{"-x", "c-header", "p.h", "-o", "x.pch"}, args: []string{"-c", "-include-pch", "x.pch", "u.c", "-o", "u.o"},
			change:  touch("q.h"),
			counter: "uncacheable.pch-stale"},
		{name: "clang -Xclang -include-pch, header touched", cc: "clang-14",
			files: map[string]string{"p.h": "static const int k[] = {1};\n", "u.c": "int f(int i) { return k[i]; }\n"},
			build: []string{"-x", "c-header", "p.h", "-o", "x.pch"}, args: []string{"-c", "-Xclang", "-include-pch", "-Xclang", "x.pch", "u.c", "-o", "u.o"},
			change:  touch("p.h"),
			counter: "uncacheable.pch-stale"},
		{name: "clang PCH without timestamps, header touched", cc: "clang-14",
			// -fno-pch-timestamp: clang compares sizes only, and so the
			// hits go on.
			files: map[string]string{"p.h": "static const int k[] = {1};\n", "u.c": "int f(int i) { return k[i]; }\n"},
			build: []string{"-x", "c-header", "-Xclang", "-fno-pch-timestamp", "p.h", "-o", "p.h.pch"}, args: []string{"-c", "-include", "p.h", "u.c", "-o", "u.o"},
			change: touch("p.h"), hits: 3},
		{name: "gcc directory of PCHs", cc: "gcc",
			files: map[string]string{"p.h": "#define V 1\n", "u.c": "int v = V;\n"},
			args:  []string{"-c", "-include", "p.h", "u.c", "-o", "u.o"},
			change: func(e *env, cc string) {
				os.Mkdir(filepath.Join(e.work, "p.h.gch"), 0o777)
				e.build(cc, "-c", "p.h", "-o", "p.h.gch/one")
			},
			counter: "uncacheable.pch"},
		{name: "gcc computed first include", cc: "gcc",
			files: map[string]string{"p.h": "#define V 1\n", "u.c": "#define H \"p.h\"\n#include H\nint v = V;\n"},
			build: []string{"-c", "p.h"}, args: []string{"-c", "u.c", "-o", "u.o"},
			change:  rebuild("p.h", "#define V 2\n", "-c", "p.h"),
			counter: "uncacheable.pch-computed-include"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, tc.cc, "apt-get install -y gcc clang-14")
			e := newEnv(t)
			for name, content := range tc.files {
				e.write(name, content)
			}
			if tc.build != nil {
				e.build(cc, tc.build...)
			}
			if tc.preprocess {
				e.build(cc, "-E", "-fpch-preprocess", "-include", "p.h", "u.c", "-o", "u.i")
			}
			sameAsCompiler(t, e, "first", cc, tc.args, "u.o")
			sameAsCompiler(t, e, "again", cc, tc.args, "u.o")
			tc.change(e, cc)
			sameAsCompiler(t, e, "after the change", cc, tc.args, "u.o")
			sameAsCompiler(t, e, "after the change, again", cc, tc.args, "u.o")
			s := e.stats()
			if tc.counter != "" {
				if s[tc.counter] < 2 {
					t.Errorf("%s = %d, want at least 2 (stats %v)", tc.counter, s[tc.counter], s)
				}
				return
			}
			want := int64(2)
			if tc.hits != 0 {
				want = int64(tc.hits)
			}
			if s["hits"] != want {
				t.Errorf("%d hits, want %d (stats %v)", s["hits"], want, s)
			}
		})
	}
}

// TestPCHTimeMacro: a PCH whose header defines a macro expanding to
// __TIME__, used by the source, is never stored (the source's text does
// not show it), while the same PCH without it is.
func TestPCHTimeMacro(t *testing.T) {
	cc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("q.h", "#define STAMP __TIME__\n")
	e.write("t.c", "#include \"q.h\"\nconst char *s = STAMP;\n")
	e.build(cc, "-c", "q.h")
	os.Remove(filepath.Join(e.work, "q.h")) // the header may be gone: gcc needs only the .gch
	for i := 0; i < 2; i++ {
		if o := e.objcache(cc, "-c", "t.c", "-o", "t.o"); o.code != 0 {
			t.Fatalf("call %d: %v", i, o)
		}
		if i == 0 {
			time.Sleep(1100 * time.Millisecond) // another second for __TIME__
		}
	}
	e.wantStats(map[string]int64{"hits": 0, "not_stored.time-macro": 2})
	if e.read("t.o") == "" {
		t.Errorf("no object written")
	}
}

// TestPCHTimeMacroWithSourceDateEpoch: SOURCE_DATE_EPOCH is keyed only
// where a source, argument or header names a time macro, so a .gch whose
// macro expands to __DATE__ or __TIMESTAMP__ is never stored under it
// either (the fourth break-it round's e3 and e4).
func TestPCHTimeMacroWithSourceDateEpoch(t *testing.T) {
	cc := requireTool(t, "gcc", "apt-get install -y gcc")
	for _, macro := range []string{`__DATE__ " " __TIME__`, "__TIMESTAMP__"} {
		t.Run(macro, func(t *testing.T) {
			e := newEnv(t)
			e.write("q.h", "#define STAMP "+macro+"\n")
			e.write("t.c", "#include \"q.h\"\nconst char *s = STAMP;\n")
			e.build(cc, "-c", "q.h")
			for _, sde := range []string{"1000000", "2000000000", "1000000"} {
				e.setenv("SOURCE_DATE_EPOCH", sde)
				sameAsCompiler(t, e, "SOURCE_DATE_EPOCH="+sde, cc, []string{"-c", "t.c", "-o", "t.o"}, "t.o")
			}
			if s := e.stats(); s["hits"] != 0 {
				t.Errorf("stats %v, want no hit", s)
			}
		})
	}
}
