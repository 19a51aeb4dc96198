package compiler

import (
	"slices"
	"strings"
)

// cl's /Zi writes a target's debug information into one PDB that every
// object of the target shares (/Fd, /FS), which no cache can store per
// object. Under the msvc_zi = "z7" setting objcache compiles such a call
// as /Z7 instead: the debug information goes into each object, no compile
// PDB is written, and the linker's /DEBUG PDB is as complete (it is made
// from the objects). ZiAsZ7 is that rewrite of the command line.

// ZiAsZ7 returns args (response files already expanded) with cl's /Zi
// replaced by /Z7 and the options that only concern the compile PDB
// (/Fd, /FS) removed, and whether it changed anything. /ZI (edit and
// continue) is left alone: it needs the PDB.
func ZiAsZ7(args []string) (out []string, changed bool) {
	if !slices.ContainsFunc(args, isZi) {
		// /Fd and /FS stay with a call that keeps its PDB (/ZI, /Zi from
		// CL), and in a /Z7 call's recorded command line.
		return args, false
	}
	out = make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 3 || a[0] != '/' && a[0] != '-' {
			out = append(out, a)
			continue
		}
		switch name := a[1:]; {
		case name == "Zi":
			out = append(out, a[:1]+"Z7")
			changed = true
		case name == "FS":
			changed = true
		case strings.HasPrefix(name, "Fd"):
			if name == "Fd:" && i+1 < len(args) {
				i++ // "/Fd: file": the value is the next argument
			}
			changed = true
		default:
			out = append(out, a)
		}
	}
	return out, changed
}

// ExpandMSVCArgs returns args with cl's response files (@file, UTF-16 or
// UTF-8) replaced by the arguments they hold, as cl reads them: one level
// only (cl takes no @ option inside a response file; one there is an
// error, so that a rewrite never makes a call cl refuses work).
func ExpandMSVCArgs(args []string, cwd string) ([]string, error) {
	return expandMSVCResponseFiles(args, cwd, maxResponseDepth-1)
}

// isZi reports whether a is cl's /Zi (or -Zi).
func isZi(a string) bool { return a == "/Zi" || a == "-Zi" }
