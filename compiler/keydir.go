package compiler

import (
	"strconv"
	"strings"
)

// embedding is what a command line says about how the object records the
// working directory: debug information (DW_AT_comp_dir) and clang's
// coverage mapping each embed it, unless a compilation directory replaces
// it, and rewritten by the prefix maps that match it.
type embedding struct {
	// debugMaps and covMaps are the OLD=NEW values of the maps that apply
	// to debug information (-fdebug-prefix-map, -ffile-prefix-map) and to
	// coverage mapping (-fcoverage-prefix-map, -ffile-prefix-map), in
	// command-line order, as the compiler sees them (not rebased).
	debugMaps, covMaps []string
	// debugCompDir and covCompDir are set by -fdebug-compilation-dir,
	// -fcoverage-compilation-dir and -ffile-compilation-dir: the object
	// records that directory, which the arguments already hash.
	debugCompDir, covCompDir bool
}

// KeyDir returns what the object embeds of the working directory cwd, to
// join the key, or "" when it embeds nothing of it:
//
//   - a recording compile (Recording) gets cwd itself;
//   - debug information and coverage mapping get cwd as the prefix maps
//     rewrite it, unless a compilation directory is given. hashDir false
//     (the hash_dir setting) leaves these two out: the user accepts debug
//     information that names another checkout.
//
// Which of several matching maps wins differs (gcc takes the last given,
// clang the greatest OLD), so every matching map's result is recorded with
// its position: two directories share a key only when every matching map
// rewrites them alike, so that what the object embeds is the same under
// either rule. A directory no map matches is recorded as it is.
func (inv *Invocation) KeyDir(cwd string, hashDir bool) string {
	var parts []string
	if inv.Recording {
		parts = append(parts, "cwd "+cwd)
	}
	if hashDir && inv.DebugInfo && !inv.dirs.debugCompDir {
		parts = append(parts, "debug "+mappedDir(cwd, inv.dirs.debugMaps))
	}
	if hashDir && inv.CoverageMapping && !inv.dirs.covCompDir {
		parts = append(parts, "coverage "+mappedDir(cwd, inv.dirs.covMaps))
	}
	return strings.Join(parts, "\x00")
}

// mappedDir describes dir as the maps (OLD=NEW, plain string prefixes, as
// both gcc and clang compare them) rewrite it.
func mappedDir(dir string, maps []string) string {
	var b strings.Builder
	for i, m := range maps {
		old, repl, ok := strings.Cut(m, "=")
		if !ok || !strings.HasPrefix(dir, old) {
			continue
		}
		b.WriteString(strconv.Itoa(i))
		b.WriteByte('=')
		b.WriteString(repl + dir[len(old):])
		b.WriteByte(0)
	}
	if b.Len() == 0 {
		return "unmapped " + dir
	}
	return b.String()
}
