package compiler

import "strings"

// form says how an option takes its value.
type form int

const (
	flag      form = iota // no value: matched exactly
	separate              // value in the next argument only: matched exactly
	joined                // value joined to the name only: matched as a prefix
	joinedSep             // "-Ifoo" or "-I foo"
	// joinedNext is matched as a prefix and takes the next argument as
	// its value: clang's -Xarch_<arch> <arg>, -Xopenmp-target=<triple>
	// <arg>.
	joinedNext
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
	roleSpecs               // -specs=FILE: read by the driver, found as it finds it (specsFile)
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
	roleProfileGenerate // clang's -fprofile-instr-generate, -fcs-profile-generate: no effect but ProfileNamesSource
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
	roleAssemblerArg    // -Xassembler: an option for the assembler (forwarded.go)
	rolePreprocessorArg // -Xpreprocessor: an option for the preprocessor
	roleCC1Arg          // -Xclang: an option for clang's cc1
	roleInputCharset    // -finput-charset=: the sources' encoding
	roleLLVMOption      // -mllvm: an option of LLVM's own (LLVMOptionReason)
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
	{name: "-Xpreprocessor", form: separate, role: rolePreprocessorArg}, {name: "-Xassembler", form: separate, role: roleAssemblerArg}, {name: "-Xlinker", form: separate},
	{name: "-Xclang", form: separate, role: roleCC1Arg}, {name: "-target", form: separate, role: roleTarget},
	{name: "-dumpbase", form: separate, role: roleAuxName}, {name: "-dumpbase-ext", form: separate, role: roleAuxName},
	{name: "-dumpdir", form: separate, role: roleAuxName},
	{name: "-arch", form: separate, role: roleArch},
	{name: "-include-pch", form: joinedSep, role: roleInputFile}, // clang: the PCH, which no depfile names
	// clang: framework directories.
	{name: "-F", form: joinedSep, path: true, role: roleIncludeDir},
	{name: "-iframework", form: joinedSep, path: true, role: roleIncludeDir},
	{name: "-iframeworkwithsysroot", form: joinedSep, path: true, role: roleWithSysroot},
	{name: "-stdlib++-isystem", form: joinedSep, path: true, role: roleIncludeDir},
	{name: "-imultiarch", form: joinedSep},
	{name: "-resource-dir", form: separate}, {name: "-resource-dir=", form: joined},

	// Options whose value is the next argument, hashed as written: gcc
	// 12's and clang 14's (Options.td) separate and joined-or-separate
	// options, so that their value is never read as an option or a
	// source (-mllvm -opt-bisect-limit=1 is no -o). The linker's are
	// unused by a compile (clang warns), Darwin's with several values
	// (-sectcreate …) are left out: those values are read as linker
	// inputs, and the call passes through.
	// Preprocessor flags that change no file the compile reads or writes
	// (-P and -C shape -E output only): known here so that they are
	// cacheable after -Wp, and -Xpreprocessor too, where an option the
	// table does not know passes the call through (forwarded.go).
	{name: "-P", form: flag}, {name: "-C", form: flag}, {name: "-CC", form: flag},
	{name: "-undef", form: flag}, {name: "-nostdinc", form: flag}, {name: "-nostdinc++", form: flag},
	{name: "-trigraphs", form: flag}, {name: "-traditional-cpp", form: flag}, {name: "-remap", form: flag},
	{name: "-fdirectives-only", form: flag}, {name: "-fworking-directory", form: flag},
	{name: "-fno-working-directory", form: flag}, {name: "-fcanonical-system-headers", form: flag},
	{name: "-fno-canonical-system-headers", form: flag}, {name: "-fdollars-in-identifiers", form: flag},
	{name: "-fno-dollars-in-identifiers", form: flag}, {name: "-fextended-identifiers", form: flag},
	{name: "-fno-extended-identifiers", form: flag},
	{name: "-mllvm", form: separate, role: roleLLVMOption}, {name: "-Xanalyzer", form: separate},
	{name: "-Xcuda-fatbinary", form: separate}, {name: "-Xcuda-ptxas", form: separate},
	{name: "-z", form: joinedSep}, {name: "-T", form: joinedSep}, {name: "-e", form: joinedSep},
	{name: "-Tbss", form: joinedSep}, {name: "-Tdata", form: joinedSep}, {name: "-Ttext", form: joinedSep},
	{name: "-A", form: joinedSep}, {name: "-G", form: joinedSep}, {name: "-b", form: joinedSep},
	{name: "-meabi", form: separate}, {name: "-mthread-model", form: separate},
	{name: "-dsym-dir", form: separate}, {name: "-fmodules-user-build-path", form: separate},
	{name: "-fmodule-implementation-of", form: separate}, {name: "-ftrapv-handler", form: separate},
	{name: "-darwin-target-variant", form: separate},
	{name: "-install_name", form: separate}, {name: "-framework", form: separate}, {name: "-weak_framework", form: separate},
	{name: "-rpath", form: separate}, {name: "-bundle_loader", form: separate}, {name: "-exported_symbols_list", form: separate},
	{name: "-unexported_symbols_list", form: separate}, {name: "-filelist", form: separate}, {name: "-allowable_client", form: separate},
	{name: "-client_name", form: separate}, {name: "-compatibility_version", form: separate}, {name: "-current_version", form: separate},
	{name: "-dylib_file", form: separate}, {name: "-dylinker_install_name", form: separate}, {name: "-image_base", form: separate},
	{name: "-init", form: separate}, {name: "-lazy_framework", form: separate}, {name: "-lazy_library", form: separate},
	{name: "-multiply_defined", form: separate}, {name: "-multiply_defined_unused", form: separate}, {name: "-pagezero_size", form: separate},
	{name: "-read_only_relocs", form: separate}, {name: "-seg_addr_table", form: separate}, {name: "-seg_addr_table_filename", form: separate},
	{name: "-segs_read_only_addr", form: separate}, {name: "-segs_read_write_addr", form: separate}, {name: "-sub_library", form: separate},
	{name: "-sub_umbrella", form: separate}, {name: "-umbrella", form: separate}, {name: "-weak_library", form: separate},
	{name: "-weak_reference_mismatches", form: separate}, {name: "-arch_only", form: separate}, {name: "-seg1addr", form: joinedSep},
	{name: "-aux-info", form: separate, role: roleUncacheable, reason: "extra-output"},
	{name: "-aux-info=", form: joined, role: roleUncacheable, reason: "extra-output"},

	// What an option means on this host: the driver's expansion joins the
	// key, and the options that change it are passed to the query.
	{name: "-march=native", form: flag, role: roleNative},
	{name: "-mtune=native", form: flag, role: roleNative},
	{name: "-mcpu=native", form: flag, role: roleNative},
	{name: "-m16", form: flag, role: roleTarget}, {name: "-m32", form: flag, role: roleTarget},
	{name: "-m64", form: flag, role: roleTarget}, {name: "-mx32", form: flag, role: roleTarget},

	// The driver prints its commands, naming objcache's temporary files.
	{name: "-v", form: flag, role: roleUncacheable, reason: "verbose"},
	// The driver finds its programs, headers and specs (clang its
	// resource headers) beside the name it was started by, not beside its
	// real file: which the key's compiler directory and identity, taken
	// with links resolved, do not cover (break-it round 20).
	{name: "-no-canonical-prefixes", form: flag, role: roleUncacheable, reason: "no-canonical-prefixes"},

	// Files the compiler reads that no depfile lists.
	{name: "-specs=", form: joined, role: roleSpecs},
	{name: "-specs", form: separate, role: roleSpecs},
	{name: "-fplugin=", form: joined, role: roleInputFile},
	{name: "-fsanitize-blacklist=", form: joined, role: roleInputFile},
	{name: "-fsanitize-ignorelist=", form: joined, role: roleInputFile},
	{name: "-fsanitize-system-ignorelist=", form: joined, role: roleInputFile},
	{name: "-fsanitize-coverage-allowlist=", form: joined, role: roleInputFile},
	{name: "-fsanitize-coverage-ignorelist=", form: joined, role: roleInputFile},
	{name: "-fsanitize-coverage-whitelist=", form: joined, role: roleInputFile},
	{name: "-fsanitize-coverage-blacklist=", form: joined, role: roleInputFile},
	{name: "-fpass-plugin=", form: joined, role: roleInputFile},
	{name: "-fmodule-map-file=", form: joined, role: roleInputFile},
	// clang: the functions and blocks to give sections (break-it round 17).
	{name: "-fbasic-block-sections=list=", form: joined, role: roleInputFile},
	// clang's virtual file system overlay: the files it maps are read
	// under other names.
	{name: "-ivfsoverlay", form: joinedSep, role: roleInputFile},
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
	// clang: the .dwo is written (split), or the DWARF stays in the
	// object (single) with a DW_AT_dwo_name naming the object: either
	// records the object's name, and split writes another file.
	{name: "-gsplit-dwarf=", form: joined, role: roleUncacheable, reason: "split-dwarf"},
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
	// clang: a pass filter alone turns the record on (willEmitRemarks), even
	// after -fno-save-optimization-record: it writes NAME.opt.yaml.
	{name: "-foptimization-record-passes=", form: joined, role: roleUncacheable, reason: "extra-output"},
	{name: "-fmodules", form: flag, role: roleUncacheable, reason: "clang-modules", flavor: FlavorClang},
	{name: "-fcxx-modules", form: flag, role: roleUncacheable, reason: "clang-modules", flavor: FlavorClang},
	{name: "-fmodules-ts", form: flag, role: roleUncacheable, reason: "cxx-modules"},
	{name: "-fmodule-output", form: flag, role: roleUncacheable, reason: "cxx-modules"},
	{name: "-###", form: flag, role: roleUncacheable, reason: "dry-run"},
	{name: "-serialize-diagnostics", form: separate, role: roleUncacheable, reason: "extra-output"},
	{name: "-dependency-file", form: separate, role: roleUncacheable, reason: "extra-output"},
	{name: "-dependency-dot", form: separate, role: roleUncacheable, reason: "extra-output"},
	{name: "-module-dependency-dir", form: separate, role: roleUncacheable, reason: "extra-output"},
	{name: "-gen-cdb-fragment-path", form: separate, role: roleUncacheable, reason: "extra-output"},
	{name: "-arcmt-migrate-report-output", form: separate, role: roleUncacheable, reason: "extra-output"},
	// clang's process statistics: a line of times per compile, to stdout
	// or appended to the file.
	{name: "-fproc-stat-report", form: flag, role: roleUncacheable, reason: "extra-output"},
	{name: "-fproc-stat-report=", form: joined, role: roleUncacheable, reason: "extra-output"},
	// clang's statistics file, beside the object or in the directory.
	{name: "-save-stats", form: flag, role: roleUncacheable, reason: "extra-output"},
	{name: "-save-stats=", form: joined, role: roleUncacheable, reason: "extra-output"},
	{name: "-fmodule-file=", form: joined, role: roleUncacheable, reason: "cxx-modules"},
	{name: "-fprebuilt-module-path=", form: joined, role: roleUncacheable, reason: "cxx-modules"},
	// The compile runs elsewhere or by other programs than objcache
	// knows: clang's -working-directory changes the directory every
	// relative path is read from, gcc's -wrapper runs each subprocess
	// under a program, clang's -ccc-* options choose the driver's tools.
	{name: "-working-directory", form: separate, role: roleUncacheable, reason: "working-directory"},
	{name: "-working-directory=", form: joined, role: roleUncacheable, reason: "working-directory"},
	{name: "-wrapper", form: separate, role: roleUncacheable, reason: "unhashable-input"},
	{name: "-ccc-", form: joined, role: roleUncacheable, reason: "unhashable-input"},
	{name: "-ccc-gcc-name", form: separate, role: roleUncacheable, reason: "unhashable-input"},
	{name: "-ccc-install-dir", form: separate, role: roleUncacheable, reason: "unhashable-input"},
	{name: "-ccc-arcmt-migrate", form: separate, role: roleUncacheable, reason: "unhashable-input"},
	{name: "-ccc-objcmt-migrate", form: separate, role: roleUncacheable, reason: "unhashable-input"},
	// Options for one of several compiles (an architecture, an offload
	// device): what they say is not modelled.
	{name: "-Xarch_", form: joinedNext, role: roleUncacheable, reason: "forwarded-option", flavor: FlavorClang},
	{name: "-Xarch_device", form: separate, role: roleUncacheable, reason: "forwarded-option", flavor: FlavorClang},
	{name: "-Xarch_host", form: separate, role: roleUncacheable, reason: "forwarded-option", flavor: FlavorClang},
	{name: "-Xopenmp-target", form: separate, role: roleUncacheable, reason: "forwarded-option", flavor: FlavorClang},
	{name: "-Xopenmp-target=", form: joinedNext, role: roleUncacheable, reason: "forwarded-option", flavor: FlavorClang},

	// Objects that record their own command line or output path.
	{name: "-frecord-gcc-switches", form: flag, role: roleRecord},
	{name: "-fno-record-gcc-switches", form: flag, role: roleNoRecord},
	// clang's -frecord-command-line (its spelling of gcc's option) records
	// the whole cc1 command line, objcache's additions included.
	{name: "-frecord-command-line", form: flag, role: roleRecord, flavor: FlavorClang},
	{name: "-fno-record-command-line", form: flag, role: roleNoRecord, flavor: FlavorClang},
	{name: "-grecord-command-line", form: flag, role: roleRecord, flavor: FlavorClang},
	{name: "-grecord-gcc-switches", form: flag, role: roleRecord, flavor: FlavorClang},
	{name: "-gno-record-command-line", form: flag, role: roleNoRecord, flavor: FlavorClang},
	{name: "-gno-record-gcc-switches", form: flag, role: roleNoRecord, flavor: FlavorClang},
	{name: "-fprofile-arcs", form: flag, role: roleRecord},
	{name: "-fprofile-generate", form: flag, role: roleRecord},
	{name: "-fprofile-generate=", form: joined, role: roleRecord},
	{name: "-fprofile-instr-generate", form: flag, role: roleProfileGenerate, flavor: FlavorClang},
	{name: "-fprofile-instr-generate=", form: joined, role: roleProfileGenerate, flavor: FlavorClang},
	{name: "-fcs-profile-generate", form: flag, role: roleProfileGenerate, flavor: FlavorClang},
	{name: "-fcs-profile-generate=", form: joined, role: roleProfileGenerate, flavor: FlavorClang},

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

	// The sources' encoding: the time-macro, .incbin and pragma scans read
	// bytes as ASCII, which a UTF-16 or EBCDIC source is not.
	{name: "-finput-charset=", form: joined, role: roleInputCharset},

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
		case joinedSep, joinedNext:
			match = strings.HasPrefix(arg, o.name)
		}
		if match && len(o.name) > len(opt.name) {
			opt, ok = o, true
		}
	}
	return opt, ok
}
