package integration

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestMasqueradeNamedClExe: a masquerade link named cl.exe first in PATH
// finds the cl.exe further down PATH. objcache used to drop the .exe and
// look for "cl", which on Linux is not there (exit 127 where the compiler
// alone compiles). Found by the differential tester.
func TestMasqueradeNamedClExe(t *testing.T) {
	e := newEnv(t)
	cl := clExe(t, e)
	masq := filepath.Join(e.work, "masq")
	os.MkdirAll(masq, 0o777)
	if err := os.Symlink(objcacheBin, filepath.Join(masq, "cl.exe")); err != nil {
		t.Fatal(err)
	}
	e.setenv("PATH", masq+string(os.PathListSeparator)+filepath.Dir(cl)+string(os.PathListSeparator)+os.Getenv("PATH"))
	e.write("a.c", "int a(void) { return 1; }\n")
	ref := e.run(cl, "/c", "/nologo", "/Brepro", "a.c", "/Foref.obj")
	if ref.code != 0 {
		t.Fatal(ref)
	}
	for i := 0; i < 2; i++ {
		o := e.runArgv0(filepath.Join(masq, "cl.exe"), "cl.exe", "/c", "/nologo", "/Brepro", "a.c", "/Foa.obj")
		if o.code != 0 || o.stdout != ref.stdout || o.stderr != ref.stderr {
			t.Fatalf("call %d: %v; want %v", i, o, ref)
		}
		if e.read("a.obj") != e.read("ref.obj") {
			t.Fatalf("call %d: object differs from clang-cl's", i)
		}
	}
	e.wantStats(map[string]int64{"misses": 1, "hits": 1})
}

// TestClExeMissingSources: cl with several sources, some missing, reports
// each missing one and fails once, as the compiler alone does; compiling
// them one by one printed "no input files" twice and in another order.
// Found by the differential tester.
func TestClExeMissingSources(t *testing.T) {
	e := newEnv(t)
	cl := clExe(t, e)
	e.write("a.c", "int a(void) { return 1; }\n")
	for _, args := range [][]string{
		{"/c", "/nologo", "missing1.c", "a.c", "missing2.c"},
		{"/c", "/nologo", "missing1.c", "/Tcmissing2.c"},
	} {
		ref := e.run(cl, args...)
		o := e.objcache(append([]string{cl}, args...)...)
		if o != ref {
			t.Errorf("%q: %v\nwant (clang-cl alone) %v", args, o, ref)
		}
	}
}

// TestClangCLStopsAtFirstFailure: clang-cl compiles a call's sources in
// order and stops at the first that fails: the later ones are neither
// compiled nor reported, and no object of theirs appears. objcache compiled
// each source and printed every error (found by the differential tester).
func TestClangCLStopsAtFirstFailure(t *testing.T) {
	e := newEnv(t)
	cl := clExe(t, e)
	e.write("good.c", "int good(void) { return 1; }\n")
	e.write("bad.c", "int bad(void) { return missing; }\n")
	e.write("late.c", "int late(void) { return other; }\n")
	for _, args := range [][]string{
		{"/c", "/nologo", "bad.c", "good.c", "late.c"},
		{"/c", "/nologo", "good.c", "bad.c", "late.c"},
		{"/c", "/nologo", "/MP", "good.c", "bad.c", "late.c"},
		{"/c", "/nologo", "good.c", "/Tcbad.c", "late.c"},
	} {
		objects := func() (names []string) {
			for _, n := range []string{"good.obj", "bad.obj", "late.obj"} {
				if _, err := os.Stat(filepath.Join(e.work, n)); err == nil {
					names = append(names, n)
				}
				os.Remove(filepath.Join(e.work, n))
			}
			return names
		}
		objects()
		ref := e.run(cl, args...)
		refObjs := objects()
		for i := 0; i < 2; i++ { // a miss, then with good.c's entry stored
			o := e.objcache(append([]string{cl}, args...)...)
			if got := objects(); o != ref || !slices.Equal(got, refObjs) {
				t.Errorf("%q call %d: %v objects %q\nwant (clang-cl alone) %v objects %q", args, i, o, got, ref, refObjs)
			}
		}
	}
}

// TestClangCLDriverWarningsOnce: clang-cl's driver warns once per call
// about an argument it does not use; objcache, compiling each source by its
// own driver run, printed the warning once per source, on a miss and on a
// hit (found by the differential tester's long run).
func TestClangCLDriverWarningsOnce(t *testing.T) {
	e := newEnv(t)
	cl := clExe(t, e)
	e.write("a.c", "int a(void) { return 1; }\n")
	e.write("b.c", "int b(void) { return 2; }\n")
	e.write("w.c", "int w(void) { int unused; return 3; }\n")
	for _, args := range [][]string{
		{"/c", "/nologo", "/MP2", "a.c", "b.c"},
		{"/c", "/nologo", "/MP2", "/W4", "w.c", "a.c", "b.c"},
	} {
		ref := e.run(cl, args...)
		for i := 0; i < 2; i++ { // a miss, then hits
			if o := e.objcache(append([]string{cl}, args...)...); o != ref {
				t.Errorf("%q call %d: %v\nwant (clang-cl alone) %v", args, i, o, ref)
			}
		}
	}
}

// TestClangCLLangAllWithForcedSources: "/TP /Tpm.cpp two.c" warns about
// nothing (/TP applies to two.c), "/TP /Tpm.cpp" alone warns that /TP is
// unused. Each source compiled alone must print what its call prints, and
// the two m.cpp units must not share an entry.
func TestClangCLLangAllWithForcedSources(t *testing.T) {
	e := newEnv(t)
	cl := clExe(t, e)
	e.write("m.cpp", "int m() { return 1; }\n")
	e.write("two.c", "int two() { return 2; }\n")
	for _, args := range [][]string{
		{"/c", "/nologo", "/Brepro", "/TP", "/Tpm.cpp", "two.c"},
		{"/c", "/nologo", "/Brepro", "/TP", "/Tpm.cpp"},
		{"/c", "/nologo", "/Brepro", "/Tcm.cpp", "/TC", "/TP", "two.c"},
		{"/c", "/nologo", "/Brepro", "/TP", "/Tpm.cpp", "two.c"},
	} {
		clean := func() {
			os.Remove(filepath.Join(e.work, "m.obj"))
			os.Remove(filepath.Join(e.work, "two.obj"))
		}
		clean()
		ref := e.run(cl, args...)
		objs := map[string]string{"m.obj": e.read("m.obj"), "two.obj": e.read("two.obj")}
		for i := 0; i < 2; i++ { // a miss (or a hit of the first call), then a hit
			clean()
			if o := e.objcache(append([]string{cl}, args...)...); o != ref {
				t.Errorf("%q call %d: %v\nwant (clang-cl alone) %v", args, i, o, ref)
			}
			for name, want := range objs {
				if got := e.read(name); got != want {
					t.Errorf("%q call %d: %s differs from clang-cl's (%d bytes, want %d)", args, i, name, len(got), len(want))
				}
			}
		}
	}
}

// TestClangCLDriverLinesOfTheWholeCall: clang-cl prints some driver lines
// once per call (/MP2 unused), some once per source (an invalid /arch:, a
// /std: the source's language ignores), all before the first source's
// diagnostics; and /MP's spelling is in its warning. Each call through
// objcache prints what clang-cl alone prints, on a miss and on hits.
func TestClangCLDriverLinesOfTheWholeCall(t *testing.T) {
	e := newEnv(t)
	cl := clExe(t, e)
	e.write("a.c", "int a(void) { return 1; }\n")
	e.write("b.c", "int b(void) { return 2; }\n")
	e.write("m.cpp", "#warning mwarn\nint m() { return 1; }\n")
	for _, args := range [][]string{
		{"/c", "/nologo", "/Brepro", "a.c", "b.c", "/arch:AVX9"},
		{"/c", "/nologo", "/Brepro", "a.c", "b.c", "/std:c++17"},
		{"/c", "/nologo", "/Brepro", "/Tpm.cpp", "a.c", "/std:c++17"},
		{"/c", "/nologo", "/Brepro", "/MP", "a.c"},
		{"/c", "/nologo", "/Brepro", "/MP2", "a.c"},
		{"/c", "/nologo", "/Brepro", "a.c"},
		{"/c", "/nologo", "/Brepro", "/MP2", "a.c", "b.c"},
	} {
		ref := e.run(cl, args...)
		for i := 0; i < 2; i++ {
			if o := e.objcache(append([]string{cl}, args...)...); o != ref {
				t.Errorf("%q call %d: %v\nwant (clang-cl alone) %v", args, i, o, ref)
			}
		}
	}
}

// TestClangCLOverrideOptionsWholeCall: with CCC_OVERRIDE_OPTIONS set,
// clang-cl reports what it does once per call; a call of several sources
// passes through whole, not source by source (the long differential run,
// seed 4, found the lines twice).
func TestClangCLOverrideOptionsWholeCall(t *testing.T) {
	e := newEnv(t)
	cl := clExe(t, e)
	e.write("a.c", "int a(void) { return OVR; }\n")
	e.write("b.c", "int b(void) { return OVR; }\n")
	e.setenv("CCC_OVERRIDE_OPTIONS", "+-DOVR=2")
	args := []string{"/c", "/nologo", "/Brepro", "a.c", "b.c"}
	ref := e.run(cl, args...)
	if o := e.objcache(append([]string{cl}, args...)...); o != ref {
		t.Errorf("objcache: %v\nwant (clang-cl alone) %v", o, ref)
	}
}
