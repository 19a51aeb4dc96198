package compiler

// finishKeyInputs fills in what the key needs beyond the text of the
// arguments, once every option is known: whether debug information is on,
// the include directories, the profile files, the native options and the
// time macros the arguments name. It fails the call where one of them
// cannot be known.
func (p *parser) finishKeyInputs() {
	inv := p.inv
	// gcc applies -gtoggle after every other option, once however often
	// it is given: debug on = (the other -g options) XOR (-gtoggle given).
	inv.DebugInfo = (p.debug > 0) != p.toggle || p.asmDebug || p.fwdDebug || assemblerSource[inv.Lang]
	dirs, ok := p.incDirs.resolve()
	if !ok {
		p.fail("unhashable-input")
		return
	}
	inv.IncludeDirs = dirs
	files, byObjectName, ok := p.profile.resolve(inv.Output, p.cwd, inv.Flavor)
	if !ok {
		p.fail("unhashable-input")
		return
	}
	inv.ProfileInputs = files
	if byObjectName {
		inv.Recording = true
	}
	if len(p.native) > 0 {
		inv.NativeArgs = append(append([]string(nil), p.native...), p.target...)
	}
	inv.TimeMacros = ArgTimeMacros(inv.HashArgs)
}

// assemblerSource lists the languages of assembler sources. Their .file
// and .loc directives make GNU as and clang's integrated assembler write
// line tables naming the working directory, whatever -g says, so the
// directory keys their objects as debug information does (unless a
// prefix map or a compilation directory applies).
var assemblerSource = map[string]bool{"assembler": true, "assembler-with-cpp": true}
