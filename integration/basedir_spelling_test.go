package integration

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestBaseDirsOneSpellingPerCall: a clang-cl call with two sources under
// base dirs, one of them uncacheable (__TIMESTAMP__). The cached source is
// compiled by the rewritten command, so its warning names ../src/two.c;
// the uncacheable one was compiled by the user's own arguments, so its
// warning named the absolute path: the call's messages were a mixture that
// neither command alone prints (the differential tester, seed 18, scenario
// 9567). Both now come from the rewritten command, as a hit's would.
func TestBaseDirsOneSpellingPerCall(t *testing.T) {
	e := newEnv(t)
	cl := clExe(t, e)
	ci := filepath.Join(e.work, "ci")
	e.setenv("OBJCACHE_BASEDIR", ci)
	e.write("ci/src/main.c", "const char *stamp(void) { int unused_main; return __TIMESTAMP__; }\n")
	e.write("ci/src/two.c", "int two(void) { int unused_two; return 2; }\n")
	e.write("ci/build/.keep", "")
	build := filepath.Join(ci, "build")
	flags := []string{"/c", "/nologo", "/W4", "/Brepro"}
	rewritten := e.runIn(build, cl, append(flags, filepath.Join("..", "src", "main.c"), filepath.Join("..", "src", "two.c"))...)
	if rewritten.code != 0 || !strings.Contains(rewritten.stderr, "unused_main") || !strings.Contains(rewritten.stderr, "unused_two") {
		t.Fatalf("clang-cl alone: %v; want two warnings", rewritten)
	}
	abs := append(flags, filepath.Join(ci, "src", "main.c"), filepath.Join(ci, "src", "two.c"))
	for i := 0; i < 2; i++ {
		o := e.runIn(build, objcacheBin, append([]string{cl}, abs...)...)
		if o.code != 0 || o.stdout != rewritten.stdout || o.stderr != rewritten.stderr {
			t.Fatalf("call %d: %v; want the rewritten command's output %v", i, o, rewritten)
		}
	}
	e.wantStats(map[string]int64{"misses": 1, "hits": 1, "uncacheable.time-macro": 2})
}
