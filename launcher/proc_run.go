package launcher

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"syscall"
)

// result is a finished compiler run with its console output captured.
type result struct {
	status         int
	stdout, stderr []byte
}

// runCaptured runs the compiler and captures its output: the miss path,
// whose output is stored and then replayed.
func (inv *invocation) runCaptured(args []string) (*result, error) {
	return inv.runCapturedIn(inv.Dir, args)
}

// runCapturedIn runs the compiler in dir and captures its output. cl.exe
// writes to the console directly when VS_UNICODE_OUTPUT is set (inside
// Visual Studio), so the variable is removed for the child.
func (inv *invocation) runCapturedIn(dir string, args []string) (*result, error) {
	return inv.runCapturedEnv(dir, args, inv.childEnv())
}

// runCapturedEnv is runCapturedIn with the child's environment given.
func (inv *invocation) runCapturedEnv(dir string, args, env []string) (*result, error) {
	cmd := exec.Command(inv.compilerPath, args...)
	cmd.Dir = dir
	cmd.Env = unsetEnv(env, "VS_UNICODE_OUTPUT")
	cmd.Stdin = inv.Stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	status, err := exitStatus(runChild(cmd, inv.janitor))
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", inv.compilerPath, err)
	}
	return &result{status: status, stdout: stdout.Bytes(), stderr: stderr.Bytes()}, nil
}

// runInherited runs a program with the given streams and returns its status.
func runInherited(j *janitor, path string, args, env []string, dir string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := exec.Command(path, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	status, err := exitStatus(runChild(cmd, j))
	if err != nil {
		fmt.Fprintf(stderr, "objcache: cannot run %s: %v\n", path, err)
		return 127
	}
	return status
}

// runChild runs cmd to its end, registered with j so that a signal that
// ends objcache reaches it too (and, where the system allows, so that it
// gets SIGTERM if objcache dies of SIGKILL: see childAttr).
func runChild(cmd *exec.Cmd, j *janitor) error {
	unlock := childAttr(cmd)
	defer unlock()
	if err := cmd.Start(); err != nil {
		return err
	}
	j.started(cmd.Process)
	err := cmd.Wait()
	j.exited(cmd.Process, cmd.ProcessState)
	return err
}

// exitStatus turns the error of exec.Cmd.Run into the status a shell would
// report: the exit code, or 128+signal for a compiler killed by a signal.
// Only a failure to start is returned as an error.
func exitStatus(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return 0, err
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	return exit.ExitCode(), nil
}
