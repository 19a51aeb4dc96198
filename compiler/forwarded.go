package compiler

import "strings"

// Options the driver hands to another program unread: -Wp,a,b and
// -Xpreprocessor a to the preprocessor (cc1 for gcc, clang's cc1), -Xclang
// a to clang's cc1, -Wa,a,b and -Xassembler a to the assembler. What they
// say is what the compiler does, so they are read as that program reads
// them: an include directory joins the key's directory list, a file read
// joins the key's inputs, debug information keys the directory, and
// anything objcache does not model (an output, a response file the program
// expands itself, an option that changes what is compiled) passes the
// call through. The driver keeps their order, and a value may come in the
// argument after its option ("-Xclang -include-pch -Xclang p.pch"), so
// each program's arguments are collected in order and read at the end.

// forwarded holds the arguments the driver hands on, per program.
type forwarded struct {
	cpp, cc1, as []string
}

// Reasons of forwarded arguments that pass the call through.
const (
	// reasonForwardedResponse is an @file that the preprocessor, cc1 or
	// the assembler expands itself: its content is none of the driver's
	// arguments.
	reasonForwardedResponse = "forwarded-response-file"
	// reasonForwardedOption is an option handed to the preprocessor that
	// changes what objcache models (an output, the language, a profile…).
	reasonForwardedOption = "forwarded-option"
	// reasonXclangOption is a -Xclang option not known to be harmless.
	reasonXclangOption = "xclang-option"
)

// readForwarded reads what the driver hands on, once every option is
// known.
func (p *parser) readForwarded() {
	p.readPreprocessorArgs(p.fwd.cpp)
	p.readCC1Args(p.fwd.cc1)
	p.readAssemblerArgs(p.fwd.as)
}

// readPreprocessorArgs reads the options of -Wp, and -Xpreprocessor, whose
// spellings are the driver's (gcc's cc1 and clang's cc1 take -I, -D,
// -isystem, … as the driver does).
func (p *parser) readPreprocessorArgs(args []string) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case strings.HasPrefix(arg, "@"):
			p.fail(reasonForwardedResponse)
			continue
		case !isOption(arg):
			p.fail(reasonForwardedOption) // another input
			continue
		}
		opt, ok := lookupOption(arg, p.inv.Flavor)
		if !ok {
			// Not a driver option: one of cc1's own, which may read or
			// write files or record paths (-fprofile-instrument-use-path=,
			// -stats-file=, -debug-info-kind=); -MD,file is a depfile.
			if strings.HasPrefix(arg, "-M") {
				p.fail("extra-output")
			} else {
				p.fail(reasonForwardedOption)
			}
			continue
		}
		value := ""
		switch {
		case takesNext(opt, arg):
			if i+1 >= len(args) {
				p.fail("missing-argument")
				return
			}
			i++
			value = args[i]
		case opt.form == joined || opt.form == joinedSep:
			value = arg[len(opt.name):]
		}
		p.forwardedRole(opt, arg, value)
	}
}

// forwardedRole applies what an option handed to cc1 means, for the roles
// objcache models there; any other role passes the call through.
func (p *parser) forwardedRole(opt option, arg, value string) {
	switch opt.role {
	case roleHashed:
	case roleIncludeDir:
		p.incDirs.add(value)
	case roleIncludePrefix:
		p.incDirs.prefix, p.incDirs.hasPrefix = value, true
	case roleWithPrefix:
		if !p.incDirs.addWithPrefix(value, p.inv.Flavor) {
			p.fail("unhashable-input")
		}
	case roleWithSysroot:
		p.incDirs.withSysroot = append(p.incDirs.withSysroot, value)
	case roleSysroot:
		p.incDirs.sysroots = append(p.incDirs.sysroots, value)
	case roleInputFile:
		p.inputFile(value)
	case roleDebug:
		if debugEffect(arg) > 0 {
			p.fwdDebug = true
		}
	case roleUncacheable:
		p.fail(opt.reason)
	case roleLLVMOption:
		if reason := LLVMOptionReason(value, p.cwd); reason != "" {
			p.fail(reason)
		}
	case roleDepAll, roleDepUser, roleDepFile, roleDepTarget, roleDepPhony:
		p.fail("extra-output")
	default:
		p.fail(reasonForwardedOption)
	}
}

// cc1Option is a clang cc1 option that -Xclang may hand on. Only these
// are cacheable: cc1 has hundreds of options, many of which write files
// (-dependency-file, -header-include-file, -stats-file=, -o), read them
// (-fmodule-file=, -fprofile-instrument-use-path=), record paths
// (-main-file-name, -object-file-name=) or change the action (-emit-pch,
// -ast-dump), and a list of those would miss the next one. The list holds
// what CMake and common build setups pass (CMake's PCH support uses
// -include-pch, -include and -fno-pch-timestamp; Ninja users add
// -fcolor-diagnostics), with what each means to the key.
type cc1Option struct {
	name string
	form form
	// role is what objcache models of it (roleHashed: nothing).
	role role
}

// cc1Options lists the cc1 options accepted through -Xclang.
var cc1Options = []cc1Option{
	{"-include", separate, roleHashed}, // read by cc1 and named in its depfile
	{"-include-pch", separate, roleInputFile},
	{"-fno-pch-timestamp", flag, roleHashed},
	{"-fno-validate-pch", flag, roleHashed},
	{"-fcolor-diagnostics", flag, roleColor},
	{"-emit-llvm-uselists", flag, roleHashed},
	{"-disable-O0-optnone", flag, roleHashed},
	{"-disable-llvm-passes", flag, roleHashed},
	{"-disable-llvm-optzns", flag, roleHashed},
	{"-disable-llvm-verifier", flag, roleHashed},
	{"-fforce-emit-vtables", flag, roleHashed},
	{"-femit-all-decls", flag, roleHashed},
	{"-mconstructor-aliases", flag, roleHashed},
	{"-vectorize-loops", flag, roleHashed},
	{"-vectorize-slp", flag, roleHashed},
	{"-D", joinedSep, roleHashed},
	{"-U", joinedSep, roleHashed},
	{"-W", joined, roleHashed},
	{"-O", joined, roleHashed},
	{"-std=", joined, roleHashed},
	{"-target-feature", separate, roleHashed},
	{"-target-cpu", separate, roleHashed},
	{"-tune-cpu", separate, roleHashed},
	{"-mllvm", separate, roleLLVMOption},
	{"-add-plugin", separate, roleHashed},
	{"-load", separate, roleInputFile}, // a plugin: its code changes the result
	{"-I", joinedSep, roleIncludeDir},
	{"-isystem", joinedSep, roleIncludeDir},
	{"-iquote", joinedSep, roleIncludeDir},
	{"-idirafter", joinedSep, roleIncludeDir},
	{"-internal-isystem", separate, roleIncludeDir},
	{"-internal-externc-isystem", separate, roleIncludeDir},
	{"-debug-info-kind=", joined, roleDebug},
	{"-dwarf-version=", joined, roleHashed},
	{"-fdebug-compilation-dir", separate, roleDebugCompDir},
	{"-fdebug-compilation-dir=", joined, roleDebugCompDir},
	{"-fdebug-prefix-map=", joined, roleDebugPrefixMap},
}

// lookupCC1 finds the longest cc1Options entry matching arg.
func lookupCC1(arg string) (cc1Option, bool) {
	var best cc1Option
	found := false
	for _, o := range cc1Options {
		var match bool
		switch o.form {
		case flag, separate:
			match = arg == o.name
		default:
			match = strings.HasPrefix(arg, o.name)
		}
		if match && len(o.name) > len(best.name) {
			best, found = o, true
		}
	}
	return best, found
}

// readCC1Args reads the options of -Xclang against cc1Options.
func (p *parser) readCC1Args(args []string) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if strings.HasPrefix(arg, "@") {
			p.fail(reasonForwardedResponse)
			continue
		}
		opt, ok := lookupCC1(arg)
		if !ok {
			p.fail(reasonXclangOption)
			continue
		}
		value := ""
		switch {
		case opt.form == separate || (opt.form == joinedSep && arg == opt.name):
			if i+1 >= len(args) {
				p.fail("missing-argument")
				return
			}
			i++
			value = args[i]
		case opt.form != flag:
			value = arg[len(opt.name):]
		}
		switch opt.role {
		case roleColor:
			p.inv.Color = colorChoice(arg)
		case roleDebug:
			if value != "none" {
				p.fwdDebug = true
			}
		case roleDebugCompDir:
			p.inv.PrefixMapped = true
			p.inv.dirs.debugCompDir = true
		case roleDebugPrefixMap:
			p.inv.PrefixMapped = true
			p.inv.dirs.debugMaps = append(p.inv.dirs.debugMaps, value)
		default:
			p.forwardedRole(option{name: opt.name, form: opt.form, role: opt.role}, arg, value)
		}
	}
}

// asValueOptions are the GNU as options whose value is the next argument
// (as(1)); -I also takes it joined.
var asValueOptions = map[string]bool{"--defsym": true, "-I": true, "--debug-prefix-map": true}

// readAssemblerArgs reads the options of -Wa, and -Xassembler: GNU as or
// clang's integrated assembler. A listing (-a…), a dependency file (--MD, -MD)
// or another output (-o) is an output objcache does not store; a response
// file is one the assembler expands itself (the driver expands an @file
// after -Xassembler, never one inside -Wa,); an argument that is no option
// is another file to assemble; debug options embed the working
// directory. GNU as reads its long options with getopt_long_only, so -MD
// is --MD.
func (p *parser) readAssemblerArgs(args []string) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case strings.HasPrefix(arg, "@"):
			p.fail(reasonForwardedResponse)
		case strings.HasPrefix(arg, "-a"), strings.HasPrefix(arg, "-M"), strings.HasPrefix(arg, "--M"), strings.HasPrefix(arg, "-o"):
			p.fail("extra-output")
		case !isOption(arg):
			p.fail(reasonForwardedOption)
		case asValueOptions[arg]:
			i++
		case asmDebugOption(arg):
			p.asmDebug = true
		}
	}
}

// modelsForwarded reports whether the forwarded arguments read so far
// asked for something the key models (an include directory, an input
// file, debug information, a colour, a compilation directory or prefix
// map): the MSVC side models none of it for clang's options, and passes
// such a call through.
func (p *parser) modelsForwarded() bool {
	inv := p.inv
	return len(p.incDirs.entries) > 0 || len(p.incDirs.sysroots) > 0 || len(p.incDirs.withSysroot) > 0 ||
		len(inv.InputFiles) > 0 || p.asmDebug || p.fwdDebug || inv.Color != "" || inv.PrefixMapped
}

// CC1OptionsReason returns why the options clang-cl's -Xclang hands to
// cc1 make the call uncacheable, or "": an option of cc1Options that only
// joins the key as written is cacheable, anything else passes through.
func CC1OptionsReason(args []string) string {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if strings.HasPrefix(arg, "@") {
			return reasonForwardedResponse
		}
		opt, ok := lookupCC1(arg)
		switch {
		case !ok:
			return reasonXclangOption
		case opt.role != roleHashed:
			return "clang-option"
		case opt.form == separate || (opt.form == joinedSep && arg == opt.name):
			i++
		}
	}
	return ""
}
