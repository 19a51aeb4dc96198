package compiler

import "strings"

// Identify returns the family and flavor of the compiler named by path, from
// its base name: gcc, g++, cc, c++, clang, clang++, with version suffixes
// (gcc-12, clang++-14) and target triplets (x86_64-linux-gnu-gcc-12), and an
// optional .exe; cl and clang-cl for the MSVC family. override is the
// compiler_type setting ("gcc", "clang", "msvc", "clang-cl" or ""), which
// wins when set. ok is false when the name says nothing and there is no
// override.
func Identify(path, override string) (family Family, flavor Flavor, ok bool) {
	switch override {
	case "gcc":
		return GCC, FlavorGCC, true
	case "clang":
		return GCC, FlavorClang, true
	case "msvc":
		return MSVC, "", true
	case "clang-cl":
		return MSVC, FlavorClang, true
	}
	name := path[strings.LastIndexAny(path, `/\`)+1:]
	if len(name) > 4 && strings.EqualFold(name[len(name)-4:], ".exe") {
		name = name[:len(name)-4]
	}
	switch {
	case strings.EqualFold(name, "cl"):
		return MSVC, "", true
	case isClangCL(name):
		return MSVC, FlavorClang, true
	}
	driver, ok := gccDriver(name)
	if !ok {
		return "", "", false
	}
	if strings.HasPrefix(driver, "clang") {
		return GCC, FlavorClang, true
	}
	return GCC, FlavorGCC, true
}

// HashedEnv lists the environment variables that change a GCC-family
// compiler's result: include search paths, the locale of its messages, the
// date the time macros expand to, and where the driver finds its programs.
func HashedEnv() []string {
	return []string{
		"CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH", "OBJC_INCLUDE_PATH", "OBJCPLUS_INCLUDE_PATH",
		"LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES",
		"SOURCE_DATE_EPOCH", "GCC_EXEC_PREFIX", "COMPILER_PATH",
	}
}

// DepfileEnv lists the environment variables that make gcc write a
// dependency file of its own accord (when no -M option is given). objcache
// passes such calls through: the depfile it asks for would silence them.
func DepfileEnv() []string {
	return []string{"DEPENDENCIES_OUTPUT", "SUNPRO_DEPENDENCIES"}
}
