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
// source gets the user's name; and any other relative name was found from
// a source in the working directory, whose user-given directory it gets,
// unless a path the user wrote relative (-include x.h, -Iinc) could have
// given it too. A rewritten path that the user also wrote
// relative, or that holds a path the user wrote relative, is ambiguous
// and left alone.

// DepfileRenamer returns the function that renames the depfile's escaped
// names for the user's command, or nil when base dirs rewrote nothing.
//
// flavor is the compiler's that runs (a gcc-named clang is clang): gcc
// drops a directory's trailing "/" and "/.", clang only the "/".
func (inv *Invocation) DepfileRenamer(flavor Flavor) func(string) string {
	if len(inv.Rebased) == 0 {
		return nil
	}
	type pair struct{ rel, orig string }
	var pairs []pair
	// A rewritten path is ambiguous where the user wrote it, or a path
	// under it, relative: -I/ci/job/src with src/a.c names src/a.c and the
	// headers beside it through "src" either way.
	ambiguous := func(rel string) bool {
		return slices.ContainsFunc(inv.unrebased, func(u string) bool { return u == rel || strings.HasPrefix(u, rel+"/") })
	}
	srcDir := ""
	for _, r := range inv.Rebased {
		if ambiguous(r.Rel) {
			continue
		}
		if !r.Source {
			// The compilers drop a directory's trailing "/" (gcc also a
			// system directory's "/.") before they join names to it.
			pairs = append(pairs, pair{QuoteTarget(r.Rel), QuoteTarget(trimDirEnd(r.Orig, flavor, r.System))})
			continue
		}
		pairs = append(pairs, pair{QuoteTarget(r.Rel), QuoteTarget(r.Orig)})
		// A header beside the source is named by the source's directory
		// as written (gcc: "src//t.c" gives "src//x.h"), not a cleaned one.
		relDir, origDir := dirAsWritten(r.Rel), dirAsWritten(r.Orig)
		if flavor == FlavorClang {
			origDir = strings.TrimRight(origDir, "/") // clang's parent_path: "src//t.c" gives "src/x.h"
		}
		switch {
		case relDir == "":
			srcDir = QuoteTarget(origDir)
		case !ambiguous(relDir):
			pairs = append(pairs, pair{QuoteTarget(relDir), QuoteTarget(origDir)})
		}
	}
	// A relative name that a path the user wrote relative could have
	// given (-include x.h names "x.h", -Iinc names "inc/x.h") keeps its
	// spelling; any other relative name was found from a source in the
	// working directory ("x.h", "sub/s.h", "../inc/y.h") and gets the
	// source's directory as the user wrote it (difftest seed 7 index
	// 10020: a bare -fprofile-instr-use value turned that off; break-it
	// round 11: names with a directory part stayed relative).
	var kept []string
	for _, u := range inv.unrebased {
		if !strings.HasPrefix(u, "/") {
			kept = append(kept, QuoteTarget(strings.TrimRight(u, "/")))
		}
	}
	keeps := func(name string) bool {
		return slices.ContainsFunc(kept, func(u string) bool {
			return name == u || u != "" && strings.HasPrefix(name, u+"/")
		})
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return len(b.rel) - len(a.rel) })
	return func(name string) string {
		for _, p := range pairs {
			if name == p.rel {
				return p.orig
			}
			if strings.HasPrefix(name, p.rel) && len(name) > len(p.rel) && name[len(p.rel)] == '/' {
				return p.orig + name[len(p.rel):]
			}
		}
		if srcDir != "" && !strings.HasPrefix(name, "/") && !keeps(name) {
			return srcDir + "/" + name
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
