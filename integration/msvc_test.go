package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"
)

// clExe puts a symlink named cl.exe to clang-cl in the env's work
// directory (clang picks its cl driver from the name) and returns its path.
func clExe(t *testing.T, e *env) string {
	t.Helper()
	clang := requireTool(t, "clang-cl-14", "apt-get install -y clang-tools-14")
	cl := filepath.Join(e.work, "bin", "cl.exe")
	os.MkdirAll(filepath.Dir(cl), 0o777)
	if err := os.Symlink(clang, cl); err != nil {
		t.Fatal(err)
	}
	return cl
}

// msvcSources writes two C sources and two headers.
func msvcSources(e *env) {
	e.write("src/a.c", "#include \"common.h\"\n#include <stddef.h>\nint a(void) { return COMMON + (int)sizeof(size_t); }\n")
	e.write("src/b.cpp", "#include \"common.h\"\nint b() { return COMMON * 2; }\n")
	e.write("src/common.h", "#define COMMON 7\n")
}

// TestClangCLMissThenHit compiles through a cl.exe named clang-cl, compares
// every object with clang-cl's own (with /Brepro: COFF objects otherwise
// carry a timestamp), its console output, and counts the hits.
func TestClangCLMissThenHit(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		outputs []string
		env     map[string]string
		hits    int64 // after the second run
	}{
		{"one file", []string{"/c", "/Brepro", "/O2", "src/a.c"}, []string{"a.obj"}, nil, 1},
		{"/Fo file", []string{"/c", "/Brepro", "src/a.c", "/Foout/x.obj"}, []string{"out/x.obj"}, nil, 1},
		{"/Fo directory, two files, /MP2", []string{"/c", "/Brepro", "/MP2", "src/a.c", "src/b.cpp", "/Foout/"}, []string{"out/a.obj", "out/b.obj"}, nil, 2},
		{"two files without /MP", []string{"-c", "-Brepro", "src/a.c", "src/b.cpp"}, []string{"a.obj", "b.obj"}, nil, 2},
		{"/Tp", []string{"/c", "/Brepro", "/Tpsrc/a.c", "/Foout/"}, []string{"out/a.obj"}, nil, 1},
		{"/showIncludes asked", []string{"/c", "/Brepro", "/showIncludes", "src/a.c"}, []string{"a.obj"}, nil, 1},
		{"CL and _CL_", []string{"/c", "/Brepro", "src/a.c"}, []string{"a.obj"}, map[string]string{"CL": "/DEXTRA#1 /O1", "_CL_": "/DTAIL"}, 1},
		{"/Z7", []string{"/c", "/Brepro", "/Z7", "src/a.c", "/Foout/a.obj"}, []string{"out/a.obj"}, nil, 1},
		// clang-cl's /Zi is /Z7: no compile PDB, CodeView in the object
		// (CMake's Debug flags: /Zi with a PDB per target and /FS).
		{"/Zi /Fd /FS", []string{"/c", "/Brepro", "/Zi", "/Fdout/target.pdb", "/FS", "src/a.c", "/Foout/a.obj"}, []string{"out/a.obj", "out/target.pdb"}, nil, 1},
		// clang-cl's /Z7 object records its own cc1 command, the same
		// with one source or several (MSBuild's calls).
		{"/Z7 two files, /MP2", []string{"/c", "/Brepro", "/Z7", "/MP2", "src/a.c", "src/b.cpp", "/Foout/"}, []string{"out/a.obj", "out/b.obj"}, nil, 2},
		{"/Zi two files", []string{"/c", "/Brepro", "/Zi", "/Fdout/t.pdb", "src/a.c", "src/b.cpp", "/Foout/"}, []string{"out/a.obj", "out/b.obj"}, nil, 2},
		{"/ZI (ignored by clang-cl)", []string{"/c", "/Brepro", "/ZI", "src/a.c"}, []string{"a.obj"}, nil, 1},
		{"UTF-16 response file", []string{"@args.rsp"}, []string{"out/a.obj", "out/b.obj"}, nil, 2},
		{"/sourceDependencies (clang-cl 14 ignores it)", []string{"/c", "/Brepro", "src/a.c", "/sourceDependencies", "deps.json"}, []string{"a.obj", "deps.json"}, nil, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			cl := clExe(t, e)
			msvcSources(e)
			os.MkdirAll(filepath.Join(e.work, "out"), 0o777)
			units := utf16.Encode([]rune("/c /Brepro \"src/a.c\" src/b.cpp /Foout/"))
			rsp := []byte{0xFF, 0xFE}
			for _, u := range units {
				rsp = append(rsp, byte(u), byte(u>>8))
			}
			os.WriteFile(filepath.Join(e.work, "args.rsp"), rsp, 0o666)
			for k, v := range tc.env {
				e.setenv(k, v)
			}
			ref := e.run(cl, tc.args...)
			if ref.code != 0 {
				t.Fatalf("clang-cl alone: %v", ref)
			}
			want := e.snapshot(tc.outputs...)
			for i, phase := range []string{"miss", "hit"} {
				o := e.objcache(append([]string{cl}, tc.args...)...)
				// With several sources, objcache runs the driver once per
				// source: clang-cl's driver warnings (not cl's) then come
				// once per source.
				if len(tc.outputs) == 1 && o != ref || o.code != ref.code || o.stdout != ref.stdout || !sameLines(o.stderr, ref.stderr) {
					t.Errorf("%s: console %v, want %v", phase, o, ref)
				}
				sameFiles(t, phase, e.snapshot(tc.outputs...), want)
				if s := e.stats(); i == 1 && s["hits"] != tc.hits {
					t.Errorf("after the hit: stats %v, want %d hits", s, tc.hits)
				}
			}
		})
	}
}

// TestClangCLShowIncludesChangesRebuild: a header change misses, and the
// include lines objcache adds never reach the user.
func TestClangCLShowIncludesChangesRebuild(t *testing.T) {
	e := newEnv(t)
	cl := clExe(t, e)
	msvcSources(e)
	args := []string{cl, "/c", "/Brepro", "src/a.c"}
	for i := 0; i < 2; i++ {
		if o := e.objcache(args...); o.code != 0 || strings.Contains(o.stdout, "including file") {
			t.Fatalf("run %d: %v", i, o)
		}
	}
	e.write("src/common.h", "#define COMMON 8\n")
	e.objcache(args...)
	got := e.snapshot("a.obj")
	e.run(args[0], args[1:]...)
	sameFiles(t, "after the header changed", got, e.snapshot("a.obj"))
	e.wantStats(map[string]int64{"hits": 1, "misses": 2})
}

// TestClangCLPassThroughReasons: calls objcache must not cache run clang-cl
// with the original arguments and are counted under their reason.
func TestClangCLPassThroughReasons(t *testing.T) {
	cases := []struct {
		name, reason string
		args         []string
		outputs      []string
	}{
		{"linking", "linking", []string{"/Brepro", "src/a.c", "/Fea.exe", "/link", "/NOENTRY", "/DLL"}, nil},
		{"preprocess", "preprocess-only", []string{"/E", "src/a.c"}, nil},
		{"/P", "preprocess-only", []string{"/P", "src/a.c"}, []string{"a.i"}},
		{"listing", "extra-output", []string{"/c", "/Brepro", "/FA", "src/a.c"}, []string{"a.obj", "a.asm"}},
		{"/EP", "preprocess-only", []string{"/EP", "src/a.c"}, nil},
		{"/Fi", "preprocess-only", []string{"/P", "/Fiout.i", "src/a.c"}, []string{"out.i"}},
		{"/Yu without its PCH", "pch", []string{"/c", "/Brepro", "/Yucommon.h", "/Fpcommon.pch", "src/a.c"}, nil},
		{"/Yu without /Fp", "pch-no-fp", []string{"/c", "/Brepro", "/Yucommon.h", "src/a.c"}, nil},
		{"/Yc up to #pragma hdrstop", "pch-hdrstop", []string{"/c", "/Brepro", "/Yc", "src/a.c"}, nil},
		{"/Gm", "minimal-rebuild", []string{"/c", "/Brepro", "/Gm", "src/a.c"}, []string{"a.obj"}},
		{"/doc", "extra-output", []string{"/c", "/Brepro", "/doc", "src/a.c"}, []string{"a.obj"}},
		{"/analyze", "extra-output", []string{"/c", "/Brepro", "/analyze", "src/a.c"}, nil},
		{"no source", "no-source", []string{"/c"}, nil},
		{"one output, two sources", "multiple-sources-one-output", []string{"/c", "src/a.c", "src/b.cpp", "/Fox.obj"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			cl := clExe(t, e)
			msvcSources(e)
			ref := e.run(cl, tc.args...)
			want := e.snapshot(tc.outputs...)
			o := e.objcache(append([]string{cl}, tc.args...)...)
			if o != ref {
				t.Errorf("console %v, want %v", o, ref)
			}
			sameFiles(t, "pass-through", e.snapshot(tc.outputs...), want)
			e.wantStats(map[string]int64{"uncacheable." + tc.reason: 1, "hits": 0, "misses": 0})
		})
	}
}

// TestClangCLSourceInCLVariable: cl and clang-cl compile a source that CL
// or _CL_ names as if it were on the command line. objcache compiled each
// source by a command of its own with the variables set, so the variable's
// source came into every one and clang-cl refused /Fo with several sources
// (exit 1 where clang-cl alone builds both; break-it round 23). Such a call
// passes through now.
func TestClangCLSourceInCLVariable(t *testing.T) {
	for _, name := range []string{"CL", "_CL_"} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			cl := clExe(t, e)
			msvcSources(e)
			// A first call learns the /showIncludes prefix, which the
			// variable's source would otherwise keep from being learnt.
			if o := e.objcache(cl, "/c", "/Brepro", "src/a.c", "/Foprobe.obj"); o.code != 0 {
				t.Fatal(o)
			}
			args := []string{"/c", "/Brepro", "src/a.c"}
			e.setenv(name, "src/b.cpp")
			ref := e.run(cl, args...)
			want := e.snapshot("a.obj", "b.obj")
			if ref.code != 0 {
				t.Fatal(ref)
			}
			os.Remove(filepath.Join(e.work, "a.obj"))
			os.Remove(filepath.Join(e.work, "b.obj"))
			if o := e.objcache(append([]string{cl}, args...)...); o != ref {
				t.Errorf("console %v, want %v", o, ref)
			}
			sameFiles(t, name, e.snapshot("a.obj", "b.obj"), want)
			e.wantStats(map[string]int64{"uncacheable.source-in-cl-env": 1})
		})
	}
}

// TestClangCLSixteenProcesses: the core's concurrency test with clang-cl.
func TestClangCLSixteenProcesses(t *testing.T) {
	e := newEnv(t)
	cl := clExe(t, e)
	msvcSources(e)
	ref := e.run(cl, "/c", "/Brepro", "src/a.c", "/Foref.obj")
	if ref.code != 0 {
		t.Fatal(ref)
	}
	want := e.mustRead("ref.obj")
	const n = 16
	var wg sync.WaitGroup
	outs := make([]string, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cmd := exec.Command(objcacheBin, cl, "/c", "/Brepro", "src/a.c", fmt.Sprintf("/Foout%d.obj", i))
			cmd.Dir, cmd.Env = e.work, e.vars
			<-start
			out, err := cmd.CombinedOutput()
			if err != nil {
				outs[i] = fmt.Sprintf("%v: %s", err, out)
			}
		}(i)
	}
	close(start)
	wg.Wait()
	for i := 0; i < n; i++ {
		if outs[i] != "" {
			t.Errorf("process %d: %s", i, outs[i])
		}
		if e.read(fmt.Sprintf("out%d.obj", i)) != want {
			t.Errorf("process %d: object differs from clang-cl's own", i)
		}
	}
	if entries := e.entryFiles("objects"); len(entries) != 1 {
		t.Errorf("%d entries, want 1", len(entries))
	}
	if s := e.stats(); s["hits"]+s["misses"] != n || s["stored"] != 1 {
		t.Errorf("stats %v", s)
	}
}

// sameLines reports whether a and b hold the same set of lines.
func sameLines(a, b string) bool {
	set := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	sa, sb := set(a), set(b)
	if len(sa) != len(sb) {
		return false
	}
	for l := range sa {
		if !sb[l] {
			return false
		}
	}
	return true
}

// fakeCL is a stand-in for cl.exe that writes /sourceDependencies as cl
// does (clang-cl 14 ignores the option): its object is the source's bytes,
// and it prints the source name and, under /showIncludes, a note line per
// #include "x".
const fakeCL = `#!/bin/sh
out= deps= src= show= prev=
for a in "$@"; do
	case "$prev" in /sourceDependencies) deps=$a ;; esac
	case "$a" in /Fo*) out=${a#/Fo} ;; /showIncludes) show=1 ;; *.c) src=$a ;; esac
	prev=$a
done
[ -n "$out" ] || out=$(basename "$src" .c).obj
echo "$(basename "$src")"
if [ -n "$show" ]; then
	sed -n 's/^#include "\(.*\)"$/\1/p' "$src" | while read -r h; do echo "Note: including file: $(dirname "$src")/$h"; done
fi
case " $* " in *" /Zs "*) exit 0 ;; esac
cat "$src" > "$out"
[ -z "$deps" ] || printf '{"Version":"1.1","Data":{"Source":"%s/%s"}}\n' "$PWD" "$src" > "$deps"
exit 0
`

// TestSourceDependenciesStoredAndReplayed: the /sourceDependencies file a
// cl writes is stored with the object and written again by a hit.
func TestSourceDependenciesStoredAndReplayed(t *testing.T) {
	e := newEnv(t)
	cl := e.write("bin/cl.exe", fakeCL)
	os.Chmod(cl, 0o755)
	e.write("src/a.c", "#include \"common.h\"\nint a;\n")
	e.write("src/common.h", "#define COMMON 1\n")
	args := []string{cl, "/c", "src/a.c", "/sourceDependencies", "deps.json"}
	ref := e.run(args[0], args[1:]...)
	want := e.snapshot("a.obj", "deps.json")
	if !strings.Contains(want["deps.json"], `"Source"`) {
		t.Fatalf("the fake cl wrote no dependencies file: %v", want)
	}
	for i, phase := range []string{"miss", "hit"} {
		o := e.objcache(args...)
		if o != ref {
			t.Errorf("%s: console %v, want %v", phase, o, ref)
		}
		sameFiles(t, phase, e.snapshot("a.obj", "deps.json"), want)
		if s := e.stats(); s["hits"] != int64(i) {
			t.Errorf("after the %s: %v", phase, s)
		}
	}
	// A header change misses: the fake's include lines reached the manifest.
	e.write("src/common.h", "#define COMMON 2\n")
	e.objcache(args...)
	e.wantStats(map[string]int64{"hits": 1, "misses": 2})
}

// TestClangCLFailingCompile: a failing compile shows clang-cl's own
// messages and status, leaves the output files as clang-cl alone does
// (it removes an old object), and stores nothing.
func TestClangCLFailingCompile(t *testing.T) {
	for _, old := range []bool{false, true} {
		t.Run(fmt.Sprintf("old object %v", old), func(t *testing.T) {
			e := newEnv(t)
			cl := clExe(t, e)
			e.write("bad.c", "int x = ;\n")
			args := []string{"/c", "/Brepro", "bad.c"}
			prepare := func() {
				if old {
					e.write("bad.obj", "stale")
				}
			}
			prepare()
			ref := e.run(cl, args...)
			want := e.snapshot("bad.obj")
			for i := 0; i < 2; i++ {
				prepare()
				if o := e.objcache(append([]string{cl}, args...)...); o != ref {
					t.Errorf("run %d: %v, want %v", i, o, ref)
				}
				sameFiles(t, "failed compile", e.snapshot("bad.obj"), want)
			}
			e.wantStats(map[string]int64{"misses": 2, "hits": 0, "not_stored.compile-failed": 2})
		})
	}
}
