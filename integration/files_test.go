//go:build linux

package integration

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A twinStep is one step of a twin run (runTwins): prep, if any, changes
// the directory; then args, if any, run there (a compiler and its
// arguments), as the user nobody when asNobody.
type twinStep struct {
	prep     func(t *testing.T, dir string)
	args     []string
	asNobody bool
}

// runTwins runs steps in two directories made alike by setup: in "alone"
// with the compiler alone, in "cached" with objcache in front of it. After
// every step both must show the same exit status and console output, and
// the same files (treeState). Each command runs within 20 s; one that
// hangs fails the test.
func runTwins(t *testing.T, e *env, setup func(t *testing.T, dir string), steps ...twinStep) {
	t.Helper()
	var cred *syscall.Credential
	for _, s := range steps {
		if s.asNobody && cred == nil {
			cred = nobody(t)
			root := filepath.Dir(e.work)
			for _, d := range []string{root, filepath.Dir(root), filepath.Dir(objcacheBin)} {
				os.Chmod(d, 0o755)
			}
			os.Chmod(e.work, 0o777)
			os.MkdirAll(e.cache, 0o755)
			os.Chown(e.cache, int(cred.Uid), int(cred.Gid))
			writeFile(t, e.log, "", 0o666)
		}
	}
	dirs := [2]string{filepath.Join(e.work, "alone"), filepath.Join(e.work, "cached")}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o777); err != nil {
			t.Fatal(err)
		}
		setup(t, d)
		if cred != nil {
			filepath.Walk(d, func(p string, _ os.FileInfo, _ error) error {
				os.Lchown(p, int(cred.Uid), int(cred.Gid))
				return nil
			})
		}
	}
	// Inputs written just now are not stored: let them age.
	time.Sleep(50 * time.Millisecond)
	for i, s := range steps {
		var got [2]outcome
		for j, d := range dirs {
			if s.prep != nil {
				s.prep(t, d)
			}
			if s.args == nil {
				continue
			}
			args := s.args
			if j == 1 {
				args = append([]string{objcacheBin}, args...)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			cmd := exec.CommandContext(ctx, args[0], args[1:]...)
			// A hang ends with the whole process group: the compiler's
			// children too, which hold the console pipes.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			if s.asNobody {
				cmd.SysProcAttr.Credential = cred
			}
			cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
			cmd.WaitDelay = 5 * time.Second
			var stdout, stderr bytes.Buffer
			cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = d, e.vars, &stdout, &stderr
			err := cmd.Run()
			hung := ctx.Err() != nil
			cancel()
			if hung {
				t.Fatalf("step %d: %q in %s hangs", i, args, filepath.Base(d))
			}
			got[j] = outcome{stdout: stdout.String(), stderr: stderr.String()}
			if exit, ok := err.(*exec.ExitError); ok {
				got[j].code = exit.ExitCode()
			} else if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		if s.args == nil {
			continue
		}
		if got[0] != got[1] {
			t.Errorf("step %d %q: objcache:\n%v\nwant, as the compiler alone:\n%v", i, s.args, got[1], got[0])
		}
		if a, c := treeState(t, dirs[0]), treeState(t, dirs[1]); a != c {
			t.Errorf("step %d %q: after objcache:\n%s\nwant, as after the compiler alone:\n%s", i, s.args, c, a)
		}
	}
}

// files returns a setup for runTwins that writes the named files.
func files(kv ...string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		for i := 0; i+1 < len(kv); i += 2 {
			p := filepath.Join(dir, kv[i])
			os.MkdirAll(filepath.Dir(p), 0o777)
			writeFile(t, p, kv[i+1], 0o644)
			old := time.Now().Add(-time.Minute)
			os.Chtimes(p, old, old)
		}
	}
}
