package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Regression tests for break-it round 18's finds, with real compilers;
// each fails on bd0ca55.

// TestSystemHeaderThroughLink: gcc names a header of a system include
// directory by its real path when shorter; the manifest checks the path
// the search found, so a link re-pointed afterwards misses (r1: the
// directory's link, r1b: the header's own, r1c: under base dirs, each
// checkout's header a link to its own copy).
func TestSystemHeaderThroughLink(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	t.Run("directory link", func(t *testing.T) {
		e := newEnv(t)
		e.write("sdk/v1/include/x.h", "#define X 1\n")
		e.write("sdk/v2/include/x.h", "#define X 2\n")
		e.write("src/a.c", "#include <x.h>\nint x = X;\n")
		link := filepath.Join(e.work, "sdk", "current")
		os.Symlink("v1", link)
		src := filepath.Join(e.work, "src")
		args := []string{gcc, "-isystem", filepath.Join(link, "include"), "-c", "a.c", "-o", "a.o"}
		sameAsAlone(t, e, src, "a.o", "ref.o", args...)
		os.Remove(link)
		os.Symlink("v2", link)
		sameAsAlone(t, e, src, "a.o", "ref.o", args...)
	})
	t.Run("header link", func(t *testing.T) {
		e := newEnv(t)
		e.write("v1/x.h", "#define X 1\n")
		e.write("v2/x.h", "#define X 2\n")
		e.write("src/a.c", "#include <x.h>\nint x = X;\n")
		os.MkdirAll(filepath.Join(e.work, "inc"), 0o777)
		link := filepath.Join(e.work, "inc", "x.h")
		os.Symlink("../v1/x.h", link)
		src := filepath.Join(e.work, "src")
		args := []string{gcc, "-isystem", filepath.Join(e.work, "inc"), "-c", "a.c", "-o", "a.o"}
		sameAsAlone(t, e, src, "a.o", "ref.o", args...)
		os.Remove(link)
		os.Symlink("../v2/x.h", link)
		sameAsAlone(t, e, src, "a.o", "ref.o", args...)
	})
	t.Run("base dirs, a link per checkout", func(t *testing.T) {
		e := newEnv(t)
		ws := filepath.Join(e.work, "ws")
		e.setenv("OBJCACHE_BASEDIR", ws)
		deep := "a/b/c/d/e/f/g/h/i/j/k"
		// The copies' real paths are shorter than the relative name
		// from deep/, so gcc names them by those.
		short, err := os.MkdirTemp("", "s")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(short) })
		for _, v := range []string{"1", "2"} {
			os.WriteFile(filepath.Join(short, v+".h"), []byte("#define X "+v+"\n"), 0o666)
		}
		e.lastWrite = time.Now()
		for i, c := range []string{"A", "B"} {
			e.write("ws/"+c+"/"+deep+"/a.c", "#include <x.h>\nint x = X;\n")
			os.MkdirAll(filepath.Join(ws, c, "inc"), 0o777)
			os.Symlink(filepath.Join(short, []string{"1", "2"}[i]+".h"), filepath.Join(ws, c, "inc", "x.h"))
			sameAsAlone(t, e, filepath.Join(ws, c, deep), "a.o", "ref.o", gcc, "-isystem", filepath.Join(ws, c, "inc"), "-c", "a.c", "-o", "a.o")
		}
	})
}

// TestSpecsFiles: the driver finds a relative -specs name in its library
// directories (LIBRARY_PATH's among them) before the working directory,
// reads a file named specs found there for every compile, and follows a
// specs file's %include: such calls pass through (r2, r2b, r3).
func TestSpecsFiles(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("src/a.c", "#ifndef V\n#define V 1\n#endif\nint v = V;\n")
	e.write("src/my.specs", "*cpp:\n+ -DV=2\n")
	e.write("alt/my.specs", "*cpp:\n+ -DV=3\n")
	e.write("src/top.specs", "%include <inc.specs>\n")
	e.write("src/inc.specs", "*cpp:\n+ -DV=4\n")
	src := filepath.Join(e.work, "src")
	sameAsAlone(t, e, src, "a.o", "ref.o", gcc, "-specs=my.specs", "-c", "a.c", "-o", "a.o")
	e.setenv("LIBRARY_PATH", filepath.Join(e.work, "alt"))
	sameAsAlone(t, e, src, "a.o", "ref.o", gcc, "-specs=my.specs", "-c", "a.c", "-o", "a.o")
	e.unsetenv("LIBRARY_PATH")
	top := filepath.Join(src, "top.specs")
	sameAsAlone(t, e, src, "a.o", "ref.o", gcc, "-specs="+top, "-c", "a.c", "-o", "a.o")
	e.write("src/inc.specs", "*cpp:\n+ -DV=5\n")
	sameAsAlone(t, e, src, "a.o", "ref.o", gcc, "-specs="+top, "-c", "a.c", "-o", "a.o")
	// A specs file named "specs" in a LIBRARY_PATH directory.
	spec := e.run(gcc, "-dumpspecs").stdout
	e.write("lib/specs", strings.Replace(spec, "*cpp:\n", "*cpp:\n-DV=7 ", 1))
	sameAsAlone(t, e, src, "a.o", "ref.o", gcc, "-c", "a.c", "-o", "a.o")
	e.setenv("LIBRARY_PATH", filepath.Join(e.work, "lib"))
	sameAsAlone(t, e, src, "a.o", "ref.o", gcc, "-c", "a.c", "-o", "a.o")
	e.wantStats(map[string]int64{"uncacheable.specs-search": 3, "uncacheable.specs-include": 2})
}

// TestLLVMOptionReadingAFile: clang's -mllvm -dfsan-abilist=FILE reads
// FILE, which no depfile names: the call passes through (r5).
func TestLLVMOptionReadingAFile(t *testing.T) {
	clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
	e := newEnv(t)
	e.write("a.c", "int g(int);\nint f(int x) { return g(x) + 1; }\n")
	e.write("abi.txt", "\n")
	args := []string{clang, "-fsanitize=dataflow", "-mllvm", "-dfsan-abilist=abi.txt", "-c", "a.c", "-o", "a.o"}
	sameAsAlone(t, e, e.work, "a.o", "ref.o", args...)
	e.write("abi.txt", "fun:g=uninstrumented\nfun:g=discard\n")
	sameAsAlone(t, e, e.work, "a.o", "ref.o", args...)
}

// TestBaseDirsMissingForcedInclude: a missing -include file under base
// dirs fails as with gcc alone; rewritten relative, gcc found another
// file along the include chain (r6).
func TestBaseDirsMissingForcedInclude(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	ws := filepath.Join(e.work, "ws")
	e.setenv("OBJCACHE_BASEDIR", ws)
	e.write("ws/A/build/a.c", "int x = X;\n")
	e.write("ws/A/build/gen/cfg.h", "#define X 2\n")
	os.MkdirAll(filepath.Join(ws, "A", "build", "sub"), 0o777)
	build := filepath.Join(ws, "A", "build")
	args := []string{"-I" + filepath.Join(build, "sub"), "-include", filepath.Join(ws, "A", "gen", "cfg.h"), "-c", filepath.Join(build, "a.c"), "-o", "a.o"}
	alone := e.runIn(build, gcc, args...)
	oc := e.runIn(build, objcacheBin, append([]string{gcc}, args...)...)
	if alone.code == 0 || oc.code != alone.code || oc.stderr != alone.stderr {
		t.Errorf("objcache: %v\ngcc alone: %v", oc, alone)
	}
}

// TestDashDashCompiles: objcache -- gcc … compiles; a bare -- is a usage
// error (r7: both printed help and exited 0, and nothing compiled).
func TestDashDashCompiles(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("a.c", "int x;\n")
	if o := e.objcache("--", gcc, "-c", "a.c", "-o", "b.o"); o.code != 0 {
		t.Fatal(o)
	}
	if o := e.run(gcc, "-c", "a.c", "-o", "ref.o"); o.code != 0 {
		t.Fatal(o)
	}
	if e.read("b.o") != e.read("ref.o") || e.read("b.o") == "" {
		t.Error("objcache -- gcc: b.o is not gcc's object")
	}
	if o := e.objcache("--"); o.code != 2 || o.stdout != "" || strings.Count(o.stderr, "\n") != 1 {
		t.Errorf("objcache --: %v; want exit 2 and one line", o)
	}
}

// TestExplainAgreesWithTheBuild: explain says what the build then does,
// for a hit whose output is one of its inputs (r4), a masquerade link
// first in PATH with objcache-manage installed apart (r8), a clang-cl
// whose /showIncludes prefix is not known yet, without a probe in the
// cache (r11), and a lock held past lock_timeout (r13).
func TestExplainAgreesWithTheBuild(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	t.Run("output is an input", func(t *testing.T) {
		e := newEnv(t)
		e.write("a.c", "#include \"h.h\"\nint x;\n")
		e.write("h.h", "/* h */\n")
		e.objcache(gcc, "-c", "a.c", "-o", "a.o")
		if o := e.objcache("explain", "--", gcc, "-c", "a.c", "-o", "h.h"); !strings.Contains(o.stdout, "not cached: uncacheable.output-is-input") {
			t.Errorf("explain: %v", o)
		}
	})
	t.Run("masquerade, objcache-manage apart", func(t *testing.T) {
		e := newEnv(t)
		for _, d := range []string{"opt", "masq", "mbin"} {
			os.MkdirAll(filepath.Join(e.work, d), 0o777)
		}
		copyFile(t, objcacheBin, filepath.Join(e.work, "opt", "objcache"))
		copyFile(t, filepath.Join(filepath.Dir(objcacheBin), "objcache-manage"), filepath.Join(e.work, "mbin", "objcache-manage"))
		os.Symlink(filepath.Join(e.work, "opt", "objcache"), filepath.Join(e.work, "masq", "gcc"))
		e.setenv("PATH", filepath.Join(e.work, "masq")+":"+filepath.Join(e.work, "mbin")+":"+os.Getenv("PATH"))
		e.write("a.c", "int x;\n")
		// As a shell runs gcc from PATH: the masquerade link, argv[0] gcc.
		if o := e.runArgv0(filepath.Join(e.work, "masq", "gcc"), "gcc", "-c", "a.c", "-o", "a.o"); o.code != 0 {
			t.Fatal(o)
		}
		if o := e.run(filepath.Join(e.work, "opt", "objcache"), "explain", "--", "gcc", "-c", "a.c", "-o", "a.o"); o.stdout != "a.c: hit\n" {
			t.Errorf("explain: %v; want a hit", o)
		}
	})
	t.Run("clang-cl prefix not known", func(t *testing.T) {
		e := newEnv(t)
		cl := clExe(t, e)
		e.write("a.c", "int a;\n")
		e.objcache(cl, "/nologo", "/c", "a.c")
		prefixes, _ := filepath.Glob(filepath.Join(e.cache, "compilers", "*.prefix"))
		for _, p := range prefixes {
			os.Remove(p)
		}
		before, _ := os.ReadDir(filepath.Join(e.cache, "tmp"))
		if o := e.objcache("explain", "--", cl, "/nologo", "/c", "a.c"); o.stdout != "a.c: hit\n" {
			t.Errorf("explain: %v; want a hit", o)
		}
		if after, _ := os.ReadDir(filepath.Join(e.cache, "tmp")); len(after) != len(before) {
			t.Errorf("explain left files in the cache's tmp/: %d before, %d after", len(before), len(after))
		}
		if p, _ := filepath.Glob(filepath.Join(e.cache, "compilers", "*.prefix")); len(p) != 0 {
			t.Errorf("explain learned a prefix: %v", p)
		}
	})
	t.Run("lock timeout", func(t *testing.T) {
		e := newEnv(t)
		e.setenv("OBJCACHE_LOCK_TIMEOUT", "1s")
		e.write("a.c", "int x;\n")
		e.objcache(gcc, "-c", "a.c", "-o", "a.o")
		manifests := e.entryFiles("manifests")
		if len(manifests) != 1 {
			t.Fatalf("manifests: %v", manifests)
		}
		holder := startLockHolder(t, filepath.Join(filepath.Dir(manifests[0]), ".lock"))
		defer holder()
		if o := e.objcache("explain", "--", gcc, "-c", "a.c", "-o", "a.o"); !strings.Contains(o.stdout, "not cached: error.lock-timeout") {
			t.Errorf("explain: %v", o)
		}
	})
}

// copyFile copies an executable.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

// timeNow is time.Now, for tests that write files settleWrites must wait
// for.
func timeNow() time.Time { return time.Now() }
