//go:build linux

package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// swappingCompiler writes a script named name that runs the real compiler
// and then, when OBJCACHE_TEST_SWAP is set and the run is a compile (not
// objcache's include-list pass), renames the file it names over
// OBJCACHE_TEST_SWAP_TO: another build's object, renamed over the same
// output after this compiler wrote it and before objcache read it. When
// OBJCACHE_TEST_MARK is set, the script creates that file after the real
// compile and waits a moment before it exits.
func swappingCompiler(t *testing.T, e *env, name, real string) string {
	t.Helper()
	path := filepath.Join(filepath.Dir(e.work), "bin", name)
	os.MkdirAll(filepath.Dir(path), 0o755)
	script := "#!/bin/sh\n" + real + " \"$@\"\nrc=$?\n" +
		// Not after objcache's include-list passes (-M, /Zs).
		"case \" $* \" in *\" -M \"*|*/Zs*) ;; *) if [ -n \"$OBJCACHE_TEST_SWAP\" ]; then mv \"$OBJCACHE_TEST_SWAP\" \"$OBJCACHE_TEST_SWAP_TO\"; fi;; esac\n" +
		"if [ -n \"$OBJCACHE_TEST_MARK\" ]; then : >\"$OBJCACHE_TEST_MARK\"; sleep 0.02; fi\n" +
		"exit $rc\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOutputsRecordedObjectReplaced compiles objects that record their own
// path or command line (/Z7, -fprofile-arcs), which the compiler
// must write at the user's path itself, while another build renames its
// own, older object over that path after the compiler wrote it. That
// object must not be stored under this call's key: the next call, with no
// other build around, gives the compiler's own object. objcache used to
// read the path back and store whatever was there.
func TestOutputsRecordedObjectReplaced(t *testing.T) {
	cases := []struct {
		name, cc, real string
		args           []string
		out            string
	}{
		{"clang-cl /Z7", "cl.exe", "/usr/bin/clang-cl-14", []string{"/c", "/Brepro", "/Z7", "a.c", "/Foout.obj"}, "out.obj"},
		// (gcc's -frecord-gcc-switches alone is compiled into the staging
		// directory: its object depends on neither its name nor the
		// options a miss adds.) -frandom-seed makes the profile object
		// reproducible: its stamp is a clock reading otherwise.
		{"gcc -fprofile-arcs", "gcc", "/usr/bin/gcc", []string{"-c", "-fprofile-arcs", "-frandom-seed=1", "a.c", "-o", "out.o"}, "out.o"},
		{"clang -grecord-command-line", "clang", "/usr/bin/clang-14", []string{"-c", "-g", "-grecord-command-line", "a.c", "-o", "out.o"}, "out.o"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireTool(t, filepath.Base(tc.real), "apt-get install -y gcc clang-14 clang-tools-14")
			e := newEnv(t)
			cc := swappingCompiler(t, e, tc.cc, tc.real)
			e.write("a.c", "int a(void) { return 1; }\n")
			e.write("other.c", "int other(void) { return 2; }\n")
			// The other build's object, compiled a minute ago.
			foreignArgs := append([]string(nil), tc.args...)
			for i, a := range foreignArgs {
				if a == "a.c" {
					foreignArgs[i] = "other.c"
				}
			}
			if o := e.run(cc, foreignArgs...); o.code != 0 {
				t.Fatal(o)
			}
			foreign := e.mustRead(tc.out)
			if o := e.run(cc, tc.args...); o.code != 0 {
				t.Fatal(o)
			}
			want := e.mustRead(tc.out)
			if want == foreign {
				t.Fatal("the two objects are the same: the test tests nothing")
			}

			swap := filepath.Join(filepath.Dir(e.work), "foreign")
			writeFile(t, swap, foreign, 0o644)
			old := time.Now().Add(-time.Minute)
			os.Chtimes(swap, old, old)
			os.Remove(filepath.Join(e.work, tc.out))
			e.setenv("OBJCACHE_TEST_SWAP", swap)
			e.setenv("OBJCACHE_TEST_SWAP_TO", filepath.Join(e.work, tc.out))
			if o := e.objcache(append([]string{cc}, tc.args...)...); o.code != 0 {
				t.Fatal(o)
			}
			e.setenv("OBJCACHE_TEST_SWAP", "")
			os.Remove(filepath.Join(e.work, tc.out))
			if o := e.objcache(append([]string{cc}, tc.args...)...); o.code != 0 {
				t.Fatal(o)
			}
			if e.read(tc.out) != want {
				t.Errorf("the second call gave the other build's object (stored by the first), not the compiler's own")
			}
			e.wantStats(map[string]int64{"not_stored.output-changed": 1, "hits": 0, "stored": 1})
		})
	}
}

// TestOutputsMSVCObjectReplacedAfterCompile races another build against a
// clang-cl miss: from the moment the compiler has written its object until
// objcache has long finished, the other build renames its own object over
// the same /Fo file, again and again. Whatever the user's path holds
// meanwhile, what objcache stores must be the object its compiler wrote:
// a later hit gives clang-cl's own object. objcache used to rename its
// object over the path and then read the path back, storing the other
// build's object whenever a rename came in between. To make that window
// wide enough to be hit every time, /Fo names its directory through a
// chain of symbolic links that takes the kernel a millisecond or two to
// resolve (slowPath), while the other build names it directly.
func TestOutputsMSVCObjectReplacedAfterCompile(t *testing.T) {
	requireTool(t, "clang-cl-14", "apt-get install -y clang-tools-14")
	e := newEnv(t)
	cc := swappingCompiler(t, e, "cl.exe", "/usr/bin/clang-cl-14")
	e.write("a.c", "int a(void) { return 1; }\n")
	e.write("other.c", "int other(void) { return 2; }\n")
	slow := slowPath(t, e.work, "out")
	args := []string{"/c", "/Brepro", "a.c", "/Fo" + slow + "/a.obj"}
	if o := e.run(cc, "/c", "/Brepro", "other.c", "/Foout/a.obj"); o.code != 0 {
		t.Fatal(o)
	}
	foreign := filepath.Join(filepath.Dir(e.work), "foreign.obj")
	if err := os.Rename(filepath.Join(e.work, "out", "a.obj"), foreign); err != nil {
		t.Fatal(err)
	}
	if o := e.run(cc, args...); o.code != 0 {
		t.Fatal(o)
	}
	want := e.mustRead("out/a.obj")
	user := filepath.Join(e.work, "out", "a.obj")
	mark := filepath.Join(filepath.Dir(e.work), "compiled")
	for i := range 5 {
		clearDir(t, e.cache)
		os.Remove(user)
		os.Remove(mark)
		e.setenv("OBJCACHE_TEST_MARK", mark)
		e.settleWrites()
		cmd := exec.Command(objcacheBin, append([]string{cc}, args...)...)
		cmd.Dir, cmd.Env = e.work, e.vars
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			hammer(foreign, user, mark, 300*time.Millisecond)
		}()
		if err := cmd.Wait(); err != nil {
			t.Fatalf("round %d: objcache: %v", i, err)
		}
		<-done
		e.setenv("OBJCACHE_TEST_MARK", "")
		os.Remove(user)
		if o := e.objcache(append([]string{cc}, args...)...); o.code != 0 {
			t.Fatal(o)
		}
		if e.read("out/a.obj") != want {
			t.Fatalf("round %d: the entry stored holds the other build's object, not clang-cl's own", i)
		}
	}
}

// slowPath makes the directory dir/name and returns a relative path to it
// from dir through 16 symbolic links, each of whose targets walks 780
// times into a directory and out again: resolving it takes the kernel a
// millisecond or more, where the direct path takes a microsecond.
func slowPath(t *testing.T, dir, name string) string {
	t.Helper()
	const links = 16
	if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "x"), 0o755)
	walk := "x/.." + strings.Repeat("/x/..", 780)
	for i := range links {
		next := fmt.Sprintf("slow%d", i+1)
		if i == links-1 {
			next = name
		}
		symlink(t, walk+"/"+next, filepath.Join(dir, fmt.Sprintf("slow%d", i)))
	}
	return "slow0"
}

// hammer waits for mark to exist, then for d renames copies (hard links) of
// foreign over target as fast as it can.
func hammer(foreign, target, mark string, d time.Duration) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(mark); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Microsecond)
	}
	end := time.Now().Add(d)
	for n := 0; time.Now().Before(end); n++ {
		tmp := fmt.Sprintf("%s.%d", foreign, n)
		if os.Link(foreign, tmp) == nil {
			os.Rename(tmp, target)
		}
	}
}
