package compiler

import "os"

// MissPlan says how to rewrite a cacheable invocation for the run that fills
// the cache.
type MissPlan struct {
	// Output, if not empty, replaces the output path (-o).
	Output string
	// Depfile, if not empty, is where the dependency file goes: it replaces
	// the user's -MF, or comes with an added -MD when the user asked for
	// none.
	Depfile string
	// PinTarget, if not empty, is added as -MQ so that the depfile names the
	// user's output rather than the temporary one.
	PinTarget string
	// Color asks the compiler for coloured diagnostics.
	Color bool
}

// MissArgs returns the arguments for the run that fills the cache.
func (inv *Invocation) MissArgs(p MissPlan) []string {
	args := append([]string(nil), inv.Args...)
	var extra []string
	if p.Output != "" {
		if !replaceValue(args, inv.out, p.Output) {
			extra = append(extra, "-o", p.Output)
		}
	}
	if p.Depfile != "" {
		switch {
		case inv.Depfile == nil:
			extra = append(extra, "-MD", "-MF", p.Depfile)
		case !replaceValue(args, inv.mf, p.Depfile):
			extra = append(extra, "-MF", p.Depfile)
		}
	}
	if p.PinTarget != "" {
		extra = append(extra, "-MQ", p.PinTarget)
	}
	if p.Color {
		if inv.Flavor == FlavorClang {
			extra = append(extra, "-fcolor-diagnostics")
		} else {
			extra = append(extra, "-fdiagnostics-color=always")
		}
	}
	return inv.insertOptions(args, extra)
}

// insertOptions returns args with the options extra added where the
// compiler reads them as options: at the end, or before clang's "--",
// after which every argument is an input.
func (inv *Invocation) insertOptions(args, extra []string) []string {
	if inv.dashDash < 0 || inv.dashDash >= len(args) {
		return append(args, extra...)
	}
	out := make([]string, 0, len(args)+len(extra))
	out = append(out, args[:inv.dashDash]...)
	out = append(out, extra...)
	return append(out, args[inv.dashDash:]...)
}

// replaceValue puts value where ref points in args, reporting whether the
// option was there.
func replaceValue(args []string, ref argRef, value string) bool {
	if ref.at < 0 {
		return false
	}
	args[ref.at] = ref.prefix + value
	return true
}

// UserDepfileArgs returns the arguments of a pass that writes to depfile
// the depfile the command itself writes, byte for byte, and nothing else:
// the command's own arguments (for base dirs, those of the call as the
// user wrote it, whose names the depfile must give), with -E for -c and -S
// (-fsyntax-only where syntaxOnly: a precompiled header is used by a
// compile, not by -E, which reads the header's text instead), every -o
// dropped and the output sent to the null device, before any "--". target, where not
// empty, pins the rule's target (the compile's output as the compiler
// names it) where the command gives none.
func (inv *Invocation) UserDepfileArgs(depfile, target string, syntaxOnly bool) []string {
	mode := "-E"
	if syntaxOnly {
		mode = "-fsyntax-only"
	}
	args := inv.MissArgs(MissPlan{Depfile: depfile, PinTarget: target})
	out := make([]string, 0, len(args)+2)
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			// Every input after "--" stays as it is (MissArgs put its
			// options before it).
			out = append(out, "-o", os.DevNull)
			return append(out, args[i:]...)
		}
		opt, ok := lookupOption(arg, inv.Flavor)
		switch {
		case !isOption(arg) || !ok:
			out = append(out, arg)
		case opt.role == roleOutput:
			// Every -o goes (gcc opens the first under -E: break-it
			// round 14, an empty file left for "-o x.o -o a.o").
			if takesNext(opt, arg) {
				i++
			}
		case opt.role == roleCompile || opt.role == roleAssemble:
			out = append(out, mode)
		default:
			out = append(out, arg)
			if takesNext(opt, arg) && i+1 < len(args) {
				i++
				out = append(out, args[i])
			}
		}
	}
	return append(out, "-o", os.DevNull)
}

// DependencyArgs returns the arguments of a separate preprocessor pass that
// writes a full dependency file (system headers too) to depfile and nothing
// else: for compilers whose object records its command line, where objcache
// adds no flag to the real compile, and for -MMD, whose own depfile leaves
// system headers out.
func (inv *Invocation) DependencyArgs(depfile string) []string {
	var args []string
	end := len(inv.Args)
	if inv.dashDash >= 0 {
		end = inv.dashDash // the inputs after "--" are kept as they are
	}
	for i := 0; i < end; i++ {
		arg := inv.Args[i]
		if !isOption(arg) {
			args = append(args, arg)
			continue
		}
		opt, ok := lookupOption(arg, inv.Flavor)
		drop := ok && (opt.role == roleCompile || opt.role == roleAssemble || opt.role == roleOutput ||
			opt.role == roleDepAll || opt.role == roleDepUser || opt.role == roleDepFile ||
			opt.role == roleDepTarget || opt.role == roleDepPhony || opt.role == roleColor)
		next := ok && takesNext(opt, arg)
		if !drop {
			args = append(args, arg)
			if next && i+1 < len(inv.Args) {
				args = append(args, inv.Args[i+1])
			}
		}
		if next {
			i++
		}
	}
	args = append(args, "-M", "-MF", depfile, "-o", os.DevNull)
	return append(args, inv.Args[end:]...)
}

// SpelledDependencyArgs is DependencyArgs with the include files named as
// the search found them: gcc otherwise names a header of a system
// directory by its real path when that is shorter, and a manifest that
// checks the real file misses a link on the way pointed elsewhere (gcc
// only; clang has no such option and never does it).
//
// The option goes last, after the user's own -fcanonical-system-headers if
// any (break-it round 19): gcc takes the last. (gcc's calls have no "--",
// which DependencyArgs would end with the inputs after.)
func (inv *Invocation) SpelledDependencyArgs(depfile string) []string {
	return append(inv.DependencyArgs(depfile), "-fno-canonical-system-headers")
}

func isOption(arg string) bool { return len(arg) > 1 && arg[0] == '-' }
