package compiler

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/objcache/objcache/rawpath"
)

// MSVCInvocation is one parsed cl.exe or clang-cl command line. Unlike gcc,
// cl compiles several sources in one call; each becomes its own cached
// compile.
type MSVCInvocation struct {
	Flavor Flavor

	// Args are the user's arguments with @response files expanded (CL and
	// _CL_ not applied: the compiler applies them itself).
	Args []string
	// Reason is empty when the call can be cached; otherwise it names why
	// not, as a statistics counter.
	Reason string
	// Sources are the files to compile, in order, with their outputs.
	Sources []MSVCSource
	// HashArgs are the arguments that affect every result: CL's, then the
	// command line's, then _CL_'s, with sources, /Fo and /MP removed.
	HashArgs []string
	// HashEnv lists the variables whose values join the key: INCLUDE,
	// EXTERNAL_INCLUDE and those named by /external:env:, and the ones
	// clang-cl finds the MSVC installation by (VCINSTALLDIR,
	// VCToolsInstallDir), whose headers and version it takes when INCLUDE
	// is not set.
	HashEnv []string
	// IncludeDirs are the directories of /I, /external:I and /imsvc (from
	// CL and _CL_ too), as written: whether each exists joins the key, as
	// for the GCC family (includedirs.go). Those of the variables are
	// added by MSVCEnvIncludeDirs.
	IncludeDirs []string
	// ProfileInputs are the profile files clang-cl reads
	// (-fprofile-instr-use): their content or absence joins the key.
	ProfileInputs []string
	// ShowIncludes is true when the user asked for /showIncludes.
	ShowIncludes bool
	// Parallel is /MP's process count: 0 without /MP (one source at a
	// time, as cl does), -1 for /MP alone (one per processor).
	Parallel int
	// Recording is true under /Z7 (and clang-cl's -g…): the object
	// records its own path, the working directory and the command line.
	Recording bool
	// PCH is how the call uses a precompiled header: "" (none), "create"
	// (/Yc) or "use" (/Yu); PCHHeader is the header named, PCHFile the
	// file cl writes or reads (/Fp's, with ".pch" added when it has no
	// extension; a call without /Fp is not cached).
	PCH, PCHHeader, PCHFile string
	// CL and CLTail are CL's and _CL_'s values with base dirs applied to
	// the paths they name, when that changed them (Rebased: the compiles
	// that run Args must see them in the environment); else "".
	CL, CLTail string
	// EnvRebased is set when base dirs rewrote CL or _CL_.
	EnvRebased bool
	// SourceDependencies is /sourceDependencies' value (a file, or a
	// directory holding one file per source), or "". Each source's file is
	// MSVCSource.SourceDependencies.
	SourceDependencies string

	// skip marks the indexes of Args that belong to one source or to the
	// option objcache replaces (/Fo), for SourceArgs.
	skip map[int]bool
	// langAll marks the indexes of the user's /TC and /TP; dropLangAll is
	// set when SourceArgs leaves them out of a /Tc or /Tp source's command
	// (see DropsLangAll).
	langAll     map[int]bool
	dropLangAll bool
}

// DropsLangAll reports whether source i's command (SourceArgs) leaves out
// the user's /TC and /TP. They never apply to a /Tc or /Tp source, but
// clang-cl warns about one that applies to no source of its call; in a
// call that also has sources they apply to, the source's own command must
// not warn either. Whether they were left out changes what the command
// prints, so it belongs in the source's key.
func (inv *MSVCInvocation) DropsLangAll(i int) bool {
	return inv.dropLangAll && inv.Sources[i].Forced != ""
}

// MSVCSource is one source of an MSVC-family call.
type MSVCSource struct {
	// Path is the source as written; Lang is "c" or "c++".
	Path, Lang string
	// Forced is the /Tc or /Tp that named the source, or "".
	Forced string
	// Output is the object file cl writes for it.
	Output string
	// SourceDependencies is the /sourceDependencies JSON file cl writes
	// for it, or "": the file named, or in the directory named the
	// source's file name with ".json" appended (main.cpp.json).
	SourceDependencies string
}

// msvcLanguages maps the source extensions cl knows to their language.
var msvcLanguages = map[string]string{".c": "c", ".cc": "c++", ".cpp": "c++", ".cxx": "c++", ".c++": "c++", ".cp": "c++"}

// ParseMSVC reads an MSVC-family command line. clEnv and clTailEnv are the
// CL and _CL_ variables (applied before and after the command line, as cl
// does, for hashing and analysis only). cwd resolves relative paths.
func ParseMSVC(flavor Flavor, args []string, clEnv, clTailEnv, cwd string) *MSVCInvocation {
	return ParseMSVCRebased(flavor, args, clEnv, clTailEnv, cwd, nil)
}

// ParseMSVCRebased is ParseMSVC with base dirs: the sources and the
// include directories and files of the command line (/I, /FI,
// /external:I, /imsvc, /Tc, /Tp) are rewritten by rel, in Args, which the
// miss runs, and in HashArgs; the paths CL and _CL_ give to those options
// too, in HashArgs and in CL and CLTail (cl applies the variables itself:
// the miss sets them so).
func ParseMSVCRebased(flavor Flavor, args []string, clEnv, clTailEnv, cwd string, rel Rebase) *MSVCInvocation {
	inv := &MSVCInvocation{Flavor: flavor, skip: map[int]bool{}, langAll: map[int]bool{}}
	expanded, err := expandMSVCResponseFiles(args, cwd, 0)
	if err != nil {
		inv.Args, inv.Reason = args, "bad-response-file"
		return inv
	}
	inv.Args = expanded
	rel = rel.asArgument()
	if rel != nil {
		inv.Args = append([]string(nil), expanded...) // rewritten in place
	}
	// cl reads # as = in CL and _CL_ (= cannot appear in some shells' values).
	head := SplitWindowsArgs(strings.ReplaceAll(clEnv, "#", "="))
	tail := SplitWindowsArgs(strings.ReplaceAll(clTailEnv, "#", "="))
	all := append(append(append([]string{}, head...), expanded...), tail...)
	p := msvcParser{inv: inv, cwd: cwd, rel: rel, offset: len(head), userArgs: len(expanded)}
	p.run(all)
	if p.envRebased {
		inv.EnvRebased = true
		inv.CL = JoinWindowsArgs(all[:len(head)])
		inv.CLTail = JoinWindowsArgs(all[len(head)+len(expanded):])
	}
	return inv
}

type msvcParser struct {
	inv      *MSVCInvocation
	cwd      string
	rel      Rebase
	offset   int // all[i] is Args[i-offset] for offset <= i < offset+userArgs
	userArgs int

	compile bool
	langAll string
	// langAllEnv is set when CL or _CL_ holds /TC or /TP.
	langAllEnv bool
	output     string
	reason     string
	// depsDir is set when /sourceDependencies names a directory.
	depsDir bool
	// envRebased is set when base dirs rewrote a path of CL or _CL_.
	envRebased bool
	// cc1 holds the values of -Xclang, read together at the end (a value
	// may take the next one).
	cc1 []string
}

func (p *msvcParser) fail(reason string) {
	if p.reason == "" {
		p.reason = reason
	}
}

// skip marks all[i] as an argument objcache removes from a per-source
// command line, if it is one of the user's (not CL's or _CL_'s).
func (p *msvcParser) skip(i int) {
	if p.isUserArg(i) {
		p.inv.skip[i-p.offset] = true
	}
}

// isUserArg reports whether all[i] is one of the command line's arguments,
// not CL's or _CL_'s.
func (p *msvcParser) isUserArg(i int) bool {
	j := i - p.offset
	return j >= 0 && j < p.userArgs
}

func (p *msvcParser) run(all []string) {
	inv := p.inv
	inv.HashEnv = []string{"INCLUDE", "EXTERNAL_INCLUDE", "VCINSTALLDIR", "VCToolsInstallDir"}
	for i := 0; i < len(all); i++ {
		arg := all[i]
		if len(arg) < 2 || (arg[0] != '/' && arg[0] != '-') {
			p.input(p.rebaseInput(all, i, arg), "", i)
			continue
		}
		name := arg[1:]
		opt, ok := lookupMSVC(name)
		if !ok && isOutputOption(name) {
			p.fail("output-option")
			continue
		}
		if !ok && p.isSourceFile(arg) {
			// clang-cl reads an argument that matches no option as a
			// file: an absolute Unix path ("/src/a.c").
			p.input(p.rebaseInput(all, i, arg), "", i)
			continue
		}
		if !ok {
			inv.HashArgs = append(inv.HashArgs, "/"+name)
			continue
		}
		value, span, start := "", []string{"/" + name}, i
		switch opt.form {
		case joined:
			value = strings.TrimPrefix(name[len(opt.name):], ":")
			if strings.HasSuffix(name, ":") && value == "" && i+1 < len(all) {
				// The colon form takes its value from the next argument too.
				i++
				value, span = all[i], append(span, all[i])
			}
		case joinedSep, separate:
			if name == opt.name {
				if i+1 >= len(all) {
					p.fail("missing-argument")
					continue
				}
				i++
				value, span = all[i], append(span, all[i])
			} else {
				value = strings.TrimPrefix(name[len(opt.name):], ":")
			}
		}
		if opt.path && p.rel != nil {
			value = p.rebase(all, i, all[i], value)
			span[len(span)-1] = all[i]
			if len(span) == 1 {
				span[0] = "/" + all[i][1:]
			}
		}
		hashed := true
		switch opt.role {
		case msvcCompile:
			p.compile = true
		case msvcOutput:
			p.output, hashed = value, false
			p.skipRange(start, i)
			if reason := p.outputNameReason(name, value); reason != "" {
				p.fail(reason)
			}
		case msvcLangAll:
			p.langAll = map[string]string{"TC": "c", "TP": "c++"}[opt.name]
			if p.isUserArg(i) {
				inv.langAll[i-p.offset] = true
			} else {
				p.langAllEnv = true
			}
		case msvcLangOne:
			hashed = false
			p.skipRange(start, i)
			p.input(value, opt.name, i)
		case msvcShowIncludes:
			inv.ShowIncludes = true
		case msvcParallel:
			// Kept in each source's command: with one source cl ignores
			// it, and clang-cl warns about it as it would alone; that
			// warning names its spelling, so under clang-cl it is keyed.
			hashed = p.inv.Flavor == FlavorClang
			inv.Parallel = -1
			if n, ok := parsePositive(value); ok {
				inv.Parallel = n
			}
		case msvcDebug7:
			inv.Recording = true
		case msvcPDB:
			switch {
			case p.inv.Flavor != FlavorClang:
				p.fail("pdb")
			case opt.name == "Zi":
				inv.Recording = true // CodeView in the object, as /Z7 writes it
			}
		case msvcPCHCreate, msvcPCHUse:
			if inv.PCH != "" {
				p.fail("pch") // both, or twice
			}
			inv.PCH, inv.PCHHeader = map[msvcRole]string{msvcPCHCreate: "create", msvcPCHUse: "use"}[opt.role], strings.Trim(value, `"`)
			if inv.PCHHeader == "" {
				p.fail("pch-hdrstop") // up to #pragma hdrstop: not modelled
			}
		case msvcPCHFile:
			inv.PCHFile = value
		case msvcSourceDeps:
			// The file is stored with the object. A directory (it must
			// exist, else cl takes the name for a file) gets one file per
			// source; "-" is stdout, which would print one checkout's
			// absolute paths in another.
			inv.SourceDependencies, hashed = value, false
			switch {
			case value == "-":
				p.fail("source-dependencies-stdout")
			case isDir(p.cwd, value):
				p.depsDir = true
			case isDirName(value):
				p.fail("source-dependencies-directory")
			}
		case msvcExternalEnv:
			inv.HashEnv = append(inv.HashEnv, value)
		case msvcIncludeDir:
			inv.IncludeDirs = append(inv.IncludeDirs, value)
		case msvcProfile:
			if opt.form == flag {
				value = "default.profdata"
			}
			inv.ProfileInputs = append(inv.ProfileInputs, value)
		case msvcClangOption:
			if reason := clangOptionReason(value); reason != "" {
				p.fail(reason)
			}
		case msvcCC1Arg:
			p.cc1 = append(p.cc1, value)
		case msvcLLVMOption:
			if reason := LLVMOptionReason(value, p.cwd); reason != "" {
				p.fail(reason)
			}
		case msvcForceInclude:
			if pchBeside(p.cwd, value) {
				p.fail("pch")
			}
		case msvcLink:
			p.fail("linking")
			i = len(all)
		case msvcUncacheable:
			p.fail(opt.reason)
		}
		if hashed {
			inv.HashArgs = append(inv.HashArgs, span...)
		}
	}
	p.finish()
}

// isSourceFile reports whether arg, which matches no option, is an
// existing file with a source extension, which clang-cl takes as an input.
func (p *msvcParser) isSourceFile(arg string) bool {
	if arg[0] != '/' || msvcLanguages[strings.ToLower(filepath.Ext(arg))] == "" {
		return false
	}
	fi, err := os.Stat(arg)
	return err == nil && fi.Mode().IsRegular()
}

// rebase rewrites value, the path that ends all[i], by p.rel when all[i]
// is one of the user's arguments (CL and _CL_ are left alone), in all and
// in Args, and returns the value to use.
func (p *msvcParser) rebase(all []string, i int, arg, value string) string {
	if p.rel == nil || !strings.HasSuffix(arg, value) {
		return value
	}
	r, ok := p.rel(value)
	if !ok {
		return value
	}
	all[i] = arg[:len(arg)-len(value)] + r
	if p.isUserArg(i) {
		p.inv.Args[i-p.offset] = all[i]
	} else {
		p.envRebased = true
	}
	return r
}

// rebaseInput is rebase for a source: one of the user's arguments only (a
// source in CL or _CL_ makes the call pass through: input).
func (p *msvcParser) rebaseInput(all []string, i int, arg string) string {
	if !p.isUserArg(i) {
		return arg
	}
	return p.rebase(all, i, arg, arg)
}

// skipRange marks all[from] … all[to] as removed.
func (p *msvcParser) skipRange(from, to int) {
	for i := from; i <= to; i++ {
		p.skip(i)
	}
}

// input takes a source (or, by its extension, a linker input). forced is
// "Tc" or "Tp" when named by those options; i is its index in all (for a
// /Tc or /Tp value, whose span is skipped already, the value's).
func (p *msvcParser) input(path, forced string, i int) {
	p.skip(i)
	if !p.isUserArg(i) {
		// Each source is compiled by a command of its own, with CL and
		// _CL_ set: a source they name would be compiled in every one
		// (clang-cl then refuses /Fo with several sources; break-it
		// round 23).
		p.fail("source-in-cl-env")
		return
	}
	lang := msvcLanguages[strings.ToLower(extOf(path))]
	switch {
	case forced == "Tc":
		lang = "c"
	case forced == "Tp":
		lang = "c++"
	case lang != "" && p.langAll != "":
		lang = p.langAll
	}
	if lang == "" {
		p.fail("linker-input")
		return
	}
	p.inv.Sources = append(p.inv.Sources, MSVCSource{Path: path, Lang: lang, Forced: forced})
}

// finish decides cacheability and names each source's object.
func (p *msvcParser) finish() {
	inv := p.inv
	if reason := CC1OptionsReason(p.cc1); reason != "" {
		p.fail(reason)
	}
	// /TC and /TP apply to sources named before them too.
	forced, unforced := false, false
	for i := range inv.Sources {
		s := &inv.Sources[i]
		if s.Forced == "" && p.langAll != "" {
			s.Lang = p.langAll
		}
		forced, unforced = forced || s.Forced != "", unforced || s.Forced == ""
	}
	if p.langAll != "" && forced && unforced {
		// /TC or /TP applies to some sources only (DropsLangAll). From CL
		// or _CL_ it cannot be left out of one source's command.
		if p.langAllEnv {
			p.fail("lang-all-in-env")
		}
		inv.dropLangAll = true
	}
	dir, file := "", ""
	if p.output != "" {
		if isDirName(p.output) || (p.inv.Flavor != FlavorClang && isDir(p.cwd, p.output)) {
			dir = p.output
		} else {
			file = p.output
			if extOf(file) == "" {
				file += ".obj"
			}
		}
	}
	switch {
	case p.reason != "":
	case !p.compile:
		p.fail("linking")
	case len(inv.Sources) == 0:
		p.fail("no-source")
	case file != "" && len(inv.Sources) > 1:
		p.fail("multiple-sources-one-output")
	case inv.SourceDependencies != "" && !p.depsDir && len(inv.Sources) > 1:
		p.fail("multiple-sources-one-output")
	}
	switch {
	case inv.PCH == "" && inv.PCHFile != "":
		// /Fp alone names a file nothing writes.
	case inv.PCH == "":
	case isDirName(inv.PCHFile) || inv.PCHFile != "" && isDir(p.cwd, inv.PCHFile):
		p.fail("pch-directory")
	case inv.PCH == "create" && len(inv.Sources) > 1:
		p.fail("pch-multiple-sources")
	case inv.PCHFile == "":
		// Where the compiler puts the PCH then differs (clang-cl beside
		// the header; break-it round 10), and a /Yu keyed by another
		// file's PCH would miss an edit. CMake, MSBuild and Visual Studio
		// always pass /Fp.
		p.fail("pch-no-fp")
	case extOf(inv.PCHFile) == "":
		inv.PCHFile += ".pch" // as the compilers add it
	}
	if inv.PCH != "" {
		// PCH caching (launcher/msvc_pch.go) is off until a /Yu that hit
		// beside a PCH made without objcache (CI, TestClangCLPrecompiled-
		// Headers) is understood: such calls pass through.
		p.fail("pch")
	}
	inv.Reason = p.reason
	if inv.Reason != "" {
		return
	}
	for i := range inv.Sources {
		s := &inv.Sources[i]
		switch {
		case file != "":
			s.Output = file
		default:
			s.Output = joinWindows(dir, trimExtAny(baseName(s.Path))+".obj")
		}
		switch {
		case p.depsDir:
			s.SourceDependencies = joinWindows(inv.SourceDependencies, baseName(s.Path)+".json")
		default:
			s.SourceDependencies = inv.SourceDependencies
		}
	}
}

// SourceArgs returns the command line that compiles source i alone: the
// user's arguments without the other sources and /Fo, then the source
// (with its /Tc or /Tp), /Fo naming output, and extra options.
func (inv *MSVCInvocation) SourceArgs(i int, output string, extra ...string) []string {
	var args []string
	drop := inv.DropsLangAll(i)
	for j, a := range inv.Args {
		if !inv.skip[j] && !(drop && inv.langAll[j]) {
			args = append(args, a)
		}
	}
	args = append(args, extra...)
	s := inv.Sources[i]
	if s.Forced != "" {
		args = append(args, "/"+s.Forced+s.Path)
	} else {
		args = append(args, s.Path)
	}
	return append(args, "/Fo"+output)
}

func parsePositive(s string) (int, bool) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 1<<20 {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, s != "" && n > 0
}

// Windows paths: either slash separates, and names compare without case.

func baseName(p string) string { return p[strings.LastIndexAny(p, `/\`)+1:] }

func extOf(p string) string {
	b := baseName(p)
	if i := strings.LastIndexByte(b, '.'); i >= 0 {
		return b[i:]
	}
	return ""
}

func trimExtAny(b string) string { return strings.TrimSuffix(b, extOf(b)) }

func isDirName(p string) bool { return strings.HasSuffix(p, `\`) || strings.HasSuffix(p, "/") }

// joinWindows joins a directory cl names and a file name in it.
func joinWindows(dir, name string) string {
	if dir == "" {
		return name
	}
	if isDirName(dir) {
		return dir + name
	}
	return dir + string(os.PathSeparator) + name // "\" on Windows, where cl runs
}

// pchBeside reports whether a precompiled header sits beside the header
// that /FI names: clang's driver then loads x.h.pch (or x.h.gch, a file
// or a directory) in place of x.h, as -include-pch, and no /showIncludes
// line names it. Such a call passes through. cl does not do this, but
// which of the two a cl.exe is the parser cannot always know, and a pass
// through costs only time.
func pchBeside(cwd, header string) bool {
	for _, ext := range []string{".pch", ".gch"} {
		p := header + ext
		if !filepath.IsAbs(p) {
			p = filepath.Join(cwd, p)
		}
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}

func isDir(cwd, p string) bool {
	fi, err := os.Stat(rawpath.Join(cwd, p))
	return err == nil && fi.IsDir()
}

// expandMSVCResponseFiles expands @files as cl does: UTF-8 or UTF-16 (with a
// BOM), split with the C runtime's rules, nested; a missing one is an error.
func expandMSVCResponseFiles(args []string, cwd string, depth int) ([]string, error) {
	return expand(args, cwd, depth, func(data []byte) []string { return SplitWindowsArgs(decodeText(data)) }, false)
}

// IncludeEnv returns the variables of HashEnv that list include
// directories: INCLUDE, EXTERNAL_INCLUDE and those of /external:env:.
func (inv *MSVCInvocation) IncludeEnv() []string {
	var names []string
	for _, n := range inv.HashEnv {
		if n != "VCINSTALLDIR" && n != "VCToolsInstallDir" {
			names = append(names, n)
		}
	}
	return names
}

// clangOptionReason returns why an option that clang-cl's /clang: passes
// to clang makes the call uncacheable, or "" when it is hashed as any
// other: an option clang's table gives a meaning (an output, a depfile, an
// include directory, debug information, a profile, a native CPU, …) is
// one the MSVC side does not model, so the call passes through.
func clangOptionReason(arg string) string {
	if !strings.HasPrefix(arg, "-") {
		return "clang-option" // an input
	}
	opt, ok := lookupOption(arg, FlavorClang)
	switch {
	case !ok && strings.HasPrefix(arg, "--"):
		return "clang-option"
	case !ok:
		// -Wp, and -Wa, hand options to the preprocessor and the
		// assembler: read as clang reads them.
		p := parser{inv: &Invocation{Flavor: FlavorClang}}
		p.unknown(arg)
		p.readForwarded()
		if p.reason == "" && p.modelsForwarded() {
			return "clang-option"
		}
		return p.reason
	case opt.role == roleHashed:
		return ""
	case opt.role == roleUncacheable:
		return opt.reason
	}
	return "clang-option"
}
