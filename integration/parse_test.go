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
