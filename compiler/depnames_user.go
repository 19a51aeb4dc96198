package compiler

import (
	"slices"
	"strings"
)

// With base dirs the compiler runs with relative paths (-I../inc for
// -I/ci/job1/inc), and its depfile names the files through them
// (../inc/x.h), where the user's own command would have named them through
// the user's absolute paths (/ci/job1/inc/x.h). A Makefile that includes
// such a depfile from another directory then finds no rule for a relative
// name, or silently stops rebuilding (ccache #1042). DepfileRenamer
// returns the renaming that gives back the user's names.
//
// The compiler forms each name from the directory it searched, as it was
// given, and the name it looked up: a name that starts with a rewritten
// directory (as a whole component) gets the user's spelling of it; the
// source gets the user's name; and any other relative name was found in
// the working directory, through a source there or a directory that
// base dirs rewrote to "." (the compilers write "x.h", not "./x.h"), and
// gets the user's spelling of that directory.
//
// That is exact only where no relative name could have come two ways. A
// call is ambiguous (AmbiguousDepfile), and base dirs must leave it as the
// user wrote it, when a path the user wrote relative (-Iinc, -include
// sub/pre.h, a relative source, a relative CPATH entry) may name files that
// a rewritten path names too: one is the other, or under it, or relative
// names have a rewritten home in the working directory; or when the
// working directory is spelled two ways.

// depNames is what renaming a depfile for the user's command needs.
type depNames struct {
	pairs []namePair // the rewritten paths, longest first
	// cwd is the user's spelling of the working directory, for relative
	// names found there ("" when no rewritten path leads there).
	cwd       string
	ambiguous bool
}

// namePair is one rewritten path: rel as the compiler was given it, orig
// as the user wrote it (both escaped as a depfile escapes names).
type namePair struct{ rel, orig string }

// depNames works out the renaming for the compiler of flavor.
func (inv *Invocation) depNames(flavor Flavor, envRelative bool) depNames {
	var d depNames
	overlaps := func(rel string) bool {
		return slices.ContainsFunc(inv.unrebased, func(u string) bool {
			u = strings.TrimRight(u, "/")
			return u == rel || strings.HasPrefix(u, rel+"/") || strings.HasPrefix(rel, u+"/")
		})
	}
	setCwd := func(orig string) {
		if d.cwd != "" && d.cwd != orig {
			d.ambiguous = true // one directory, two spellings
		}
		d.cwd = orig
	}
	for _, r := range inv.Rebased {
		if overlaps(r.Rel) {
			d.ambiguous = true
			continue
		}
		if !r.Source && !r.Includer {
			// The compilers drop a directory's trailing "/" (gcc also a
			// system directory's "/.") before they join names to it.
			orig := QuoteTarget(trimDirEnd(r.Orig, flavor, r.System))
			if rel := strings.TrimRight(r.Rel, "/"); rel == "." || rel == "" {
				setCwd(orig)
			} else {
				d.pairs = append(d.pairs, namePair{QuoteTarget(r.Rel), orig})
			}
			continue
		}
		d.pairs = append(d.pairs, namePair{QuoteTarget(r.Rel), QuoteTarget(r.Orig)})
		// A header beside the source (or an -include file: break-it
		// round 13) is named by its directory as written (gcc:
		// "src//t.c" gives "src//x.h"), not a cleaned one.
		relDir, origDir := dirAsWritten(r.Rel), dirAsWritten(r.Orig)
		if flavor == FlavorClang {
			origDir = strings.TrimRight(origDir, "/") // clang's parent_path: "src//t.c" gives "src/x.h"
		}
		switch {
		case relDir == "":
			setCwd(QuoteTarget(origDir))
		case overlaps(relDir):
			d.ambiguous = true
		default:
			d.pairs = append(d.pairs, namePair{QuoteTarget(relDir), QuoteTarget(origDir)})
		}
	}
	if d.cwd != "" && (envRelative || slices.ContainsFunc(inv.unrebased, func(u string) bool { return !strings.HasPrefix(u, "/") })) {
		// "x.h" may be the user's -include x.h, or found through CPATH=.,
		// as well as beside the source (break-it rounds 11 and 12).
		d.ambiguous = true
	}
	slices.SortStableFunc(d.pairs, func(a, b namePair) int { return len(b.rel) - len(a.rel) })
	return d
}

// AmbiguousDepfile reports whether base dirs would make the depfile's
// names ambiguous (see above), for gcc's and clang's ways of joining
// names alike: the caller then runs the call as the user wrote it.
// envRelative says whether an include path from the environment (CPATH,
// C_INCLUDE_PATH, …) has a relative or empty entry.
func (inv *Invocation) AmbiguousDepfile(envRelative bool) bool {
	if len(inv.Rebased) == 0 || inv.Depfile == nil {
		return false
	}
	return inv.depNames(FlavorGCC, envRelative).ambiguous || inv.depNames(FlavorClang, envRelative).ambiguous
}

// DepfileRenamer returns the function that renames the depfile's escaped
// names for the user's command, or nil when base dirs rewrote nothing.
// A call that AmbiguousDepfile refuses must not come here rewritten.
//
// flavor is the compiler's that runs (a gcc-named clang is clang): gcc
// drops a directory's trailing "/" and "/.", clang only the "/".
func (inv *Invocation) DepfileRenamer(flavor Flavor) func(string) string {
	if len(inv.Rebased) == 0 {
		return nil
	}
	d := inv.depNames(flavor, false)
	return func(name string) string {
		for _, p := range d.pairs {
			if name == p.rel {
				return p.orig
			}
			if strings.HasPrefix(name, p.rel) && len(name) > len(p.rel) && name[len(p.rel)] == '/' {
				return p.orig + name[len(p.rel):]
			}
		}
		if d.cwd != "" && !strings.HasPrefix(name, "/") {
			if d.cwd == "/" {
				return "/" + name
			}
			return d.cwd + "/" + name
		}
		return name
	}
}

// dirAsWritten returns the part of path before its last separator, as
// written ("" when it has none; "/" for a file in the root gives "").
func dirAsWritten(path string) string {
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return ""
	}
	return path[:i]
}

// trimDirEnd drops what the compiler of flavor drops from the end of a
// directory's path before it joins names to it: "/" (both), "/." (gcc, of
// a system directory, whose headers it names by their canonical path when
// that is shorter: -fcanonical-system-headers), but the root's.
func trimDirEnd(dir string, flavor Flavor, system bool) string {
	for {
		switch {
		case len(dir) > 1 && strings.HasSuffix(dir, "/"):
			dir = dir[:len(dir)-1]
		case flavor != FlavorClang && system && len(dir) > 2 && strings.HasSuffix(dir, "/."):
			dir = dir[:len(dir)-2]
		default:
			return dir
		}
	}
}
