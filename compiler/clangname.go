package compiler

import (
	"path/filepath"
	"strings"
)

// clangDriverSuffixes are the driver names clang 14 recognizes at the end
// of the name it is called by, in the order it tries them
// (ToolChain.cpp, FindDriverSuffix).
var clangDriverSuffixes = []string{"clang", "clang++", "clang-c++", "clang-cc", "clang-cpp", "clang-g++",
	"clang-gcc", "clang-cl", "cc", "cpp", "cl", "++", "flang", "clang-dxc"}

// ClangNameParts splits the name clang is called by (argv[0]) as clang 14
// does (getTargetAndModeFromProgramName): a target prefix and a driver
// mode suffix, as in x86_64-linux-gnu-clang++-14 (prefix
// x86_64-linux-gnu, mode clang++). prefix is "" for a name without one
// (clang, clang-14, cc).
func ClangNameParts(argv0 string) (prefix, mode string) {
	name := filepath.Base(argv0)
	name = strings.TrimSuffix(name, filepath.Ext(name)) // llvm::sys::path::stem
	pos, suffix, ok := clangDriverSuffix(name)
	if !ok {
		// A version after the driver (clang++3.5, clang-14).
		name = strings.TrimRight(name, "0123456789.")
		pos, suffix, ok = clangDriverSuffix(name)
	}
	if !ok {
		// A last -component after it (clang++-tot).
		if i := strings.LastIndex(name, "-"); i >= 0 {
			name = name[:i]
			pos, suffix, ok = clangDriverSuffix(name)
		}
	}
	if !ok {
		return "", ""
	}
	end := pos + len(suffix)
	last := strings.LastIndex(name[:pos+1], "-")
	if last < 0 {
		return "", name[:end]
	}
	return name[:last], name[last+1 : end]
}

func clangDriverSuffix(name string) (pos int, suffix string, ok bool) {
	for _, s := range clangDriverSuffixes {
		if strings.HasSuffix(name, s) {
			return len(name) - len(s), s, true
		}
	}
	return 0, "", false
}

// ClangConfigFileMatches reports whether a file named file, beside the
// driver, may be the configuration file clang reads of its own accord when
// called with the target prefix and mode of ClangNameParts (clang 14,
// Driver::loadConfigFile): <prefix>-<mode>.cfg or <prefix>.cfg, or either
// with the prefix's first component (the architecture) replaced by the one
// the command's options choose (-m32 turns x86_64-linux-gnu-clang.cfg into
// i386-linux-gnu-clang.cfg). A file that matches makes every option and
// file in it part of the compile, which nothing in objcache's key sees.
func ClangConfigFileMatches(prefix, mode, file string) bool {
	if prefix == "" {
		return false
	}
	stem, ok := strings.CutSuffix(file, ".cfg")
	if !ok {
		return false
	}
	rest := ""
	if i := strings.Index(prefix, "-"); i >= 0 {
		rest = prefix[i:]
	}
	for _, want := range []string{prefix + "-" + mode, prefix} {
		if stem == want {
			return true
		}
	}
	for _, tail := range []string{rest + "-" + mode, rest} {
		if arch, ok := strings.CutSuffix(stem, tail); ok && arch != "" && !strings.Contains(arch, "-") {
			return true
		}
	}
	return false
}
