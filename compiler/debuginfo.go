package compiler

import "strings"

// debugFlags are the -g options that tune debug information without
// turning it on or off (gcc 12 and clang 14, checked by compiling with
// each: the object has no debug sections with the option alone). Any
// other -g option is taken to turn it on: an unknown one then costs a key
// with the working directory in it, never an object that names another
// directory.
var debugFlags = map[string]bool{
	"-gcolumn-info": true, "-gno-column-info": true,
	"-gstrict-dwarf": true, "-gno-strict-dwarf": true,
	"-gpubnames": true, "-gno-pubnames": true, "-ggnu-pubnames": true, "-gno-gnu-pubnames": true,
	"-gas-loc-support": true, "-gno-as-loc-support": true,
	"-gas-locview-support": true, "-gno-as-locview-support": true,
	"-gstatement-frontiers": true, "-gno-statement-frontiers": true,
	"-gvariable-location-views": true, "-gvariable-location-views=incompat5": true, "-gno-variable-location-views": true,
	"-ginline-points": true, "-gno-inline-points": true,
	"-ginternal-reset-location-views": true, "-gno-internal-reset-location-views": true,
	"-gdescribe-dies": true, "-gno-describe-dies": true,
	"-grecord-gcc-switches": true, "-gno-record-gcc-switches": true,
	"-grecord-command-line": true, "-gno-record-command-line": true,
	"-gsplit-dwarf": true, "-gno-split-dwarf": true,
	"-gcodeview": true, "-gcodeview-ghash": true, "-gno-codeview-ghash": true,
	"-gno-embed-source": true,
}

// debugEffect says what a -g option does to debug information: +1 turns
// it on, -1 off (-g0, -ggdb0, …), 0 leaves it as it was (debugFlags, and
// -gz… compression). The last option with an effect decides, as in gcc
// and clang.
func debugEffect(arg string) int {
	switch {
	case debugFlags[arg], strings.HasPrefix(arg, "-gz"), strings.HasPrefix(arg, "-gsplit-dwarf="):
		return 0
	case isDebugLevel(arg) && isDebugOff(arg):
		return -1
	}
	return 1
}

// isDebugOff reports whether arg is -g0 or a format at level 0 (-ggdb0,
// -gstabs0, …): a level written without a dash that is all zeros.
func isDebugOff(arg string) bool {
	rest := strings.TrimPrefix(arg, "-g")
	for _, k := range debugKinds {
		if r, ok := strings.CutPrefix(rest, k); ok {
			rest = r
			break
		}
	}
	return rest != "" && strings.Trim(rest, "0") == ""
}

// asmDebugOption reports whether an option passed to the assembler (-Wa,
// or -Xassembler) makes it write debug information for the assembly, which
// embeds the working directory: -g, --gdwarf-5, --gen-debug, --gstabs, …
func asmDebugOption(opt string) bool {
	return strings.HasPrefix(opt, "-g") || strings.HasPrefix(opt, "--g")
}
