package difftest

import (
	"fmt"
	"sort"
	"strings"
)

// Features lists every grammar feature the generator can use, with what it
// means and, where it was written for one, the item of issue 12 it reaches.
// A scenario's Tags name the features it uses; OBJCACHE_DIFFTEST_SKIP
// (comma-separated names) leaves features out, so that a run can ignore
// known failures while their fixes land. The default leaves nothing out.
var Features = map[string]string{
	// Families and how objcache is started.
	"gcc":             "gcc 12 (as gcc or gcc-12)",
	"clang":           "clang-14",
	"clang-cl":        "clang-14 through a symlink named cl.exe (plain C, no Windows SDK)",
	"launch-absolute": "objcache /usr/bin/CC: the compiler named by its path",
	"masquerade":      "a symlink named like the compiler, first in PATH, leading to objcache",
	"objcache-twice":  "objcache objcache CC (item 14)",
	// The tree and include search.
	"missing-incdir":   "include directories on the command line that do not exist",
	"incdir-appears":   "a missing include directory is created with a header that shadows a later one (item 9)",
	"shadow-header":    "a header is created in an existing directory searched before the one that had it",
	"remove-header":    "a header is removed (the search falls through to a later copy, or fails)",
	"isystem":          "-isystem directories (system headers for -MMD: item 5)",
	"iquote":           "-iquote directories",
	"idirafter":        "-idirafter directories",
	"cpath":            "CPATH / C_INCLUDE_PATH (clang-cl: INCLUDE) name include directories",
	"include-opt":      "-include / /FI: a header included by the command line (items 5, 15)",
	"imacros":          "-imacros (items 5, 15)",
	"nested-include":   "headers that include other headers",
	"system-header":    "the source includes a system header (<stddef.h>, <stdio.h>)",
	"symlink-incdir":   "an include directory that is a symlink, later pointed elsewhere",
	"unguarded-header": "headers without include guards (-H's \"Multiple include guards\" block)",
	"warnings":         "sources that warn (-Wall, #warning), so stderr has content",
	"werror":           "-Werror / /WX: the warnings fail the compile",
	"syntax-error":     "the source is broken, then fixed",
	"cxx":              "a C++ source (g++, clang++, clang-cl /TP)",
	"multi-source":     "clang-cl compiles two sources in one call (/Fo directory, /MP)",
	// Time.
	"time-macro-source": "__DATE__ / __TIME__ in the source or a header",
	"time-macro-arg":    "-DSTAMP=__TIME__ on the command line (item 3)",
	"time-macro-rsp":    "-DSTAMP=__TIME__ in a response file (item 3)",
	"timestamp-macro":   "__TIMESTAMP__ (the source's mtime), with touch steps",
	"source-date-epoch": "SOURCE_DATE_EPOCH set, changed and unset",
	"no-settle":         "a compile right after a change (objcache's input-modified guard)",
	// Outputs.
	"output-joined":         "-ox.o, /Fox.obj",
	"output-long-option":    "--output=x.o, --output x.o (item 13)",
	"output-default":        "no -o: the compiler's default output name",
	"output-subdir":         "the object goes to another directory",
	"output-missing-dir":    "the object's directory does not exist (the compile fails)",
	"output-long-name":      "an output base name of about 230 bytes (item 16)",
	"output-unwritable-dir": "the output directory cannot be written (chattr +i), with and without an existing output (item 16)",
	"output-symlink":        "an output that is a symlink: relative, absolute, dangling, into another directory (item 12)",
	"output-device":         "an output that is a character device (a null device made by mknod in the tree; item 11)",
	"output-fifo":           "an output that is a FIFO, with a reader (item 11)",
	"output-hardlink":       "an output that is a hard link to another file",
	"output-chmod":          "an existing output with unusual permission bits",
	"output-remove":         "an output removed between compiles",
	"assembly-output":       "-S: assembler output",
	// Dependency files and include listings.
	"depfile":          "-MD / -MMD",
	"depfile-target":   "-MT / -MQ, several and with special characters",
	"depfile-phony":    "-MP",
	"depfile-long":     "--write-dependencies / --write-user-dependencies (item 13)",
	"wp-md":            "-Wp,-MD,file / -Wp,-MMD,file",
	"dependencies-env": "DEPENDENCIES_OUTPUT / SUNPRO_DEPENDENCIES: gcc writes a depfile named by the environment",
	"user-H":           "-H given by the user",
	"show-includes":    "/showIncludes",
	// Debug information and the object's own records.
	"debug":            "-g variants (-g, -g3, -gdwarf-4, -ggdb; /Z7)",
	"gtoggle":          "-gtoggle (item 6)",
	"g0":               "-g0 after -g",
	"debug-prefix-map": "-fdebug-prefix-map, -ffile-prefix-map, -fdebug-compilation-dir",
	"recording":        "-frecord-gcc-switches, -grecord-command-line",
	"lto":              "-flto with -frandom-seed (gcc's LTO objects are otherwise random)",
	// Command-line forms.
	"response-file":  "some options in @file (clang-cl: sometimes UTF-16)",
	"dashdash":       "\"--\" before the source (item 16)",
	"long-options":   "gcc's long option aliases: --define-macro, --include-directory, --compile… (item 13)",
	"language":       "-x c / /TC / /Tc",
	"color":          "-fdiagnostics-color=always / never",
	"separate-value": "options with their value in the next argument (-I dir, -MF file, /Fo file)",
	// Inputs that no depfile names.
	"asm-incbin": ".incbin of a blob, in asm() in C and in .S sources (item 4)",
	"asm-source": "assembler sources (.s with .include, .S)",
	"pch":        "a precompiled header next to the header, used by -include or the first #include, rebuilt between compiles (item 7)",
	"profile":    "gcc -fbranch-probabilities with a .gcda beside the object; clang -fprofile-instr-use with default.profdata (item 8)",
	// The environment.
	"ccc-override": "CCC_OVERRIDE_OPTIONS (clang; item 6)",
	"cl-env":       "CL and _CL_ (clang-cl)",
	"locale":       "LANG / LC_ALL switched between C and C.UTF-8 (gcc's quotes)",
	"basedir":      "OBJCACHE_BASEDIR with absolute include paths; the reference compile gets the relative paths objcache documents",
	"basedir-case": "clang-cl with a base dir and directories that differ only in case (item 2)",
	// Concurrency and interruption.
	"kill": "objcache killed (KILL, TERM, INT) during a compile: nothing of objcache's may stay beside the outputs (item 17)",
	"race": "two builds write the same output at once (item 1)",
}

// KnownHoles are the features that exercise a limitation objcache
// documents and has not closed yet; the default run leaves them out
// (OBJCACHE_DIFFTEST_SKIP, even set empty, replaces this list):
//
//   - shadow-header: a header created in an existing directory searched
//     before the one where the old header was found is not noticed (the
//     README's "Known hole of direct mode", shared with ccache and
//     clcache; an include directory that appears, item 9, is noticed).
var KnownHoles = []string{"shadow-header"}

// parseFeatures reads OBJCACHE_DIFFTEST_SKIP's or _FOCUS's value: feature
// names separated by commas or spaces. An unknown name is an error, so that
// a typo does not silently test everything.
func parseFeatures(s string) (map[string]bool, error) {
	skip := map[string]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if _, ok := Features[f]; !ok {
			return nil, fmt.Errorf("unknown difftest feature %q (known: %s)", f, strings.Join(featureNames(), ", "))
		}
		skip[f] = true
	}
	return skip, nil
}

// featureNames returns the feature names, sorted.
func featureNames() []string {
	names := make([]string, 0, len(Features))
	for f := range Features {
		names = append(names, f)
	}
	sort.Strings(names)
	return names
}
