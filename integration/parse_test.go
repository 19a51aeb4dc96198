package integration

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The tests of this file close the holes a break-it round found in what
// the key and the command-line parser model (notes/fix-parse.md): each
// spells something the compiler reads or writes in a way objcache did not
// see, and wants the compiler's own result, or a counted pass-through.

// TestTimeMacrosThroughSplices (W3): a time macro cut by a line splice
// (backslash-newline, with blanks before the newline, or the trigraph
// ??/) is the macro to the preprocessor: the call is not stored, and the
// second object is not the first one's.
func TestTimeMacrosThroughSplices(t *testing.T) {
	cases := []struct {
		name    string
		files   map[string]string
		args    []string
		counter string
	}{
		{"source", map[string]string{"t.c": "const char *t = __TI\\\nME__;\n"}, []string{"-c", "t.c", "-o", "t.o"}, "uncacheable.time-macro"},
		{"source, blanks before the newline", map[string]string{"t.c": "const char *t = __TI\\ \nME__;\n"}, []string{"-w", "-c", "t.c", "-o", "t.o"}, "uncacheable.time-macro"},
		{"source, trigraph", map[string]string{"t.c": "const char *t = __TI??/\nME__;\n"}, []string{"-trigraphs", "-c", "t.c", "-o", "t.o"}, "uncacheable.time-macro"},
		{"header", map[string]string{"t.c": "#include \"h.h\"\nconst char *t = STAMP;\n", "h.h": "#define STAMP __TI\\\r\nME__\n"}, []string{"-c", "t.c", "-o", "t.o"}, "not_stored.time-macro"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, "gcc", "apt-get install -y gcc")
			e := newEnv(t)
			for name, content := range tc.files {
				e.write(name, content)
			}
			var objs []string
			for i := 0; i < 2; i++ {
				if i > 0 {
					time.Sleep(1100 * time.Millisecond) // __TIME__ has one-second steps
				}
				if o := e.objcache(append([]string{cc}, tc.args...)...); o.code != 0 {
					t.Fatalf("call %d: %v", i+1, o)
				}
				objs = append(objs, e.snapshot("t.o")["t.o"])
			}
			if objs[0] == objs[1] {
				t.Error("the second object is the first one's: a stale hit")
			}
			e.wantStats(map[string]int64{"hits": 0, tc.counter: 2})
		})
	}
}

// TestAsmIncludeSpellings (W4): .incbin and .include spelled so that no
// look at the letters finds them (a C string split in two, an octal or
// hex escape, a preprocessor macro, a gas .irp) still make the call
// uncacheable: after the blob changes, the object is the compiler's new
// one.
func TestAsmIncludeSpellings(t *testing.T) {
	cases := []struct {
		name, cc, src, text string
	}{
		{"concatenated strings", "gcc", "i.c", `asm(".section .rodata\nblob: .inc" "bin \"d.bin\"\n.previous");` + "\n"},
		{"concatenated strings, clang", "clang-14", "i.c", `asm(".section .rodata\nblob: .inc" "bin \"d.bin\"\n.previous");` + "\n"},
		{"octal escape", "gcc", "i.c", `asm(".section .rodata\n\56incbin \"d.bin\"\n.previous");` + "\n"},
		{"hex escape in a letter", "gcc", "i.c", `asm(".section .rodata\n.inc\x62in \"d.bin\"\n.previous");` + "\n"},
		{"preprocessor macro", "gcc", "i.S", "#define INC incbin\n.section .rodata\n.INC \"d.bin\"\n"},
		{"gas .irp", "gcc", "i.s", ".section .rodata\n.irp d,incbin\n.\\d \"d.bin\"\n.endr\n"},
		{"gas .irp include", "gcc", "i.s", ".section .rodata\n.irp d,include\n.\\d \"blob.s\"\n.endr\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, tc.cc, "apt-get install -y gcc clang-14")
			e := newEnv(t)
			e.write(tc.src, tc.text)
			args := []string{"-c", tc.src, "-o", "i.o"}
			for i, blob := range []string{"AAAA", "BBBB"} {
				e.write("d.bin", blob)
				e.write("blob.s", ".ascii \""+blob+"\"\n")
				sameAsCompiler(t, e, "call "+string(rune('1'+i)), cc, args, "i.o")
			}
			e.wantStats(map[string]int64{"hits": 0, "uncacheable.asm-include": 2})
		})
	}
}

// TestPragmaDependency (O1): "#pragma GCC dependency" makes the compiler
// compare another file's time with the current file's (a warning, an
// error under -Werror, when it is newer), and no depfile names that file:
// such a call is not cached, and after the file is touched the compiler's
// own warning and status are what the user gets.
func TestPragmaDependency(t *testing.T) {
	// In a header the second compile fails (-Werror), and is counted so.
	inSource := map[string]int64{"hits": 0, "uncacheable.pragma-dependency": 2}
	inHeader := map[string]int64{"hits": 0, "not_stored.pragma-dependency": 1, "not_stored.compile-failed": 1}
	cases := []struct {
		name  string
		files map[string]string
		stats map[string]int64
	}{
		{"in the source", map[string]string{"t.c": "#pragma GCC dependency \"gen.y\"\nint x;\n"}, inSource},
		{"in a header", map[string]string{"t.c": "#include \"h.h\"\nint x;\n", "h.h": "#pragma GCC dependency \"gen.y\"\n"}, inHeader},
		{"as _Pragma", map[string]string{"t.c": "_Pragma(\"GCC dependency \\\"gen.y\\\"\")\nint x;\n"}, inSource},
	}
	for _, tc := range cases {
		for _, ccName := range []string{"gcc", "clang-14"} {
			t.Run(tc.name+"/"+ccName, func(t *testing.T) {
				cc := requireTool(t, ccName, "apt-get install -y gcc clang-14")
				e := newEnv(t)
				e.write("gen.y", "%%\n")
				for name, content := range tc.files {
					e.write(name, content)
				}
				args := []string{"-Werror", "-c", "t.c", "-o", "t.o"}
				sameAsCompiler(t, e, "before", cc, args, "t.o")
				now := time.Now()
				os.Chtimes(filepath.Join(e.work, "gen.y"), now, now)
				e.touched()
				sameAsCompiler(t, e, "after gen.y is touched", cc, args, "t.o")
				e.wantStats(tc.stats)
			})
		}
	}
}

// TestPCHSpellings (W8): precompiled headers named in ways objcache did not
// follow are keyed, so a rebuilt PCH misses: clang's cc1 options through
// -Xclang (CMake's PCH support writes exactly "-Xclang -include-pch
// -Xclang cmake_pch.h.pch -Xclang -include -Xclang cmake_pch.h"), and a
// gcc source whose first #include follows a directive holding "/*" in a
// string.
func TestPCHSpellings(t *testing.T) {
	cases := []pchCase{
		{name: "clang -Xclang -include-pch, CMake's form", cc: "clang-14",
			files: map[string]string{"cmake_pch.h": "#pragma once\nstatic const int k[] = {K};\n", "u.c": "int f(int i) { return k[i]; }\n"},
			build: []string{"-x", "c-header", "-DK=1", "cmake_pch.h", "-Xclang", "-emit-pch", "-o", "cmake_pch.h.pch"},
			args:  []string{"-Xclang", "-include-pch", "-Xclang", "cmake_pch.h.pch", "-Xclang", "-include", "-Xclang", "cmake_pch.h", "-c", "u.c", "-o", "u.o"},
			change: func(e *env, cc string) {
				e.build(cc, "-x", "c-header", "-DK=7", "cmake_pch.h", "-Xclang", "-emit-pch", "-o", "cmake_pch.h.pch")
			}},
		{name: "gcc first #include after a string holding /*", cc: "gcc",
			files: map[string]string{"p.h": "#define V 1\n", "u.c": "#define SLASHSTAR \"/*\"\n#include \"p.h\"\nint v = V; /* a comment */\n"},
			build: []string{"-c", "p.h"}, args: []string{"-c", "u.c", "-o", "u.o"},
			change: func(e *env, cc string) {
				// p.h itself unchanged: only its .gch says otherwise.
				e.write("other.h", "#define V 2\n")
				e.build(cc, "-x", "c-header", "other.h", "-o", "p.h.gch")
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, tc.cc, "apt-get install -y gcc clang-14")
			e := newEnv(t)
			for name, content := range tc.files {
				e.write(name, content)
			}
			e.build(cc, tc.build...)
			sameAsCompiler(t, e, "first", cc, tc.args, "u.o")
			sameAsCompiler(t, e, "again", cc, tc.args, "u.o")
			tc.change(e, cc)
			sameAsCompiler(t, e, "after the change", cc, tc.args, "u.o")
			sameAsCompiler(t, e, "after the change, again", cc, tc.args, "u.o")
			if s := e.stats(); s["hits"] != 2 {
				t.Errorf("%d hits, want 2 (stats %v)", s["hits"], s)
			}
		})
	}
}

// TestForwardedIncludeDirectories (W7): include directories handed to the
// preprocessor through -Xpreprocessor, -Wp, or -Xclang join the key's
// directory list (item 9): a b/ created later, with a header that shadows
// a/'s, makes the next call miss.
func TestForwardedIncludeDirectories(t *testing.T) {
	cases := []struct {
		name, cc string
		args     []string
	}{
		{"gcc -Xpreprocessor -I", "gcc", []string{"-Xpreprocessor", "-Ib", "-Xpreprocessor", "-Ia", "-c", "m.c"}},
		{"gcc -Wp,-I", "gcc", []string{"-Wp,-Ib,-Ia", "-c", "m.c"}},
		{"gcc -Wp,-isystem", "gcc", []string{"-Wp,-isystem,b,-isystem,a", "-c", "m.c"}},
		{"clang -Xclang -I", "clang-14", []string{"-Xclang", "-Ib", "-Xclang", "-I", "-Xclang", "a", "-c", "m.c"}},
		{"clang -Xpreprocessor -I", "clang-14", []string{"-Xpreprocessor", "-Ib", "-Xpreprocessor", "-Ia", "-c", "m.c"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, tc.cc, "apt-get install -y "+tc.cc)
			e := newEnv(t)
			e.write("m.c", "#include <foo.h>\n")
			e.write("a/foo.h", "char x[] = \"content_a\";\n")
			e.sameAsCompiler(t, "a/foo.h", "", cc, tc.args, "m.o")
			e.sameAsCompiler(t, "a/foo.h again", "", cc, tc.args, "m.o")
			e.write("b/foo.h", "char x[] = \"content_b\";\n")
			e.sameAsCompiler(t, "b/ appeared", "", cc, tc.args, "m.o")
			e.sameAsCompiler(t, "b/ again", "", cc, tc.args, "m.o")
			if s := e.stats(); s["hits"] != 2 || s["misses"] != 2 {
				t.Errorf("stats %v, want 2 misses and 2 hits", s)
			}
		})
	}
}

// TestForwardedResponseFiles (W9): a response file that cc1 or the
// assembler expands itself (-Wp,@f, -Wa,@f; the driver expands those of
// -Xpreprocessor and -Xassembler as its own) is none of the arguments
// objcache hashes: the call passes through, and a changed file gives the
// compiler's new object.
func TestForwardedResponseFiles(t *testing.T) {
	cases := []struct {
		name, src, text, opts1, opts2 string
		args                          []string
	}{
		{"-Wp,@", "u.c", "int v = V;\n", "-DV=1\n", "-DV=2\n", []string{"-Wp,@opts", "-c", "u.c", "-o", "u.o"}},
		{"-Wa,@", "a.s", "\t.data\n\t.byte X\n", "--defsym X=1\n", "--defsym X=2\n", []string{"-Wa,@opts", "-c", "a.s", "-o", "u.o"}},
		{"-Xpreprocessor @, expanded by the driver", "u.c", "int v = V;\n", "-DV=1\n", "-DV=2\n", []string{"-Xpreprocessor", "@opts", "-c", "u.c", "-o", "u.o"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, "gcc", "apt-get install -y gcc")
			e := newEnv(t)
			e.write(tc.src, tc.text)
			e.write("opts", tc.opts1)
			sameAsCompiler(t, e, "first", cc, tc.args, "u.o")
			e.write("opts", tc.opts2)
			sameAsCompiler(t, e, "after the response file changed", cc, tc.args, "u.o")
			if s := e.stats(); s["hits"] != 0 {
				t.Errorf("stats %v, want no hit", s)
			}
		})
	}
}

// TestForwardedOutputs (O2): outputs asked for through the options of
// another program (a depfile of -Xpreprocessor, a listing or depfile of
// -Xassembler, cc1's -dependency-file, clang's -fproc-stat-report=) are
// files a hit would not write: such calls pass through, and the compiler
// writes them, every time.
func TestForwardedOutputs(t *testing.T) {
	cases := []struct {
		name, cc, file, counter string
		args                    []string
	}{
		{"-Xpreprocessor -MD", "gcc", "my.d", "uncacheable.extra-output", []string{"-Xpreprocessor", "-MD", "-Xpreprocessor", "my.d", "-c", "t.c", "-o", "t.o"}},
		{"-Xassembler --MD", "gcc", "my.d", "uncacheable.extra-output", []string{"-Xassembler", "--MD", "-Xassembler", "my.d", "-c", "t.c", "-o", "t.o"}},
		{"-Wa,-MD, (GNU as reads -MD as --MD)", "gcc", "my.d", "uncacheable.extra-output", []string{"-Wa,-MD,my.d", "-c", "t.c", "-o", "t.o"}},
		{"-Xassembler -al=", "gcc", "my.lst", "uncacheable.extra-output", []string{"-Xassembler", "-al=my.lst", "-c", "t.c", "-o", "t.o"}},
		{"-Xclang -dependency-file", "clang-14", "my.d", "uncacheable.xclang-option", []string{"-Xclang", "-dependency-file", "-Xclang", "my.d", "-Xclang", "-MT", "-Xclang", "t.o", "-c", "t.c", "-o", "t.o"}},
		{"-Xclang -header-include-file", "clang-14", "my.d", "uncacheable.xclang-option", []string{"-Xclang", "-header-include-file", "-Xclang", "my.d", "-H", "-c", "t.c", "-o", "t.o"}},
		{"-save-stats=obj", "clang-14", "t.stats", "uncacheable.extra-output", []string{"-save-stats=obj", "-c", "t.c", "-o", "t.o"}},
		{"-fproc-stat-report=", "clang-14", "my.d", "uncacheable.extra-output", []string{"-fproc-stat-report=my.d", "-c", "t.c", "-o", "t.o"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, tc.cc, "apt-get install -y gcc clang-14")
			e := newEnv(t)
			e.write("t.c", "int f(void) { return 1; }\n")
			for _, phase := range []string{"first", "second"} {
				os.Remove(filepath.Join(e.work, tc.file))
				if o := e.objcache(append([]string{cc}, tc.args...)...); o.code != 0 {
					t.Fatalf("%s: %v", phase, o)
				}
				if _, err := os.Stat(filepath.Join(e.work, tc.file)); err != nil {
					t.Errorf("%s call: %s not written: %v", phase, tc.file, err)
				}
				e.snapshot("t.o")
			}
			e.wantStats(map[string]int64{"hits": 0, tc.counter: 2})
		})
	}
}
