package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// checkout copies src into dir as a CI job checks code out, with the file
// Debian's zlib leaves out (win32/zlib1.rc, named by CMakeLists.txt).
func checkout(t *testing.T, src, dir string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(dir), 0o777)
	copyTree(t, src, dir)
	os.MkdirAll(filepath.Join(dir, "win32"), 0o777)
	os.WriteFile(filepath.Join(dir, "win32", "zlib1.rc"), nil, 0o666)
}

// relativeCommand turns a compile_commands.json command of a checkout into
// the command objcache runs with base dirs: the checkout's absolute paths
// relative to the build directory, the output redirected to out, and the
// depfile options (which do not change the object) left out.
func relativeCommand(command, srcDir, buildDir, out string) []string {
	var args []string
	fields := strings.Fields(command)
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		switch f {
		case "-o":
			args = append(args, "-o", out)
			i++
			continue
		case "-MT", "-MF":
			i++
			continue
		case "-MD":
			continue
		}
		f = strings.ReplaceAll(f, buildDir, ".")
		f = strings.ReplaceAll(f, srcDir, "../zlib")
		args = append(args, f)
	}
	return args
}

// TestBaseDirsShareZlibAcrossCheckouts builds zlib the way CI does (CMake,
// Ninja, absolute paths, -MD -MT -MF depfiles) in two checkout directories.
// With base_dirs covering both, the second build is all direct hits, each
// object identical to an uncached compile of the second checkout with the
// same relative paths, and the dependencies Ninja recorded name the second
// checkout's files only. Without base_dirs a third checkout misses.
func TestBaseDirsShareZlibAcrossCheckouts(t *testing.T) {
	src := corpus(t, "zlib")
	requireTool(t, "cmake", "apt-get install -y cmake")
	requireTool(t, "ninja", "apt-get install -y ninja-build")
	e := newEnv(t)
	ci := filepath.Join(e.work, "ci")
	e.setenv("OBJCACHE_BASEDIR", ci)
	build := func(job string) (srcDir, buildDir string) {
		t.Helper()
		srcDir, buildDir = filepath.Join(ci, job, "zlib"), filepath.Join(ci, job, "build")
		checkout(t, src, srcDir)
		if o := e.run("cmake", "-S", srcDir, "-B", buildDir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
			"-DCMAKE_EXPORT_COMPILE_COMMANDS=ON", "-DCMAKE_C_COMPILER_LAUNCHER="+objcacheBin); o.code != 0 {
			t.Fatalf("cmake: %v", o)
		}
		if o := e.run("ninja", "-C", buildDir); o.code != 0 {
			t.Fatalf("ninja: %v", o)
		}
		return srcDir, buildDir
	}

	build("job1")
	first := e.stats()
	src2, build2 := build("job2")
	second := e.stats()
	objs := objects(t, build2)
	hits, misses := second["hits"]-first["hits"], second["misses"]-first["misses"]
	t.Logf("zlib: %d objects; first checkout %d misses; second checkout %d direct hits, %d misses", len(objs), first["misses"], hits, misses)
	if hits != int64(len(objs)) || misses != 0 {
		t.Errorf("second checkout: %d hits and %d misses, want %d hits and none", hits, misses, len(objs))
	}

	// Each object is what the compiler writes in the second checkout when
	// run with the relative paths.
	data, err := os.ReadFile(filepath.Join(build2, "compile_commands.json"))
	if err != nil {
		t.Fatal(err)
	}
	var commands []struct{ Directory, Command string }
	if err := json.Unmarshal(data, &commands); err != nil {
		t.Fatal(err)
	}
	if len(commands) != len(objs) {
		t.Fatalf("%d compile commands for %d objects", len(commands), len(objs))
	}
	ref := filepath.Join(e.work, "ref.o")
	for _, c := range commands {
		fields := strings.Fields(c.Command)
		output := fields[slices.Index(fields, "-o")+1]
		args := relativeCommand(c.Command, src2, build2, ref)
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = build2
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%q: %v\n%s", args, err, out)
		}
		want, _ := os.ReadFile(ref)
		if objs[output] != string(want) {
			t.Errorf("%s differs from an uncached compile in the second checkout (%q)", output, args)
		}
	}

	// Ninja read every depfile (deps = gcc) into its log: none may name
	// the first checkout.
	deps := e.run("ninja", "-C", build2, "-t", "deps")
	if deps.code != 0 || !strings.Contains(deps.stdout, "zlib.h") {
		t.Fatalf("ninja -t deps: %v", deps)
	}
	if strings.Contains(deps.stdout, filepath.Join(ci, "job1")) {
		t.Errorf("the second checkout's dependencies name the first checkout:\n%s", lastLines(deps.stdout, 20))
	}

	// Without base dirs, a third checkout shares nothing.
	e.setenv("OBJCACHE_BASEDIR", "")
	build("job3")
	third := e.stats()
	if h := third["hits"] - second["hits"]; h != 0 {
		t.Errorf("without base_dirs the third checkout had %d hits, want 0", h)
	}
}

// TestBaseDirsClangCLShowIncludes compiles a generated project with
// absolute paths through cl.exe (clang-cl) with /showIncludes in two
// checkouts: with base_dirs the second is all hits, its objects and console
// output (the /showIncludes lines Ninja reads) byte-identical to clang-cl's
// own with the relative paths, naming the second checkout's files.
func TestBaseDirsClangCLShowIncludes(t *testing.T) {
	e := newEnv(t)
	cl := clExe(t, e)
	ci := filepath.Join(e.work, "ci")
	e.setenv("OBJCACHE_BASEDIR", ci)
	sources := []string{"a.c", "b.c", "c.c"}
	compile := func(job string) {
		t.Helper()
		root := filepath.Join(ci, job)
		e.write(filepath.Join("ci", job, "inc", "common.h"), "#include \"detail.h\"\n#define COMMON 3\n")
		e.write(filepath.Join("ci", job, "inc", "detail.h"), "#define DETAIL 4\n")
		os.MkdirAll(filepath.Join(root, "build"), 0o777)
		for i, s := range sources {
			e.write(filepath.Join("ci", job, "src", s), "#include \"common.h\"\n#include <stddef.h>\nint f"+string(rune('a'+i))+"(void) { return COMMON * DETAIL + (int)sizeof(size_t); }\n")
		}
		for _, s := range sources {
			obj := strings.TrimSuffix(s, ".c") + ".obj"
			o := e.runIn(filepath.Join(root, "build"), objcacheBin, cl, "/c", "/nologo", "/Brepro", "/showIncludes",
				"/I"+filepath.Join(root, "inc"), filepath.Join(root, "src", s), "/Fo"+filepath.Join(root, "build", obj))
			// The same compile by clang-cl alone, with the relative paths.
			ref := e.runIn(filepath.Join(root, "build"), cl, "/c", "/nologo", "/Brepro", "/showIncludes",
				"/I../inc", "../src/"+s, "/Fo"+filepath.Join(root, "build", "ref.obj"))
			if o.code != 0 || ref.code != 0 {
				t.Fatalf("%s %s: %v (alone: %v)", job, s, o, ref)
			}
			if o.stdout != ref.stdout || o.stderr != ref.stderr {
				t.Errorf("%s %s: console\n%v\nwant (clang-cl alone, relative paths)\n%v", job, s, o, ref)
			}
			if strings.Contains(o.stdout, "job1") && job != "job1" {
				t.Errorf("%s %s: /showIncludes lines name the first checkout:\n%s", job, s, o.stdout)
			}
			if !strings.Contains(o.stdout, "common.h") {
				t.Errorf("%s %s: no /showIncludes line for common.h:\n%s", job, s, o.stdout)
			}
			got, want := e.read(filepath.Join("ci", job, "build", obj)), e.read(filepath.Join("ci", job, "build", "ref.obj"))
			if got == "" || got != want {
				t.Errorf("%s %s: object differs from clang-cl's own with relative paths", job, s)
			}
		}
	}
	compile("job1")
	first := e.stats()
	compile("job2")
	second := e.stats()
	if h, m := second["hits"]-first["hits"], second["misses"]-first["misses"]; h != int64(len(sources)) || m != 0 {
		t.Errorf("second checkout: %d hits, %d misses; want %d hits", h, m, len(sources))
	}
}

// TestBaseDirsDebugInfo: with -g the object embeds the working directory,
// so with hash_dir on a second checkout misses; with
// -fdebug-prefix-map=<checkout>=. the object is independent of it and the
// second checkout hits, byte-identical to gcc's own object there.
func TestBaseDirsDebugInfo(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	ci := filepath.Join(e.work, "ci")
	e.setenv("OBJCACHE_BASEDIR", ci)
	tests := []struct {
		name     string
		mapped   bool
		wantHits int64
	}{
		{"-g alone", false, 0},
		{"-g with -fdebug-prefix-map", true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.stats()
			for _, job := range []string{"job1", "job2"} {
				root := filepath.Join(ci, tt.name, job)
				e.write(filepath.Join("ci", tt.name, job, "inc", "v.h"), "#define V 5\n")
				e.write(filepath.Join("ci", tt.name, job, "src", "a.c"), "#include \"v.h\"\nint a(int x) { return x * V; }\n")
				args := []string{"-c", "-g", "-O1", "-I" + filepath.Join(root, "inc")}
				refArgs := []string{"-c", "-g", "-O1", "-Iinc"}
				if tt.mapped {
					args = append(args, "-fdebug-prefix-map="+root+"=.")
					refArgs = append(refArgs, "-fdebug-prefix-map="+root+"=.")
				}
				o := e.runIn(root, objcacheBin, append(append([]string{"gcc"}, args...), filepath.Join(root, "src", "a.c"), "-o", "a.o")...)
				ref := e.runIn(root, "gcc", append(refArgs, "src/a.c", "-o", "ref.o")...)
				if o.code != 0 || ref.code != 0 {
					t.Fatalf("%s: %v (alone: %v)", job, o, ref)
				}
				got, want := e.read(filepath.Join("ci", tt.name, job, "a.o")), e.read(filepath.Join("ci", tt.name, job, "ref.o"))
				if got == "" || got != want {
					t.Errorf("%s: object differs from gcc's own with relative paths", job)
				}
			}
			after := e.stats()
			if h := after["hits"] - before["hits"]; h != tt.wantHits {
				t.Errorf("second checkout: %d hits, want %d", h, tt.wantHits)
			}
		})
	}
}

// TestBaseDirsAbsolutePathsInText: paths that still reach the stored text
// as absolute paths of the first checkout (clang's
// -fdiagnostics-absolute-paths in a warning, a depfile target given with
// -MT) come out of a hit in the second checkout naming that checkout, byte
// for byte as clang alone writes them there.
func TestBaseDirsAbsolutePathsInText(t *testing.T) {
	clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
	e := newEnv(t)
	ci := filepath.Join(e.work, "ci")
	e.setenv("OBJCACHE_BASEDIR", ci)
	before := e.stats()
	for _, job := range []string{"job1", "job2"} {
		root := filepath.Join(ci, job)
		e.write(filepath.Join("ci", job, "inc", "w.h"), "static inline int w(void) { int unused; return 1; }\n")
		e.write(filepath.Join("ci", job, "src", "a.c"), "#include \"w.h\"\nint a(void) { return w(); }\n")
		os.MkdirAll(filepath.Join(root, "build"), 0o777)
		build := filepath.Join(root, "build")
		common := []string{"-c", "-Wall", "-fdiagnostics-absolute-paths", "-MD", "-MT", filepath.Join(build, "a.o")}
		o := e.runIn(build, objcacheBin, append(append([]string{clang}, common...),
			"-I"+filepath.Join(root, "inc"), filepath.Join(root, "src", "a.c"), "-MF", "a.d", "-o", "a.o")...)
		ref := e.runIn(build, clang, append(common, "-I../inc", "../src/a.c", "-MF", "ref.d", "-o", "ref.o")...)
		// The depfile names the files as the user's own command does.
		e.runIn(build, clang, append(common, "-I"+filepath.Join(root, "inc"), filepath.Join(root, "src", "a.c"), "-MF", "abs.d", "-o", "abs.o")...)
		if o.code != 0 || ref.code != 0 {
			t.Fatalf("%s: %v (alone: %v)", job, o, ref)
		}
		if !strings.Contains(ref.stderr, filepath.Join(root, "inc", "w.h")) {
			t.Fatalf("clang alone did not print the absolute path: %q", ref.stderr)
		}
		if o.stderr != ref.stderr {
			t.Errorf("%s: stderr\n%s\nwant (clang alone)\n%s", job, o.stderr, ref.stderr)
		}
		dep, refDep := e.read(filepath.Join("ci", job, "build", "a.d")), e.read(filepath.Join("ci", job, "build", "abs.d"))
		if dep != refDep {
			t.Errorf("%s: depfile\n%s\nwant (clang alone)\n%s", job, dep, refDep)
		}
		if e.read(filepath.Join("ci", job, "build", "a.o")) != e.read(filepath.Join("ci", job, "build", "ref.o")) {
			t.Errorf("%s: object differs from clang's own with relative paths", job)
		}
	}
	if h := e.stats()["hits"] - before["hits"]; h != 1 {
		t.Errorf("%d hits, want 1 (the second checkout)", h)
	}
}

// TestBaseDirsSymlinkedBuildDir: a build directory that is a symbolic link
// elsewhere must not get "../src/a.c", which the kernel resolves from the
// link's target: the compile works exactly as gcc alone does.
func TestBaseDirsSymlinkedBuildDir(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	ci := filepath.Join(e.work, "ci")
	e.setenv("OBJCACHE_BASEDIR", ci)
	e.write("ci/checkout/src/a.c", "#include \"v.h\"\nint a(void) { return V; }\n")
	e.write("ci/checkout/src/v.h", "#define V 3\n")
	os.MkdirAll(filepath.Join(ci, "elsewhere", "build"), 0o777)
	build := filepath.Join(ci, "checkout", "build")
	if err := os.Symlink(filepath.Join(ci, "elsewhere", "build"), build); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(ci, "checkout", "src", "a.c")
	e.setenv("PWD", build) // the shell's (logical) working directory
	o := e.runIn(build, objcacheBin, "gcc", "-c", src, "-o", "a.o")
	ref := e.runIn(build, "gcc", "-c", src, "-o", "ref.o")
	if o != ref || o.code != 0 {
		t.Fatalf("objcache: %v; gcc alone: %v", o, ref)
	}
	if e.read("ci/elsewhere/build/a.o") != e.read("ci/elsewhere/build/ref.o") {
		t.Error("object differs from gcc's own")
	}
}

// TestBaseDirsRootAndSpellings (issue 13, O11 and O17): base_dirs = ["/"]
// rewrites paths as any base dir does, and one directory written several
// ways (//, /./, dir/..) makes one key.
func TestBaseDirsRootAndSpellings(t *testing.T) {
	cc := requireTool(t, "gcc", "apt-get install -y gcc")
	t.Run("the root as base dir", func(t *testing.T) {
		e := newEnv(t)
		e.setenv("OBJCACHE_BASEDIR", "/")
		for _, job := range []string{"job1", "job2"} {
			e.write(job+"/inc/x.h", "#define X 1\n")
			e.write(job+"/a.c", "#include <x.h>\nint x = X;\n")
			dir := filepath.Join(e.work, job)
			if o := e.runIn(dir, objcacheBin, cc, "-I"+filepath.Join(dir, "inc"), "-c", filepath.Join(dir, "a.c"), "-o", "a.o"); o.code != 0 {
				t.Fatal(o)
			}
		}
		e.wantStats(map[string]int64{"hits": 1, "misses": 1})
	})
	t.Run("either side of a linked working directory", func(t *testing.T) {
		// ccache suite, basedir: "Symlinked build dir inside source dir".
		// The checkouts are reached through a link (run -> run.real); the
		// shell's $PWD is the apparent path, a Makefile's $(CURDIR) the
		// physical one. Both spellings get one key.
		e := newEnv(t)
		e.setenv("OBJCACHE_BASEDIR", "/")
		for _, job := range []string{"dir1", "dir2"} {
			e.write("run.real/"+job+"/include/x.h", "#define X 1\n")
			e.write("run.real/"+job+"/src/a.c", "#include <x.h>\nint x = X;\n")
		}
		if err := os.Symlink(filepath.Join(e.work, "run.real"), filepath.Join(e.work, "run")); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ job, pwd string }{{"dir1", "pwd"}, {"dir2", "pwd"}, {"dir2", "pwd -P"}} {
			script := fmt.Sprintf(`cd run/%s/src && d=$(%s) && exec "$0" %s -I"$d/../include" -c "$d/a.c" -o "$d/a.o"`, c.job, c.pwd, cc)
			if o := e.runIn(e.work, "sh", "-c", script, objcacheBin); o.code != 0 {
				t.Fatalf("%s in %s: %v", c.pwd, c.job, o)
			}
		}
		e.wantStats(map[string]int64{"hits": 2, "misses": 1})
		want := e.run(cc, "-I"+filepath.Join(e.work, "run.real/dir2/include"), "-c", filepath.Join(e.work, "run.real/dir2/src/a.c"), "-o", filepath.Join(e.work, "ref.o"))
		if want.code != 0 || e.read("ref.o") != e.read("run.real/dir2/src/a.o") {
			t.Errorf("the hit's object differs from gcc's own (%v)", want)
		}
	})
	t.Run("spellings of one directory", func(t *testing.T) {
		e := newEnv(t)
		e.setenv("OBJCACHE_BASEDIR", e.work)
		e.write("include/x.h", "#define X 1\n")
		e.write("subdir/keep", "")
		e.write("a.c", "#include <x.h>\nint x = X;\n")
		for _, inc := range []string{"/include", "//./subdir/../include", "/./include/.", "/include/"} {
			if o := e.objcache(cc, "-I"+e.work+inc, "-c", filepath.Join(e.work, "a.c"), "-o", "a.o"); o.code != 0 {
				t.Fatalf("-I%s%s: %v", e.work, inc, o)
			}
		}
		e.wantStats(map[string]int64{"hits": 3, "misses": 1})
	})
}

// TestBaseDirsMakefileDepfiles (issue 13, item 4): a Makefile with
// absolute paths that compiles from another directory and includes its
// depfiles, built in two checkouts with base dirs. The depfiles name the
// files as the user's command does (absolute, this checkout's), on a miss
// and on a hit: the second checkout builds from the cache, a second make
// has nothing to do, and a header edit rebuilds exactly the objects that
// include it.
func TestBaseDirsMakefileDepfiles(t *testing.T) {
	cc := requireTool(t, "gcc", "apt-get install -y gcc")
	requireTool(t, "make", "apt-get install -y make")
	e := newEnv(t)
	e.setenv("OBJCACHE_BASEDIR", e.work)
	makefile := "D := $(CURDIR)\n" +
		"OBJS := $(D)/build/m1.o $(D)/build/m2.o\n" +
		"all: $(OBJS)\n" +
		"$(D)/build/%.o: $(D)/src/%.c\n" +
		"\t@mkdir -p $(D)/build\n" +
		"\tcd $(D)/src && $(CC) -I$(D)/include -MD -MF $@.d -c $< -o $@\n" +
		"-include $(OBJS:.o=.o.d)\n"
	for _, job := range []string{"job1", "job2"} {
		e.write(job+"/Makefile", makefile)
		e.write(job+"/include/a.h", "#define A 1\n")
		e.write(job+"/include/b.h", "#define B 2\n")
		e.write(job+"/src/local.h", "#define L 3\n")
		e.write(job+"/src/sub/s.h", "#define S 4\n")
		// "sub/s.h" is named with a directory part (break-it round 11: it
		// stayed relative, and make stopped rebuilding when it changed).
		e.write(job+"/src/m1.c", "#include <a.h>\n#include \"local.h\"\n#include \"sub/s.h\"\nint m1 = A + L + S;\n")
		e.write(job+"/src/m2.c", "#include <b.h>\nint m2 = B;\n")
	}
	mk := func(job string, args ...string) outcome {
		t.Helper()
		o := e.runIn(filepath.Join(e.work, job), "make", append([]string{"CC=" + objcacheBin + " " + cc}, args...)...)
		if o.code != 0 {
			t.Fatalf("make in %s: %v", job, o)
		}
		return o
	}
	compiles := func(o outcome) int { return strings.Count(o.stdout, " -c ") }
	mk("job1")
	before := e.stats()
	if o := mk("job2"); compiles(o) != 2 {
		t.Fatalf("job2: %d compiles, want 2:\n%s", compiles(o), o.stdout)
	}
	if s := e.stats(); s["hits"]-before["hits"] != 2 {
		t.Errorf("job2 built with %d hits, want 2", s["hits"]-before["hits"])
	}
	dep := e.read("job2/build/m1.o.d")
	for _, want := range []string{filepath.Join(e.work, "job2/src/m1.c"), filepath.Join(e.work, "job2/include/a.h"), filepath.Join(e.work, "job2/src/local.h"), filepath.Join(e.work, "job2/src/sub/s.h")} {
		if !strings.Contains(dep, want) {
			t.Errorf("job2's depfile does not name %s:\n%s", want, dep)
		}
	}
	if strings.Contains(dep, "job1") {
		t.Errorf("job2's depfile names job1's files:\n%s", dep)
	}
	if o := mk("job2"); compiles(o) != 0 {
		t.Errorf("a second make in job2 compiled:\n%s", o.stdout)
	}
	edit := func(name, content string) {
		// e.write backdates its files; an edit is newer than the objects.
		p := filepath.Join(e.work, name)
		if err := os.WriteFile(p, []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if err := os.Chtimes(p, now, now); err != nil {
			t.Fatal(err)
		}
	}
	edit("job2/include/a.h", "#define A 10\n")
	if o := mk("job2"); compiles(o) != 1 || !strings.Contains(o.stdout, "m1.o") {
		t.Errorf("after editing a.h, make ran:\n%s\nwant m1.o's compile alone", o.stdout)
	}
	edit("job2/src/local.h", "#define L 30\n")
	if o := mk("job2"); compiles(o) != 1 || !strings.Contains(o.stdout, "m1.o") {
		t.Errorf("after editing local.h, make ran:\n%s\nwant m1.o's compile alone", o.stdout)
	}
	edit("job2/src/sub/s.h", "#define S 40\n")
	if o := mk("job2"); compiles(o) != 1 || !strings.Contains(o.stdout, "m1.o") {
		t.Errorf("after editing sub/s.h, make ran:\n%s\nwant m1.o's compile alone", o.stdout)
	}
}

// TestBaseDirsCompileAsAlone: calls that base dirs must not change, run
// from build/ with absolute paths: each compiles through objcache as
// with the compiler alone, to the same object (break-it round 11: gcc
// joins -iprefix and -iwithprefix as strings, and "-iprefix ../" lost its
// slash; gcc's profile knows the source by its name as given, and
// refused the rewritten "../src/a.c" with -Werror=coverage-mismatch).
func TestBaseDirsCompileAsAlone(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	for _, tt := range []struct {
		name  string
		setup string // a shell script run in build/ first; W stands for the work tree
		args  string // W stands for the work tree
	}{
		{"iprefix", "", "-c -iprefix W/ -iwithprefix inc W/src/a.c -o a.o"},
		// Without the slash the prefix ends inside a name: "..inc", in
		// build/, must not be searched (break-it round 12: its y.h was
		// compiled in and stored).
		{"iprefix inside a name", "mkdir -p ..inc && echo '#define Y 666' > ..inc/y.h && mkdir -p ../../workinc && cp ../inc/y.h ../../workinc/", "-c -iprefix W -iwithprefix inc W/src/a.c -o a.o"},
		// gcc joins the sysroot and "inc" of -I=inc as strings (break-it
		// round 13: "--sysroot=W/sr/" lost its slash, and ../srinc was
		// searched: a wrong object where it existed).
		{"sysroot joined", "mkdir -p ../sr/inc ../srinc && cp ../inc/y.h ../sr/inc/ && echo '#define Y 666' > ../srinc/y.h", "-c --sysroot=W/sr/ -I=inc W/src/a.c -o a.o"},
		{"profile use", "gcc -O2 -fprofile-generate -fprofile-dir=W/prof W/src/a.c -o prog && { ./prog || true; }",
			"-c -O2 -fprofile-use -fprofile-dir=W/prof W/src/a.c -o a.o"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			w := func(s string) string {
				return strings.ReplaceAll(strings.ReplaceAll(s, "W/", e.work+"/"), "-iprefix W ", "-iprefix "+e.work+" ")
			}
			e.write("inc/y.h", "#define Y 2\n")
			e.write("src/a.c", "#include \"y.h\"\nint main(int c, char **v) { int s = Y; for (int i = 0; i < c * 1000; i++) s += i % 7; return s & 1; }\n")
			build := filepath.Join(e.work, "build")
			os.MkdirAll(build, 0o777)
			args := strings.Fields(w(tt.args))
			if tt.setup != "" {
				if o := e.runIn(build, "sh", "-c", w(strings.ReplaceAll(tt.setup, "gcc ", gcc+" -I"+e.work+"/inc "))); o.code != 0 {
					t.Fatalf("setup: %v", o)
				}
			}
			if tt.name == "profile use" {
				args = append([]string{"-I" + e.work + "/inc"}, args...)
			}
			ref := e.runIn(build, gcc, args...)
			if ref.code != 0 {
				t.Fatalf("gcc alone: %v", ref)
			}
			want := e.snapshot("build/a.o")
			e.setenv("OBJCACHE_BASEDIR", e.work)
			for _, phase := range []string{"miss", "hit"} {
				os.Remove(filepath.Join(build, "a.o"))
				if o := e.runIn(build, objcacheBin, append([]string{gcc}, args...)...); o.code != 0 || o.stderr != ref.stderr {
					t.Fatalf("%s: %v, alone %v", phase, o, ref)
				}
				sameFiles(t, phase, e.snapshot("build/a.o"), want)
			}
			if s := e.stats(); s["hits"] != 1 {
				t.Errorf("%d hits, want 1", s["hits"])
			}
		})
	}
}

// TestBaseDirsFailedCompileDepfile: a compile that fails (-Werror) still
// writes its depfile, and under base dirs that depfile names files as the
// user's command does, as on a success (difftest seed 6, index 57: the
// failed compile's depfile had the rewritten, relative names).
func TestBaseDirsFailedCompileDepfile(t *testing.T) {
	cc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.setenv("OBJCACHE_BASEDIR", e.work)
	e.write("inc/util.h", "#define UNUSED(x) (void)0\n")
	e.write("src/main.c", "#include \"util.h\"\nint main(void) { int unused; return 0; }\n")
	e.write("build/keep", "")
	build := filepath.Join(e.work, "build")
	args := []string{"-Werror", "-Wall", "-c", "-MD", "-I" + filepath.Join(e.work, "inc"), filepath.Join(e.work, "src", "main.c")}
	alone := e.runIn(build, cc, args...)
	want := e.read("build/main.d")
	os.Remove(filepath.Join(build, "main.d"))
	if alone.code == 0 || want == "" {
		t.Fatalf("gcc alone: %v, depfile %q: the compile was to fail and write its depfile", alone, want)
	}
	got := e.runIn(build, objcacheBin, append([]string{cc}, args...)...)
	// Diagnostics name the files as the rewritten command does (as with
	// ccache); the depfile, which Make reads, names them as the user's.
	if got.code != alone.code {
		t.Errorf("through objcache: %v\nalone: %v", got, alone)
	}
	if dep := e.read("build/main.d"); dep != want {
		t.Errorf("depfile through objcache:\n%s\ngcc alone:\n%s", dep, want)
	}
}

// TestBaseDirsClangCLRecordedSplit: a clang-cl /Z7 (or /Zi) object records
// its compile command, so under base dirs a call with several sources must
// still compile each by the user's own arguments, absolute paths and all
// (break-it round 8: the split commands were the rewritten ones, and the
// objects named ../src/a.c).
func TestBaseDirsClangCLRecordedSplit(t *testing.T) {
	for _, debug := range []string{"/Z7", "/Zi"} {
		t.Run(debug, func(t *testing.T) {
			e := newEnv(t)
			cl := clExe(t, e)
			root := filepath.Join(e.work, "ci", "job1")
			e.setenv("OBJCACHE_BASEDIR", filepath.Join(e.work, "ci"))
			e.write("ci/job1/inc/h.h", "#define H 2\n")
			e.write("ci/job1/src/a.c", "#include \"h.h\"\nint fa(void) { return H; }\n")
			e.write("ci/job1/src/b.c", "#include \"h.h\"\nint fb(void) { return H * 2; }\n")
			build := filepath.Join(root, "build")
			os.MkdirAll(build, 0o777)
			args := []string{"/c", "/nologo", "/Brepro", debug, "/Fd" + filepath.Join(build, "t.pdb"), "/FS", "/I" + filepath.Join(root, "inc"),
				filepath.Join(root, "src", "a.c"), filepath.Join(root, "src", "b.c"), "/Fo" + build + "/"}
			if ref := e.runIn(build, cl, args...); ref.code != 0 {
				t.Fatalf("clang-cl alone: %v", ref)
			}
			objs := []string{"ci/job1/build/a.obj", "ci/job1/build/b.obj"}
			want := e.snapshot(objs...)
			for _, phase := range []string{"miss", "hit"} {
				if o := e.runIn(build, objcacheBin, append([]string{cl}, args...)...); o.code != 0 {
					t.Fatalf("%s: %v", phase, o)
				}
				sameFiles(t, phase, e.snapshot(objs...), want)
			}
			if s := e.stats(); s["hits"] != 2 {
				t.Errorf("stats %v, want 2 hits", s)
			}
		})
	}
}

// TestBaseDirsCLVariable: the paths CL and _CL_ name are rewritten under
// base dirs as the command line's are, so a second checkout whose CL names
// its own include directory hits (issue 14, item 5), with objects equal to
// clang-cl's own.
func TestBaseDirsCLVariable(t *testing.T) {
	e := newEnv(t)
	cl := clExe(t, e)
	e.setenv("OBJCACHE_BASEDIR", filepath.Join(e.work, "ci"))
	for i, job := range []string{"job1", "job2"} {
		root := filepath.Join(e.work, "ci", job)
		e.write(filepath.Join("ci", job, "inc", "h.h"), "#define H 3\n")
		e.write(filepath.Join("ci", job, "tail", "t.h"), "#define T 4\n")
		e.write(filepath.Join("ci", job, "src", "a.c"), "#include \"h.h\"\n#include \"t.h\"\nint a(void) { return H * T; }\n")
		build := filepath.Join(root, "build")
		os.MkdirAll(build, 0o777)
		e.setenv("CL", "/I"+filepath.Join(root, "inc"))
		e.setenv("_CL_", "/I "+filepath.Join(root, "tail"))
		args := []string{"/c", "/nologo", "/Brepro", filepath.Join(root, "src", "a.c"), "/Fo" + filepath.Join(build, "a.obj")}
		if ref := e.runIn(build, cl, args...); ref.code != 0 {
			t.Fatalf("%s: clang-cl alone: %v", job, ref)
		}
		want := e.snapshot(filepath.Join("ci", job, "build", "a.obj"))
		if o := e.runIn(build, objcacheBin, append([]string{cl}, args...)...); o.code != 0 {
			t.Fatalf("%s: %v", job, o)
		}
		sameFiles(t, job, e.snapshot(filepath.Join("ci", job, "build", "a.obj")), want)
		if s := e.stats(); s["hits"] != int64(i) {
			t.Errorf("after %s: stats %v, want %d hits", job, s, i)
		}
	}
}

// TestBaseDirsRecordedKeyedByUserSpelling: a /Z7 object records the paths
// as the user spelled them, so under base dirs /I$PWD/inc and /Iinc must
// not share an entry (break-it round 9: the key was the rewritten command,
// and one spelling's hit gave the other's object).
func TestBaseDirsRecordedKeyedByUserSpelling(t *testing.T) {
	e := newEnv(t)
	cl := clExe(t, e)
	e.setenv("OBJCACHE_BASEDIR", e.work)
	e.write("inc/h.h", "#define H 1\n")
	e.write("src/a.c", "#include \"h.h\"\nint a(void) { return H; }\n")
	for _, spelling := range [][]string{{"/Iinc", "src/a.c"}, {"/I" + filepath.Join(e.work, "inc"), filepath.Join(e.work, "src", "a.c")}} {
		args := append([]string{"/c", "/nologo", "/Brepro", "/Z7"}, spelling...)
		ref := e.run(cl, args...)
		want := e.snapshot("a.obj")
		if o := e.objcache(append([]string{cl}, args...)...); o.code != 0 || ref.code != 0 {
			t.Fatalf("%q: %v (alone %v)", spelling, o, ref)
		}
		sameFiles(t, spelling[0], e.snapshot("a.obj"), want)
	}
}

// TestBaseDirsRecordedMissDepfile: under base dirs the depfile gets the
// user's names on a miss as on a hit: a compile whose object records its
// command (-grecord-command-line) runs by itself on a miss and left the
// rewritten command's relative names (difftest seed 7), also when it fails
// (index 10914); a bare -fprofile-instr-use value left the source's
// neighbours relative (index 10020).
func TestBaseDirsRecordedMissDepfile(t *testing.T) {
	clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
	for _, tt := range []struct {
		name   string
		dir    string // where the compile runs, under the work tree
		source string
		args   []string // before -c SOURCE; "W/" stands for the work tree
	}{
		{"recorded", "build", "int m(void) { return D; }\n", []string{"-g", "-grecord-command-line", "-MMD", "-IW/q", "-o", "main.o"}},
		{"recorded failure", "build", "int m(void) { return D; }\nint broken = ;\n", []string{"-g", "-grecord-command-line", "-MD", "-iquoteW/q", "-o", "main.o"}},
		{"bare profile value", "src", "int m(void) { return D; }\n", []string{"-MD", "-fprofile-instr-use=default.profdata", "-IW/q"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.setenv("OBJCACHE_BASEDIR", e.work)
			e.write("q/defs.h", "#define D 1\n")
			e.write("src/local.h", "#define L 1\n")
			e.write("src/main.c", "#include \"local.h\"\n#include \"defs.h\"\n"+tt.source)
			if tt.name == "bare profile value" {
				profdata := requireTool(t, "llvm-profdata-14", "apt-get install -y llvm-14")
				if o := e.run("sh", "-c", "cd src && printf 'm\\n0\\n1\\n1\\n' > p.proftext && "+profdata+" merge -o default.profdata p.proftext"); o.code != 0 {
					t.Fatalf("llvm-profdata: %v", o)
				}
			}
			dir := filepath.Join(e.work, tt.dir)
			os.MkdirAll(dir, 0o777)
			var args []string
			for _, a := range tt.args {
				args = append(args, strings.ReplaceAll(a, "W/", e.work+"/"))
			}
			args = append(args, "-c", filepath.Join(e.work, "src", "main.c"))
			depfile := tt.dir + "/main.d"
			ref := e.runIn(dir, clang, args...)
			want := e.snapshot(depfile)
			if want[depfile] == "<missing>" {
				t.Fatalf("the compiler wrote no depfile: %v", ref)
			}
			os.Remove(filepath.Join(e.work, depfile))
			for _, phase := range []string{"miss", "hit"} {
				o := e.runIn(dir, objcacheBin, append([]string{clang}, args...)...)
				if o.code != ref.code {
					t.Fatalf("%s: %v, alone %v", phase, o, ref)
				}
				sameFiles(t, phase, e.snapshot(depfile), want)
			}
		})
	}
}

// TestBaseDirsDepfileAsAlone: under base dirs the depfile names every file
// as gcc and clang alone name it for the user's command, on a miss and on
// a hit; where a name could have come two ways, objcache leaves the call
// as written (break-it rounds 11 and 12). Paths are under the work tree W,
// the base dir.
func TestBaseDirsDepfileAsAlone(t *testing.T) {
	compilers := []string{requireTool(t, "gcc", "apt-get install -y gcc"), requireTool(t, "clang-14", "apt-get install -y clang-14")}
	for _, tt := range []struct {
		name  string
		files map[string]string
		dir   string // the working directory, under W
		args  string
		env   []string
		setup string // a shell script run in dir first (W stands for the work tree)
	}{
		{"source in the working directory", map[string]string{"src/a.c": "#include \"sub/s.h\"\n#include \"../inc/y.h\"\nint f(void) { return S + Y; }\n", "src/sub/s.h": "#define S 1\n", "inc/y.h": "#define Y 2\n"},
			"src", "-c -MD -MF a.d W/src/a.c -o a.o", nil, ""},
		{"relative -include beside its neighbour", map[string]string{"a.c": "int g(void) { return X; }\n", "sub/pre.h": "#include \"x.h\"\n", "sub/x.h": "#define X 1\n"},
			"", "-c -MD -MF a.d -include sub/pre.h W/a.c -o a.o", nil, ""},
		{"-I. with the source in the working directory", map[string]string{"b.c": "#include <sub/s.h>\n#include <q.h>\nint y = S + Q;\n", "sub/s.h": "#define S 1\n", "q.h": "#define Q 1\n"},
			"", "-c -MD -MF b.d -I. W/b.c -o b.o", nil, ""},
		{"relative CPATH", map[string]string{"c.c": "#include <q.h>\nint y = Q;\n", "inc/q.h": "#define Q 1\n"},
			"", "-c -MD -MF c.d W/c.c -o c.o", []string{"CPATH=inc"}, ""},
		{"relative -include with clang's lookup", map[string]string{"a.c": "int x = P + X;\n", "pre.h": "#define P 1\n", "sub/pre.h": "#define X 1\n"},
			"", "-c -MD -MF a.d -include pre.h -include sub/pre.h W/a.c -o a.o", nil, ""},
		{"the build directory on the include path", map[string]string{"build/gen.h": "#define G 1\n", "build/inc/y.h": "#define Y 1\n", "src/c.c": "#include <gen.h>\n#include <y.h>\nint y = G + Y;\n"},
			"build", "-c -MD -MF c.d -IW/build -iprefix W/build/ -iwithprefix inc W/src/c.c -o c.o", nil, ""},
		// A "//" in the part a path shares with the working directory
		// stays on a hit (break-it round 14; WW below).
		{"a double slash", map[string]string{"src/a.c": "#include <y.h>\nint v = Y;\n", "inc/y.h": "#define Y 1\n", "build/.keep": ""},
			"build", "-c -MD -MF a.d -IWW/build/../inc W/src/a.c -o a.o", nil, ""},
		// A precompiled header is used by the compile, and its depfile
		// names neither the header nor what it includes (break-it round 14).
		{"a precompiled header through -include", map[string]string{"src/a.c": "int v = P;\n", "inc/pre.h": "#include \"p2.h\"\n#define P 1\n", "inc/p2.h": "\n", "build/.keep": ""},
			"build", "-c -MD -MF a.d -Winvalid-pch -include W/inc/pre.h W/src/a.c -o a.o", nil, "CC -x c-header ../inc/pre.h -o ../inc/pre.h.gch && CC -x c-header ../inc/pre.h -o ../inc/pre.h.pch"},
		{"an -include file's neighbour", map[string]string{"src/a.c": "int f(void) { return X; }\n", "inc/pre.h": "#include \"x.h\"\n", "inc/x.h": "#define X 1\n", "build/.keep": ""},
			"build", "-c -MD -MF a.d -include W/inc/pre.h W/src/a.c -o a.o", nil, ""},
		{"an -imacros file's neighbour", map[string]string{"src/a.c": "int f(void) { return X; }\n", "inc/pre.h": "#include \"x.h\"\n", "inc/x.h": "#define X 1\n", "build/.keep": ""},
			"build", "-c -MD -MF a.d -imacros W/inc/pre.h W/src/a.c -o a.o", nil, ""},
		{"-iwithprefix beside the source", map[string]string{"src/c.c": "#include \"inc/loc.h\"\n#include <e.h>\nint y = L + E;\n", "src/inc/loc.h": "#define L 1\n", "ext/inc/e.h": "#define E 1\n"},
			"src", "-c -MD -MF c.d -iprefix W/ext/ -iwithprefix inc W/src/c.c -o c.o", nil, ""},
	} {
		for _, cc := range compilers {
			t.Run(tt.name+"/"+filepath.Base(cc), func(t *testing.T) {
				e := newEnv(t)
				for name, content := range tt.files {
					e.write(name, content)
				}
				for _, kv := range tt.env {
					k, v, _ := strings.Cut(kv, "=")
					e.setenv(k, v)
				}
				dir := filepath.Join(e.work, tt.dir)
				if tt.setup != "" {
					if o := e.runIn(dir, "sh", "-c", strings.ReplaceAll(tt.setup, "CC ", cc+" ")); o.code != 0 {
						t.Fatalf("setup: %v", o)
					}
				}
				// WW/ is the work tree and "//".
				ww := e.work + "/"
				args := strings.Fields(strings.ReplaceAll(strings.ReplaceAll(tt.args, "WW/", ww+"/"), "W/", e.work+"/"))
				depfile := filepath.Join(tt.dir, args[3])
				if ref := e.runIn(dir, cc, args...); ref.code != 0 {
					t.Fatalf("alone: %v", ref)
				}
				want := e.snapshot(depfile)
				e.setenv("OBJCACHE_BASEDIR", e.work)
				for _, phase := range []string{"miss", "hit"} {
					os.Remove(filepath.Join(e.work, depfile))
					if o := e.runIn(dir, objcacheBin, append([]string{cc}, args...)...); o.code != 0 {
						t.Fatalf("%s: %v", phase, o)
					}
					sameFiles(t, phase, e.snapshot(depfile), want)
				}
			})
		}
	}
}

// TestBaseDirsAbsoluteInclude: a source that names a header of its
// checkout absolutely is not shared with another checkout, which would
// check its own copy of the header and hand out an object built from the
// first checkout's (break-it round 14).
func TestBaseDirsAbsoluteInclude(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.setenv("OBJCACHE_BASEDIR", e.work)
	for _, job := range []string{"a", "b"} {
		e.write(job+"/src/a.c", "#include \""+e.work+"/a/inc/y.h\"\nint v = Y;\n")
		e.write(job+"/inc/y.h", "#define Y 2\n")
		os.MkdirAll(filepath.Join(e.work, job, "build"), 0o777)
	}
	compile := func(job, out string, through bool) {
		t.Helper()
		args := []string{"-c", filepath.Join(e.work, job, "src", "a.c"), "-o", out}
		name := gcc
		if through {
			name, args = objcacheBin, append([]string{gcc}, args...)
		}
		if o := e.runIn(filepath.Join(e.work, job, "build"), name, args...); o.code != 0 {
			t.Fatal(o)
		}
	}
	compile("a", "a.o", true)
	e.write("a/inc/y.h", "#define Y 3\n")
	compile("b", "ref.o", false)
	compile("b", "a.o", true)
	if e.read("b/build/a.o") != e.read("b/build/ref.o") {
		t.Error("the second checkout got the first checkout's object, built from the old header")
	}
}

// TestBaseDirsTwoOutputs: gcc refuses two -o and writes nothing; so does
// objcache, the pass that writes the user's depfile included (break-it
// round 14: it left an empty x.o).
func TestBaseDirsTwoOutputs(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("src/a.c", "int v;\n")
	build := filepath.Join(e.work, "build")
	os.MkdirAll(build, 0o777)
	args := []string{"-c", "-MD", "-MF", "a.d", filepath.Join(e.work, "src", "a.c"), "-o", "x.o", "-o", "a.o"}
	ref := e.runIn(build, gcc, args...)
	want, _ := os.ReadDir(build)
	for _, f := range want {
		os.Remove(filepath.Join(build, f.Name()))
	}
	e.setenv("OBJCACHE_BASEDIR", e.work)
	o := e.runIn(build, objcacheBin, append([]string{gcc}, args...)...)
	got, _ := os.ReadDir(build)
	if o.code != ref.code || len(got) != len(want) {
		t.Errorf("objcache: exit %d and %d files in build/; gcc alone: exit %d and %d files", o.code, len(got), ref.code, len(want))
	}
}

// TestBaseDirsAbsoluteNamesNotShared: a checkout header named absolutely
// never reaches another checkout as a stale object, whatever else the call
// uses: an unrelated precompiled header, or a compiler installed in the
// first checkout (break-it round 16: exemptions for both let B hit A's
// entry after A's header changed).
func TestBaseDirsAbsoluteNamesNotShared(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
	for _, tt := range []struct {
		name  string
		setup string // run in the work tree; W stands for it
		cc    string // "" for gcc; W stands for the work tree
		args  string
	}{
		{"an unrelated gch", "cd a/inc && GCC -x c-header p.h -o p.h.gch && cp p.h.gch ../../b/inc/", "", "-I../inc -include p.h -c a.c -o a.o"},
		{"a compiler in the first checkout", "mkdir -p a/bin && cp $(readlink -f CLANG) a/bin/clang", "W/a/bin/clang", "-c a.c -o a.o"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.setenv("OBJCACHE_BASEDIR", e.work)
			for _, job := range []string{"a", "b"} {
				e.write(job+"/inc/y.h", "int y = 1;\n")
				e.write(job+"/inc/p.h", "int p;\n")
				e.write(job+"/src/a.c", "#include \""+e.work+"/a/inc/y.h\"\n")
			}
			w := func(s string) string { return strings.ReplaceAll(s, "W/", e.work+"/") }
			setup := strings.NewReplacer("GCC ", gcc+" ", "CLANG", clang).Replace(w(tt.setup))
			if o := e.runIn(e.work, "sh", "-c", setup); o.code != 0 {
				t.Fatalf("setup: %v", o)
			}
			cc := gcc
			if tt.cc != "" {
				cc = w(tt.cc)
			}
			args := strings.Fields(tt.args)
			if o := e.runIn(filepath.Join(e.work, "a", "src"), objcacheBin, append([]string{cc}, args...)...); o.code != 0 {
				t.Fatal(o)
			}
			e.write("a/inc/y.h", "int y = 2;\n")
			bsrc := filepath.Join(e.work, "b", "src")
			if o := e.runIn(bsrc, objcacheBin, append([]string{cc}, args...)...); o.code != 0 {
				t.Fatal(o)
			}
			got := e.read("b/src/a.o")
			if o := e.runIn(bsrc, cc, args...); o.code != 0 {
				t.Fatal(o)
			}
			if got != e.read("b/src/a.o") {
				t.Error("the second checkout got the first checkout's object, built from the old header")
			}
		})
	}
}
