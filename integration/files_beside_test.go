//go:build linux

package integration

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFilesBesideTemporariesReclaimed kills hits with SIGKILL while they
// copy a large object to an output on another file system than the cache,
// which they do through a temporary beside the output, renamed over it.
// Nothing can remove such a temporary when its writer dies; DESIGN.md §4
// rule 7 says they are found and removed: by the next objcache writing that
// output, and by `objcache clean`. They used to stay for good.
func TestFilesBesideTemporariesReclaimed(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	out := filepath.Join(e.work, "out")
	mountTmpfs(t, out, "400m")
	e.write("huge.c", "unsigned char blob[60000000] = {1};\n")
	args := []string{"gcc", "-c", "huge.c", "-o", "out/huge.o"}
	if o := e.objcache(args...); o.code != 0 {
		t.Fatal(o)
	}
	start := time.Now()
	if o := e.objcache(args...); o.code != 0 {
		t.Fatal(o)
	}
	hit := time.Since(start) // a whole hit: kills fall in its second half
	want := e.mustRead("out/huge.o")
	leftovers := func() []string {
		entries, _ := os.ReadDir(out)
		var names []string
		for _, en := range entries {
			if strings.Contains(en.Name(), "objcache") {
				names = append(names, en.Name())
			}
		}
		return names
	}
	// killHits kills hits until one left a temporary, and reports whether
	// any did.
	killHits := func() bool {
		for i := 0; i < 80 && len(leftovers()) == 0; i++ {
			cmd := exec.Command(objcacheBin, args...)
			cmd.Dir, cmd.Env = e.work, e.vars
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(hit/3 + time.Duration(rand.Int64N(int64(hit)*2/3)))
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
		}
		return len(leftovers()) > 0
	}
	if !killHits() {
		t.Skip("no kill fell in a copy: nothing to reclaim")
	}
	t.Logf("left by killed hits: %q", leftovers())
	if o := e.objcache(args...); o.code != 0 || e.read("out/huge.o") != want {
		t.Fatalf("hit: %v", o)
	}
	if l := leftovers(); len(l) > 0 {
		t.Errorf("after the next hit of the same output, temporaries of killed hits are left: %q", l)
	}
	if !killHits() {
		t.Skip("no kill fell in a copy: nothing to reclaim")
	}
	if o := e.objcache("clean"); o.code != 0 {
		t.Fatalf("clean: %v", o)
	}
	if l := leftovers(); len(l) > 0 {
		t.Errorf("after objcache clean, temporaries of killed hits are left: %q", l)
	}
}
