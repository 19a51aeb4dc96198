//go:build linux

package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// TestFilesRecordingRace runs, again and again, two builds of one output
// path at once with different -D, for compiles whose object records its
// command line or its path (so that objcache lets the compiler write the
// user's path itself), then each build alone from an empty output. Every
// later call must give the object the compiler alone gives for its own
// command line. objcache used to read back whatever the path held after
// its compile, which was often the other build's object, written during
// the same time, and stored it under its own key: every later hit returned
// the wrong object.
func TestFilesRecordingRace(t *testing.T) {
	cases := []struct {
		name, cc, real string
		args           []string
		out            string
	}{
		{"gcc -fprofile-arcs", "gcc", "/usr/bin/gcc", []string{"-fprofile-arcs", "-c", "t.c", "-o", "out.o"}, "out.o"},
		{"gcc -frecord-gcc-switches", "gcc", "/usr/bin/gcc", []string{"-frecord-gcc-switches", "-c", "t.c", "-o", "out.o"}, "out.o"},
		{"clang -grecord-command-line", "clang", "/usr/bin/clang-14", []string{"-g", "-grecord-command-line", "-c", "t.c", "-o", "out.o"}, "out.o"},
		{"clang-cl /Z7", "cl.exe", "/usr/bin/clang-cl-14", []string{"/Brepro", "/Z7", "/c", "t.c", "/Foout.obj"}, "out.obj"},
	}
	const rounds = 20
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireTool(t, filepath.Base(tc.real), "apt-get install -y gcc clang-14 clang-tools-14")
			e := newEnv(t)
			cc := filepath.Join(e.work, "bin", tc.cc)
			os.MkdirAll(filepath.Dir(cc), 0o777)
			symlink(t, tc.real, cc)
			e.write("t.c", "int v = V;\n")
			argsFor := func(v string) []string {
				define := "-DV=" + v
				if tc.cc == "cl.exe" {
					define = "/DV=" + v
				}
				return append([]string{define}, tc.args...)
			}
			out := filepath.Join(e.work, tc.out)
			ref := map[string]string{}
			for _, v := range []string{"1", "2"} {
				os.Remove(out)
				if o := e.run(cc, argsFor(v)...); o.code != 0 {
					t.Fatal(o)
				}
				ref[v] = e.mustRead(tc.out)
			}
			if ref["1"] == ref["2"] {
				t.Fatal("the two objects are the same: the test tests nothing")
			}
			e.settleWrites()
			wrong := 0
			for round := 0; round < rounds; round++ {
				os.RemoveAll(e.cache)
				var wg sync.WaitGroup
				for _, v := range []string{"1", "2"} {
					wg.Add(1)
					cmd := exec.Command(objcacheBin, append([]string{cc}, argsFor(v)...)...)
					cmd.Dir, cmd.Env = e.work, e.vars
					go func() {
						defer wg.Done()
						cmd.Run()
					}()
				}
				wg.Wait()
				for _, v := range []string{"1", "2"} {
					os.Remove(out)
					if o := e.objcache(append([]string{cc}, argsFor(v)...)...); o.code != 0 {
						t.Fatal(o)
					}
					if e.read(tc.out) != ref[v] {
						wrong++
					}
				}
			}
			if wrong > 0 {
				t.Errorf("%d of %d later calls gave the other build's object", wrong, 2*rounds)
			}
			// Alone, such a compile is still stored: the guard does not
			// refuse every result.
			os.Remove(out)
			if o := e.objcache(append([]string{cc}, argsFor("1")...)...); o.code != 0 || e.read(tc.out) != ref["1"] {
				t.Fatalf("hit: %v", o)
			}
			if n := e.stats()["hits"]; n == 0 {
				t.Errorf("no call was a hit: the results are never stored")
			}
		})
	}
}
