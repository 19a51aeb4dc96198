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
)

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
	{name: "-I", form: joinedSep, path: true}, {name: "-D", form: joinedSep}, {name: "-U", form: joinedSep},
	{name: "-isystem", form: joinedSep, path: true}, {name: "-iquote", form: joinedSep, path: true},
	{name: "-idirafter", form: joinedSep, path: true},
	{name: "-include", form: joinedSep, path: true}, {name: "-imacros", form: joinedSep, path: true},
	{name: "-iprefix", form: joinedSep, path: true},
	{name: "-iwithprefix", form: joinedSep, path: true}, {name: "-iwithprefixbefore", form: joinedSep, path: true},
	{name: "-isysroot", form: joinedSep, path: true}, {name: "--sysroot", form: separate, path: true},
	{name: "--sysroot=", form: joined, path: true}, {name: "-imultilib", form: joinedSep},
	{name: "-L", form: joinedSep}, {name: "-l", form: joinedSep}, {name: "-u", form: joinedSep},
	{name: "-Xpreprocessor", form: separate}, {name: "-Xassembler", form: separate}, {name: "-Xlinker", form: separate},
	{name: "-Xclang", form: separate}, {name: "-target", form: separate}, {name: "--target", form: separate},
	{name: "-dumpbase", form: separate}, {name: "-dumpbase-ext", form: separate}, {name: "-dumpdir", form: separate},
	{name: "-arch", form: separate, role: roleArch},
	{name: "-include-pch", form: joinedSep, role: roleInputFile}, // clang: the PCH, which no depfile names
	{name: "-aux-info", form: separate, role: roleUncacheable, reason: "extra-output"},

	// Files the compiler reads that no depfile lists.
	{name: "-specs=", form: joined, role: roleInputFile},
	{name: "-specs", form: separate, role: roleInputFile},
	{name: "-fplugin=", form: joined, role: roleInputFile},
	{name: "-fprofile-use=", form: joined, role: roleInputFile},
	{name: "-fprofile-sample-use=", form: joined, role: roleInputFile},
	{name: "-fprofile-instr-use=", form: joined, role: roleInputFile},
	{name: "-fsanitize-blacklist=", form: joined, role: roleInputFile},
	{name: "-fsanitize-ignorelist=", form: joined, role: roleInputFile},
	{name: "-fprofile-use", form: flag, role: roleUncacheable, reason: "unhashable-input"},
	{name: "-B", form: joinedSep, role: roleUncacheable, reason: "unhashable-input"},

	// Outputs the store does not keep.
	{name: "-save-temps", form: flag, role: roleUncacheable, reason: "save-temps"},
	{name: "-save-temps=", form: joined, role: roleUncacheable, reason: "save-temps"},
	{name: "--save-temps", form: flag, role: roleUncacheable, reason: "save-temps"},
	{name: "--coverage", form: flag, role: roleUncacheable, reason: "coverage"},
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
	{name: "-fdebug-prefix-map=", form: joined, role: rolePrefixMap},
	{name: "-ffile-prefix-map=", form: joined, role: rolePrefixMap},
	{name: "-fdebug-compilation-dir=", form: joined, role: rolePrefixMap},
	{name: "-fdebug-compilation-dir", form: separate, role: rolePrefixMap},
	{name: "-fmacro-prefix-map=", form: joined, role: roleMacroPrefixMap},

	// Colour.
	{name: "-fdiagnostics-color", form: flag, role: roleColor},
	{name: "-fdiagnostics-color=", form: joined, role: roleColor},
	{name: "-fno-diagnostics-color", form: flag, role: roleColor},
	{name: "-fcolor-diagnostics", form: flag, role: roleColor},
	{name: "-fno-color-diagnostics", form: flag, role: roleColor},
}

// lookupOption finds the table entry for arg, taking the longest name that
// matches in its form. ok is false for an option the table does not know.
func lookupOption(arg string, flavor Flavor) (opt option, ok bool) {
	for _, o := range gccOptions {
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
