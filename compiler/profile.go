package compiler

import (
	"path/filepath"
	"runtime"
	"strings"
)

// Profile feedback reads files that no depfile names. Which ones, checked
// by tracing gcc 12 and clang 14:
//
//	gcc -fprofile-use, -fbranch-probabilities
//	    AUX.gcda, AUX being the output path without its extension
//	    (obj/t.o → obj/t.gcda, relative to the working directory);
//	    -dumpbase, -dumpdir and -fprofile-prefix-path change AUX
//	gcc -fprofile-use=DIR, -fprofile-dir=DIR (the last one wins)
//	    DIR/M.gcda, M being the absolute AUX with "/" written "#" and ".."
//	    written "^" (an absolute AUX is appended unmangled)
//	gcc -fauto-profile[=F]
//	    F, or fbdata.afdo
//	clang -fprofile-use, -fprofile-instr-use
//	    default.profdata
//	clang -fprofile-use=P
//	    P/default.profdata when P is a directory, else P
//	clang -fprofile-instr-use=F, -fprofile-sample-use=F, -fauto-profile=F,
//	    -fprofile-remapping-file=F, -fprofile-list=F
//	    F
//
// A flavor guessed from the compiler's name can be wrong (a cc that is
// clang), so every file either compiler would read for an option joins
// the key: its content, or that it is missing (gcc only warns when a .gcda
// is missing, and a profile that appears later must miss). Where gcc finds
// the .gcda by the object's name, the object is compiled under the user's
// own output name (Invocation.Recording), else gcc would look for the
// temporary name's profile (and its warning would name it). The one
// exception is a compiler named clang: clang reads no .gcda, and keying
// its objects by their output path and directory would keep checkouts
// from sharing them.

// profileUse collects the profile feedback options of a command line.
type profileUse struct {
	// gcda is set when gcc reads the .gcda named after the object.
	gcda bool
	// dirs are the .gcda directories (-fprofile-dir=, gcc's
	// -fprofile-use=), in order.
	dirs []string
	// files are the profiles named directly, and the default names.
	files []string
	// auxNamed is set by the options that change the name gcc derives the
	// .gcda's from the output (-dumpbase, -dumpdir, -dumpbase-ext,
	// -fprofile-prefix-path), which objcache does not model.
	auxNamed bool
}

// option records a profile option of role r with its value ("" for the
// flag forms).
func (u *profileUse) option(r role, value string, joined bool) {
	switch r {
	case roleProfileUse:
		u.gcda = true
		if !joined {
			u.files = append(u.files, "default.profdata")
			return
		}
		u.dirs = append(u.dirs, value)
		u.files = append(u.files, value, value+"/default.profdata")
	case roleProfileInstrUse:
		if !joined {
			value = "default.profdata"
		}
		u.files = append(u.files, value)
	case roleBranchProb:
		u.gcda = true
	case roleProfileDir:
		u.dirs = append(u.dirs, value)
	case roleAutoProfile:
		if !joined {
			value = "fbdata.afdo"
		}
		u.files = append(u.files, value)
	case roleProfileFile:
		u.files = append(u.files, value)
	case roleAuxName:
		u.auxNamed = true
	}
}

// resolve returns the profile files of a compile writing output in cwd,
// each once, and whether the compiler finds one by the object's name.
// ok is false when a .gcda's name cannot be known.
func (u *profileUse) resolve(output, cwd string, flavor Flavor) (files []string, byObjectName, ok bool) {
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	gcda := u.gcda && flavor != FlavorClang
	if gcda {
		if u.auxNamed || runtime.GOOS == "windows" {
			// Windows mangles drive letters and backslashes too.
			return nil, false, false
		}
		aux := auxName(output)
		add(aux + ".gcda")
		for _, dir := range u.dirs {
			if filepath.IsAbs(aux) {
				add(dir + "/" + aux + ".gcda")
			} else {
				add(dir + "/" + mangleGcdaPath(cwd+"/"+aux) + ".gcda")
			}
		}
	}
	for _, f := range u.files {
		add(f)
	}
	return files, gcda, true
}

// auxName is the output path without its extension, as gcc names the
// files it derives from the output: the last dot of the base name that is
// not its first character starts the extension (obj/t.c.o → obj/t.c,
// obj/.hid → obj/.hid, obj/t. → obj/t).
func auxName(output string) string {
	base := output[strings.LastIndexByte(output, '/')+1:]
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		return output[:len(output)-len(base)+i]
	}
	return output
}

// mangleGcdaPath writes a path as gcc's mangle_path does for a .gcda in a
// profile directory: each "/" becomes "#" and each ".." component "^".
func mangleGcdaPath(p string) string {
	parts := strings.Split(p, "/")
	for i, c := range parts {
		if c == ".." {
			parts[i] = "^"
		}
	}
	return strings.Join(parts, "#")
}
