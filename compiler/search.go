package compiler

import (
	"os"
	"path/filepath"
	"strings"
)

// SearchPath is where a GCC-family preprocessor looks for the files a
// translation unit includes, as far as the command line and the
// environment decide it; the compiler's standard directories, which come
// between System and After, are the compiler's own (StdDirsArgs learns
// them). Paths are as the compiler sees them: relative to its working
// directory unless absolute.
//
// gcc searches #include "…" in the including file's directory (unless
// -I-), then Quote, then the bracket chain; #include <…> searches the
// bracket chain: Bracket, System, the standard directories, After. -include
// and -imacros files are searched in the working directory first, then as
// #include "…" (libcpp's search_path_head). A directory given twice, or in
// the quote or bracket part and again among the system directories, is
// searched only where gcc keeps it (remove_duplicates in incpath.cc):
// SearchPath keeps every occurrence, and the caller decides.
type SearchPath struct {
	// Quote holds the directories searched for #include "…" only: -iquote,
	// and -I before -I-.
	Quote []string
	// Bracket holds -I (after any -I-), -iwithprefixbefore and CPATH.
	Bracket []string
	// System holds -isystem and the directories of the language's
	// variable (C_INCLUDE_PATH, CPLUS_INCLUDE_PATH, …).
	System []string
	// After holds -idirafter and -iwithprefix directories.
	After []string
	// NoSourceDir is -I-: #include "…" does not look in the including
	// file's directory.
	NoSourceDir bool
	// Imacros and Includes are the -imacros and -include files, in order.
	Imacros, Includes []string
	// Unmodelled names an option whose effect on the search SearchPath does
	// not know ("" if none): a sysroot-relative directory without a
	// sysroot, or -iwithprefix without -iprefix.
	Unmodelled string
}

// searchOption is a command-line option that changes the search.
type searchOption struct {
	name string
	form form
	// add puts the value where it belongs.
	add func(sp *searchState, value string)
}

// searchState is SearchPath while it is read from the arguments.
type searchState struct {
	SearchPath
	prefix, sysroot, isysroot string
	hasPrefix                 bool
	// dashI holds the -I directories since the last -I-.
	dashI []string
}

// dir resolves the sysroot-relative forms "=dir" and "$SYSROOT/dir".
func (st *searchState) dir(value string) string {
	root, ok := "", false
	switch {
	case strings.HasPrefix(value, "="):
		root, ok, value = st.rootDir(), true, value[1:]
	case strings.HasPrefix(value, "$SYSROOT"):
		root, ok, value = st.rootDir(), true, value[len("$SYSROOT"):]
	}
	if !ok {
		return value
	}
	if root == "" {
		st.unmodelled("sysroot-relative include directory without --sysroot")
	}
	return root + value
}

func (st *searchState) rootDir() string {
	if st.isysroot != "" {
		return st.isysroot
	}
	return st.sysroot
}

func (st *searchState) unmodelled(what string) {
	if st.Unmodelled == "" {
		st.Unmodelled = what
	}
}

func (st *searchState) withPrefix(dir string) string {
	if !st.hasPrefix {
		st.unmodelled("-iwithprefix without -iprefix")
	}
	return st.prefix + dir
}

// searchOptions are the options that change the search, in gcc's spelling
// and in the long forms its driver translates to them.
var searchOptions = func() []searchOption {
	bracket := func(st *searchState, v string) { st.dashI = append(st.dashI, v) }
	barrier := func(st *searchState, _ string) {
		st.Quote = append(st.Quote, st.dashI...)
		st.dashI, st.NoSourceDir = nil, true
	}
	quote := func(st *searchState, v string) { st.Quote = append(st.Quote, v) }
	system := func(st *searchState, v string) { st.System = append(st.System, v) }
	after := func(st *searchState, v string) { st.After = append(st.After, v) }
	include := func(st *searchState, v string) { st.Includes = append(st.Includes, v) }
	imacros := func(st *searchState, v string) { st.Imacros = append(st.Imacros, v) }
	prefix := func(st *searchState, v string) { st.prefix, st.hasPrefix = v, true }
	withPrefix := func(st *searchState, v string) { st.After = append(st.After, st.withPrefix(v)) }
	withPrefixBefore := func(st *searchState, v string) { st.dashI = append(st.dashI, st.withPrefix(v)) }
	sysroot := func(st *searchState, v string) { st.sysroot = v }
	isysroot := func(st *searchState, v string) { st.isysroot = v }
	var opts []searchOption
	for _, o := range []struct {
		names []string
		add   func(*searchState, string)
	}{
		{[]string{"-I", "--include-directory"}, bracket},
		{[]string{"-iquote"}, quote},
		{[]string{"-isystem"}, system},
		{[]string{"-idirafter", "--include-directory-after"}, after},
		{[]string{"-include", "--include"}, include},
		{[]string{"-imacros", "--imacros"}, imacros},
		{[]string{"-iprefix", "--include-prefix"}, prefix},
		{[]string{"-iwithprefix", "--include-with-prefix", "--include-with-prefix-after"}, withPrefix},
		{[]string{"-iwithprefixbefore", "--include-with-prefix-before"}, withPrefixBefore},
		{[]string{"--sysroot"}, sysroot},
		{[]string{"-isysroot"}, isysroot},
	} {
		for _, name := range o.names {
			if strings.HasPrefix(name, "--") {
				// The driver takes "--name=value" and "--name value".
				opts = append(opts, searchOption{name + "=", joined, o.add}, searchOption{name, separate, o.add})
			} else {
				opts = append(opts, searchOption{name, joinedSep, o.add})
			}
		}
	}
	return append(opts, searchOption{"-I-", flag, barrier}, searchOption{"--include-barrier", flag, barrier})
}()

// lookupSearchOption finds the longest search option matching arg.
func lookupSearchOption(arg string) (searchOption, bool) {
	var best searchOption
	found := false
	for _, o := range searchOptions {
		var match bool
		switch o.form {
		case flag, separate:
			match = arg == o.name
		case joined, joinedSep:
			match = strings.HasPrefix(arg, o.name)
		}
		if match && len(o.name) > len(best.name) {
			best, found = o, true
		}
	}
	return best, found
}

// SearchPath reads the search path from the arguments (including what
// -Wp, and -Xpreprocessor hand to the preprocessor) and from the
// environment (CPATH and the language's variable), through getenv.
func (inv *Invocation) SearchPath(getenv func(string) (string, bool)) SearchPath {
	st := &searchState{}
	args := preprocessorArgs(inv.Args, inv.Flavor)
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			break
		}
		if !isOption(arg) {
			continue
		}
		opt, known := lookupOption(arg, inv.Flavor)
		if o, ok := lookupSearchOption(arg); ok && !(known && len(opt.name) > len(o.name)) {
			value := ""
			switch {
			case o.form == flag:
			case o.form == separate || (o.form == joinedSep && arg == o.name):
				if i+1 >= len(args) {
					continue
				}
				i++
				value = args[i]
			default:
				value = arg[len(o.name):]
			}
			o.add(st, value)
			continue
		}
		if known && takesNext(opt, arg) {
			i++
		}
	}
	st.Bracket = append(st.Bracket, st.dashI...)
	// The sysroot applies wherever --sysroot stands.
	for _, dirs := range [][]string{st.Quote, st.Bracket, st.System, st.After} {
		for i, d := range dirs {
			dirs[i] = st.dir(d)
		}
	}
	if v, ok := getenv("CPATH"); ok {
		st.Bracket = append(st.Bracket, envDirs(v)...)
	}
	if name := includeEnvVar(inv.Lang); name != "" {
		if v, ok := getenv(name); ok {
			st.System = append(st.System, envDirs(v)...)
		}
	}
	return st.SearchPath
}

// takesNext reports whether opt, spelled arg, takes the next argument as
// its value.
func takesNext(opt option, arg string) bool {
	return opt.form == separate || opt.form == joinedNext || (opt.form == joinedSep && arg == opt.name)
}

// preprocessorArgs returns args with the options that -Wp,a,b and
// -Xpreprocessor a pass to the preprocessor put in their place.
func preprocessorArgs(args []string, flavor Flavor) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case strings.HasPrefix(arg, "-Wp,"):
			out = append(out, strings.Split(arg[len("-Wp,"):], ",")...)
		case arg == "-Xpreprocessor" && i+1 < len(args):
			i++
			out = append(out, args[i])
		default:
			if opt, ok := lookupOption(arg, flavor); ok && takesNext(opt, arg) && i+1 < len(args) {
				out = append(out, arg, args[i+1])
				i++
				continue
			}
			out = append(out, arg)
		}
	}
	return out
}

// envDirs splits an include path variable: an empty element is the
// working directory (incpath.cc add_env_var_paths).
func envDirs(v string) []string {
	var dirs []string
	for _, d := range strings.Split(v, string(os.PathListSeparator)) {
		if d == "" {
			d = "."
		}
		dirs = append(dirs, d)
	}
	return dirs
}

// includeEnvVar names the variable whose directories gcc adds as system
// directories for lang.
func includeEnvVar(lang string) string {
	switch lang {
	case "c", "assembler-with-cpp", "c-header":
		return "C_INCLUDE_PATH"
	case "c++", "c++-header":
		return "CPLUS_INCLUDE_PATH"
	case "objective-c", "objective-c-header":
		return "OBJC_INCLUDE_PATH"
	case "objective-c++", "objective-c++-header":
		return "OBJCPLUS_INCLUDE_PATH"
	}
	return ""
}

// StdDirsArgs returns the arguments of a run that prints the compiler's
// standard include directories for this call (with -E -v, on stderr
// between "#include <...> search starts here:" and "End of search list."):
// the user's arguments that may choose them (the target, -m32, the
// sysroot, -nostdinc, -stdlib=, …), without the sources, outputs,
// dependency options, macros, warnings, debug and optimization levels, and
// the options that only add directories of their own (SearchPath has
// those). The run reads nothing but os.DevNull and writes only to stdout
// and stderr.
func (inv *Invocation) StdDirsArgs() []string {
	args := inv.filterArgs(func(arg string) bool {
		if _, ok := lookupSearchOption(arg); ok {
			return !strings.HasPrefix(arg, "-isysroot") && !strings.HasPrefix(arg, "--sysroot")
		}
		for _, p := range []string{"-D", "-U", "-O", "-g", "-H"} {
			if strings.HasPrefix(arg, p) {
				return true
			}
		}
		return strings.HasPrefix(arg, "-W") && !strings.HasPrefix(arg, "-Wp,")
	})
	return append(args, "-x", inv.Lang, "-E", "-v", os.DevNull)
}

// PCHProbeArgs returns the arguments of a preprocessor run that loads the
// precompiled header gcc would use for header (a path to the header, whose
// .gch sits beside it) under this call's options and prints every macro
// then defined (-dM) and, with -fpch-preprocess, a "#pragma GCC
// pch_preprocess" line naming the PCH it loaded. The macros a PCH defines
// are invisible to a text scan (its header may be gone) and every .gch
// holds the names of the time macros: this run tells whether a macro the
// source may use expands to __DATE__, __TIME__ or __TIMESTAMP__. It reads
// os.DevNull and writes only to stdout.
func (inv *Invocation) PCHProbeArgs(header string) []string {
	args := inv.filterArgs(func(arg string) bool {
		return strings.HasPrefix(arg, "-include") || strings.HasPrefix(arg, "--include") ||
			strings.HasPrefix(arg, "-imacros") || strings.HasPrefix(arg, "--imacros") || arg == "-H"
	})
	return append(args, "-E", "-dM", "-fpch-preprocess", "-include", header, "-x", inv.Lang, os.DevNull)
}

// PCHWarningArgs returns the arguments of a PCHProbeArgs run without -dM,
// which keeps -Winvalid-pch quiet: its stderr says why gcc refuses the PCH
// for header. It writes only to stdout and stderr.
func (inv *Invocation) PCHWarningArgs(header string) []string {
	args := inv.PCHProbeArgs(header)
	out := make([]string, 0, len(args)+1)
	for _, a := range args {
		if a != "-dM" {
			out = append(out, a)
		}
	}
	return append(out[:len(out)-1], "-Winvalid-pch", os.DevNull)
}

// filterArgs returns Args without the sources, -c and -S, the outputs, the
// dependency and colour options, -x, and the options drop chooses (with
// their values).
func (inv *Invocation) filterArgs(drop func(arg string) bool) []string {
	var out []string
	for i := 0; i < len(inv.Args); i++ {
		arg := inv.Args[i]
		if !isOption(arg) {
			continue // the source (a call with linker inputs is not cached)
		}
		opt, known := lookupOption(arg, inv.Flavor)
		next := known && takesNext(opt, arg)
		if !known {
			if o, ok := lookupSearchOption(arg); ok && (o.form == separate || (o.form == joinedSep && arg == o.name)) {
				next = true
			}
		}
		skip := drop(arg) || (known && (opt.role == roleCompile || opt.role == roleAssemble || opt.role == roleOutput ||
			opt.role == roleLanguage || opt.role == roleDepAll || opt.role == roleDepUser || opt.role == roleDepFile ||
			opt.role == roleDepTarget || opt.role == roleDepPhony || opt.role == roleColor))
		if !skip {
			out = append(out, arg)
			if next && i+1 < len(inv.Args) {
				out = append(out, inv.Args[i+1])
			}
		}
		if next {
			i++
		}
	}
	return out
}

// ParseStdDirs reads the directories of the bracket chain from the stderr
// of a StdDirsArgs run: the lines between "#include <...> search starts
// here:" and "End of search list.", each a directory after one space
// (macOS adds " (framework directory)" to some, which are left out).
func ParseStdDirs(stderr []byte) (dirs []string, ok bool) {
	in := false
	for _, line := range strings.Split(string(stderr), "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.HasPrefix(line, "#include <...> search starts here:"):
			in = true
		case line == "End of search list.":
			return dirs, in
		case in && strings.HasPrefix(line, " "):
			d := strings.TrimPrefix(line, " ")
			if strings.HasSuffix(d, " (framework directory)") {
				continue
			}
			dirs = append(dirs, filepath.Clean(d))
		}
	}
	return nil, false
}
