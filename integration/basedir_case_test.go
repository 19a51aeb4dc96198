package integration

import (
	"os"
	"path/filepath"
	"testing"
)

// TestBaseDirsKeepCaseOnLinux: on a file system that keeps case, /I…/Proj/inc
// and …/proj/inc are two directories. With base dirs, clang-cl's paths used
// to be compared without case, so /I<ci>/Proj/inc was rewritten as ../inc
// from <ci>/proj/build, and the compile read proj/inc's header: an object
// the compiler alone would not produce (issue 12, item 2).
func TestBaseDirsKeepCaseOnLinux(t *testing.T) {
	e := newEnv(t)
	cl := clExe(t, e)
	ci := filepath.Join(e.work, "ci")
	e.setenv("OBJCACHE_BASEDIR", ci)
	e.write("ci/Proj/inc/v.h", "#define V 1\n")
	e.write("ci/proj/inc/v.h", "#define V 2\n")
	e.write("ci/proj/src/a.c", "#include \"v.h\"\nint v(void) { return V; }\n")
	build := filepath.Join(ci, "proj", "build")
	os.MkdirAll(build, 0o777)
	args := []string{"/c", "/nologo", "/Brepro", "/I" + filepath.Join(ci, "Proj", "inc"), filepath.Join(ci, "proj", "src", "a.c")}
	ref := e.runIn(build, cl, append(args, "/Foref.obj")...)
	if ref.code != 0 {
		t.Fatal(ref)
	}
	for i := 0; i < 2; i++ {
		o := e.runIn(build, objcacheBin, append([]string{cl}, append(args, "/Foa.obj")...)...)
		if o.code != 0 || o.stdout != ref.stdout || o.stderr != ref.stderr {
			t.Fatalf("call %d: %v; want %v", i, o, ref)
		}
		if got, want := e.read("ci/proj/build/a.obj"), e.read("ci/proj/build/ref.obj"); got == "" || got != want {
			t.Fatalf("call %d: object differs from clang-cl's own: the compile read ci/proj/inc/v.h", i)
		}
	}
	e.wantStats(map[string]int64{"misses": 1, "hits": 1})
}
