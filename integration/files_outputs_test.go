//go:build linux

package integration

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFilesOutputIsInput names, as an output, a file the compile reads:
// the source, through its own name or a hard link, or a header as the
// depfile. gcc refuses an object that is its source ("input file is the
// same as output file") and leaves it alone; what the compiler does, it
// must do alone: objcache used to compile into its staging directory and
// rename the object over the source, and a hit (the same compile cached
// under another output name) did the same.
func TestFilesOutputIsInput(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	src := files("t.c", "#include \"h.h\"\nint x = X;\n", "h.h", "#define X 1\n")
	link := func(t *testing.T, dir string) {
		src(t, dir)
		if err := os.Link(filepath.Join(dir, "t.c"), filepath.Join(dir, "l.o")); err != nil {
			t.Fatal(err)
		}
	}
	prime := twinStep{args: []string{"gcc", "-c", "t.c", "-MD", "-o", "x.o"}}
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
		args  []string
	}{
		{"gcc -o the source", src, []string{"gcc", "-c", "t.c", "-o", "t.c"}},
		{"gcc -o a hard link of the source", link, []string{"gcc", "-c", "t.c", "-o", "l.o"}},
		{"gcc -MF a header", src, []string{"gcc", "-c", "t.c", "-MD", "-MF", "h.h", "-o", "t.o"}},
		{"gcc -MF the source", src, []string{"gcc", "-c", "t.c", "-MD", "-MF", "t.c", "-o", "t.o"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runTwins(t, newEnv(t), tc.setup, twinStep{args: tc.args})
		})
		t.Run(tc.name+", after a hit is cached", func(t *testing.T) {
			runTwins(t, newEnv(t), tc.setup, prime, twinStep{args: tc.args})
		})
	}
}

// TestFilesUnwritableOutputs compiles, as the user nobody, where an
// existing output is read-only. gcc fails on a read-only depfile and
// writes no object; clang refuses to replace a read-only object. objcache
// must fail the same way and leave the same files, on a miss and on a hit.
// It used to put the object in place before it failed on the depfile
// (make then sees an up-to-date object after a failed build), and to
// replace clang's read-only object, changing its mode.
func TestFilesUnwritableOutputs(t *testing.T) {
	src := files("t.c", "int x = 1;\n")
	readOnly := func(name string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, name)
			writeFile(t, p, "old\n", 0o444)
			os.Chown(p, 65534, 65534)
			os.Remove(filepath.Join(dir, "t.o"))
		}
	}
	cases := []struct {
		name, real string
		args       []string
		readOnly   string
	}{
		{"gcc, read-only depfile", "/usr/bin/gcc", []string{"gcc", "-MD", "-c", "t.c", "-o", "t.o"}, "t.d"},
		{"clang, read-only object", "/usr/bin/clang-14", []string{"/usr/bin/clang-14", "-c", "t.c", "-o", "u.o"}, "u.o"},
		{"clang, read-only depfile", "/usr/bin/clang-14", []string{"/usr/bin/clang-14", "-MD", "-c", "t.c", "-o", "t.o"}, "t.d"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireTool(t, filepath.Base(tc.real), "apt-get install -y gcc clang-14")
			runTwins(t, newEnv(t), src,
				twinStep{prep: readOnly(tc.readOnly), args: tc.args, asNobody: true})
		})
		t.Run(tc.name+", hit", func(t *testing.T) {
			requireTool(t, filepath.Base(tc.real), "apt-get install -y gcc clang-14")
			runTwins(t, newEnv(t), src,
				twinStep{args: tc.args, asNobody: true},
				twinStep{prep: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "t.d")) }, args: tc.args, asNobody: true},
				twinStep{prep: readOnly(tc.readOnly), args: tc.args, asNobody: true})
		})
	}
}

// TestFilesXattrDepfile compiles where the depfile exists and carries an
// extended attribute (as ACLs and security labels are kept). gcc writes
// into the file and keeps it; objcache replaced the file by rename,
// dropping it.
func TestFilesXattrDepfile(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("t.c", "int x;\n")
	args := []string{"gcc", "-MD", "-c", "t.c", "-o", "t.o"}
	for _, phase := range []string{"miss", "hit"} {
		d := filepath.Join(e.work, "t.d")
		writeFile(t, d, "old\n", 0o644)
		if err := syscall.Setxattr(d, "user.mark", []byte("keep"), 0); err != nil {
			t.Skipf("no user extended attributes here: %v", err)
		}
		os.Remove(filepath.Join(e.work, "t.o"))
		if o := e.objcache(args...); o.code != 0 {
			t.Fatal(o)
		}
		buf := make([]byte, 16)
		n, err := syscall.Getxattr(d, "user.mark", buf)
		if err != nil || string(buf[:n]) != "keep" {
			t.Errorf("%s: the depfile lost its attribute: %q, %v", phase, buf[:max(n, 0)], err)
		}
		if !bytes.Contains([]byte(e.read("t.d")), []byte("t.o:")) {
			t.Errorf("%s: depfile %q", phase, e.read("t.d"))
		}
	}
	e.wantStats(map[string]int64{"hits": 1})
}
