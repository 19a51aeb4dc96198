package compiler

// gccLongOptions are the "--" options objcache models: gcc's "Driver
// Alias" options of common.opt and c.opt and clang's equivalents, each
// with the meaning of the option it stands for. Every form listed was
// checked against gcc 12 and clang 14 (a form only one of them accepts
// makes the other fail, as it would alone). Any other "--" option,
// abbreviations included (gcc accepts an unambiguous prefix such as
// --write-dep), passes through uncached: objcache never guesses what an
// option it does not model means.
//
// alias is the short option whose text the role reads (--debug=3 is
// read as -g3).
var gccLongOptions = []option{
	// Output and what the call does.
	{name: "--output", form: separate, role: roleOutput},
	{name: "--output=", form: joined, role: roleOutput},
	{name: "--compile", form: flag, role: roleCompile},
	{name: "--assemble", form: flag, role: roleAssemble},
	{name: "--preprocess", form: flag, role: roleUncacheable, reason: "preprocess-only"},
	{name: "--language", form: separate, role: roleLanguage},
	{name: "--language=", form: joined, role: roleLanguage},
	{name: "--verbose", form: flag, role: roleUncacheable, reason: "verbose"},

	// Dependency files.
	{name: "--dependencies", form: flag, role: roleUncacheable, reason: "preprocess-only"},
	{name: "--user-dependencies", form: flag, role: roleUncacheable, reason: "preprocess-only"},
	{name: "--write-dependencies", form: flag, role: roleDepAll},
	{name: "--write-user-dependencies", form: flag, role: roleDepUser},
	{name: "--print-missing-file-dependencies", form: flag, role: roleUncacheable, reason: "generated-headers"},

	// Include directories and files, macros.
	{name: "--include-directory", form: separate, path: true, role: roleIncludeDir},
	{name: "--include-directory=", form: joined, path: true, role: roleIncludeDir},
	{name: "--include-directory-after", form: separate, path: true, role: roleIncludeDir},
	{name: "--include-directory-after=", form: joined, path: true, role: roleIncludeDir},
	{name: "--include-prefix", form: separate, path: true, role: roleIncludePrefix},
	{name: "--include-prefix=", form: joined, path: true, role: roleIncludePrefix},
	{name: "--include-with-prefix", form: separate, path: true, role: roleWithPrefix},
	{name: "--include-with-prefix=", form: joined, path: true, role: roleWithPrefix},
	{name: "--include-with-prefix-after", form: separate, path: true, role: roleWithPrefix},
	{name: "--include-with-prefix-after=", form: joined, path: true, role: roleWithPrefix},
	{name: "--include-with-prefix-before", form: separate, path: true, role: roleWithPrefix},
	{name: "--include-with-prefix-before=", form: joined, path: true, role: roleWithPrefix},
	{name: "--include", form: separate, path: true},
	{name: "--include=", form: joined, path: true},
	{name: "--imacros", form: separate, path: true},
	{name: "--imacros=", form: joined, path: true},
	{name: "--include-barrier", form: flag},
	{name: "--no-standard-includes", form: flag},
	{name: "--define-macro", form: separate},
	{name: "--define-macro=", form: joined},
	{name: "--undefine-macro", form: separate},
	{name: "--undefine-macro=", form: joined},
	{name: "--sysroot", form: separate, path: true, role: roleSysroot},
	{name: "--sysroot=", form: joined, path: true, role: roleSysroot},

	// Debug information.
	{name: "--debug", form: flag, role: roleDebug, alias: "-g"},
	{name: "--debug=", form: joined, role: roleDebug, alias: "-g"},
	{name: "--trace-includes", form: flag}, // -H: the listing is stderr, replayed

	// Outputs and inputs the store does not handle.
	{name: "--save-temps", form: flag, role: roleUncacheable, reason: "save-temps"},
	{name: "--coverage", form: flag, role: roleUncacheable, reason: "coverage"},
	{name: "--output-pch=", form: joined, role: roleUncacheable, reason: "pch"},
	{name: "--specs", form: separate, role: roleInputFile},
	{name: "--specs=", form: joined, role: roleInputFile},
	{name: "--prefix", form: separate, role: roleUncacheable, reason: "unhashable-input"},
	{name: "--prefix=", form: joined, role: roleUncacheable, reason: "unhashable-input"},
	{name: "--dumpbase", form: separate, role: roleAuxName},
	{name: "--dumpbase-ext", form: separate, role: roleAuxName},
	{name: "--dumpdir", form: separate, role: roleAuxName},

	// Options hashed as written.
	{name: "--param", form: separate},
	{name: "--param=", form: joined},
	{name: "--std", form: separate},
	{name: "--std=", form: joined},
	{name: "--assert", form: separate},
	{name: "--assert=", form: joined},
	{name: "--target=", form: joined, role: roleTarget},
	{name: "--gcc-toolchain=", form: joined},
	{name: "--ansi", form: flag},
	{name: "--pedantic", form: flag},
	{name: "--pedantic-errors", form: flag},
	{name: "--no-warnings", form: flag},
	{name: "--extra-warnings", form: flag},
	{name: "--all-warnings", form: flag},
	{name: "--optimize", form: flag},
	{name: "--trigraphs", form: flag},
	{name: "--no-line-commands", form: flag},
	{name: "--comments", form: flag},
	{name: "--traditional-cpp", form: flag},
}
