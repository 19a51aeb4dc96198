package launcher

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/objcache/objcache/compiler"
)

// namesRealPaths reports whether gcc may name some include files of this
// call by their real path instead of the path its search found them by:
// it does so for headers of a system directory when the real path is
// shorter, and the call names system directories of its own (-isystem,
// -idirafter…, C_INCLUDE_PATH and the like, a sysroot). The manifest
// must check the path the compiler opens: through a link re-pointed
// later, the real file stays the same while the compile would read
// another one (break-it round 18: a stale object, with and without base
// dirs). Such a call's include list comes from a dependency pass that
// keeps the found names (SpelledDependencyArgs). The compiler's own
// default directories are the system's, shared by every build on it.
func (c *gccCall) namesRealPaths() bool {
	if c.colorFlavor() != compiler.FlavorGCC || c.p.Preprocessed {
		return false
	}
	if len(c.p.SystemIncludeDirs) > 0 {
		return true
	}
	for _, name := range []string{"C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH", "OBJC_INCLUDE_PATH", "OBJCPLUS_INCLUDE_PATH"} {
		if v, ok := lookupEnv(c.Environ, name); ok && v != "" {
			return true
		}
	}
	// Any word that may name a system directory, however it reaches the
	// preprocessor (-Wp,-isystem,DIR, -Xpreprocessor, -iwithprefix, a
	// -specs file's *cpp: -isystem: break-it round 19): a needless pass
	// costs a miss a preprocessor run, a missing one a stale object.
	for _, a := range c.p.Args {
		for _, w := range []string{"sysroot", "-isystem", "-idirafter", "-iprefix", "-iwithprefix", "include-prefix", "include-with-prefix", "-imultilib", "-specs", "-fcanonical-system-headers"} {
			if strings.Contains(a, w) {
				return true
			}
		}
	}
	return false
}

// mayNameRealPaths reports whether an include list of a call that
// namesRealPaths did not cover may name a header of the compiler's own
// default directories by its real path: an absolute name under none of
// those directories (as gcc prints them, or resolved), the call's own
// include directories, or the source's directory. A header of
// /usr/include that is a link to a shorter path elsewhere is named by the
// link's target, and a manifest that checks only the target keeps its hit
// when the link is re-pointed (break-it round 20). Such a list is then
// completed by a dependency pass that names the files as found
// (spelledIncludeList): one preprocessor run on such a miss, none on
// others, none on a hit. Left (break-it rounds 20 and 21): a link that
// leads to a shorter name inside the default directories themselves, or
// into the call's include directories or the source's directory, whose
// name looks like one found there; telling them apart would take the
// spelled pass on every miss of a build with absolute include paths
// (CMake's), or the include directives.
func (c *gccCall) mayNameRealPaths(lists [][]string) bool {
	if c.colorFlavor() != compiler.FlavorGCC || c.p.Preprocessed || c.namesRealPaths() {
		return false
	}
	var outside []string
	for _, list := range lists {
		for _, name := range list {
			if filepath.IsAbs(name) {
				outside = append(outside, name)
			}
		}
	}
	if len(outside) == 0 {
		return false
	}
	std, err := c.stdIncludeDirs()
	if err != nil {
		c.log.printf("standard include directories: %v", err)
		return true
	}
	var dirs []string
	for _, d := range std {
		dirs = append(dirs, d)
		if r, err := filepath.EvalSymlinks(d); err == nil && r != d {
			dirs = append(dirs, r)
		}
	}
	getenv := func(name string) (string, bool) { return lookupEnv(c.Environ, name) }
	for _, d := range append(slices.Clip(c.p.IncludeDirs), compiler.EnvIncludeDirs(getenv)...) {
		dirs = append(dirs, c.absPath(d))
	}
	dirs = append(dirs, filepath.Dir(c.absPath(c.p.Source)))
	for _, name := range outside {
		if !slices.ContainsFunc(dirs, func(d string) bool { return d != "" && isUnderDir(name, d) }) {
			c.log.printf("%s is under no include directory: it may be a system header's real path", name)
			return true
		}
	}
	return false
}

// isUnderDir reports whether name is below dir, as strings.
func isUnderDir(name, dir string) bool {
	dir = strings.TrimSuffix(dir, string(filepath.Separator))
	return strings.HasPrefix(name, dir+string(filepath.Separator))
}

// spelledIncludeList runs the dependency pass that names the include
// files as the search found them (SpelledDependencyArgs) after the
// compile, and returns its list; a non-empty reason says why the result
// is not stored.
func (c *gccCall) spelledIncludeList() ([]string, string) {
	dep, err := c.stageTemp()
	if err != nil {
		c.log.printf("not stored: %v", err)
		return nil, reasonBadDepfile
	}
	defer os.Remove(dep)
	res, err := c.runCaptured(c.p.SpelledDependencyArgs(dep))
	if err != nil || res.status != 0 {
		c.log.printf("not stored: the spelled dependency pass failed (%v)", err)
		return nil, reasonBadDepfile
	}
	return c.readIncludeList(dep)
}

// startDependencyPass starts a separate preprocessor pass that writes the
// full include list (-M: system headers, stdc-predef.h, -include and
// -imacros files and what they include) to a file staged in the cache's
// tmp/, which becomes run.ownDep, and returns the function that waits for
// it. The compile of a -MMD call needs it: its depfile leaves system
// headers out, and the manifest must name every file the compile read.
// (gcc's -H listing, the alternative on the same run, misses stdc-predef.h
// and the command-line includes, prints a "Multiple include guards" block
// that would have to be cut from the user's stderr, lands in the DWARF
// producer string under -g, and would swallow a user's own -H.)
//
// The pass only reads, so it runs beside the compile: a miss waits for the
// longer of the two, not for both. A pass that fails leaves no list, and
// the result is then not stored. wait must be called before run's files
// are cleaned up.
func (c *gccCall) startDependencyPass(run *missRun) (wait func() error, err error) {
	dep, err := c.stageTemp()
	if err != nil {
		return nil, err
	}
	run.ownDep = dep
	args := c.p.DependencyArgs(dep)
	if c.namesRealPaths() {
		args = c.p.SpelledDependencyArgs(dep)
	}
	done := make(chan error, 1)
	go func() {
		pre, err := c.runCaptured(args)
		if err == nil && pre.status != 0 {
			c.log.printf("dependency pass failed (status %d)", pre.status)
			os.Remove(dep) // no list: the staged file goes now
			run.ownDep = ""
		}
		done <- err
	}()
	return func() error { return <-done }, nil
}
