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
// compiler's result, checked against what gcc 12 and clang 14 read (their
// binaries' getenv names, then a compile with and without each):
//
//   - include search paths: CPATH, C_INCLUDE_PATH, CPLUS_INCLUDE_PATH,
//     OBJC_INCLUDE_PATH, OBJCPLUS_INCLUDE_PATH;
//   - the language of messages: LANG, LC_ALL, LC_CTYPE, LC_MESSAGES and
//     gettext's LANGUAGE;
//   - the date the time macros expand to: SOURCE_DATE_EPOCH (gcc; the
//     launcher keys it only where a time macro may read it);
//   - where the driver finds its programs: GCC_EXEC_PREFIX, COMPILER_PATH;
//   - diagnostics: GCC_COLORS (the colours of the coloured output objcache
//     stores), GCC_URLS and TERM_URLS (the form of
//     -fdiagnostics-urls=always links), GCC_EXTRA_DIAGNOSTIC_OUTPUT
//     (machine-readable fix-it hints on stderr);
//   - GCC_COMPARE_DEBUG, which compiles twice and fails the build on a
//     difference;
//   - LLVM_OVERRIDE_PRODUCER, the producer string of bitcode objects
//     (-flto);
//   - the Apple deployment targets and SDKROOT, which clang reads for
//     Darwin targets, and RC_DEBUG_OPTIONS, which makes it record the
//     command line in Darwin debug information.
//
// Left out because a compile whose output objcache captures does not read
// them: COLUMNS (gcc and clang fit diagnostics to the terminal only when
// stderr is one), TERM and COLORTERM (consulted for automatic colour and
// links, which need a terminal too). TMPDIR only names scratch files.
func HashedEnv() []string {
	return []string{
		"CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH", "OBJC_INCLUDE_PATH", "OBJCPLUS_INCLUDE_PATH",
		"LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LANGUAGE",
		"SOURCE_DATE_EPOCH", "GCC_EXEC_PREFIX", "COMPILER_PATH",
		"GCC_COLORS", "GCC_URLS", "TERM_URLS", "GCC_EXTRA_DIAGNOSTIC_OUTPUT", "GCC_COMPARE_DEBUG",
		"LLVM_OVERRIDE_PRODUCER",
		"MACOSX_DEPLOYMENT_TARGET", "IPHONEOS_DEPLOYMENT_TARGET", "TVOS_DEPLOYMENT_TARGET",
		"WATCHOS_DEPLOYMENT_TARGET", "SDKROOT", "RC_DEBUG_OPTIONS",
	}
}

// PassThroughEnv lists the environment variables under which a call
// passes through uncached, whatever the family (a compiler's name can hide
// clang: cc, cl.exe). Hashing them is not enough:
//
//   - CCC_OVERRIDE_OPTIONS: clang edits its own command line with it, and
//     can add outputs or remove the -o objcache gives it;
//   - CC_PRINT_OPTIONS, CC_PRINT_HEADERS, CC_LOG_DIAGNOSTICS and
//     CC_PRINT_PROC_STAT: clang writes its options, headers, diagnostics or
//     process statistics to stderr or to the file their _FILE variable
//     names, once per compile (the file is appended to), which a hit would
//     not do;
//   - COMPILER_PATH and GCC_EXEC_PREFIX: the driver looks for cc1, as and
//     the rest there first, so they choose the programs that compile,
//     whose content the compiler's identity (found without them) does not
//     cover (break-it round 17: an edited cc1 there gave a stale object).
//
// clang reads each when it is set, even to "".
func PassThroughEnv() []string {
	return []string{"CCC_OVERRIDE_OPTIONS", "CC_PRINT_OPTIONS", "CC_PRINT_HEADERS", "CC_LOG_DIAGNOSTICS", "CC_PRINT_PROC_STAT", "COMPILER_PATH", "GCC_EXEC_PREFIX"}
}

// DepfileEnv lists the environment variables that make gcc write a
// dependency file of its own accord (when no -M option is given). objcache
// passes such calls through: the depfile it asks for would silence them.
func DepfileEnv() []string {
	return []string{"DEPENDENCIES_OUTPUT", "SUNPRO_DEPENDENCIES"}
}
