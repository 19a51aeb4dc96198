//go:build unix

package main

import (
	"fmt"
	"io"
	"syscall"
)

// runProgram replaces this process with the program at path, given args
// and env: its output, signals and exit status are the command's own.
func runProgram(path string, args, env []string, stderr io.Writer) int {
	err := syscall.Exec(path, append([]string{path}, args...), env)
	fmt.Fprintf(stderr, "objcache: run %s: %v\n", path, err)
	return 2
}
