package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestSeparateArgumentOptions (I1): an option whose value is the next
// argument is read with it, so the value is never taken for an option of
// its own: "-mllvm -opt-bisect-limit=100" is no "-o pt-bisect-limit=100"
// (which objcache rewrote, clang rejected, and the call ran twice, never
// cached). Each call is compiled once and the second is a hit.
func TestSeparateArgumentOptions(t *testing.T) {
	cases := []struct {
		name, cc string
		args     []string
	}{
		{"clang -mllvm", "clang-14", []string{"-c", "t.c", "-o", "t.o", "-mllvm", "-opt-bisect-limit=100"}},
		{"clang -Xanalyzer", "clang-14", []string{"-c", "t.c", "-o", "t.o", "-Xanalyzer", "-analyzer-output=text"}},
		{"gcc -T", "gcc", []string{"-c", "t.c", "-o", "t.o", "-T", "-oscript.ld"}},
		{"gcc -z", "gcc", []string{"-c", "t.c", "-o", "t.o", "-z", "-ofoo"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, tc.cc, "apt-get install -y gcc clang-14")
			e := newEnv(t)
			e.write("t.c", "int x;\n")
			checkAgainstCompiler(t, e, cc, tc.args, []string{"t.o"}, true)
			if s := e.stats(); s["failed_compile_rerun"] != 0 {
				t.Errorf("compiled twice: %v", s)
			}
		})
	}
}

// TestWorkingDirectoryPassesThrough (I1): clang's -working-directory
// changes the directory every relative path is read from: the call passes
// through, and the object is where clang puts it.
func TestWorkingDirectoryPassesThrough(t *testing.T) {
	clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
	for _, args := range [][]string{
		{"-working-directory", "sub", "-c", "t.c", "-o", "t.o"},
		{"-working-directory=sub", "-c", "t.c", "-o", "t.o"},
	} {
		t.Run(args[0], func(t *testing.T) {
			e := newEnv(t)
			e.write("sub/t.c", "int x = 1;\n")
			e.write("t.c", "int x = 2;\n")
			for _, phase := range []string{"first", "second"} {
				sameAsCompiler(t, e, phase, clang, args, "t.o", "sub/t.o")
			}
			e.wantStats(map[string]int64{"hits": 0, "uncacheable.working-directory": 2})
		})
	}
}

// TestSplitDwarfForms (W5): clang's -gsplit-dwarf=split writes a .dwo
// beside the object, and =single keeps the DWARF in the object with a
// DW_AT_dwo_name naming the object: both record the object's name (a
// staging name, on a miss) and are not cached, as -gsplit-dwarf is not.
func TestSplitDwarfForms(t *testing.T) {
	clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
	for _, mode := range []string{"split", "single"} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t)
			e.write("t.c", "int main(void) { return 0; }\n")
			args := []string{"-g", "-gsplit-dwarf=" + mode, "-c", "t.c", "-o", "t.o"}
			for _, phase := range []string{"first", "second"} {
				os.Remove(filepath.Join(e.work, "t.dwo"))
				sameAsCompiler(t, e, phase, clang, args, "t.o", "t.dwo")
			}
			e.wantStats(map[string]int64{"hits": 0, "uncacheable.split-dwarf": 2})
		})
	}
}

// TestUnkeyedInputFiles (W9): files clang reads that no depfile names
// (sanitizer coverage lists, a VFS overlay in its joined form, a header
// map given as an include directory) join the key: after one changes, the
// object is the compiler's new one.
func TestUnkeyedInputFiles(t *testing.T) {
	clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
	const src = "int f(int x) { if (x) return 1; return 2; }\nint g(int x) { return x + 1; }\n"
	cases := []struct {
		name  string
		files map[string]string
		args  []string
		// file is rewritten with each content in turn.
		file  string
		steps []string
	}{
		{"-fsanitize-coverage-allowlist=", map[string]string{"t.c": src},
			[]string{"-fsanitize-coverage=trace-pc-guard", "-fsanitize-coverage-allowlist=L", "-c", "t.c", "-o", "t.o"},
			"L", []string{"src:*\nfun:f\n", "src:*\nfun:g\n"}},
		{"-fsanitize-coverage-ignorelist=", map[string]string{"t.c": src},
			[]string{"-fsanitize-coverage=trace-pc-guard", "-fsanitize-coverage-ignorelist=L", "-c", "t.c", "-o", "t.o"},
			"L", []string{"fun:f\n", "fun:g\n"}},
		{"-ivfsoverlayFILE", map[string]string{"t.c": "#include \"x.h\"\nint v = V;\n", "a/x.h": "#define V 1\n", "b/x.h": "#define V 2\n"},
			[]string{"-ivfsoverlay" + "o.yaml", "-Iv", "-c", "t.c", "-o", "t.o"},
			"o.yaml", []string{"a", "b"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			for name, content := range tc.files {
				e.write(name, content)
			}
			for i, content := range tc.steps {
				if tc.file == "o.yaml" {
					content = fmt.Sprintf("{ 'version': 0, 'roots': [ { 'name': '%s/v', 'type': 'directory', 'contents': [ { 'name': 'x.h', 'type': 'file', 'external-contents': '%s/%s/x.h' } ] } ] }\n", e.work, e.work, content)
				}
				e.write(tc.file, content)
				for _, phase := range []string{"miss", "hit"} {
					sameAsCompiler(t, e, fmt.Sprintf("%s, version %d", phase, i+1), clang, tc.args, "t.o")
				}
			}
			e.wantStats(map[string]int64{"hits": 2, "misses": 2})
		})
	}
	t.Run("header map", func(t *testing.T) {
		hmaptool := "/usr/lib/llvm-14/bin/hmaptool"
		if _, err := os.Stat(hmaptool); err != nil {
			t.Skipf("%s: %v (part of clang-14)", hmaptool, err)
		}
		python := requireTool(t, "python3", "apt-get install -y python3")
		e := newEnv(t)
		e.write("t.c", "#include \"x.h\"\nint v = V;\n")
		e.write("a/x.h", "#define V 1\n")
		e.write("b/x.h", "#define V 2\n")
		args := []string{"-I", "m.hmap", "-c", "t.c", "-o", "t.o"}
		for _, dir := range []string{"a", "b"} {
			e.write("m.json", fmt.Sprintf(`{"mappings": {"x.h": %q}}`, filepath.Join(e.work, dir, "x.h")))
			e.build(python, hmaptool, "write", "m.json", "m.hmap")
			for _, phase := range []string{"miss", "hit"} {
				sameAsCompiler(t, e, fmt.Sprintf("%s, map to %s", phase, dir), clang, args, "t.o")
			}
		}
		e.wantStats(map[string]int64{"hits": 2, "misses": 2})
	})
}

// TestClangCLDebugForms (W6): clang-cl's debug options other than /Z7
// (-gline-tables-only, -gdwarf, -gno-inline-line-tables) write debug
// information that records the object's path, the working directory and
// the command line: a miss compiles to the object's own name, and a call
// in another directory misses; each object is clang-cl's own.
func TestClangCLDebugForms(t *testing.T) {
	for _, opt := range []string{"-gline-tables-only", "-gdwarf", "-gno-inline-line-tables"} {
		t.Run(opt, func(t *testing.T) {
			e := newEnv(t)
			cl := clExe(t, e)
			for _, d := range []string{"d1", "d2"} {
				e.write(d+"/t.c", "int main(void) { return 0; }\n")
			}
			args := []string{"/Brepro", opt, "/c", "t.c", "/Fot.obj"}
			for _, d := range []string{"d1", "d2"} {
				for _, phase := range []string{"miss", "hit"} {
					e.sameAsCompiler(t, phase+" in "+d, d, cl, args, "t.obj")
				}
			}
			e.wantStats(map[string]int64{"hits": 2, "misses": 2})
		})
	}
}

// TestAssemblerSourcesKeyTheDirectory (W10): an assembler source's .file
// and .loc directives make the assembler write line tables naming the
// working directory, with no -g objcache sees, and -Xclang
// -debug-info-kind= turns on debug information behind the driver's back:
// a call in another directory misses and gives the compiler's object.
func TestAssemblerSourcesKeyTheDirectory(t *testing.T) {
	const asm = "\t.file 1 \"t.c\"\n\t.text\n\t.globl f\nf:\n\t.loc 1 1 0\n\tret\n"
	cases := []struct {
		name, cc, src, text string
		args                []string
	}{
		{"gcc .s", "gcc", "t.s", asm, []string{"-c", "t.s", "-o", "t.o"}},
		{"gcc .S", "gcc", "t.S", asm, []string{"-c", "t.S", "-o", "t.o"}},
		{"clang .s", "clang-14", "t.s", asm, []string{"-c", "t.s", "-o", "t.o"}},
		{"clang -Xclang -debug-info-kind=", "clang-14", "t.c", "int main(void) { return 0; }\n",
			[]string{"-Xclang", "-debug-info-kind=limited", "-c", "t.c", "-o", "t.o"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, tc.cc, "apt-get install -y gcc clang-14")
			e := newEnv(t)
			for _, d := range []string{"d1", "d2"} {
				e.write(d+"/"+tc.src, tc.text)
			}
			for _, d := range []string{"d1", "d2"} {
				for _, phase := range []string{"miss", "hit"} {
					e.sameAsCompiler(t, phase+" in "+d, d, cc, tc.args, "t.o")
				}
			}
			e.wantStats(map[string]int64{"hits": 2, "misses": 2})
		})
	}
}

// TestClangCLForceIncludePCH (W8b): clang-cl /FIq.h with q.h.pch beside
// q.h loads the PCH in q.h's place, and no /showIncludes line names it or
// the headers it holds: a rebuilt PCH must give the compiler's new
// object, so such calls pass through. Without the PCH the call is cached.
func TestClangCLForceIncludePCH(t *testing.T) {
	args := []string{"/Brepro", "/c", "/FIq.h", "u.c", "/Fou.obj"}
	setup := func(t *testing.T) (*env, string) {
		e := newEnv(t)
		cl := clExe(t, e)
		e.write("q.h", "#include \"r.h\"\n")
		e.write("r.h", "#define W 1\n")
		e.write("u.c", "int w = W;\n")
		e.write("pch.c", "int dummy;\n")
		return e, cl
	}
	t.Run("with q.h.pch", func(t *testing.T) {
		e, cl := setup(t)
		mk := func() {
			os.Remove(filepath.Join(e.work, "q.h.pch"))
			e.build(cl, "/c", "/Brepro", "/Ycq.h", "/Fpq.h.pch", "/FIq.h", "pch.c", "/Fojunk.obj")
		}
		mk()
		e.sameAsCompiler(t, "first", "", cl, args, "u.obj")
		e.write("r.h", "#define W 2\n")
		mk()
		e.sameAsCompiler(t, "PCH rebuilt", "", cl, args, "u.obj")
		e.wantStats(map[string]int64{"hits": 0, "uncacheable.pch": 2})
	})
	t.Run("without", func(t *testing.T) {
		e, cl := setup(t)
		e.sameAsCompiler(t, "miss", "", cl, args, "u.obj")
		e.sameAsCompiler(t, "hit", "", cl, args, "u.obj")
		e.wantStats(map[string]int64{"hits": 1, "misses": 1})
	})
}

// TestClangCLOutputNames (O5): a cl.exe that resolves to clang is
// clang-cl, and its output names are clang-cl's: -o names the object
// (passed through), clang-cl 14 writes /Fo:y.obj to ":y.obj" (passed
// through), /Foout with out/ a directory writes out.obj (cached), and on a
// host where \ separates nothing /Foout\ writes "out\.obj" (passed
// through). Every call writes the files clang-cl writes.
func TestClangCLOutputNames(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		outputs []string
		reason  string
	}{
		{"-o joined", []string{"/Brepro", "/c", "-ox.obj", "t.c"}, []string{"x.obj", "t.obj"}, "output-option"},
		{"-o separate", []string{"/Brepro", "/c", "-o", "x.obj", "t.c"}, []string{"x.obj", "t.obj"}, "output-option"},
		{"/Fo:", []string{"/Brepro", "/c", "/Fo:y.obj", "t.c"}, []string{":y.obj", "y.obj", "t.obj"}, "output-name"},
		{"/Foout, a directory", []string{"/Brepro", "/c", "/Foout", "t.c"}, []string{"out.obj", "out/t.obj"}, ""},
		{`/Foout\`, []string{"/Brepro", "/c", `/Foout\`, "t.c"}, []string{`out\.obj`, `out\t.obj`, "out/t.obj"}, "output-name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if runtime.GOOS == "windows" {
				t.Skip("clang-cl's names on a host where / and \\ are separators")
			}
			e := newEnv(t)
			cl := clExe(t, e)
			e.write("t.c", "int x;\n")
			os.MkdirAll(filepath.Join(e.work, "out"), 0o777)
			for _, phase := range []string{"first", "second"} {
				for _, f := range tc.outputs {
					os.Remove(filepath.Join(e.work, f))
				}
				sameAsCompiler(t, e, phase, cl, tc.args, tc.outputs...)
			}
			if tc.reason == "" {
				e.wantStats(map[string]int64{"hits": 1, "misses": 1})
			} else {
				e.wantStats(map[string]int64{"hits": 0, "uncacheable." + tc.reason: 2})
			}
		})
	}
}

// TestResponseFileBOM (W11): gcc takes a response file's bytes as they
// are, so a UTF-8 BOM makes its first argument an input gcc cannot find;
// clang drops the BOM. objcache reads the file as each compiler does: gcc
// fails as it does alone, clang's call is cached.
func TestResponseFileBOM(t *testing.T) {
	cases := []struct {
		cc   string
		hits int64
	}{{"gcc", 0}, {"clang-14", 1}}
	for _, tc := range cases {
		t.Run(tc.cc, func(t *testing.T) {
			cc := requireTool(t, tc.cc, "apt-get install -y gcc clang-14")
			e := newEnv(t)
			e.write("t.c", "#ifndef V\n#define V 2\n#endif\nint x = V;\n")
			e.write("rsp", "\xef\xbb\xbf-DV=1\n")
			args := []string{"-c", "@rsp", "t.c", "-o", "t.o"}
			for _, phase := range []string{"first", "second"} {
				os.Remove(filepath.Join(e.work, "t.o"))
				sameAsCompiler(t, e, phase, cc, args, "t.o")
			}
			if s := e.stats(); s["hits"] != tc.hits {
				t.Errorf("stats %v, want %d hits", s, tc.hits)
			}
		})
	}
}
