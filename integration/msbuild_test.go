package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// msbuildProject writes 12 sources sharing two headers, as a Visual Studio
// project's, and MSBuild's response file for them: UTF-16 with a byte
// order mark, /MP4, /Fo naming the intermediate directory (with "/":
// clang-cl on Linux reads "\\" as part of a name).
func msbuildProject(e *env) (sources []string) {
	e.write("inc/common.h", "#pragma once\n#define COMMON 7\n")
	e.write("inc/extra.h", "#pragma once\nint extra(int);\n")
	for i := range 12 {
		name := fmt.Sprintf("src/unit%02d.cpp", i)
		e.write(name, fmt.Sprintf("#include \"common.h\"\n#include \"extra.h\"\nint unit%02d(int x) { return extra(x) + COMMON * %d; }\n", i, i))
		sources = append(sources, name)
	}
	os.MkdirAll(filepath.Join(e.work, "x64", "Debug"), 0o777)
	text := "/c /Iinc /nologo /W3 /O2 /D WIN32 /D NDEBUG /D _UNICODE /D UNICODE /EHsc /MD /GS /Gy /Zc:wchar_t /Brepro /MP4 /Fo\"x64/Debug/\" " + strings.Join(sources, " ")
	rsp := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(text)) {
		rsp = append(rsp, byte(u), byte(u>>8))
	}
	if err := os.WriteFile(filepath.Join(e.work, "cl.rsp"), rsp, 0o666); err != nil {
		e.t.Fatal(err)
	}
	return sources
}

// objects lists the project's object names under x64/Debug.
func msbuildObjects(sources []string) []string {
	var objs []string
	for _, s := range sources {
		objs = append(objs, "x64/Debug/"+strings.TrimSuffix(filepath.Base(s), ".cpp")+".obj")
	}
	return objs
}

// TestMSBuildCLToolExe runs objcache as MSBuild runs a CLToolExe: cl's
// arguments alone (one UTF-16 response file), no compiler named. The
// compiler comes from OBJCACHE_COMPILER, or is cl.exe in PATH past objcache
// (a cl.exe named objcache first in PATH, as a CLToolPath directory holding
// both could make it, is skipped). Every object matches clang-cl's own, and
// the second build is 12 hits.
func TestMSBuildCLToolExe(t *testing.T) {
	for _, how := range []string{"OBJCACHE_COMPILER", "PATH"} {
		t.Run(how, func(t *testing.T) {
			e := newEnv(t)
			cl := clExe(t, e)
			sources := msbuildProject(e)
			objs := msbuildObjects(sources)
			ref := e.run(cl, "@cl.rsp")
			if ref.code != 0 {
				t.Fatalf("clang-cl alone: %v", ref)
			}
			want := e.snapshot(objs...)
			switch how {
			case "OBJCACHE_COMPILER":
				e.setenv("OBJCACHE_COMPILER", cl)
			case "PATH":
				// objcache's own directory first, holding a cl.exe that
				// is objcache: it must not run itself.
				self := filepath.Join(e.work, "tools")
				os.MkdirAll(self, 0o777)
				if err := os.Symlink(objcacheBin, filepath.Join(self, "cl.exe")); err != nil {
					t.Fatal(err)
				}
				e.setenv("PATH", self+string(os.PathListSeparator)+filepath.Dir(cl)+string(os.PathListSeparator)+os.Getenv("PATH"))
			}
			for i, phase := range []string{"miss", "hit"} {
				o := e.objcache("@cl.rsp")
				if o.code != 0 || o.stdout != ref.stdout || !sameLines(o.stderr, ref.stderr) {
					t.Errorf("%s: console %v, want %v", phase, o, ref)
				}
				sameFiles(t, phase, e.snapshot(objs...), want)
				if s := e.stats(); s["hits"] != int64(12*i) || s["misses"] != 12 {
					t.Errorf("after the %s: stats %v, want %d hits and 12 misses", phase, s, 12*i)
				}
			}
		})
	}
}

// TestMSBuildCLToolExeNoCompiler: with no cl.exe anywhere, objcache says
// so in one line and fails as a missing compiler does.
func TestMSBuildCLToolExeNoCompiler(t *testing.T) {
	e := newEnv(t)
	e.setenv("PATH", filepath.Join(e.work, "empty"))
	o := e.objcache("/c", "/nologo", "a.cpp")
	if o.code == 0 || !strings.Contains(o.stderr, `"cl.exe" not found in PATH`) || strings.Count(o.stderr, "\n") != 1 {
		t.Errorf("no cl.exe: %v", o)
	}
}

// TestTrackIncludes: under MSBuild's file tracker, a hit must open what the
// compile would have read, or the next incremental build misses a header
// edit. With track_includes the hit opens the source and every include
// file (seen with strace); without it, a hit whose stat record vouches for
// the headers opens none of them.
func TestTrackIncludes(t *testing.T) {
	strace := requireTool(t, "strace", "apt-get install -y strace")
	for _, track := range []bool{true, false} {
		t.Run(fmt.Sprintf("track_includes=%v", track), func(t *testing.T) {
			e := newEnv(t)
			cl := clExe(t, e)
			sources := msbuildProject(e)
			e.setenv("OBJCACHE_COMPILER", cl)
			e.setenv("OBJCACHE_TRACK_INCLUDES", fmt.Sprint(track))
			if o := e.objcache("@cl.rsp"); o.code != 0 {
				t.Fatalf("miss: %v", o)
			}
			// Files changed within 2 s are not stat-recorded; a hit after
			// that records them, and the next one only stats them.
			time.Sleep(time.Until(e.lastWrite.Add(2100 * time.Millisecond)))
			if o := e.objcache("@cl.rsp"); o.code != 0 {
				t.Fatalf("first hit: %v", o)
			}
			trace := filepath.Join(e.work, "trace")
			if o := e.run(strace, "-f", "-qq", "-e", "trace=open,openat", "-e", "signal=none", "-o", trace, objcacheBin, "@cl.rsp"); o.code != 0 {
				t.Fatalf("hit under strace: %v", o)
			}
			if s := e.stats(); s["hits"] != 24 {
				t.Fatalf("stats %v, want 24 hits", s)
			}
			opened := map[string]int{}
			re := regexp.MustCompile(`open(?:at)?\((?:AT_FDCWD, )?"([^"]+)", O_RDONLY[^)]*\) = \d+`)
			for _, m := range re.FindAllStringSubmatch(e.read("trace"), -1) {
				opened[filepath.Base(m[1])]++
			}
			files := []string{"common.h", "extra.h"}
			for _, s := range sources {
				files = append(files, filepath.Base(s))
			}
			for _, f := range files {
				want := 1 // each source once, each header once per source
				if strings.HasSuffix(f, ".h") {
					want = 12
				}
				if got := opened[f]; track && got < want || !track && strings.HasSuffix(f, ".h") && got != 0 {
					t.Errorf("%s opened %d times for reading on the hit; want %s", f, got, map[bool]string{true: fmt.Sprintf("at least %d", want), false: "none"}[track])
				}
			}
		})
	}
}
