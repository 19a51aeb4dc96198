package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Regression tests for break-it round 17's finds: each compares what
// objcache leaves with what the compiler alone leaves, with real
// compilers, and fails on the code before the fix.

// sameAsAlone compiles args with objcache (out) and with the compiler
// alone (ref, the same arguments with out renamed) in dir, and fails
// unless both succeed with the same output bytes.
func sameAsAlone(t *testing.T, e *env, dir, out, ref string, args ...string) {
	t.Helper()
	// As a shell's cd would: the working directory as named, links and
	// all (os.Getwd takes $PWD when it is the directory).
	e.setenv("PWD", dir)
	if o := e.runIn(dir, objcacheBin, args...); o.code != 0 {
		t.Fatalf("objcache %q: %v", args, o)
	}
	refArgs := make([]string, len(args))
	for i, a := range args {
		refArgs[i] = strings.ReplaceAll(a, out, ref)
	}
	if o := e.runIn(dir, refArgs[0], refArgs[1:]...); o.code != 0 {
		t.Fatalf("%q: %v", refArgs, o)
	}
	got, want := mustReadAbs(t, filepath.Join(dir, out)), mustReadAbs(t, filepath.Join(dir, ref))
	if got != want {
		t.Errorf("%q: %s differs from the compiler's own %s", args, out, ref)
	}
}

func mustReadAbs(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestCompilerProgramsFromEnvironment: COMPILER_PATH chooses the cc1 that
// compiles, which the identity does not cover: such calls pass through,
// and an edited cc1 there is used (round 17, r3).
func TestCompilerProgramsFromEnvironment(t *testing.T) {
	e := newEnv(t)
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	cc1 := strings.TrimSpace(e.run(gcc, "-print-prog-name=cc1").stdout)
	tools := filepath.Join(e.work, "tools")
	e.write("v.c", "int v = V;\n")
	e.write("tools/cc1", "#!/bin/sh\nexec "+cc1+" \"$@\" -DV=1\n")
	os.Chmod(filepath.Join(tools, "cc1"), 0o755)
	if o := e.objcache(gcc, "-c", "v.c", "-DV=0", "-o", "v0.o"); o.code != 0 {
		t.Fatal(o)
	}
	e.setenv("COMPILER_PATH", tools)
	sameAsAlone(t, e, e.work, "v.o", "ref.o", gcc, "-c", "v.c", "-o", "v.o")
	e.write("tools/cc1", "#!/bin/sh\nexec "+cc1+" \"$@\" -DV=2\n")
	sameAsAlone(t, e, e.work, "v.o", "ref.o", gcc, "-c", "v.c", "-o", "v.o")
	e.wantStats(map[string]int64{"uncacheable.compiler-env": 2})
}

// TestObjectiveCCompilerIdentity: an Objective-C compile runs cc1obj,
// whose content is part of the compiler's identity (round 17, r10). The
// toolchain is a copy of gcc with a cc1obj of its own, found beside it.
func TestObjectiveCCompilerIdentity(t *testing.T) {
	e := newEnv(t)
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	real, err := filepath.EvalSymlinks(gcc)
	if err != nil {
		t.Fatal(err)
	}
	cc1 := strings.TrimSpace(e.run(gcc, "-print-prog-name=cc1").stdout)
	machine := strings.TrimSpace(e.run(gcc, "-dumpmachine").stdout)
	version := strings.TrimSpace(e.run(gcc, "-dumpversion").stdout)
	driver := filepath.Join(e.work, "tc", "bin", "gcc")
	data, err := os.ReadFile(real)
	if err != nil {
		t.Fatal(err)
	}
	e.write("tc/bin/gcc", string(data))
	os.Chmod(driver, 0o755)
	obj := filepath.Join("tc", "lib", "gcc", machine, version, "cc1obj")
	writeCC1obj := func(v string) {
		e.write(obj, "#!/bin/sh\nexec "+cc1+" \"$@\" -DV="+v+"\n")
		os.Chmod(filepath.Join(e.work, obj), 0o755)
	}
	writeCC1obj("1")
	if p := strings.TrimSpace(e.run(driver, "-print-prog-name=cc1obj").stdout); p == "cc1obj" {
		t.Skipf("the copied driver does not find its own cc1obj (%s)", p)
	}
	e.write("m.m", "int v = V;\n")
	sameAsAlone(t, e, e.work, "m.o", "ref.o", driver, "-c", "m.m", "-o", "m.o")
	writeCC1obj("2") // gobjc upgraded under an unchanged driver
	sameAsAlone(t, e, e.work, "m.o", "ref.o", driver, "-c", "m.m", "-o", "m.o")
}

// TestDumpLetters: -da writes RTL dumps beside the output, which the
// store does not keep: the call passes through and they are there (r4);
// -dA only annotates the assembly and is cached.
func TestDumpLetters(t *testing.T) {
	e := newEnv(t)
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	e.write("oc/a.c", "int f(int x) { return x * 2; }\n")
	e.write("ref/a.c", "int f(int x) { return x * 2; }\n")
	if o := e.runIn(filepath.Join(e.work, "oc"), objcacheBin, gcc, "-c", "a.c", "-da"); o.code != 0 {
		t.Fatal(o)
	}
	if o := e.runIn(filepath.Join(e.work, "ref"), gcc, "-c", "a.c", "-da"); o.code != 0 {
		t.Fatal(o)
	}
	list := func(dir string) string {
		entries, _ := os.ReadDir(filepath.Join(e.work, dir))
		var names []string
		for _, d := range entries {
			names = append(names, d.Name())
		}
		return strings.Join(names, " ")
	}
	if got, want := list("oc"), list("ref"); got != want || !strings.Contains(want, "a.c.") {
		t.Errorf("objcache left %s; gcc alone %s", got, want)
	}
	for range 2 {
		if o := e.runIn(filepath.Join(e.work, "oc"), objcacheBin, gcc, "-c", "a.c", "-dA"); o.code != 0 {
			t.Fatal(o)
		}
	}
	e.wantStats(map[string]int64{"uncacheable.extra-output": 1, "hits": 1})
}

// TestBasicBlockSectionsList: clang reads the list file, which no depfile
// names: it joins the key (r5).
func TestBasicBlockSectionsList(t *testing.T) {
	e := newEnv(t)
	clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
	e.write("a.c", "int g(int);\nint f(int x) { if (x) return g(x) + 1; return 3; }\n")
	e.write("bb.txt", "!f\n")
	args := []string{clang, "-O1", "-c", "a.c", "-fbasic-block-sections=list=bb.txt", "-o", "a.o"}
	sameAsAlone(t, e, e.work, "a.o", "ref.o", args...)
	e.write("bb.txt", "\n")
	sameAsAlone(t, e, e.work, "a.o", "ref.o", args...)
}

// TestBaseDirsClangCLAbsoluteInclude: a clang-cl source that includes a
// checkout's file by its absolute name is not stored under base dirs, as
// with gcc: checkout B would check its own copy and get A's object (r6).
func TestBaseDirsClangCLAbsoluteInclude(t *testing.T) {
	e := newEnv(t)
	cl := clExe(t, e)
	ws := filepath.Join(e.work, "ws")
	e.setenv("OBJCACHE_BASEDIR", ws)
	for _, c := range []string{"A", "B"} {
		e.write("ws/"+c+"/src/a.c", "#include \""+ws+"/A/inc/y.h\"\nint f(void) { return Y; }\n")
		e.write("ws/"+c+"/inc/y.h", "#define Y 1\n")
	}
	if o := e.runIn(filepath.Join(ws, "A", "src"), objcacheBin, cl, "/c", "/Brepro", "a.c", "/Foa.obj"); o.code != 0 {
		t.Fatal(o)
	}
	e.write("ws/A/inc/y.h", "#define Y 2\n")
	sameAsAlone(t, e, filepath.Join(ws, "B", "src"), "a.obj", "ref.obj", cl, "/c", "/Brepro", "a.c", "/Foa.obj")
	e.wantStats(map[string]int64{"not_stored.absolute-include": 2})
}

// TestBaseDirsRewrittenNamesStayPaths: a rewritten path that starts with
// "-" or "=" keeps meaning a path (r7: -I=gen read the sysroot's; r8:
// the source "-a.c" was taken for an option).
func TestBaseDirsRewrittenNamesStayPaths(t *testing.T) {
	e := newEnv(t)
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	ws := filepath.Join(e.work, "ws")
	e.setenv("OBJCACHE_BASEDIR", ws)
	sr := filepath.Join(e.work, "sr")
	e.write("sr/gen/x.h", "#define X 2\n")
	e.write("ws/A/src/=gen/x.h", "#define X 1\n")
	e.write("ws/A/src/a.c", "#include <x.h>\nint f(void) { return X; }\n")
	e.write("ws/A/src/-b.c", "int g(void) { return 1; }\n")
	src := filepath.Join(ws, "A", "src")
	sameAsAlone(t, e, src, "a.o", "ref.o", gcc, "-c", filepath.Join(src, "a.c"), "--sysroot="+sr+"/", "-I"+filepath.Join(src, "=gen"), "-o", "a.o")
	sameAsAlone(t, e, src, "b.o", "refb.o", gcc, "-c", filepath.Join(src, "-b.c"), "-o", "b.o")
}

// TestBaseDirsDepfileNames: under base dirs a hit's depfile is gcc's own
// when the checkout's name has a character depfiles escape (r1), when a
// system include directory is reached through a link (r2), and when the
// base dir is a link to a shorter real path (r11).
func TestBaseDirsDepfileNames(t *testing.T) {
	gccPath := func(t *testing.T) string { return requireTool(t, "gcc", "apt-get install -y gcc") }
	t.Run("dollar in the checkout's name", func(t *testing.T) {
		e := newEnv(t)
		gcc := gccPath(t)
		ws := filepath.Join(e.work, "ws")
		e.setenv("OBJCACHE_BASEDIR", ws)
		for _, c := range []string{"job$1", "job$2"} {
			e.write("ws/"+c+"/src/a.c", "#include \"x.h\"\nint f(void) { return X; }\n")
			e.write("ws/"+c+"/inc/x.h", "#define X 1\n")
			r := filepath.Join(ws, c)
			sameAsAlone(t, e, filepath.Join(r, "src"), "a.d", "ref.d", gcc, "-c", filepath.Join(r, "src", "a.c"), "-I"+filepath.Join(r, "inc"), "-MD", "-MF", "a.d", "-o", "a.o")
		}
	})
	t.Run("system directory through a link", func(t *testing.T) {
		e := newEnv(t)
		gcc := gccPath(t)
		ws := filepath.Join(e.work, "ws")
		e.setenv("OBJCACHE_BASEDIR", ws)
		sdk := filepath.Join(e.work, strings.Repeat("s", 66))
		e.write(filepath.Base(sdk)+"/inc/x.h", "#define X 1\n")
		for _, c := range []string{strings.Repeat("a", 50), strings.Repeat("b", 70)} {
			e.write("ws/"+c+"/src/a.c", "#include <x.h>\nint f(void) { return X; }\n")
			r := filepath.Join(ws, c)
			if err := os.Symlink(sdk, filepath.Join(r, "sdk")); err != nil {
				t.Fatal(err)
			}
			sameAsAlone(t, e, filepath.Join(r, "src"), "a.d", "ref.d", gcc, "-c", filepath.Join(r, "src", "a.c"), "-isystem", filepath.Join(r, "sdk", "inc"), "-MD", "-MF", "a.d", "-o", "a.o")
		}
	})
	t.Run("base dir through a link", func(t *testing.T) {
		e := newEnv(t)
		gcc := gccPath(t)
		if err := os.MkdirAll(filepath.Join(e.work, "r", "ws"), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(e.work, "r"), filepath.Join(e.work, "logical-long-path-component")); err != nil {
			t.Fatal(err)
		}
		ws := filepath.Join(e.work, "logical-long-path-component", "ws")
		e.setenv("OBJCACHE_BASEDIR", ws)
		for _, c := range []string{"A", "B"} {
			e.write("r/ws/"+c+"/src/a.c", "#include <x.h>\nint f(void) { return X; }\n")
			e.write("r/ws/"+c+"/inc/x.h", "#define X 1\n")
			r := filepath.Join(ws, c)
			sameAsAlone(t, e, filepath.Join(r, "src"), "a.d", "ref.d", gcc, "-c", filepath.Join(r, "src", "a.c"), "-isystem", filepath.Join(r, "inc"), "-MD", "-MF", "a.d", "-o", "a.o")
		}
	})
}

// TestBaseDirsSymlinkedBaseOwnList: with the base dir a link to a shorter
// real path, gcc names -isystem headers by their real path in objcache's
// own include list too: checkout B must not get A's object (r12).
func TestBaseDirsSymlinkedBaseOwnList(t *testing.T) {
	e := newEnv(t)
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	real, err := os.MkdirTemp("", "q")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(real) })
	if err := os.Symlink(real, filepath.Join(e.work, "logical-long-path-component")); err != nil {
		t.Fatal(err)
	}
	ws := filepath.Join(e.work, "logical-long-path-component", "ws")
	e.setenv("OBJCACHE_BASEDIR", ws)
	e.setenv("PWD", filepath.Join(ws, "A", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n"))
	deep := filepath.Join("b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n")
	for _, c := range []string{"A", "B"} {
		dir := filepath.Join(real, "ws", c, deep)
		os.MkdirAll(dir, 0o777)
		os.MkdirAll(filepath.Join(real, "ws", c, "inc"), 0o777)
		os.WriteFile(filepath.Join(dir, "a.c"), []byte("#include <x.h>\nint f(void) { return X; }\n"), 0o666)
		os.WriteFile(filepath.Join(real, "ws", c, "inc", "x.h"), []byte("#define X 1\n"), 0o666)
	}
	exec.Command("touch", "-d", "-1 min", filepath.Join(real, "ws", "A", "inc", "x.h"), filepath.Join(real, "ws", "A", deep, "a.c"), filepath.Join(real, "ws", "B", deep, "a.c")).Run()
	e.lastWrite = time.Now() // stored only once the files' ctime is past
	if o := e.runIn(filepath.Join(ws, "A", deep), objcacheBin, gcc, "-c", "a.c", "-isystem", filepath.Join(ws, "A", "inc"), "-o", "a.o"); o.code != 0 {
		t.Fatal(o)
	}
	os.WriteFile(filepath.Join(real, "ws", "B", "inc", "x.h"), []byte("#define X 2\n"), 0o666)
	exec.Command("touch", "-d", "-1 min", filepath.Join(real, "ws", "B", "inc", "x.h")).Run()
	e.lastWrite = time.Now()
	sameAsAlone(t, e, filepath.Join(ws, "B", deep), "a.o", "ref.o", gcc, "-c", "a.c", "-isystem", filepath.Join(ws, "B", "inc"), "-o", "a.o")
}
