package compiler

// depfileReason returns why the dependency options make the call
// uncacheable, or "": a depfile written to stdout (-MF -), one gcc names
// after -dumpbase or -dumpdir (-MD with neither -o nor -MF: "-dumpbase
// foo" writes foo.d, "-dumpbase foo.c" foo.c.d, "-dumpdir pre/"
// pre/t.d), and clang's -MF, -MT or -MQ without -MD or -MMD, which clang
// ignores with a warning that objcache's own -MD would silence.
func (p *parser) depfileReason(explicitOutput bool) string {
	switch {
	case p.depPath == "-":
		return "depfile-to-stdout"
	case p.depMode != "" && p.depPath == "" && !explicitOutput && p.auxName:
		return "depfile-name"
	case p.depMode == "" && p.inv.Flavor == FlavorClang && (p.depPath != "" || p.hasTarget):
		return "unused-dependency-option"
	}
	return ""
}
