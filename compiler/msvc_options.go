package compiler

import "strings"

// msvcRole says what a cl.exe option means to objcache. Options with
// msvcHashed (the zero value) are hashed as written and passed on.
type msvcRole int

const (
	msvcHashed       msvcRole = iota
	msvcCompile               // /c
	msvcOutput                // /Fo
	msvcLangAll               // /TC, /TP: the language of every source
	msvcLangOne               // /Tc, /Tp: one source of that language
	msvcShowIncludes          // /showIncludes
	msvcParallel              // /MP[n]
	msvcDebug7                // /Z7, clang-cl's -g…: debug information inside the object
	msvcSourceDeps            // /sourceDependencies file-or-directory
	msvcExternalEnv           // /external:env:VAR: an include path from a variable
	msvcLink                  // /link: the rest is the linker's
	msvcUncacheable           // pass through, for the reason given
	msvcIncludeDir            // /I, /external:I, /imsvc: existence joins the key
	msvcProfile               // clang-cl's -fprofile-instr-use[=file]
	msvcClangOption           // clang-cl's /clang:OPTION, read as clang reads OPTION
	msvcCC1Arg                // clang-cl's -Xclang OPTION, read as cc1 reads it (forwarded.go)
	msvcForceInclude          // /FI: a header, or the PCH clang-cl loads in its place
	msvcLLVMOption            // clang-cl's -mllvm OPTION (LLVMOptionReason)
	msvcPDB                   // /Zi, /ZI: cl writes a PDB shared between objects
	msvcPCHCreate             // /Yc[header]: write the precompiled header
	msvcPCHUse                // /Yu[header]: read it
	msvcPCHFile               // /Fp: the precompiled header's file
)

// msvcOption is one entry of the cl.exe table. Names are written without
// the leading / or -, and matched case-sensitively as cl does.
type msvcOption struct {
	name   string
	form   form
	role   msvcRole
	reason string
	// path is true when the value names a file or directory the
	// preprocessor reads: base dirs rewrite it (ParseMSVCRebased).
	path bool
}

// msvcOptions lists the options objcache must understand; any other option
// is hashed as written. Matching is exact for flags and takes the longest
// name for options with a joined value, never a shorter prefix of a flag
// (clcache's prefix matching dropped /EHsc and /utf-8 from its keys).
var msvcOptions = []msvcOption{
	{name: "c", form: flag, role: msvcCompile},
	{name: "Fo", form: joined, role: msvcOutput},
	{name: "TC", form: flag, role: msvcLangAll},
	{name: "TP", form: flag, role: msvcLangAll},
	{name: "Tc", form: joinedSep, role: msvcLangOne, path: true},
	{name: "Tp", form: joinedSep, role: msvcLangOne, path: true},
	{name: "showIncludes", form: flag, role: msvcShowIncludes},
	{name: "MP", form: joined, role: msvcParallel},
	{name: "Z7", form: flag, role: msvcDebug7},
	// clang-cl's debug options beside /Z7 (-gline-tables-only, -gdwarf,
	// and -gno-inline-line-tables, which clang-cl 14 reads as asking
	// for line tables) write debug information that records the object's
	// path, the directory and the command line, as /Z7's does. Any -g…
	// counts: one that writes none only keys the directory and the
	// object's name. clang-cl ignores -g0 (an unknown option), so none
	// turns it off. /Zd is cl's old line-tables option.
	{name: "g", form: joined, role: msvcDebug7},
	{name: "guard:", form: joined}, // /guard:cf: no debug information
	{name: "Zd", form: flag, role: msvcDebug7},
	{name: "sourceDependencies", form: separate, role: msvcSourceDeps},
	{name: "sourceDependencies:directives", form: separate, role: msvcUncacheable, reason: "extra-output"},
	{name: "sourceDependencies-", form: flag, role: msvcUncacheable, reason: "source-dependencies-stdout"},
	{name: "external:env:", form: joined, role: msvcExternalEnv},
	{name: "link", form: flag, role: msvcLink},

	// Options with a value, hashed as written (the value may be separate).
	{name: "I", form: joinedSep, path: true, role: msvcIncludeDir}, {name: "D", form: joinedSep}, {name: "U", form: joinedSep},
	{name: "FI", form: joinedSep, path: true, role: msvcForceInclude}, {name: "external:I", form: joinedSep, path: true, role: msvcIncludeDir},
	{name: "imsvc", form: joinedSep, path: true, role: msvcIncludeDir},
	{name: "clang:", form: joined, role: msvcClangOption},

	// clang-cl reads these as clang does (CoreOptions): the profile is a
	// file no /showIncludes line names; -march=native means this host.
	{name: "fprofile-instr-use", form: flag, role: msvcProfile},
	{name: "fprofile-instr-use=", form: joined, role: msvcProfile, path: true},
	{name: "march=native", form: flag, role: msvcUncacheable, reason: "native-cpu"},
	{name: "mtune=native", form: flag, role: msvcUncacheable, reason: "native-cpu"},
	{name: "mcpu=native", form: flag, role: msvcUncacheable, reason: "native-cpu"},
	{name: "-", form: flag, role: msvcUncacheable, reason: "double-dash"},
	{name: "Xclang", form: separate, role: msvcCC1Arg},
	{name: "mllvm", form: separate, role: msvcLLVMOption},

	// clang-cl's -v prints the driver's version block and each cc1
	// command once per call: split per source, or replayed from a hit,
	// it would not match.
	{name: "v", form: flag, role: msvcUncacheable, reason: "verbose"},
	{name: "###", form: flag, role: msvcUncacheable, reason: "dry-run"}, // prints the commands, runs none
	{name: "E", form: flag, role: msvcUncacheable, reason: "preprocess-only"},
	{name: "EP", form: flag, role: msvcUncacheable, reason: "preprocess-only"},
	{name: "P", form: flag, role: msvcUncacheable, reason: "preprocess-only"},
	{name: "Fi", form: joined, role: msvcUncacheable, reason: "preprocess-only"},
	// cl's /Zi and /ZI write the debug information into a PDB that the
	// objects of a target share (/Fd); clang-cl writes no compile PDB:
	// its /Zi is /Z7, and it ignores /ZI (with a warning).
	{name: "Zi", form: flag, role: msvcPDB},
	{name: "ZI", form: flag, role: msvcPDB},
	// The header name is matched against the #include or /FI spelling,
	// which base dirs rewrite: so is it.
	{name: "Yc", form: joined, role: msvcPCHCreate, path: true},
	{name: "Yu", form: joined, role: msvcPCHUse, path: true},
	{name: "Fp", form: joined, role: msvcPCHFile, path: true},
	{name: "Gm", form: flag, role: msvcUncacheable, reason: "minimal-rebuild"},
	{name: "FA", form: joined, role: msvcUncacheable, reason: "extra-output"},
	{name: "Fa", form: joined, role: msvcUncacheable, reason: "extra-output"},
	{name: "Fr", form: joined, role: msvcUncacheable, reason: "extra-output"},
	{name: "FR", form: joined, role: msvcUncacheable, reason: "extra-output"},
	{name: "doc", form: joined, role: msvcUncacheable, reason: "extra-output"},
	{name: "analyze", form: joined, role: msvcUncacheable, reason: "extra-output"},
	{name: "analyze-", form: flag},
	{name: "Gm-", form: flag},
}

// lookupMSVC finds the table entry for an option written without its
// leading / or -. Flags and separate-value options match exactly; joined
// ones by prefix (joined also matches the bare name: /FA, /MP, /doc).
func lookupMSVC(name string) (opt msvcOption, ok bool) {
	for _, o := range msvcOptions {
		var match bool
		switch o.form {
		case flag, separate:
			match = name == o.name
		case joined, joinedSep:
			match = strings.HasPrefix(name, o.name)
		}
		if match && len(o.name) >= len(opt.name) {
			opt, ok = o, true
		}
	}
	return opt, ok
}
