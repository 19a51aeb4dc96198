//go:build linux

package integration

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOutputsKilledMidCompile kills objcache (alone, not its process group,
// as a build tool's timeout or an OOM killer does) with SIGKILL or SIGTERM
// at moments spread over a miss of a slow compile (a wrapper that sleeps
// before running gcc), and over hits, waits for the compiler it leaves
// behind to finish too, and requires that the output directory holds
// nothing objcache made: no temporary, and the outputs either absent or
// gcc's own, whole. A SIGTERM must end objcache by SIGTERM, as it ends the
// compiler alone. With the cache on another file system, objcache copies
// outputs to a temporary beside them, which only SIGKILL in the middle of
// the copy could leave: there only SIGTERM is sent. objcache used to leave
// .a.o.objcache-… files beside the output, which the orphaned compiler
// finished writing.
func TestOutputsKilledMidCompile(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	const sleep = 300 * time.Millisecond
	layouts := []struct {
		name    string
		tmpfs   bool
		signals []syscall.Signal
	}{
		{"cache beside the outputs", false, []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM}},
		{"cache on another file system", true, []syscall.Signal{syscall.SIGTERM}},
	}
	for _, layout := range layouts {
		t.Run(layout.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(12, 0))
			e := newEnv(t)
			if layout.tmpfs {
				mountTmpfs(t, e.cache, "256m")
			}
			wrapper := filepath.Join(filepath.Dir(e.work), "bin", "gcc")
			os.MkdirAll(filepath.Dir(wrapper), 0o755)
			script := fmt.Sprintf("#!/bin/sh\nsleep %.3f\nexec /usr/bin/gcc \"$@\"\n", sleep.Seconds())
			if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			e.write("a.c", "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n")
			if o := e.run("gcc", "-c", "a.c", "-MD", "-o", "ref.o", "-MF", "ref.d", "-MQ", "a.o"); o.code != 0 {
				t.Fatal(o)
			}
			want := map[string]string{"a.o": e.mustRead("ref.o"), "a.d": e.mustRead("ref.d")}
			args := []string{wrapper, "-c", "a.c", "-MD", "-o", "a.o"}
			for _, phase := range []string{"miss", "hit"} {
				// Over the sleep, gcc's own run and the placement after it;
				// over the whole of a hit.
				span := sleep + 200*time.Millisecond
				if phase == "hit" {
					span = 10 * time.Millisecond
				}
				for _, sig := range layout.signals {
					for range 5 {
						at := time.Duration(rng.Int64N(int64(span)))
						t.Run(fmt.Sprintf("%s/%v at %v", phase, sig, at.Round(10*time.Microsecond)), func(t *testing.T) {
							clearDir(t, e.work, "a.c")
							clearDir(t, e.cache)
							if phase == "hit" {
								if o := e.objcache(args...); o.code != 0 {
									t.Fatal(o)
								}
								clearDir(t, e.work, "a.c")
							}
							e.settleWrites()
							killAt(t, e, args, sig, at)
							waitNoProcessIn(t, e.work)
							var left []string
							entries, _ := os.ReadDir(e.work)
							for _, en := range entries {
								name := en.Name()
								switch {
								case name == "a.c":
								case want[name] != "":
									if got := e.read(name); got != want[name] {
										t.Errorf("%s is left with %d bytes that are not gcc's own (%d bytes)", name, len(got), len(want[name]))
									}
								default:
									left = append(left, name)
								}
							}
							if len(left) > 0 {
								sort.Strings(left)
								t.Errorf("left in the output directory after the kill: %s", strings.Join(left, " "))
							}
						})
					}
				}
			}
		})
	}
}

// killAt runs objcache with args in e's work directory and sends it sig
// after at; a SIGTERM must end it by SIGTERM (unless it was done before).
func killAt(t *testing.T, e *env, args []string, sig syscall.Signal, at time.Duration) {
	t.Helper()
	cmd := exec.Command(objcacheBin, args...)
	cmd.Dir, cmd.Env = e.work, e.vars
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(at)
	cmd.Process.Signal(sig)
	err := cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		// Done before the signal.
	case !errors.As(err, &exit):
		t.Fatal(err)
	case sig == syscall.SIGTERM:
		if ws := exit.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
			t.Errorf("objcache ended with %v, want killed by SIGTERM", err)
		}
	}
}

// clearDir removes everything in dir but the names kept.
func clearDir(t *testing.T, dir string, keep ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, en := range entries {
		if !slices.Contains(keep, en.Name()) {
			if err := os.RemoveAll(filepath.Join(dir, en.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// waitNoProcessIn waits until no process has dir as its working directory:
// the compiler a killed objcache left running has finished.
func waitNoProcessIn(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		busy := ""
		procs, _ := filepath.Glob("/proc/[0-9]*/cwd")
		for _, p := range procs {
			if cwd, err := os.Readlink(p); err == nil && cwd == dir {
				busy = p
				break
			}
		}
		if busy == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a process (%s) still runs in %s", busy, dir)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestOutputsKilledDriverLeavesOutput: objcache, sent SIGTERM during a
// miss, passes it on to gcc's driver, which dies of it while cc1 goes on
// and finishes the output in objcache's staging directory. objcache took
// the driver's death for a failed compile and put what was staged in the
// user's directory (a .s file the compiler alone, left to finish, never
// writes: the differential tester, seed 18, scenario 3000). Here a driver
// that writes its output when the signal comes and then dies of it makes
// the race as narrow as it gets; what a killed compile left must never be
// put in place or replayed.
func TestOutputsKilledDriverLeavesOutput(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	wrapper := filepath.Join(filepath.Dir(e.work), "bin", "gcc")
	os.MkdirAll(filepath.Dir(wrapper), 0o755)
	script := `#!/bin/sh
case " $* " in *" -S "*) ;; *) exec /usr/bin/gcc "$@" ;; esac
out= prev=
for a in "$@"; do [ "$prev" = -o ] && out=$a; prev=$a; done
trap 'kill $! 2>/dev/null; printf "\t.file \"a.c\"\n" >"$out"; trap - TERM; kill -TERM $$' TERM
sleep 5 & wait
exec /usr/bin/gcc "$@"
`
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	e.write("a.c", "int a(void) { return 1; }\n")
	if o := e.objcache(wrapper, "-c", "a.c"); o.code != 0 { // the compiler's identity, cached
		t.Fatal(o)
	}
	for i := range 10 {
		clearDir(t, e.work, "a.c")
		e.settleWrites()
		killAt(t, e, []string{wrapper, "-S", "a.c"}, syscall.SIGTERM, 300*time.Millisecond)
		waitNoProcessIn(t, e.work)
		if entries, _ := os.ReadDir(e.work); len(entries) != 1 {
			var names []string
			for _, en := range entries {
				names = append(names, en.Name())
			}
			t.Fatalf("kill %d: left in the output directory: %s; want only a.c", i, strings.Join(names, " "))
		}
	}
}
