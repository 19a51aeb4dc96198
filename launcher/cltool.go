package launcher

import (
	"os"
	"runtime"
	"strings"
)

// MSBuild runs its compiler as CLToolPath\CLToolExe with cl's arguments
// (usually one response file), so with objcache as CLToolExe the call names
// no compiler: objcache.exe @tlog.rsp, objcache.exe /c /nologo a.cpp.

// defaultCLTool is the compiler of a call that names none, when the
// compiler setting is empty: cl.exe found in PATH past objcache itself.
const defaultCLTool = "cl.exe"

// NamesNoCompiler reports whether arg, the first argument after objcache,
// is already one of cl's arguments rather than a compiler: a response file
// (@args.rsp) or an option (/c). On Windows any "/" word is an option; on
// other systems a "/" word is an option only when it is a single component
// that names nothing ("/c", "/nologo"), since a compiler's absolute path
// starts with "/" too.
func NamesNoCompiler(arg string) bool {
	switch {
	case strings.HasPrefix(arg, "@"):
		return true
	case !strings.HasPrefix(arg, "/") || len(arg) < 2:
		return false
	case runtime.GOOS == "windows":
		return true
	case strings.Contains(arg[1:], "/"):
		return false
	}
	_, err := os.Lstat(arg)
	return err != nil
}

// clTool returns the compiler to run for a call that names none: the
// compiler setting (read from the environment when the configuration
// failed to load, so that the call still reaches the right compiler), else
// cl.exe.
func (l *Launcher) clTool() string {
	name := ""
	if l.Config != nil {
		name = l.Config.Compiler
	} else {
		name = l.getenv("OBJCACHE_COMPILER")
	}
	if name == "" {
		return defaultCLTool
	}
	return name
}
