package compiler

import "strings"

// form says how an option takes its value.
type form int

const (
	flag      form = iota // no value: matched exactly
	separate              // value in the next argument only: matched exactly
	joined                // value joined to the name only: matched as a prefix
	joinedSep             // "-Ifoo" or "-I foo"
)

// role says what an option means to objcache. Options with roleHashed (the
// zero value) are hashed as written and passed on.
type role int

const (
	roleHashed         role = iota
	roleCompile             // -c
	roleAssemble            // -S
	roleOutput              // -o
	roleLanguage            // -x
	roleDepAll              // -MD
	roleDepUser             // -MMD
	roleDepFile             // -MF
	roleDepTarget           // -MT, -MQ
	roleDepPhony            // -MP
	roleInputFile           // a file the compiler reads that no depfile lists
	roleDebug               // -g…: debug info on (or off for -g0)
	rolePrefixMap           // makes the object independent of the working directory
	roleMacroPrefixMap      // -fmacro-prefix-map: rewrites __FILE__, not debug info
	roleRecord              // the object records its command line or output path
	roleNoRecord            // turns roleRecord off
	roleColor               // a colour choice
	roleArch                // -arch (Apple): several make a fat object
	roleUncacheable         // pass through, for the reason given

	// Roles for what the key must model beyond the arguments' text
	// (DESIGN.md §2: every input, what an option means on this host).
	roleIncludeDir      // -I, -isystem, …: a directory whose existence joins the key
	roleIncludePrefix   // -iprefix: the prefix of later -iwithprefix directories
	roleWithPrefix      // -iwithprefix, -iwithprefixbefore: prefix + value
	roleWithSysroot     // clang's -iwithsysroot: sysroot + value
	roleSysroot         // --sysroot, -isysroot: where "=dir" include directories lead
	roleNative          // -march=native and the like: keyed by the driver's expansion
	roleTarget          // -target, -m32, …: changes that expansion
	roleProfileUse      // -fprofile-use[=path]
	roleProfileInstrUse // clang's -fprofile-instr-use[=file]
	roleBranchProb      // -fbranch-probabilities: the .gcda by the object's name
	roleProfileDir      // -fprofile-dir=: where the .gcda files are
	roleAutoProfile     // -fauto-profile[=file]
	roleProfileFile     // a profile file named by the option (content or absence)
	roleAuxName         // -dumpbase, -dumpdir, …: change the name gcc finds the .gcda by
	roleDebugToggle     // -gtoggle: flips debug info once, after every other option
	roleCoverageMap     // clang's -fcoverage-mapping: the object embeds the directory
	roleNoCoverageMap   // -fno-coverage-mapping
	roleDebugPrefixMap  // -fdebug-prefix-map=OLD=NEW
	roleFilePrefixMap   // -ffile-prefix-map=OLD=NEW: debug info, coverage and __FILE__
	roleCovPrefixMap    // -fcoverage-prefix-map=OLD=NEW
	roleDebugCompDir    // -fdebug-compilation-dir
	roleCovCompDir      // -fcoverage-compilation-dir
	roleFileCompDir     // -ffile-compilation-dir: both
	roleAssemblerArg    // -Xassembler: the assembler's debug options embed the directory
)

// isPrefixMapRole reports whether r rewrites paths the object records:
// base dirs rewrite the old half of such a map in the key only.
func isPrefixMapRole(r role) bool {
	switch r {
	case rolePrefixMap, roleMacroPrefixMap, roleDebugPrefixMap, roleFilePrefixMap, roleCovPrefixMap,
		roleDebugCompDir, roleCovCompDir, roleFileCompDir:
		return true
	}
	return false
}

// option is one entry of the GCC-family table.
type option struct {
	name   string
	form   form
	role   role
	reason string // for roleUncacheable
	flavor Flavor // "" for both flavors, else only this one
	// path is true when the value names a file or directory the
	// preprocessor reads: base dirs rewrite it (ParseRebased).
	path bool
	// alias, for a long option, is the short option whose text the role
	// reads, the value joined to it (--debug=3 is -g3).
	alias string
}

// gccOptions is the table of options objcache must understand; any other
// option is hashed as written. Lookups take the longest name that matches
// (so -MQ is not read as -M with a value, nor -isystem as -i…).
var gccOptions = []option{
	{name: "-c", form: flag, role: roleCompile},
	{name: "-S", form: flag, role: roleAssemble},
	{name: "-o", form: joinedSep, role: roleOutput},
	{name: "-x", form: joinedSep, role: roleLanguage},

	{name: "-E", form: flag, role: roleUncacheable, reason: "preprocess-only"},
	{name: "-M", form: flag, role: roleUncacheable, reason: "preprocess-only"},
	{name: "-MM", form: flag, role: roleUncacheable, reason: "preprocess-only"},
	{name: "-MG", form: flag, role: roleUncacheable, reason: "generated-headers"},
	{name: "-MD", form: flag, role: roleDepAll},
	{name: "-MMD", form: flag, role: roleDepUser},
	{name: "-MF", form: joinedSep, role: roleDepFile},
	{name: "-MT", form: joinedSep, role: roleDepTarget},
	{name: "-MQ", form: joinedSep, role: roleDepTarget},
	{name: "-MP", form: flag, role: roleDepPhony},
	{name: "-MJ", form: joinedSep, role: roleUncacheable, reason: "extra-output"},

	// Options with a value that is hashed as written.
	{name: "-I", form: joinedSep, path: true, role: roleIncludeDir}, {name: "-D", form: joinedSep}, {name: "-U", form: joinedSep},
	{name: "-isystem", form: joinedSep, path: true, role: roleIncludeDir}, {name: "-iquote", form: joinedSep, path: true, role: roleIncludeDir},
	{name: "-idirafter", form: joinedSep, path: true, role: roleIncludeDir},
	{name: "-cxx-isystem", form: joinedSep, path: true, role: roleIncludeDir},
	{name: "-isystem-after", form: joinedSep, path: true, role: roleIncludeDir},
	{name: "-iwithsysroot", form: joinedSep, path: true, role: roleWithSysroot},
	{name: "-include", form: joinedSep, path: true}, {name: "-imacros", form: joinedSep, path: true},
	{name: "-iprefix", form: joinedSep, path: true, role: roleIncludePrefix},
	{name: "-iwithprefix", form: joinedSep, path: true, role: roleWithPrefix},
	{name: "-iwithprefixbefore", form: joinedSep, path: true, role: roleWithPrefix},
	{name: "-isysroot", form: joinedSep, path: true, role: roleSysroot}, {name: "-imultilib", form: joinedSep},
	{name: "-L", form: joinedSep}, {name: "-l", form: joinedSep}, {name: "-u", form: joinedSep},
	{name: "-Xpreprocessor", form: separate}, {name: "-Xassembler", form: separate, role: roleAssemblerArg}, {name: "-Xlinker", form: separate},
	{name: "-Xclang", form: separate}, {name: "-target", form: separate, role: roleTarget},
	{name: "-dumpbase", form: separate, role: roleAuxName}, {name: "-dumpbase-ext", form: separate, role: roleAuxName},
	{name: "-dumpdir", form: separate, role: roleAuxName},
	{name: "-arch", form: separate, role: roleArch},
	{name: "-include-pch", form: joinedSep, role: roleInputFile}, // clang: the PCH, which no depfile names
	{name: "-aux-info", form: separate, role: roleUncacheable, reason: "extra-output"},

	// What an option means on this host: the driver's expansion joins the
	// key, and the options that change it are passed to the query.
	{name: "-march=native", form: flag, role: roleNative},
	{name: "-mtune=native", form: flag, role: roleNative},
	{name: "-mcpu=native", form: flag, role: roleNative},
	{name: "-m16", form: flag, role: roleTarget}, {name: "-m32", form: flag, role: roleTarget},
	{name: "-m64", form: flag, role: roleTarget}, {name: "-mx32", form: flag, role: roleTarget},

	// The driver prints its commands, naming objcache's temporary files.
	{name: "-v", form: flag, role: roleUncacheable, reason: "verbose"},

	// Files the compiler reads that no depfile lists.
	{name: "-specs=", form: joined, role: roleInputFile},
	{name: "-specs", form: separate, role: roleInputFile},
	{name: "-fplugin=", form: joined, role: roleInputFile},
	{name: "-fsanitize-blacklist=", form: joined, role: roleInputFile},
	{name: "-fsanitize-ignorelist=", form: joined, role: roleInputFile},
	{name: "-B", form: joinedSep, role: roleUncacheable, reason: "unhashable-input"},

	// Profile feedback: files found by name, by the object's name or in a
	// directory, whose content (or absence) joins the key (profile.go).
	{name: "-fprofile-use", form: flag, role: roleProfileUse},
	{name: "-fprofile-use=", form: joined, role: roleProfileUse, path: true},
	{name: "-fprofile-instr-use", form: flag, role: roleProfileInstrUse},
	{name: "-fprofile-instr-use=", form: joined, role: roleProfileInstrUse, path: true},
	{name: "-fbranch-probabilities", form: flag, role: roleBranchProb},
	{name: "-fprofile-dir=", form: joined, role: roleProfileDir, path: true},
	{name: "-fauto-profile", form: flag, role: roleAutoProfile},
	{name: "-fauto-profile=", form: joined, role: roleAutoProfile, path: true},
	{name: "-fprofile-sample-use=", form: joined, role: roleProfileFile, path: true},
	{name: "-fprofile-remapping-file=", form: joined, role: roleProfileFile, path: true},
	{name: "-fprofile-list=", form: joined, role: roleProfileFile, path: true},
	{name: "-fprofile-prefix-path=", form: joined, role: roleAuxName},

	// Outputs the store does not keep.
	{name: "-save-temps", form: flag, role: roleUncacheable, reason: "save-temps"},
	{name: "-save-temps=", form: joined, role: roleUncacheable, reason: "save-temps"},
	{name: "-coverage", form: flag, role: roleUncacheable, reason: "coverage"},
	{name: "-ftest-coverage", form: flag, role: roleUncacheable, reason: "coverage"},
	{name: "-gsplit-dwarf", form: flag, role: roleUncacheable, reason: "split-dwarf"},
	{name: "-fsyntax-only", form: flag, role: roleUncacheable, reason: "syntax-only"},
	{name: "-fstack-usage", form: flag, role: roleUncacheable, reason: "extra-output"},
	{name: "-fcallgraph-info", form: flag, role: roleUncacheable, reason: "extra-output"},
	{name: "-fcallgraph-info=", form: joined, role: roleUncacheable, reason: "extra-output"},
	{name: "-fdump-", form: joined, role: roleUncacheable, reason: "extra-output"},
	{name: "-ftime-trace", form: flag, role: roleUncacheable, reason: "extra-output"},
	{name: "-ftime-trace=", form: joined, role: roleUncacheable, reason: "extra-output"},
	{name: "-fsave-optimization-record", form: flag, role: roleUncacheable, reason: "extra-output"},
	{name: "-fsave-optimization-record=", form: joined, role: roleUncacheable, reason: "extra-output"},
	{name: "-foptimization-record-file=", form: joined, role: roleUncacheable, reason: "extra-output"},
	{name: "-fmodules", form: flag, role: roleUncacheable, reason: "clang-modules", flavor: FlavorClang},
	{name: "-fcxx-modules", form: flag, role: roleUncacheable, reason: "clang-modules", flavor: FlavorClang},
	{name: "-fmodules-ts", form: flag, role: roleUncacheable, reason: "cxx-modules"},
	{name: "-fmodule-output", form: flag, role: roleUncacheable, reason: "cxx-modules"},
	{name: "-###", form: flag, role: roleUncacheable, reason: "dry-run"},

	// Objects that record their own command line or output path.
	{name: "-frecord-gcc-switches", form: flag, role: roleRecord},
	{name: "-fno-record-gcc-switches", form: flag, role: roleNoRecord},
	{name: "-grecord-command-line", form: flag, role: roleRecord, flavor: FlavorClang},
	{name: "-grecord-gcc-switches", form: flag, role: roleRecord, flavor: FlavorClang},
	{name: "-gno-record-command-line", form: flag, role: roleNoRecord, flavor: FlavorClang},
	{name: "-gno-record-gcc-switches", form: flag, role: roleNoRecord, flavor: FlavorClang},
	{name: "-fprofile-arcs", form: flag, role: roleRecord},
	{name: "-fprofile-generate", form: flag, role: roleRecord},
	{name: "-fprofile-generate=", form: joined, role: roleRecord},

	// Debug information and what makes it independent of the directory.
	{name: "-g", form: joined, role: roleDebug},
	{name: "-gtoggle", form: flag, role: roleDebugToggle},
	{name: "-fdebug-prefix-map=", form: joined, role: roleDebugPrefixMap},
	{name: "-ffile-prefix-map=", form: joined, role: roleFilePrefixMap},
	{name: "-fdebug-compilation-dir=", form: joined, role: roleDebugCompDir},
	{name: "-fdebug-compilation-dir", form: separate, role: roleDebugCompDir},
	{name: "-fmacro-prefix-map=", form: joined, role: roleMacroPrefixMap},
	{name: "-fcoverage-mapping", form: flag, role: roleCoverageMap},
	{name: "-fno-coverage-mapping", form: flag, role: roleNoCoverageMap},
	{name: "-fcoverage-prefix-map=", form: joined, role: roleCovPrefixMap},
	{name: "-fcoverage-compilation-dir=", form: joined, role: roleCovCompDir},
	{name: "-ffile-compilation-dir=", form: joined, role: roleFileCompDir},

	// Colour.
	{name: "-fdiagnostics-color", form: flag, role: roleColor},
	{name: "-fdiagnostics-color=", form: joined, role: roleColor},
	{name: "-fno-diagnostics-color", form: flag, role: roleColor},
	{name: "-fcolor-diagnostics", form: flag, role: roleColor},
	{name: "-fno-color-diagnostics", form: flag, role: roleColor},
}

// lookupOption finds the table entry for arg, taking the longest name that
// matches in its form: in gccLongOptions for an argument starting with
// "--", else in gccOptions. ok is false for an option the tables do not
// know.
func lookupOption(arg string, flavor Flavor) (opt option, ok bool) {
	table := gccOptions
	if strings.HasPrefix(arg, "--") {
		table = gccLongOptions
	}
	for _, o := range table {
		if o.flavor != "" && o.flavor != flavor {
			continue
		}
		var match bool
		switch o.form {
		case flag, separate:
			match = arg == o.name
		case joined:
			match = strings.HasPrefix(arg, o.name) && (len(arg) > len(o.name) || strings.HasSuffix(o.name, "-") || o.name == "-g")
		case joinedSep:
			match = strings.HasPrefix(arg, o.name)
		}
		if match && len(o.name) > len(opt.name) {
			opt, ok = o, true
		}
	}
	return opt, ok
}
