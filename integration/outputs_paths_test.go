//go:build linux

package integration

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// countingCompiler writes a script named name (gcc, clang, cl.exe…) that
// counts its runs that compile source (not objcache's probes) and then runs
// the real compiler, and returns its path and a function that reports the
// runs counted so far in a count file (given to the script by
// OBJCACHE_TEST_COUNT, so that twin runs can count apart).
func countingCompiler(t *testing.T, e *env, name, real, source string) (path string, runs func(file string) int) {
	t.Helper()
	dir := filepath.Join(filepath.Dir(e.work), "bin")
	os.MkdirAll(dir, 0o755)
	path = filepath.Join(dir, name)
	script := "#!/bin/sh\ncase \" $* \" in *" + source + "*) echo run >>\"$OBJCACHE_TEST_COUNT\";; esac\nexec " + real + " \"$@\"\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path, func(file string) int {
		data, _ := os.ReadFile(file)
		return strings.Count(string(data), "run\n")
	}
}

// TestOutputsLongNames compiles outputs whose names leave no room for a
// temporary name beside them (240 bytes, where NAME_MAX is 255): each call
// compiles once, the result is cached and the next call is a hit.
// objcache's temporary beside the output used to pass 255 bytes: the
// compile failed, ran again as given, and was never stored.
func TestOutputsLongNames(t *testing.T) {
	long := strings.Repeat("n", 240)
	cases := []struct {
		name, cc, real string
		args           []string
		outputs        []string
	}{
		{"gcc with -MD", "gcc", "/usr/bin/gcc", []string{"-c", long + ".c", "-MD", "-o", long + ".o"}, []string{long + ".o", long + ".d"}},
		{"clang", "clang", "/usr/bin/clang-14", []string{"-c", long + ".c", "-o", long + ".o"}, []string{long + ".o"}},
		{"clang-cl /Fo", "cl.exe", "/usr/bin/clang-cl-14", []string{"/c", "/Brepro", long + ".c", "/Fo" + long + ".obj"}, []string{long + ".obj"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireTool(t, filepath.Base(tc.real), "apt-get install -y gcc clang-14 clang-tools-14")
			e := newEnv(t)
			cc, runs := countingCompiler(t, e, tc.cc, tc.real, long+".c")
			e.write(long+".c", "#include <stddef.h>\nint x = sizeof(size_t);\n")
			e.setenv("OBJCACHE_TEST_COUNT", filepath.Join(e.work, "..", "ref.count"))
			if o := e.run(cc, tc.args...); o.code != 0 {
				t.Fatalf("the compiler alone: %v", o)
			}
			want := e.snapshot(tc.outputs...)
			count := filepath.Join(e.work, "..", "objcache.count")
			e.setenv("OBJCACHE_TEST_COUNT", count)
			for i, phase := range []string{"miss", "hit"} {
				for _, out := range tc.outputs {
					os.Remove(filepath.Join(e.work, out))
				}
				if o := e.objcache(append([]string{cc}, tc.args...)...); o.code != 0 || o.stderr != "" {
					t.Fatalf("%s: objcache: %v", phase, o)
				}
				if got := e.snapshot(tc.outputs...); !sameSnapshot(got, want) {
					t.Errorf("%s: the outputs differ from the compiler's own", phase)
				}
				if n := runs(count); n != 1 {
					t.Errorf("after the %s, the compiler ran %d times, want once in all", phase, n)
				}
				if i == 1 {
					e.wantStats(map[string]int64{"hits": 1, "misses": 1, "stored": 1})
				}
			}
			noHiddenLeftovers(t, e)
		})
	}
}

func sameSnapshot(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestOutputsUnwritableDirectory compiles, as an unprivileged user, into a
// directory that user cannot write. Where the output files exist and are
// writable, the compiler alone writes into them; objcache does too, with
// one compile, caches the result, and a hit writes into them as well (the
// files keep their inode). Where they do not exist, the compiler alone
// fails; objcache runs it once, as given, and fails the same way. Both
// used to cost two compiles, and the first was never cached.
func TestOutputsUnwritableDirectory(t *testing.T) {
	cred := nobody(t) // permissions apply to nobody; root bypasses them
	cases := []struct {
		name, cc, real string
		args           []string
		existing       []string // output files that exist before, writable by all
		fails          bool
	}{
		{"gcc, existing object and depfile", "gcc", "/usr/bin/gcc", []string{"-c", "a.c", "-MD", "-o", "out/a.o"}, []string{"out/a.o", "out/a.d"}, false},
		{"clang, existing object", "clang", "/usr/bin/clang-14", []string{"-c", "a.c", "-o", "out/a.o"}, []string{"out/a.o"}, false},
		{"clang-cl, existing object", "cl.exe", "/usr/bin/clang-cl-14", []string{"/c", "/Brepro", "a.c", "/Foout/a.obj"}, []string{"out/a.obj"}, false},
		{"gcc, no object", "gcc", "/usr/bin/gcc", []string{"-c", "a.c", "-o", "out/a.o"}, nil, true},
		{"clang, existing object, no depfile", "clang", "/usr/bin/clang-14", []string{"-c", "a.c", "-MD", "-o", "out/a.o"}, []string{"out/a.o"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireTool(t, filepath.Base(tc.real), "apt-get install -y gcc clang-14 clang-tools-14")
			e := newEnv(t)
			root := filepath.Dir(e.work)
			for _, d := range []string{root, filepath.Dir(root), filepath.Dir(objcacheBin)} {
				os.Chmod(d, 0o755) // t.TempDir's and the binary's are 0700
			}
			cc, runs := countingCompiler(t, e, tc.cc, tc.real, "a.c")
			// The cache, the log and the counts belong to nobody; the
			// work directory and its out/ stay root's, 0755.
			for _, f := range []string{"ref.count", "objcache.count", "objcache.log"} {
				writeFile(t, filepath.Join(root, f), "", 0o644)
				os.Chown(filepath.Join(root, f), int(cred.Uid), int(cred.Gid))
			}
			os.Mkdir(e.cache, 0o755)
			os.Chown(e.cache, int(cred.Uid), int(cred.Gid))
			twins := map[string]string{"alone": filepath.Join(e.work, "alone"), "cached": filepath.Join(e.work, "cached")}
			reset := func(dir string) {
				os.RemoveAll(dir)
				os.MkdirAll(filepath.Join(dir, "out"), 0o755)
				writeFile(t, filepath.Join(dir, "a.c"), "int x = 1;\n", 0o644)
				for _, f := range tc.existing {
					writeFile(t, filepath.Join(dir, f), "old content\n", 0o666)
				}
				// Inputs changed just before a compile are not stored.
				old := time.Now().Add(-time.Minute)
				os.Chtimes(filepath.Join(dir, "a.c"), old, old)
				e.lastWrite = time.Now()
				e.settleWrites()
			}
			reset(twins["alone"])
			e.setenv("OBJCACHE_TEST_COUNT", filepath.Join(root, "ref.count"))
			ref := runAs(t, e, cred, twins["alone"], cc, tc.args...)
			if (ref.code != 0) != tc.fails {
				t.Fatalf("the compiler alone: %v", ref)
			}
			want := treeState(t, twins["alone"])
			count := filepath.Join(root, "objcache.count")
			e.setenv("OBJCACHE_TEST_COUNT", count)
			reset(twins["cached"])
			inodes := inodesOf(twins["cached"], tc.existing)
			for i, phase := range []string{"miss", "hit"} {
				if i == 1 {
					for _, f := range tc.existing {
						writeFile(t, filepath.Join(twins["cached"], f), "old content\n", 0o666)
					}
				}
				o := runAs(t, e, cred, twins["cached"], objcacheBin, append([]string{cc}, tc.args...)...)
				if o != ref {
					t.Errorf("%s: objcache:\n%v\nwant, as the compiler alone:\n%v", phase, o, ref)
				}
				if got := treeState(t, twins["cached"]); got != want {
					t.Errorf("%s: after objcache:\n%s\nwant, as after the compiler alone:\n%s", phase, got, want)
				}
				if got := inodesOf(twins["cached"], tc.existing); !sameSnapshot(got, inodes) {
					t.Errorf("%s: the existing outputs were replaced, not written into: inodes %v, were %v", phase, got, inodes)
				}
				wantRuns := 1
				if tc.fails {
					wantRuns = i + 1
				}
				if n := runs(count); n != wantRuns {
					t.Errorf("after the %s, the compiler ran %d times, want %d", phase, n, wantRuns)
				}
			}
			if tc.fails {
				e.wantStats(map[string]int64{"error.output-write": 2})
			} else {
				e.wantStats(map[string]int64{"hits": 1, "stored": 1})
			}
		})
	}
}

// runAs runs a program in dir with the credentials cred.
func runAs(t *testing.T, e *env, cred *syscall.Credential, dir, name string, args ...string) outcome {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	var stdout, stderr bytes.Buffer
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, e.vars, &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		exit, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("run %s: %v", name, err)
		}
		code = exit.ExitCode()
	}
	return outcome{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// inodesOf maps the files under dir to their inode numbers.
func inodesOf(dir string, files []string) map[string]string {
	m := map[string]string{}
	for _, f := range files {
		if fi, err := os.Stat(filepath.Join(dir, f)); err == nil {
			m[f] = fmt.Sprint(fi.Sys().(*syscall.Stat_t).Ino)
		}
	}
	return m
}
