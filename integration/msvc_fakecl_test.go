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

// fakeCLBuild builds the fake cl.exe (internal/fakecl) once per test run.
var fakeCLBuild struct {
	once sync.Once
	path string
	err  error
}

// documentedCL puts the fake cl.exe, which follows cl's documented rules, in the
// env's bin directory (cl is not available on these machines) and returns
// its path. Its calls are logged to the file the second result names.
func documentedCL(t *testing.T, e *env) (cl, log string) {
	t.Helper()
	fakeCLBuild.once.Do(func() {
		dir, err := os.MkdirTemp("", "objcache-fakecl-")
		if err != nil {
			fakeCLBuild.err = err
			return
		}
		fakeCLBuild.path = filepath.Join(dir, "cl.exe")
		out, err := exec.Command("go", "build", "-o", fakeCLBuild.path, "../internal/fakecl/cmd/cl").CombinedOutput()
		if err != nil {
			fakeCLBuild.err = &buildError{out: string(out), err: err}
		}
	})
	if fakeCLBuild.err != nil {
		t.Fatalf("building the fake cl: %v", fakeCLBuild.err)
	}
	cl = filepath.Join(e.work, "bin", "cl.exe")
	os.MkdirAll(filepath.Dir(cl), 0o777)
	data, err := os.ReadFile(fakeCLBuild.path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cl, data, 0o755); err != nil {
		t.Fatal(err)
	}
	log = filepath.Join(e.work, "cl.log")
	e.setenv("FAKECL_LOG", log)
	return cl, log
}

type buildError struct {
	out string
	err error
}

func (b *buildError) Error() string { return b.err.Error() + ":\n" + b.out }

// cmakeDebugProject writes a target's sources in CMake's layout: a PCH
// header and its /Yc source, two sources that use it, a header.
func cmakeDebugProject(e *env) {
	e.write("src/pch.h", "#pragma once\n#include \"common.h\"\n")
	e.write("src/common.h", "#define COMMON 7\n")
	e.write("src/pch.cpp", "#include \"pch.h\"\n")
	e.write("src/a.cpp", "#include \"pch.h\"\nint a() { return COMMON; }\n")
	e.write("src/b.cpp", "#include \"pch.h\"\n#include \"common.h\"\nint b() { return COMMON * 2; }\n")
	os.MkdirAll(filepath.Join(e.work, "build"), 0o777)
}

// cmakeDebugFlags are CMake's MSVC Debug flags for one source of target t.
func cmakeDebugFlags(extra ...string) []string {
	return append([]string{"/nologo", "/DWIN32", "/D_WINDOWS", "/GR", "/EHsc", "/Zi", "/Ob0", "/Od", "/RTC1", "-MDd", "/Fdbuild/t.pdb", "/FS"}, extra...)
}

// TestFakeCLZiPassesThrough: by default cl's /Zi is not cached: the call
// runs as given (its PDB written by cl), counted, and stats says what
// would cache it.
func TestFakeCLZiPassesThrough(t *testing.T) {
	e := newEnv(t)
	cl, _ := documentedCL(t, e)
	cmakeDebugProject(e)
	args := cmakeDebugFlags("/c", "src/a.cpp", "/Fobuild/a.obj")
	ref := e.run(cl, args...)
	want := e.snapshot("build/a.obj", "build/t.pdb")
	o := e.objcache(append([]string{cl}, args...)...)
	if o != ref {
		t.Errorf("console %v, want %v", o, ref)
	}
	sameFiles(t, "pass-through", e.snapshot("build/a.obj", "build/t.pdb"), want)
	if s := e.stats(); s["uncacheable.pdb"] != 1 {
		t.Errorf("stats %v, want uncacheable.pdb 1", s)
	}
	if out := e.objcache("stats").stdout; !strings.Contains(out, `msvc_zi = "z7" caches /Zi`) {
		t.Errorf("stats says nothing of msvc_zi:\n%s", out)
	}
}

// TestFakeCLZiAsZ7: with msvc_zi = "z7" a CMake Debug build's /Zi calls
// are compiled as /Z7 (no /Fd, no /FS, no PDB) and cached: every object is
// the fake cl's own for the /Z7 command, the /Yc and /Yu compiles agree on
// the debug format (cl refuses a PCH of another one, C2859), and the
// second build hits for every compile, the PCH's too.
func TestFakeCLZiAsZ7(t *testing.T) {
	e := newEnv(t)
	cl, log := documentedCL(t, e)
	cmakeDebugProject(e)
	units := []struct {
		src  string
		pch  []string
		objs []string
	}{
		{"src/pch.cpp", []string{"/Ycpch.h", "/Fpbuild/t.pch"}, []string{"build/pch.obj", "build/t.pch"}},
		{"src/a.cpp", []string{"/Yupch.h", "/Fpbuild/t.pch"}, []string{"build/a.obj"}},
		{"src/b.cpp", nil, []string{"build/b.obj"}},
	}
	argsOf := func(i int) []string {
		u := units[i]
		return cmakeDebugFlags(append(append([]string{}, u.pch...), "/c", u.src, "/Fobuild/"+strings.TrimSuffix(filepath.Base(u.src), ".cpp")+".obj")...)
	}
	// The reference: the fake cl alone, run with the /Z7 commands.
	want := map[string]string{}
	for i, u := range units {
		z7, _ := replaceZi(argsOf(i))
		if ref := e.run(cl, z7...); ref.code != 0 {
			t.Fatalf("cl alone, %s as /Z7: %v", u.src, ref)
		}
		for _, k := range u.objs {
			want[k] = e.mustRead(k) // kept: the next compiles read the PCH
		}
	}
	// With /Zi itself, a /Yu compile of a PCH made with /Z7 fails: the
	// rewrite must reach the /Yc compile too.
	if o := e.run(cl, argsOf(1)...); o.code == 0 || !strings.Contains(o.stdout, "C2859") {
		t.Fatalf("the fake cl accepted a /Zi compile with a /Z7 PCH: %v", o)
	}
	os.Remove(filepath.Join(e.work, "build", "t.pdb"))
	os.Remove(log)
	e.setenv("OBJCACHE_MSVC_ZI", "z7")
	for _, phase := range []string{"first build", "second build"} {
		os.Remove(filepath.Join(e.work, "build", "t.pch"))
		for i, u := range units {
			if o := e.objcache(append([]string{cl}, argsOf(i)...)...); o.code != 0 {
				t.Fatalf("%s, %s: %v", phase, u.src, o)
			}
			for _, k := range u.objs {
				if got := e.read(k); got != want[k] {
					t.Errorf("%s: %s differs from the fake cl's own /Z7 output:\n%s\nwant\n%s", phase, k, got, want[k])
				}
			}
		}
		if _, err := os.Stat(filepath.Join(e.work, "build", "t.pdb")); err == nil {
			t.Errorf("%s: a compile PDB was written", phase)
		}
	}
	calls := e.read("cl.log")
	if strings.Contains(calls, `"/Zi"`) || strings.Contains(calls, "/Fd") || strings.Contains(calls, `"/FS"`) {
		t.Errorf("the compiler saw /Zi, /Fd or /FS:\n%s", calls)
	}
	// b.cpp (no PCH) is cached; the PCH compiles pass through, as /Z7
	// (PCH caching is off for now).
	if s := e.stats(); s["hits"] != 1 || s["uncacheable.pch"] != 4 {
		t.Errorf("stats %v, want 1 hit (b.cpp) and 4 pch pass-throughs", s)
	}
}

// replaceZi is the rewrite TestFakeCLZiAsZ7 expects, written out: /Zi
// becomes /Z7, /Fd… and /FS go.
func replaceZi(args []string) ([]string, bool) {
	var out []string
	for _, a := range args {
		switch {
		case a == "/Zi":
			out = append(out, "/Z7")
		case a == "/FS" || strings.HasPrefix(a, "/Fd"):
		default:
			out = append(out, a)
		}
	}
	return out, true
}

// TestFakeCLSourceDependenciesDirectory: /sourceDependencies naming a
// directory gives each source of the call its JSON file there
// (<source>.json); objcache stores each with its object and a hit writes
// it again. To stdout (/sourceDependencies-) the call passes through: the
// JSON names one checkout's absolute paths.
func TestFakeCLSourceDependenciesDirectory(t *testing.T) {
	e := newEnv(t)
	cl, _ := documentedCL(t, e)
	e.write("src/h.h", "int h;\n")
	e.write("src/a.cpp", "#include \"h.h\"\nint a;\n")
	e.write("src/b.cpp", "#include \"h.h\"\nint b;\n")
	os.MkdirAll(filepath.Join(e.work, "deps"), 0o777)
	os.MkdirAll(filepath.Join(e.work, "out"), 0o777)
	args := []string{"/c", "/nologo", "src/a.cpp", "src/b.cpp", "/sourceDependencies", "deps", "/Foout/"}
	files := []string{"out/a.obj", "out/b.obj", "deps/a.cpp.json", "deps/b.cpp.json"}
	ref := e.run(cl, args...)
	want := e.snapshot(files...)
	if ref.code != 0 || !strings.Contains(want["deps/b.cpp.json"], "h.h") {
		t.Fatalf("the fake cl alone: %v %v", ref, want)
	}
	for _, phase := range []string{"miss", "hit"} {
		if o := e.objcache(append([]string{cl}, args...)...); o != ref {
			t.Errorf("%s: console %v, want %v", phase, o, ref)
		}
		sameFiles(t, phase, e.snapshot(files...), want)
	}
	if s := e.stats(); s["hits"] != 2 {
		t.Errorf("stats %v, want 2 hits", s)
	}
	e.objcache(cl, "/c", "/nologo", "src/a.cpp", "/sourceDependencies-")
	if s := e.stats(); s["uncacheable.source-dependencies-stdout"] != 1 {
		t.Errorf("stats %v, want uncacheable.source-dependencies-stdout 1", s)
	}
}

// TestFakeCLZiAsZ7LongCall: a call whose rewritten command would pass
// Windows' command-line limit (an MSBuild response file of 500 /Yu
// sources) still runs as /Z7, through a response file objcache writes
// and removes, so it agrees with its /Yc about the PCH (break-it round 9:
// it passed through as /Zi and cl refused the PCH, C2859).
func TestFakeCLZiAsZ7LongCall(t *testing.T) {
	e := newEnv(t)
	cl, _ := documentedCL(t, e)
	e.setenv("OBJCACHE_MSVC_ZI", "z7")
	cmakeDebugProject(e)
	var sources []string
	for i := range 500 {
		name := fmt.Sprintf("src/a_rather_long_source_file_name_as_generated_code_has_%03d.cpp", i)
		e.write(name, "#include \"pch.h\"\nint f"+fmt.Sprint(i)+"() { return COMMON; }\n")
		sources = append(sources, name)
	}
	flags := cmakeDebugFlags("/Yupch.h", "/Fpbuild/t.pch", "/c", "/Fobuild/")
	text := strings.Join(append(flags, sources...), " ")
	if len(text) < 30000 {
		t.Fatalf("the call is only %d characters long", len(text))
	}
	rsp := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(text)) {
		rsp = append(rsp, byte(u), byte(u>>8))
	}
	os.WriteFile(filepath.Join(e.work, "cl.rsp"), rsp, 0o666)
	if o := e.objcache(append([]string{cl}, cmakeDebugFlags("/Ycpch.h", "/Fpbuild/t.pch", "/c", "src/pch.cpp", "/Fobuild/pch.obj")...)...); o.code != 0 {
		t.Fatalf("/Yc: %v", o)
	}
	if o := e.objcache(cl, "@cl.rsp"); o.code != 0 {
		t.Fatalf("the long /Yu call: %v", o)
	}
	if data := e.read("build/a_rather_long_source_file_name_as_generated_code_has_499.obj"); !strings.Contains(data, "debug Z7") {
		t.Errorf("the last object is not a /Z7 one:\n%s", data)
	}
	if left, _ := filepath.Glob(filepath.Join(e.cache, "tmp", "args-*.rsp")); len(left) > 0 {
		t.Errorf("objcache's response file was left: %v", left)
	}
}
