// Command objcache is a compiler cache. Put it in front of a compiler
// (objcache gcc -c foo.c, CMAKE_<LANG>_COMPILER_LAUNCHER=objcache, or a
// symlink named like the compiler first in PATH) and a compilation done
// before is answered from the cache: the same object, stdout, stderr and
// exit status, without compiling again.
//
// Run without a compiler, it manages the cache: objcache stats, zero-stats,
// clean, clear, verify, config, version, explain, completion; objcache help
// describes them. Those commands are objcache-manage's, which objcache runs
// for them (internal/manage).
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/config"
	"github.com/objcache/objcache/internal/storeopen"
	"github.com/objcache/objcache/launcher"
)

func main() {
	os.Exit(run(os.Args))
}

// run dispatches: a masquerade (objcache installed under a compiler's name),
// a launcher call (objcache <compiler> args…, or cl's arguments alone as
// MSBuild passes them to a CLToolExe), or a management command.
func run(argv []string) int {
	if name := programName(argv[0]); name != "objcache" {
		if _, _, ok := compiler.Identify(name, ""); ok {
			// The name as started, .exe and all: a masquerade named
			// cl.exe on Linux must find the cl.exe further down PATH.
			return launch(invokedName(argv[0]), argv[1:])
		}
	}
	if len(argv) > 1 && argv[1] == "--" {
		// objcache -- gcc -c foo.c: what follows is the compile (break-it
		// round 18: the management commands took "--" as the end of
		// their flags, printed help and exited 0, and nothing compiled).
		if len(argv) < 3 {
			fmt.Fprintln(os.Stderr, "objcache: -- must be followed by a compile command (objcache -- gcc -c foo.c)")
			return 2
		}
		return launch(argv[2], argv[3:])
	}
	if len(argv) > 1 && launcher.NamesNoCompiler(argv[1]) {
		// objcache as MSBuild's CLToolExe: cl's arguments, no compiler.
		return launch("", argv[1:])
	}
	if len(argv) > 1 && !strings.HasPrefix(argv[1], "-") && !isCommand(argv[1]) {
		return launch(argv[1], argv[2:])
	}
	return execute(argv[1:], os.Stderr)
}

// programName is the base name objcache was started under, without .exe.
func programName(arg0 string) string {
	name := filepath.Base(strings.ReplaceAll(arg0, `\`, "/"))
	return strings.TrimSuffix(strings.TrimSuffix(name, ".exe"), ".EXE")
}

// invokedName is the base name objcache was started under, as it is.
func invokedName(arg0 string) string {
	return filepath.Base(strings.ReplaceAll(arg0, `\`, "/"))
}

// launch runs one compilation through the cache.
func launch(compilerName string, args []string) int {
	l := &launcher.Launcher{
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Environ: os.Environ(),
		Umask:   storeopen.ProcessUmask(),
		LogFile: os.Getenv("OBJCACHE_LOGFILE"),
	}
	l.StderrIsTerminal = isTerminal(os.Stderr)
	l.Self, _ = os.Executable()
	var err error
	if l.Dir, err = os.Getwd(); err != nil {
		fmt.Fprintf(os.Stderr, "objcache: cannot read the working directory: %v\n", err)
		return 1
	}
	l.Config, l.ConfigErr = config.Load(os.LookupEnv)
	if l.ConfigErr == nil && !l.Config.Disable {
		l.Store, l.StoreErr = storeopen.Open(l.Config)
	}
	return l.Run(context.Background(), compilerName, args)
}

// isTerminal reports whether f is a terminal (a character device).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
