//go:build linux

package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestFilesBesideKilledWriter kills hits with SIGKILL while they copy an
// object to an output on another file system than the cache, which they do
// through a new file beside the output, renamed over it. Nothing can
// remove such a file when its writer dies (DESIGN.md §4 rule 7). The file
// has no name while its data is written (O_TMPFILE), so a kill then leaves
// nothing; it has a temporary's name only between its link and the rename
// over the output, and a kill there leaves a temporary that the next
// objcache writing that output, and `objcache clean`, remove. strace kills
// the hit at the exact system call, so every case runs every time.
func TestFilesBesideKilledWriter(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	strace := requireTool(t, "strace", "apt-get install -y strace")
	e := newEnv(t)
	out := filepath.Join(e.work, "out")
	mountTmpfs(t, out, "16m")
	e.write("big.c", "unsigned char blob[300000] = {1};\nint f(void) { return blob[7]; }\n")
	args := []string{"gcc", "-c", "big.c", "-o", "out/big.o"}
	if o := e.objcache(args...); o.code != 0 {
		t.Fatal(o)
	}
	want := e.mustRead("out/big.o")
	slot := filepath.Join(out, ".big.o.objcache-0.tmp")
	names := func() []string {
		entries, _ := os.ReadDir(out)
		var list []string
		for _, en := range entries {
			list = append(list, en.Name())
		}
		return list
	}
	// killAt runs a hit under strace, which kills it with SIGKILL when it
	// enters the first call of call touching one of paths.
	killAt := func(call string, paths ...string) {
		t.Helper()
		argv := []string{"-f", "-qq", "-o", "/dev/null", "-e", "trace=" + call, "-e", "inject=" + call + ":signal=KILL:when=1"}
		for _, p := range paths {
			argv = append(argv, "-P", p)
		}
		cmd := exec.Command(strace, append(append(argv, objcacheBin), args...)...)
		cmd.Dir, cmd.Env = e.work, e.vars
		if o, err := cmd.CombinedOutput(); err == nil {
			t.Fatalf("the hit was not killed at %s: %s", call, o)
		}
	}

	// Killed with its copy written but not yet named (at the link that
	// would name it the output): nothing is left, the output is the one of
	// before.
	killAt("linkat", filepath.Join(out, "big.o"))
	if got := names(); !slices.Equal(got, []string{"big.o"}) {
		t.Errorf("a hit killed before naming its copy left %q, want only big.o", got)
	}
	if e.read("out/big.o") != want {
		t.Error("a hit killed before naming its copy changed out/big.o")
	}

	// Killed at the rename: the temporary stays, and the next hit of the
	// output removes it.
	killAt("rename,renameat,renameat2", slot)
	if _, err := os.Lstat(slot); err != nil {
		t.Fatalf("a hit killed at its rename left no temporary (%v): the test is not testing", err)
	}
	if o := e.objcache(args...); o.code != 0 || e.read("out/big.o") != want {
		t.Fatalf("hit: %v", o)
	}
	if got := names(); !slices.Equal(got, []string{"big.o"}) {
		t.Errorf("after the next hit of the same output, left: %q", got)
	}

	// And `objcache clean` removes it, through the cache's journal.
	killAt("rename,renameat,renameat2", slot)
	if o := e.objcache("clean"); o.code != 0 || !strings.Contains(o.stdout, "Removed 1 temporaries") {
		t.Fatalf("clean: %v", o)
	}
	if got := names(); !slices.Equal(got, []string{"big.o"}) {
		t.Errorf("after objcache clean, left: %q", got)
	}
}
