package compiler

import "strings"

// The matchers in this file run in every objcache process, so they are
// written by hand: compiling the equivalent regular expressions at package
// initialisation cost 0.1 ms per process. names_test.go checks each against
// the regular expression it replaces.

// gccDrivers are the GCC-family driver names; clang and clang++ count as
// the family's clang flavor.
var gccDrivers = []string{"gcc", "g++", "cc", "c++", "clang", "clang++"}

// gccDriver returns the driver part of a GCC-family compiler name, as in
// x86_64-w64-mingw32-gcc-12-posix: target triplet components ([A-Za-z0-9_.]+
// each), the driver, an optional version ([0-9][0-9.]*) and mingw's thread
// model suffix (posix or win32), separated by dashes. ok is false for any
// other name. Where several components could be the driver the leftmost
// that makes the rest valid wins.
func gccDriver(name string) (driver string, ok bool) {
	parts := strings.Split(name, "-")
	for i, p := range parts {
		if !isDriver(p) {
			if !isTripletPart(p) {
				return "", false
			}
			continue
		}
		rest := parts[i+1:]
		if len(rest) > 0 && isVersion(rest[0]) {
			rest = rest[1:]
		}
		if len(rest) > 0 && (rest[0] == "posix" || rest[0] == "win32") {
			rest = rest[1:]
		}
		if len(rest) == 0 {
			return p, true
		}
		if !isTripletPart(p) {
			return "", false
		}
	}
	return "", false
}

func isDriver(s string) bool {
	for _, d := range gccDrivers {
		if s == d {
			return true
		}
	}
	return false
}

// isTripletPart reports whether s matches [A-Za-z0-9_.]+.
func isTripletPart(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// isVersion reports whether s matches [0-9][0-9.]*.
func isVersion(s string) bool {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return false
	}
	return strings.Trim(s, "0123456789.") == ""
}

// isClangCL reports whether name is clang-cl with an optional version
// (clang-cl-14).
func isClangCL(name string) bool {
	rest, ok := strings.CutPrefix(name, "clang-cl")
	if !ok {
		return false
	}
	if rest == "" {
		return true
	}
	v, ok := strings.CutPrefix(rest, "-")
	return ok && isVersion(v)
}

// debugKinds are the words that may follow -g in an option that sets the
// debug information level or format.
var debugKinds = []string{"gdb", "dwarf", "line-tables-only", "line-directives-only", "full", "used",
	"codeview", "stabs+", "stabs", "xcoff+", "xcoff", "vms", "btf", "ctf"}

// isDebugLevel reports whether arg is a -g option that turns debug
// information on or off: -g, -g<kind>, each optionally followed by a level
// with or without a dash (-g3, -gdwarf-4, -ggdb0).
func isDebugLevel(arg string) bool {
	rest, ok := strings.CutPrefix(arg, "-g")
	if !ok {
		return false
	}
	if isLevel(rest) {
		return true
	}
	for _, k := range debugKinds {
		if r, ok := strings.CutPrefix(rest, k); ok && isLevel(r) {
			return true
		}
	}
	return false
}

// isLevel reports whether s matches (-?[0-9]+)?.
func isLevel(s string) bool {
	if s == "" {
		return true
	}
	s = strings.TrimPrefix(s, "-")
	return s != "" && strings.Trim(s, "0123456789") == ""
}
