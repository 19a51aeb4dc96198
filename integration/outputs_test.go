//go:build linux

package integration

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests of this file check that objcache writes outputs as the
// compiler would (issue 12, items 11 and 12): a device or a FIFO is written
// into, never replaced; a symbolic link is kept or replaced, its target
// written or not, exactly as by the compiler alone; an existing file keeps
// or loses its mode and hard links as it does with the compiler alone. They
// need root (mknod) and use nodes in temporary directories only, never the
// real /dev/null.

// requireRoot skips a test that makes device nodes or changes users.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("making device nodes needs root: run the tests as root")
	}
}

// mknodNull makes a character device like /dev/null (1, 3) at path.
func mknodNull(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o640, int(mkdev(1, 3))); err != nil {
		t.Fatalf("mknod %s: %v", path, err)
	}
}

func mkdev(major, minor uint64) uint64 {
	return (major&0xfff)<<8 | (minor & 0xff) | (major&^0xfff)<<32 | (minor&^0xff)<<12
}

// nodeState describes the file at path as a user would compare it: its
// type, permissions and device numbers, a link's target, a regular file's
// link count and content.
func nodeState(path string) string {
	fi, err := os.Lstat(path)
	if err != nil {
		return "missing"
	}
	st := fi.Sys().(*syscall.Stat_t)
	switch m := fi.Mode(); {
	case m&os.ModeSymlink != 0:
		target, _ := os.Readlink(path)
		return "symlink -> " + target
	case m.IsRegular():
		data, _ := os.ReadFile(path)
		return fmt.Sprintf("file %v links %d sha %x", m.Perm(), st.Nlink, sha256.Sum256(data))
	default:
		return fmt.Sprintf("%v rdev %x", m, st.Rdev)
	}
}

// treeState describes every file under dir (nodeState), but skip.
func treeState(t *testing.T, dir string, skip ...string) string {
	t.Helper()
	var lines []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		for _, s := range skip {
			if rel == s {
				return nil
			}
		}
		if rel != "." && !fi.IsDir() {
			lines = append(lines, rel+": "+nodeState(p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// fifoReader reads the FIFO at path over and over, as a program reading a
// build's output through a named pipe does, and hands each writer's data
// on.
func fifoReader(t *testing.T, path string) <-chan []byte {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
	ch := make(chan []byte)
	go func() {
		for {
			f, err := os.Open(path) // blocks until a writer opens it
			if err != nil {
				close(ch)
				return
			}
			data, _ := io.ReadAll(f)
			f.Close()
			ch <- data
		}
	}()
	return ch
}

// received waits for what the FIFO's reader got from one writer.
func received(t *testing.T, ch <-chan []byte) []byte {
	t.Helper()
	select {
	case data := <-ch:
		return data
	case <-time.After(20 * time.Second):
		t.Fatal("the FIFO's reader got nothing: the FIFO was replaced, or never written")
		return nil
	}
}

// TestOutputsSpecialNodes writes the object or the depfile to a character
// device (c 1 3, a /dev/null) or to a FIFO with a reader, on a miss and on
// a hit. The node stays what it was, the reader gets what the compiler
// alone writes, the console output and status are the compiler's, and the
// device outputs are cached; where the compiler cannot write the node (GNU
// as seeks, so gcc fails on a FIFO object), the call passes through and
// fails as gcc does.
func TestOutputsSpecialNodes(t *testing.T) {
	requireRoot(t)
	cases := []struct {
		name, cc string
		// args name the node "NODE"; the compiler alone writes "REF".
		args []string
		fifo bool
		hits int64 // after the second call
		// fails: the compiler alone fails on such a node.
		fails  bool
		reason string
	}{
		{"gcc object to a device", "gcc", []string{"-c", "a.c", "-o", "NODE"}, false, 1, false, ""},
		{"clang object to a device", "clang-14", []string{"-c", "a.c", "-o", "NODE"}, false, 1, false, ""},
		{"gcc depfile to a device", "gcc", []string{"-c", "a.c", "-MD", "-MF", "NODE", "-o", "a.o"}, false, 1, false, ""},
		{"clang -MMD depfile to a device", "clang-14", []string{"-c", "a.c", "-MMD", "-MF", "NODE", "-o", "a.o"}, false, 1, false, ""},
		{"gcc -S to a device", "gcc", []string{"-S", "a.c", "-o", "NODE"}, false, 1, false, ""},
		{"gcc depfile to a FIFO", "gcc", []string{"-c", "a.c", "-MD", "-MF", "NODE", "-o", "a.o"}, true, 1, false, ""},
		{"clang object to a FIFO", "clang-14", []string{"-c", "a.c", "-o", "NODE"}, true, 1, false, ""},
		{"gcc object to a FIFO (gcc fails)", "gcc", []string{"-c", "a.c", "-o", "NODE"}, true, 0, true, "error.output-write"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireTool(t, tc.cc, "apt-get install -y gcc clang-14")
			e := newEnv(t)
			e.write("a.c", "#include <stdio.h>\nint x = 1;\n")
			subst := func(node string) []string {
				var out []string
				for _, a := range tc.args {
					out = append(out, strings.ReplaceAll(a, "NODE", node))
				}
				return out
			}
			node := filepath.Join(e.work, "node")
			var fifo <-chan []byte
			var want []byte
			if tc.fifo {
				fifo = fifoReader(t, node)
				ref := e.run(tc.cc, subst(node)...)
				if (ref.code != 0) != tc.fails {
					t.Fatalf("%s alone: %v", tc.cc, ref)
				}
				if !tc.fails {
					want = received(t, fifo)
				}
			} else {
				mknodNull(t, node)
				ref := e.run(tc.cc, subst(filepath.Join(e.work, "ref"))...)
				if ref.code != 0 {
					t.Fatalf("%s alone: %v", tc.cc, ref)
				}
			}
			refObj := e.read("a.o")
			before := nodeState(node)
			for i, phase := range []string{"miss", "hit"} {
				os.Remove(filepath.Join(e.work, "a.o"))
				o := e.objcache(append([]string{tc.cc}, subst(node)...)...)
				if (o.code != 0) != tc.fails || (!tc.fails && o.stderr != "") {
					t.Errorf("%s: objcache: %v", phase, o)
				}
				if got := nodeState(node); got != before {
					t.Fatalf("%s: the node became %q, it was %q", phase, got, before)
				}
				if tc.fifo && !tc.fails {
					// (Where GNU as fails it opens the FIFO once or twice, as
					// it pleases: nothing to compare.)
					if got := received(t, fifo); !bytes.Equal(got, want) {
						t.Errorf("%s: the FIFO's reader got %d bytes, not the %d the compiler alone writes:\n%q", phase, len(got), len(want), got)
					}
				}
				if refObj != "" && e.read("a.o") != refObj {
					t.Errorf("%s: a.o differs from the compiler's own", phase)
				}
				if i == 1 {
					want := map[string]int64{"hits": tc.hits}
					if tc.reason != "" {
						want[tc.reason] = 2
					}
					e.wantStats(want)
				}
			}
			noHiddenLeftovers(t, e)
		})
	}
}

// TestOutputsSymlinks gives the compiler alone and objcache (a miss, then
// a hit) the same output setup in twin directories, a symbolic link in
// every way a build meets one or an existing file with a mode or a second
// hard link of its own, and requires the same result: the link kept or
// replaced as the compiler does, the same files written, with the same
// content, mode and link count.
func TestOutputsSymlinks(t *testing.T) {
	// Each setup makes "out" (what -o, -MF or -S -o name) in dir.
	setups := []struct {
		name  string
		setup func(t *testing.T, dir string)
		// passes: objcache leaves it to the compiler (a link loop).
		passes bool
	}{
		{"link to a file", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "real"), "old content\n", 0o644)
			symlink(t, "real", filepath.Join(dir, "out"))
		}, false},
		{"link to an empty file", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "real"), "", 0o600)
			symlink(t, "real", filepath.Join(dir, "out"))
		}, false},
		{"dangling link", func(t *testing.T, dir string) {
			symlink(t, "real", filepath.Join(dir, "out"))
		}, false},
		{"chain of relative links through a subdirectory", func(t *testing.T, dir string) {
			os.Mkdir(filepath.Join(dir, "sub"), 0o755)
			symlink(t, "sub/hop", filepath.Join(dir, "out"))
			symlink(t, "../real", filepath.Join(dir, "sub", "hop"))
		}, false},
		{"link through a directory link and ..", func(t *testing.T, dir string) {
			// lnk/.. is the parent of lnk's target (d), not dir.
			os.MkdirAll(filepath.Join(dir, "d", "inner"), 0o755)
			symlink(t, "d/inner", filepath.Join(dir, "lnk"))
			symlink(t, "lnk/../target", filepath.Join(dir, "out"))
		}, false},
		{"link loop", func(t *testing.T, dir string) {
			symlink(t, "loop2", filepath.Join(dir, "out"))
			symlink(t, "out", filepath.Join(dir, "loop2"))
		}, true},
		{"file with mode 0600", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "out"), "old content\n", 0o600)
		}, false},
		{"file with a second hard link", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "out"), "old content\n", 0o644)
			if err := os.Link(filepath.Join(dir, "out"), filepath.Join(dir, "other")); err != nil {
				t.Fatal(err)
			}
		}, false},
	}
	kinds := []struct {
		name string
		args []string
	}{
		{"object", []string{"-c", "a.c", "-o", "out"}},
		{"depfile", []string{"-c", "a.c", "-MD", "-MF", "out", "-o", "a.o"}},
		{"assembly", []string{"-S", "a.c", "-o", "out"}},
	}
	for _, cc := range []string{"gcc", "clang-14"} {
		for _, kind := range kinds {
			for _, s := range setups {
				t.Run(cc+"/"+kind.name+"/"+s.name, func(t *testing.T) {
					requireTool(t, cc, "apt-get install -y gcc clang-14")
					e := newEnv(t)
					dirs := map[string]string{}
					for _, d := range []string{"alone", "cached"} {
						dirs[d] = filepath.Join(e.work, d)
						os.Mkdir(dirs[d], 0o755)
						e.write(d+"/a.c", "int x = 1;\n")
					}
					reset := func(dir string) {
						entries, _ := os.ReadDir(dir)
						for _, en := range entries {
							if en.Name() != "a.c" {
								os.RemoveAll(filepath.Join(dir, en.Name()))
							}
						}
						s.setup(t, dir)
					}
					reset(dirs["alone"])
					ref := e.runIn(dirs["alone"], cc, kind.args...)
					want := treeState(t, dirs["alone"], "a.c")
					for _, phase := range []string{"miss", "hit"} {
						reset(dirs["cached"])
						o := e.runIn(dirs["cached"], objcacheBin, append([]string{cc}, kind.args...)...)
						if o.code != ref.code {
							t.Errorf("%s: objcache: %v\nwant as %s alone: %v", phase, o, cc, ref)
						}
						if got := treeState(t, dirs["cached"], "a.c"); got != want {
							t.Errorf("%s: after objcache:\n%s\nwant, as after %s alone:\n%s", phase, got, cc, want)
						}
					}
					if !s.passes {
						e.wantStats(map[string]int64{"hits": 1})
					}
				})
			}
		}
	}
}

func writeFile(t *testing.T, path, content string, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

// TestOutputsFIFOFailedCompile: gcc -S that fails has written part of its
// assembly to a FIFO output before the error; the FIFO's reader must get
// the same bytes through objcache (the failure runs again as given).
func TestOutputsFIFOFailedCompile(t *testing.T) {
	cases := []struct{ name, cc string }{{"gcc", "gcc"}, {"clang", "clang-14"}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireTool(t, tc.cc, "apt-get install -y gcc clang-14")
			e := newEnv(t)
			e.write("bad.c", "int a = 1;\nint f(void) { return a; }\nint broken = ;\n")
			node := filepath.Join(e.work, "out.s")
			fifo := fifoReader(t, node)
			args := []string{"-S", "bad.c", "-o", node}
			ref := e.run(tc.cc, args...)
			if ref.code == 0 {
				t.Fatalf("%s alone: %v", tc.cc, ref)
			}
			want := received(t, fifo)
			for i := 0; i < 2; i++ {
				o := e.objcache(append([]string{tc.cc}, args...)...)
				if o != ref {
					t.Errorf("call %d: %v\nwant (compiler alone) %v", i, o, ref)
				}
				if got := received(t, fifo); string(got) != string(want) {
					t.Errorf("call %d: the FIFO's reader got %q, want %q", i, got, want)
				}
			}
		})
	}
}
