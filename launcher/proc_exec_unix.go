//go:build unix

package launcher

import (
	"io"
	"os"
	"syscall"
)

// execCompiler hands the process over to the compiler when the streams are
// the process's own, so that the user sees exactly what the compiler alone
// does: status, signals and all. Otherwise it runs the compiler and waits.
func execCompiler(j *janitor, path string, args, env []string, dir string, stdin io.Reader, stdout, stderr io.Writer) int {
	if stdin == os.Stdin && stdout == os.Stdout && stderr == os.Stderr && sameDir(dir) {
		// The compiler gets the signals from now on, with their default
		// effect: exec keeps no handler.
		j.disarm()
		argv := append([]string{path}, args...)
		err := syscall.Exec(path, argv, env)
		// Exec returns only on failure; run it the portable way instead.
		_ = err
	}
	return runInherited(j, path, args, env, dir, stdin, stdout, stderr)
}

// sameDir reports whether dir is the process's working directory, which an
// exec'd compiler inherits.
func sameDir(dir string) bool {
	wd, err := os.Getwd()
	return err == nil && wd == dir
}
