package launcher

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/rawpath"
)

// errOnlySelf means every candidate for the compiler in PATH is objcache
// itself: a masquerade with no real compiler behind it.
var errOnlySelf = errors.New("only objcache itself found")

// findCompiler resolves the compiler to run. A name with a directory part is
// used as it is (relative to dir). A bare name is looked up in pathList,
// skipping every entry that is objcache itself (self), so that a masquerade
// symlink named "gcc" first in PATH finds the real gcc further down. Paths
// are joined as execvp joins them, without cleaning (rawpath): from a
// directory entered through a symbolic link, "../tools/cc" is the cc the
// shell runs.
func findCompiler(name, pathList, dir, self string) (string, error) {
	if strings.ContainsAny(name, `/\`) {
		p := rawpath.Join(dir, name)
		if isSelf(p, self) {
			return "", errOnlySelf
		}
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("cannot run compiler %s: %w", name, err)
		}
		return p, nil
	}
	sawSelf := false
	for _, d := range pathDirs(pathList, dir) {
		for _, cand := range executableNames(rawpath.Join(d, name)) {
			fi, err := os.Stat(cand)
			if err != nil || fi.IsDir() || (runtime.GOOS != "windows" && fi.Mode()&0o111 == 0) {
				continue
			}
			if isSelf(cand, self) {
				sawSelf = true
				continue
			}
			return cand, nil
		}
	}
	if sawSelf {
		return "", errOnlySelf
	}
	return "", fmt.Errorf("compiler %q not found in PATH: install it or name it by its full path", name)
}

// skipSelf drops the leading arguments that name objcache itself, as in
// "objcache objcache gcc -c a.c" (a launcher setting on top of CC="objcache
// gcc"): the compiler is the first argument that is not objcache. A path to
// objcache under a compiler's name (a masquerade link named by its path)
// becomes that bare name, which findCompiler then looks up in PATH past
// objcache. ok is false when nothing but objcache is named.
func skipSelf(name string, args []string, dir, self string) (string, []string, bool) {
	for {
		base := filepath.Base(strings.ReplaceAll(name, `\`, "/"))
		stem := strings.TrimSuffix(strings.TrimSuffix(base, ".exe"), ".EXE")
		named := strings.ContainsAny(name, `/\`)
		p := name
		if named {
			p = rawpath.Join(dir, p)
		}
		switch {
		case stem == "objcache" || (named && isSelf(p, self) && !isCompilerName(stem)):
			if len(args) == 0 {
				return "", nil, false
			}
			name, args = args[0], args[1:]
		case named && isSelf(p, self):
			return base, args, true
		default:
			return name, args, true
		}
	}
}

// isCompilerName reports whether a masquerade under this name would be
// taken for a compiler (compiler.Identify knows it).
func isCompilerName(name string) bool {
	_, _, ok := compiler.Identify(name, "")
	return ok
}

// executableNames lists the file names a command name may have.
func executableNames(p string) []string {
	if runtime.GOOS == "windows" && filepath.Ext(p) == "" {
		return []string{p + ".exe", p}
	}
	return []string{p}
}

// isSelf reports whether path is objcache's own executable (through any
// symlinks).
func isSelf(path, self string) bool {
	if self == "" {
		return false
	}
	a, err := os.Stat(path)
	if err != nil {
		return false
	}
	b, err := os.Stat(self)
	return err == nil && os.SameFile(a, b)
}

// pathDirs returns the directories of a PATH list as execvp searches them:
// an empty entry is the current directory, and relative entries are
// joined to dir as the kernel resolves them (rawpath: "link/.." is not
// folded).
func pathDirs(pathList, dir string) []string {
	var dirs []string
	for _, d := range filepath.SplitList(pathList) {
		if d == "" {
			d = "."
		}
		dirs = append(dirs, rawpath.Join(dir, d))
	}
	return dirs
}
