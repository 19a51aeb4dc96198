//go:build linux

package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// TestOutputsDefaultACL compiles into a directory with a default POSIX ACL,
// which gives a new file its mode (the umask does not apply) and its access
// ACL. objcache made its outputs elsewhere, or chmodded them to the
// umask's mode, so a miss and a hit gave 644 and no ACL where the compiler
// alone gives 664 and the ACL. An existing output is replaced or written
// into as the compiler does it, and ends with the compiler's mode and ACL.
func TestOutputsDefaultACL(t *testing.T) {
	setfacl := requireTool(t, "setfacl", "apt-get install -y acl")
	for _, c := range compilers {
		cc := requireTool(t, c.name, c.install)
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.write("t.c", "int x = 3;\n")
			for _, d := range []string{"ref", "oc"} {
				if err := os.Mkdir(filepath.Join(e.work, d), 0o755); err != nil {
					t.Fatal(err)
				}
				if out, err := exec.Command(setfacl, "-d", "-m", "u::rw,u:1001:rw,g::r,o::r", filepath.Join(e.work, d)).CombinedOutput(); err != nil {
					t.Skipf("setfacl: %v: %s (no ACLs on this file system)", err, out)
				}
			}
			look := func(path string) string {
				t.Helper()
				st, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				acl := make([]byte, 256)
				n, err := syscall.Getxattr(path, "system.posix_acl_access", acl)
				if err != nil {
					n = 0
				}
				return st.Mode().String() + " " + string(acl[:n])
			}
			if o := e.run(cc, "-c", "t.c", "-o", "ref/t.o", "-MD", "-MF", "ref/t.d"); o.code != 0 {
				t.Fatal(o)
			}
			want := look(filepath.Join(e.work, "ref/t.o"))
			for i, name := range []string{"miss", "hit"} {
				obj := filepath.Join("oc", name+".o")
				dep := filepath.Join("oc", name+".d")
				if o := e.objcache(cc, "-c", "t.c", "-o", obj, "-MD", "-MF", dep); o.code != 0 {
					t.Fatal(o)
				}
				if s := e.stats(); s["hits"] != int64(i) {
					t.Fatalf("%s: hits %d, want %d", name, s["hits"], i)
				}
				for _, f := range []string{obj, dep} {
					if got := look(filepath.Join(e.work, f)); got != want {
						t.Errorf("%s: %s: mode and ACL %q, the compiler's %q", name, f, got, want)
					}
				}
			}
			// An existing output: replaced or written into as the
			// compiler does it (GNU as replaces the object, the depfile
			// is written into), with the same mode and ACL.
			kept := func(dir, base string, compile func(obj, dep string) outcome) map[string]bool {
				t.Helper()
				paths := map[string]string{"object": filepath.Join(dir, base+".o"), "depfile": filepath.Join(dir, base+".d")}
				before := map[string]os.FileInfo{}
				for k, p := range paths {
					before[k], _ = os.Stat(filepath.Join(e.work, p))
				}
				if o := compile(paths["object"], paths["depfile"]); o.code != 0 {
					t.Fatal(o)
				}
				same := map[string]bool{}
				for k, p := range paths {
					after, _ := os.Stat(filepath.Join(e.work, p))
					same[k] = os.SameFile(before[k], after)
					if got := look(filepath.Join(e.work, p)); got != want {
						t.Errorf("%s %s rewritten: mode and ACL %q, the compiler's %q", dir, k, got, want)
					}
				}
				return same
			}
			kept("ref", "t", func(obj, dep string) outcome { return e.run(cc, "-c", "t.c", "-o", obj, "-MD", "-MF", dep) })
			// The compiler unlinks the object (and may get its inode
			// number back), but opens the depfile with fopen: that one
			// must be the same file.
			if got := kept("oc", "hit", func(obj, dep string) outcome { return e.objcache(cc, "-c", "t.c", "-o", obj, "-MD", "-MF", dep) }); !got["depfile"] {
				t.Error("the existing depfile was replaced; the compiler writes into it")
			}
		})
	}
}
