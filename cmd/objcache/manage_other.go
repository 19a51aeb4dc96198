//go:build !unix

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
)

// runProgram runs the program at path with args and env, on objcache's own
// console, and returns its exit status.
func runProgram(path string, args, env []string, stderr io.Writer) int {
	cmd := exec.Command(path, args...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode()
	case err != nil:
		fmt.Fprintf(stderr, "objcache: run %s: %v\n", path, err)
		return 2
	}
	return 0
}
