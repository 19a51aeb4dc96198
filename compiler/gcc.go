package compiler

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/objcache/objcache/rawpath"
)

// languages maps source extensions to the language gcc assumes for them.
// A file with another extension is not a source (gcc hands it to the
// linker).
var languages = map[string]string{
	".c": "c", ".i": "cpp-output",
	".cc": "c++", ".cp": "c++", ".cxx": "c++", ".cpp": "c++", ".CPP": "c++", ".c++": "c++", ".C": "c++",
	".ii": "c++-cpp-output",
	".m":  "objective-c", ".mi": "objective-c-cpp-output",
	".mm": "objective-c++", ".M": "objective-c++", ".mii": "objective-c++-cpp-output",
	".s": "assembler", ".S": "assembler-with-cpp", ".sx": "assembler-with-cpp",
	".h": "c-header", ".hh": "c++-header", ".hpp": "c++-header", ".hxx": "c++-header", ".H": "c++-header", ".h++": "c++-header",
}

// unpreprocessed are the languages the compiler reads without
// preprocessing them: they include nothing.
var unpreprocessed = map[string]bool{
	"cpp-output": true, "c++-cpp-output": true, "objective-c-cpp-output": true,
	"objective-c++-cpp-output": true, "assembler": true,
}

// Parse reads a GCC-family command line (without the compiler itself).
// Response files (@file) are expanded relative to cwd; one that cannot be
// read makes the call uncacheable ("bad-response-file"), it is not an error.
// flavor selects flavor-specific options.
func Parse(flavor Flavor, args []string, cwd string) *Invocation {
	return ParseRebased(flavor, args, cwd, nil)
}

// Rebase rewrites an absolute path under a base dir relative to the working
// directory, reporting whether it did (basedir.Mapper.Rel); nil rewrites
// nothing.
type Rebase func(path string) (string, bool)

// asArgument wraps rel so that a rewritten path means the same on a
// command line: relative, "-a.c" would be an option, "=gen" (or
// "$SYSROOT/gen") a directory under the sysroot (break-it round 17: a
// build that failed, and an object compiled from the sysroot's header).
// Such a path gets "./", in every checkout alike.
func (rel Rebase) asArgument() Rebase {
	if rel == nil {
		return nil
	}
	return func(path string) (string, bool) {
		r, ok := rel(path)
		if ok && (strings.HasPrefix(r, "-") || strings.HasPrefix(r, "=") || strings.HasPrefix(r, "$SYSROOT")) {
			r = "./" + r
		}
		return r, ok
	}
}

// ParseRebased is Parse with base dirs: the paths the preprocessor reads
// (the source, include directories and files, sysroots, extra input files)
// are rewritten by rel both in Args, which the miss runs, and in HashArgs;
// the old half of prefix maps (-fdebug-prefix-map=OLD=NEW, …) and
// -fdebug-compilation-dir only in HashArgs, since the compiler must map the
// paths it really sees.
func ParseRebased(flavor Flavor, args []string, cwd string, rel Rebase) *Invocation {
	inv := &Invocation{Family: GCC, Flavor: flavor, out: argRef{at: -1}, mf: argRef{at: -1}, dashDash: -1}
	expanded, err := expandResponseFiles(args, cwd, flavor)
	if err != nil {
		inv.Args, inv.Reason = args, "bad-response-file"
		return inv
	}
	inv.Args = expanded
	rel = rel.asArgument()
	if rel != nil {
		inv.Args = append([]string(nil), expanded...) // rewritten in place
	}
	p := parser{inv: inv, cwd: cwd, rel: rel}
	p.run()
	return inv
}

// parser holds the state of one Parse.
type parser struct {
	inv  *Invocation
	cwd  string
	rel  Rebase
	lang string // the language -x sets for the inputs that follow

	compile, assemble bool
	sources           []string
	sourceLangs       []string
	depMode           DepMode
	depPath           string
	hasTarget, phony  bool
	depTargets        []string // the -MT and -MQ targets, as the depfile shows them
	depQuoted         []bool   // which of depTargets -MQ gave
	archs             int
	linkerInput       bool // an input that is not a source: the linker's
	reason            string

	// debug is the effect of the last -g option that turns debug
	// information on or off (debugEffect); toggle is -gtoggle's, which gcc
	// applies once, after all other options; asmDebug is set by assembler
	// options that write debug information.
	debug            int
	toggle, asmDebug bool
	incDirs          includeDirs
	profile          profileUse
	native, target   []string

	// fwd holds what the driver hands to other programs (forwarded.go);
	// fwdDebug is set when that turns debug information on.
	fwd      forwarded
	fwdDebug bool
	// auxName is set by -dumpbase, -dumpbase-ext or -dumpdir, which
	// gcc names a depfile after when no -o or -MF says where it goes.
	auxName bool
}

// fail records the first reason the call cannot be cached.
func (p *parser) fail(reason string) {
	if p.reason == "" {
		p.reason = reason
	}
}

func (p *parser) run() {
	inv := p.inv
	args := inv.Args
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "-" {
			p.fail("stdin-source")
			continue
		}
		if inv.dashDash >= 0 || !strings.HasPrefix(arg, "-") {
			p.input(i)
			continue
		}
		if arg == "--" {
			// clang reads every argument after it as an input; gcc
			// rejects it, and then shows its own error uncached.
			if inv.Flavor != FlavorClang {
				p.fail("double-dash")
			}
			inv.dashDash = i
			inv.HashArgs = append(inv.HashArgs, arg)
			continue
		}
		opt, ok := lookupOption(arg, inv.Flavor)
		if !ok {
			if strings.HasPrefix(arg, "--") {
				// Never guess what a long option means.
				p.fail("unknown-long-option")
			}
			p.unknown(arg)
			inv.HashArgs = append(inv.HashArgs, arg)
			continue
		}
		// The option's value, and the arguments it spans.
		value, span := "", []string{arg}
		ref := argRef{at: i, prefix: opt.name}
		switch opt.form {
		case separate:
			if i+1 >= len(args) {
				p.fail("missing-argument")
				continue
			}
			i++
			value, span, ref = args[i], []string{arg, args[i]}, argRef{at: i}
		case joined:
			value = arg[len(opt.name):]
		case joinedNext:
			if i+1 >= len(args) {
				p.fail("missing-argument")
				continue
			}
			i++
			value, span = args[i], []string{arg, args[i]}
		case joinedSep:
			if arg == opt.name {
				if i+1 >= len(args) {
					p.fail("missing-argument")
					continue
				}
				i++
				value, span, ref = args[i], []string{arg, args[i]}, argRef{at: i}
			} else {
				value = arg[len(opt.name):]
			}
		}
		if p.rel != nil {
			value, span = p.rebase(opt, ref, value, span)
		}
		if opt.alias != "" {
			arg = opt.alias + value // --debug=3 is -g3
		}
		hashed := true
		switch opt.role {
		case roleCompile:
			p.compile = true
		case roleAssemble:
			p.assemble = true
		case roleOutput:
			inv.Output, inv.out, hashed = value, ref, false
		case roleLanguage:
			p.lang = value
			if value == "none" {
				p.lang = ""
			}
		case roleDepAll:
			p.depMode = DepAll
		case roleDepUser:
			if p.depMode == "" {
				p.depMode = DepUser
			}
		case roleDepFile:
			p.depPath, inv.mf, hashed = value, ref, false
		case roleDepTarget:
			// Out of the key: a hit writes this call's targets into the
			// depfile (RetargetDepfile).
			p.hasTarget, hashed = true, false
			if opt.name == "-MQ" {
				value = QuoteTarget(value)
			}
			p.depTargets = append(p.depTargets, value)
			p.depQuoted = append(p.depQuoted, opt.name == "-MQ")
		case roleDepPhony:
			p.phony = true
		case roleInputFile:
			p.inputFile(value)
		case roleSpecs:
			p.specsFile(value)
		case roleDebug:
			if e := debugEffect(arg); e != 0 {
				p.debug = e
			}
		case roleDebugToggle:
			p.toggle = true
		case roleAssemblerArg:
			p.fwd.as = append(p.fwd.as, value)
		case rolePreprocessorArg:
			p.fwd.cpp = append(p.fwd.cpp, value)
		case roleCC1Arg:
			p.fwd.cc1 = append(p.fwd.cc1, value)
		case rolePrefixMap, roleDebugPrefixMap:
			inv.PrefixMapped = true
			inv.dirs.debugMaps = append(inv.dirs.debugMaps, value)
		case roleFilePrefixMap:
			inv.PrefixMapped = true
			inv.dirs.debugMaps = append(inv.dirs.debugMaps, value)
			inv.dirs.covMaps = append(inv.dirs.covMaps, value)
		case roleCovPrefixMap:
			inv.dirs.covMaps = append(inv.dirs.covMaps, value)
		case roleDebugCompDir:
			inv.PrefixMapped = true
			inv.dirs.debugCompDir = true
		case roleCovCompDir:
			inv.dirs.covCompDir = true
		case roleFileCompDir:
			inv.PrefixMapped = true
			inv.dirs.debugCompDir, inv.dirs.covCompDir = true, true
		case roleCoverageMap:
			inv.CoverageMapping = true
		case roleNoCoverageMap:
			inv.CoverageMapping = false
		case roleRecord:
			inv.Recording = true
			inv.ProfileNamesSource = inv.ProfileNamesSource || strings.HasPrefix(opt.name, "-fprofile")
		case roleProfileGenerate:
			inv.ProfileNamesSource = true
		case roleNoRecord:
			inv.Recording = false
		case roleColor:
			// Out of HashArgs: the launcher stores coloured diagnostics
			// and keys the choice only where it cannot (ColorArgs).
			inv.Color, hashed = colorChoice(arg), false
			inv.ColorArgs = append(inv.ColorArgs, span...)
		case roleArch:
			p.archs++
		case roleIncludeDir:
			p.incDirs.add(value)
			if opt.name != "-I" && opt.name != "-iquote" && opt.name != "-F" {
				inv.SystemIncludeDirs = append(inv.SystemIncludeDirs, value)
			}
		case roleIncludePrefix:
			p.incDirs.prefix, p.incDirs.hasPrefix = value, true
		case roleWithPrefix:
			if !p.incDirs.addWithPrefix(value, inv.Flavor) {
				p.fail("unhashable-input")
			}
		case roleWithSysroot:
			p.incDirs.withSysroot = append(p.incDirs.withSysroot, value)
		case roleSysroot:
			p.incDirs.sysroots = append(p.incDirs.sysroots, value)
		case roleNative:
			p.native = append(p.native, arg)
		case roleTarget:
			p.target = append(p.target, span...)
		case roleProfileUse, roleProfileInstrUse, roleBranchProb, roleProfileDir, roleAutoProfile, roleProfileFile, roleAuxName:
			p.profile.option(opt.role, value, opt.form != flag)
			inv.ProfileNamesSource = inv.ProfileNamesSource || opt.role != roleProfileDir && opt.role != roleAuxName && opt.name != "-fprofile-remapping-file="
		case roleUncacheable:
			p.fail(opt.reason)
		case roleInputCharset:
			if !asciiCompatible(value) {
				p.fail(reasonInputCharset)
			}
		case roleLLVMOption:
			if reason := LLVMOptionReason(value, p.cwd); reason != "" {
				p.fail(reason)
			}
		}
		if opt.role == roleAuxName {
			p.auxName = true
		}
		if hashed {
			inv.HashArgs = append(inv.HashArgs, span...)
		}
	}
	p.finish()
}

// unknown checks options the table does not list but whose content matters:
// -Wp, and -Wa, hand options to the preprocessor and the assembler, which
// are read at the end (forwarded.go).
func (p *parser) unknown(arg string) {
	switch {
	case strings.HasPrefix(arg, "-Wp,"):
		p.fwd.cpp = append(p.fwd.cpp, strings.Split(arg[4:], ",")...)
	case strings.HasPrefix(arg, "-Wa,"):
		p.fwd.as = append(p.fwd.as, strings.Split(arg[4:], ",")...)
	case strings.HasPrefix(arg, "-fopt-info") && strings.Contains(arg, "="):
		p.fail("extra-output")
	case dumpLetters(arg):
		p.fail("extra-output")
	}
}

// dumpLetters reports whether arg is a -d option (-dLETTERS) that makes
// the compiler write dump files beside the output (-da: all RTL dumps;
// -dM without -E is -fdump-rtl-mach; break-it round 17 lost 27 files).
// Only -dA, -dp and -dP, which annotate the assembly and write nothing
// else, are cached.
func dumpLetters(arg string) bool {
	letters, ok := strings.CutPrefix(arg, "-d")
	if !ok || letters == "" {
		return false
	}
	for _, r := range letters {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false // not a -d option: -d is never followed by more
		}
	}
	return strings.Trim(letters, "ApP") != ""
}

// joinedRebase returns the rewritten form r of a prefix that gcc joins to
// other values as a string (-iprefix with -iwithprefix, the sysroot with
// -I=inc), and whether the joins still name the same files: a trailing "/"
// stays (break-it round 11: "-iprefix /ci/job/" became "..", and gcc
// searched "..inc"); without one the prefix ends inside a name, which
// must survive as the last component ("/x/sr" as "../sr" joins "../srinc",
// but "/ci/job" as ".." would join "..inc", another directory: break-it
// rounds 12 and 13, a header there was compiled in and stored).
func joinedRebase(value, r string) (string, bool) {
	if strings.HasSuffix(value, "/") {
		if r = strings.TrimSuffix(r, "/"); r == "" {
			r = "."
		}
		return r + "/", true
	}
	base := value[strings.LastIndexByte(value, '/')+1:]
	if base == "" || base == "." || base == ".." || !(r == base || strings.HasSuffix(r, "/"+base)) {
		return value, false
	}
	return r, true
}

// rebase rewrites an option's value for base dirs: in Args and the hashed
// span for paths the preprocessor reads, in the hashed span only for prefix
// maps. It returns the value and span to use.
func (p *parser) rebase(opt option, ref argRef, value string, span []string) (string, []string) {
	args := p.inv.Args
	switch {
	case opt.path || opt.role == roleInputFile:
		if r, ok := p.rel(value); ok {
			arg, joinable := r, true
			if opt.role == roleIncludePrefix || opt.role == roleSysroot {
				arg, joinable = joinedRebase(value, r)
			}
			if !joinable {
				return value, span
			}
			if opt.name == "-include" || opt.name == "-imacros" {
				// A relative -include is searched for in the working
				// directory and then along the #include "…" chain, an
				// absolute one nowhere else: the same file only while it
				// is there (break-it round 18: a missing generated header
				// failed gcc alone, and objcache compiled another one).
				if fi, err := os.Stat(value); err != nil || fi.IsDir() {
					p.fail("missing-include-file")
					return value, span
				}
			}
			args[ref.at] = ref.prefix + arg
			span = append([]string(nil), span...)
			span[len(span)-1] = args[ref.at]
			p.inv.Rebased = append(p.inv.Rebased, RebasedPath{Rel: r, Orig: value})
			return arg, span
		}
	case isPrefixMapRole(opt.role):
		// "OLD=NEW", or the directory of -fdebug-compilation-dir.
		old, rest, mapped := strings.Cut(value, "=")
		if r, ok := p.rel(old); ok {
			v := r
			if mapped {
				v += "=" + rest
			}
			span = append([]string(nil), span...)
			if ref.prefix != "" {
				span[len(span)-1] = ref.prefix + v
			} else {
				span[len(span)-1] = v
			}
		}
	}
	return value, span
}

// input takes the non-option argument at index i: a source, or something
// for the linker.
func (p *parser) input(i int) {
	arg := p.inv.Args[i]
	lang := p.lang
	if lang == "" {
		lang = languages[filepath.Ext(arg)]
	}
	if lang == "" {
		p.linkerInput = true
		p.inv.HashArgs = append(p.inv.HashArgs, arg)
		return
	}
	if p.rel != nil {
		if r, ok := p.rel(arg); ok {
			p.inv.Rebased = append(p.inv.Rebased, RebasedPath{Rel: r, Orig: arg})
			p.inv.Args[i], arg = r, r
		}
	}
	p.sources = append(p.sources, arg)
	p.sourceLangs = append(p.sourceLangs, lang)
}

// specsFile records a specs file the driver reads (-specs=FILE). The
// driver looks a relative name up in its startfile prefixes first (its
// own library directories, LIBRARY_PATH's) and in the working directory
// last, and a specs file may %include others: only an absolute name whose
// file includes none is known to be the one read, and hashed (break-it
// round 18: a specs file in LIBRARY_PATH, and an %include'd one, changed
// the object under a hit). Base dirs leave it as written (rebase): made
// relative, it would be searched for.
func (p *parser) specsFile(path string) {
	if !filepath.IsAbs(path) {
		p.fail("specs-search")
		return
	}
	data, err := os.ReadFile(path)
	switch {
	case err != nil:
		p.fail("unhashable-input")
	case strings.Contains(string(data), "%include"):
		p.fail("specs-include")
	case strings.Contains(string(data), "%:"):
		// Spec functions read what no key holds: %:getenv(VAR …),
		// %:if-exists, %:find-file (break-it round 19).
		p.fail("specs-function")
	default:
		p.inputFile(path)
	}
}

// inputFile records a file the compiler reads by option; anything but a
// regular file cannot be hashed.
func (p *parser) inputFile(path string) {
	abs := rawpath.Join(p.cwd, path)
	if fi, err := os.Stat(abs); err != nil || !fi.Mode().IsRegular() {
		p.fail("unhashable-input")
		return
	}
	p.inv.InputFiles = append(p.inv.InputFiles, path)
}

func colorChoice(arg string) string {
	switch arg {
	case "-fdiagnostics-color", "-fcolor-diagnostics":
		return "always"
	case "-fno-diagnostics-color", "-fno-color-diagnostics":
		return "never"
	}
	return strings.TrimPrefix(arg, "-fdiagnostics-color=")
}

// finish decides cacheability and fills in the derived fields.
func (p *parser) finish() {
	inv := p.inv
	p.readForwarded()
	switch {
	case p.reason != "":
	case !p.compile && !p.assemble:
		p.fail("linking")
	case p.linkerInput:
		p.fail("linker-input")
	case len(p.sources) == 0:
		p.fail("no-source")
	case len(p.sources) > 1:
		p.fail("multiple-sources")
	case inv.Output == "-":
		p.fail("output-to-stdout")
	case p.assemble && inv.Output == "" && p.sourceLangs[0] == "assembler-with-cpp":
		// -S of a .S source has no compile step to stop after: gcc and
		// clang write the preprocessed source, and without -o to stdout
		// (difftest seed 18 index 239: clang's went into a stored t.s).
		p.fail("output-to-stdout")
	case p.archs > 1:
		p.fail("multiple-arch")
	case strings.HasSuffix(p.sourceLangs[0], "-header"):
		p.fail("pch")
	}
	if p.reason != "" {
		inv.Reason = p.reason
		return
	}
	inv.Source, inv.Lang = p.sources[0], p.sourceLangs[0]
	inv.Preprocessed = unpreprocessed[inv.Lang]
	explicitOutput := inv.Output != ""
	if inv.Output == "" {
		ext := ".o"
		if p.assemble { // -S stops before -c would
			ext = ".s"
		}
		inv.Output = trimExt(filepath.Base(inv.Source)) + ext
	}
	p.finishKeyInputs()
	if inv.Reason = p.reason; inv.Reason != "" {
		return
	}
	if reason := p.depfileReason(explicitOutput); reason != "" {
		inv.Reason = reason
		return
	}
	if p.depMode != "" && !inv.Preprocessed {
		path := p.depPath
		if path == "" {
			path = trimExt(inv.Output) + ".d"
		}
		// Without -o, gcc and clang name the object as target even
		// under -S (t.o, not t.s), and the depfile after the source's
		// base name, in the working directory.
		target := inv.Output
		if !explicitOutput {
			target = trimExt(filepath.Base(inv.Source)) + ".o"
		}
		inv.Depfile = &Depfile{Mode: p.depMode, Path: path, Target: target, HasTarget: p.hasTarget, Targets: p.depTargets, quoted: p.depQuoted, Phony: p.phony}
	}
}

// trimExt removes the last extension of the file name in p.
func trimExt(p string) string {
	ext := filepath.Ext(p)
	if strings.ContainsAny(ext, `/\`) {
		return p
	}
	return p[:len(p)-len(ext)]
}

// reasonInputCharset counts calls whose sources are in an encoding that
// objcache's scans (time macros, .incbin, #pragma GCC dependency) cannot
// read as ASCII: UTF-16, UTF-32, EBCDIC, ….
const reasonInputCharset = "input-charset"

// asciiCompatible reports whether a -finput-charset= encoding writes ASCII
// text as ASCII bytes, so that a byte scan finds __TIME__ or .incbin in
// it: UTF-8 and the ISO 8859 and Windows single-byte code pages.
func asciiCompatible(charset string) bool {
	c := strings.ToUpper(strings.ReplaceAll(charset, "_", "-"))
	switch c {
	case "UTF-8", "UTF8", "ASCII", "US-ASCII", "ANSI-X3.4-1968", "LATIN1", "LATIN-1":
		return true
	}
	for _, prefix := range []string{"ISO-8859-", "ISO8859-", "ISO-8859", "CP125", "WINDOWS-125", "LATIN"} {
		if strings.HasPrefix(c, prefix) {
			return true
		}
	}
	return false
}

// LLVMOptionReason returns why an LLVM option (-mllvm VALUE) makes a call
// uncacheable, or "". LLVM has hundreds of options and some write files
// (-info-output-file=, -stats-json with -info-output-file,
// -pass-remarks-output=, -dot-cfg; -opt-bisect-limit and -print-after-all only print to stderr, which is stored):
// an option whose name speaks of a file, an output, a dump or remarks is
// taken for one that writes, which objcache does not store. Others read
// files (-dfsan-abilist=, -sanitizer-coverage-allowlist=, …: break-it
// round 18), which no depfile names: an option whose value (or a
// comma-separated part of it) is a path, or names a file in cwd, passes
// through too.
func LLVMOptionReason(value, cwd string) string {
	name, arg, hasArg := strings.Cut(strings.TrimLeft(value, "-"), "=")
	name = strings.ToLower(name)
	for _, w := range []string{"file", "output", "dump", "remarks", "dot"} {
		if strings.Contains(name, w) {
			return "llvm-output-option"
		}
	}
	if hasArg {
		for _, part := range strings.Split(arg, ",") {
			if namesFile(part, cwd) {
				return "llvm-input-option"
			}
		}
	}
	if !strings.HasPrefix(value, "-") && namesFile(value, cwd) {
		// The value of the previous option, given apart: -mllvm
		// -dfsan-abilist -mllvm abi.txt (break-it round 19).
		return "llvm-input-option"
	}
	return ""
}

// namesFile reports whether an option's value may name a file: it has a
// path separator, or a dot and is no number, or something of that name
// is in cwd.
func namesFile(v, cwd string) bool {
	if v == "" {
		return false
	}
	if strings.ContainsAny(v, `/\`) {
		return true
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		return false
	}
	if strings.Contains(v, ".") {
		return true
	}
	_, err := os.Lstat(rawpath.Join(cwd, v))
	return err == nil
}
