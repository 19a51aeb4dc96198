package main

import (
	"fmt"
	"io"
	"os"

	"github.com/objcache/objcache/internal/manage"
	"github.com/objcache/objcache/internal/sibling"
)

// isCommand reports whether name is a management command rather than a
// compiler.
func isCommand(name string) bool { return manage.IsCommand(name) }

// execute hands a management command (args are objcache's arguments
// after the program name) to objcache-manage, and returns its exit status.
// Without it, it says how to install it and exits 2.
func execute(args []string, stderr io.Writer) int {
	path, err := sibling.Find(manage.Program)
	if err != nil {
		what := "the management commands"
		if len(args) > 0 {
			what = args[0]
		}
		fmt.Fprintf(stderr, "objcache: cannot run %s: %v\n", what, err)
		return 2
	}
	env := os.Environ()
	if self, err := os.Executable(); err == nil {
		env = append(env, manage.LauncherVar+"="+self)
	}
	return runProgram(path, args, env, stderr)
}
