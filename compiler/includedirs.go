package compiler

import (
	"path/filepath"
	"strings"
)

// A header found in one include directory is shadowed by a file of the
// same name in a directory searched before it. Direct mode checks the
// files a compile read, not the ones it did not find, so a header created
// later in an earlier directory goes unseen (the known hole of direct
// mode). Where that earlier directory did not exist at all when the entry
// was stored, it is seen: whether each include directory exists joins the
// key, as ccache does (one stat per directory on every hit).

// includeDirs collects the include directories of a GCC-family command
// line as the parser meets them.
type includeDirs struct {
	// entries are the values of -I, -isystem, -iquote, -idirafter (and
	// their long and clang forms) and prefix+value of -iwithprefix, in
	// order, as the compiler sees them.
	entries []string
	// withSysroot are the values of clang's -iwithsysroot.
	withSysroot []string
	// sysroots are the values of --sysroot and -isysroot.
	sysroots []string
	// prefix is -iprefix's value, for the -iwithprefix options after it.
	prefix    string
	hasPrefix bool
}

// add records an include directory option's value.
func (d *includeDirs) add(dir string) { d.entries = append(d.entries, dir) }

// addWithPrefix records -iwithprefix or -iwithprefixbefore. ok is false
// when the directory cannot be known: gcc puts a value without an -iprefix
// before it under its own installation directory.
func (d *includeDirs) addWithPrefix(dir string, flavor Flavor) (ok bool) {
	if !d.hasPrefix && flavor != FlavorClang {
		return false
	}
	d.entries = append(d.entries, d.prefix+dir) // clang's prefix defaults to ""
	return true
}

// resolve returns the paths whose existence joins the key: the sysroots,
// each directory as written, and for one written "=dir" or "$SYSROOT/dir"
// (and -iwithsysroot's) the directory under each sysroot given. ok is false
// for such a directory without a sysroot on the command line: the compiler
// then uses the sysroot it was configured with, which objcache does not
// know.
func (d *includeDirs) resolve() (dirs []string, ok bool) {
	dirs = append(dirs, d.sysroots...)
	for _, e := range d.entries {
		dirs = append(dirs, e)
		if rest, rel := sysrootRelative(e); rel {
			if len(d.sysroots) == 0 {
				return nil, false
			}
			for _, s := range d.sysroots {
				dirs = append(dirs, s+rest)
			}
		}
	}
	for _, w := range d.withSysroot {
		if len(d.sysroots) == 0 {
			return nil, false
		}
		for _, s := range d.sysroots {
			dirs = append(dirs, s+w)
		}
	}
	return dirs, true
}

// sysrootRelative reports whether an include directory is written relative
// to the sysroot ("=dir" or "$SYSROOT/dir") and returns the rest.
func sysrootRelative(dir string) (rest string, ok bool) {
	if r, ok := strings.CutPrefix(dir, "="); ok {
		return r, true
	}
	return strings.CutPrefix(dir, "$SYSROOT")
}

// includePathEnv lists the variables whose entries are include directories
// of a GCC-family compile.
var includePathEnv = []string{"CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH", "OBJC_INCLUDE_PATH", "OBJCPLUS_INCLUDE_PATH"}

// EnvIncludeDirs returns the include directories that the environment
// adds to a GCC-family compile, in a fixed order: the entries of CPATH,
// C_INCLUDE_PATH, CPLUS_INCLUDE_PATH, OBJC_INCLUDE_PATH and
// OBJCPLUS_INCLUDE_PATH (whatever the language: a variable the language
// does not read only adds stats), split like PATH, an empty entry being
// the working directory as gcc and clang read it.
func EnvIncludeDirs(lookup func(name string) (string, bool)) []string {
	var dirs []string
	for _, name := range includePathEnv {
		v, ok := lookup(name)
		if !ok {
			continue
		}
		for _, d := range filepath.SplitList(v) {
			if d == "" {
				d = "."
			}
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// MSVCEnvIncludeDirs returns the include directories listed by the
// variables names (INCLUDE, EXTERNAL_INCLUDE, those of /external:env:), in
// order: entries separated by semicolons, empty ones ignored as cl does.
func MSVCEnvIncludeDirs(lookup func(name string) (string, bool), names []string) []string {
	var dirs []string
	for _, name := range names {
		v, ok := lookup(name)
		if !ok {
			continue
		}
		for _, d := range strings.Split(v, ";") {
			if d != "" {
				dirs = append(dirs, d)
			}
		}
	}
	return dirs
}
