package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMasquerade: a symlink named gcc pointing at objcache, first in PATH,
// finds the real gcc further down PATH and caches; one named cc finds cc.
func TestMasquerade(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	bin := filepath.Join(e.work, "masq")
	os.MkdirAll(bin, 0o777)
	for _, name := range []string{"gcc", "cc"} {
		if err := os.Symlink(objcacheBin, filepath.Join(bin, name)); err != nil {
			t.Fatal(err)
		}
	}
	e.setenv("PATH", bin+string(os.PathListSeparator)+filepath.Dir(gcc)+string(os.PathListSeparator)+os.Getenv("PATH"))
	e.write("hello.c", helloC)
	e.write("hello.h", "#define GREETING \"masquerade\"\n")
	for _, name := range []string{"gcc", "gcc", "cc"} {
		// As a shell would: found in PATH, started with argv[0] = name.
		if o := e.runArgv0(filepath.Join(bin, name), name, "-c", "hello.c", "-o", "hello.o"); o.code != 0 {
			t.Fatalf("%s: %v", name, o)
		}
	}
	// cc is keyed apart from gcc, as ccache keys the compiler's name: the
	// driver names itself in its diagnostics, and clang takes its mode
	// from the name.
	e.wantStats(map[string]int64{"misses": 2, "hits": 1})
}

// TestMasqueradeLoop: when PATH holds nothing but objcache under the
// compiler's name, objcache says so instead of calling itself forever.
func TestMasqueradeLoop(t *testing.T) {
	e := newEnv(t)
	bin := filepath.Join(e.work, "masq")
	os.MkdirAll(bin, 0o777)
	os.Symlink(objcacheBin, filepath.Join(bin, "gcc"))
	e.setenv("PATH", bin)
	e.write("hello.c", helloC)
	o := e.run(filepath.Join(bin, "gcc"), "-c", "hello.c")
	if o.code == 0 || !strings.Contains(o.stderr, "masquerade loop") || strings.Count(o.stderr, "\n") != 1 {
		t.Errorf("got %v; want one line about a masquerade loop and a failure status", o)
	}
}

// TestDisable: OBJCACHE_DISABLE=1 is a pure pass-through that records
// nothing.
func TestDisable(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("hello.c", helloC)
	e.write("hello.h", "#define GREETING \"off\"\n")
	e.setenv("OBJCACHE_DISABLE", "1")
	for i := 0; i < 2; i++ {
		if o := e.objcache("gcc", "-c", "hello.c", "-o", "hello.o"); o.code != 0 {
			t.Fatal(o)
		}
	}
	if e.read("hello.o") == "" {
		t.Error("no object written")
	}
	e.setenv("OBJCACHE_DISABLE", "0")
	e.wantStats(map[string]int64{"hits": 0, "misses": 0, "files": 0})
}

// TestBadConfig: a malformed config.toml does not stop a compile (it runs
// uncached, after one line on stderr that says why: issue 13, O10), while
// objcache's own commands fail with one line naming the file, line and
// key, and exit 2.
func TestBadConfig(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	os.MkdirAll(e.cache, 0o777)
	os.WriteFile(filepath.Join(e.cache, "config.toml"), []byte("max_size = \"5G\"\nmax_sise = \"1G\"\n"), 0o666)
	e.write("hello.c", helloC)
	e.write("hello.h", "#define GREETING \"x\"\n")
	ref := e.run("gcc", "-c", "hello.c", "-o", "ref.o")
	o := e.objcache("gcc", "-c", "hello.c", "-o", "hello.o")
	line, rest, _ := strings.Cut(o.stderr, "\n")
	if !strings.Contains(line, "config.toml:2") || !strings.HasSuffix(line, "compiling without the cache") ||
		(outcome{o.stdout, rest, o.code}) != ref || e.read("hello.o") != e.read("ref.o") {
		t.Errorf("compile with a bad config: %v\nwant one line naming config.toml:2, then gcc's own %v", o, ref)
	}
	o = e.objcache("stats")
	if o.code != 2 || strings.Count(o.stderr, "\n") != 1 || !strings.Contains(o.stderr, "config.toml:2") || !strings.Contains(o.stderr, "max_sise") {
		t.Errorf("objcache stats with a bad config: %v; want exit 2 and one line naming config.toml:2 and max_sise", o)
	}
}

// TestResponseFiles: arguments in @files (UTF-8, nested) are understood and
// cached like the same arguments on the command line.
func TestResponseFiles(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("hello.c", helloC)
	e.write("inc dir/hello.h", "#define GREETING \"from a response file\"\n")
	e.write("inner.rsp", "\"-Iinc dir\" -O2\n")
	e.write("outer.rsp", "-c @inner.rsp hello.c -o hello.o\n")
	checkAgainstCompiler(t, e, "gcc", []string{"@outer.rsp"}, []string{"hello.o"}, true)

}

// TestCompilerNames: versioned names and full paths are recognised.
func TestCompilerNames(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	real, err := filepath.EvalSymlinks(gcc)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{gcc, real, filepath.Base(real)}
	if p, err := os.Stat("/usr/bin/x86_64-linux-gnu-gcc"); err == nil && !p.IsDir() {
		names = append(names, "x86_64-linux-gnu-gcc")
	}
	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			e := newEnv(t)
			e.write("hello.c", helloC)
			e.write("hello.h", "#define GREETING \"names\"\n")
			checkAgainstCompiler(t, e, name, []string{"-c", "hello.c", "-o", "hello.o"}, []string{"hello.o"}, true)
		})
	}
}

// TestCompilerCheck: each compiler_check mode decides when a changed
// compiler identity misses.
func TestCompilerCheck(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("hello.c", helloC)
	e.write("hello.h", "#define GREETING \"check\"\n")
	compile := func() {
		t.Helper()
		if o := e.objcache("gcc", "-c", "hello.c", "-o", "hello.o"); o.code != 0 {
			t.Fatal(o)
		}
	}
	steps := []struct {
		check      string
		hits, miss int64
	}{
		{"content", 0, 1}, {"content", 1, 1},
		{"mtime", 1, 2}, {"mtime", 2, 2},
		{"string:gcc 12.2", 2, 3}, {"string:gcc 12.2", 3, 3}, {"string:gcc 12.3", 3, 4},
		{"none", 3, 5}, {"none", 4, 5},
	}
	for i, s := range steps {
		e.setenv("OBJCACHE_COMPILER_CHECK", s.check)
		compile()
		if st := e.stats(); st["hits"] != s.hits || st["misses"] != s.miss {
			t.Fatalf("step %d (%s): %d hits, %d misses; want %d, %d", i, s.check, st["hits"], st["misses"], s.hits, s.miss)
		}
	}
}
