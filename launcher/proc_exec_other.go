//go:build !unix

package launcher

import "io"

// execCompiler runs the compiler with the user's streams and returns its
// status (this system has no exec that replaces the process).
func execCompiler(j *janitor, path string, args, env []string, dir string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runInherited(j, path, args, env, dir, stdin, stdout, stderr)
}
