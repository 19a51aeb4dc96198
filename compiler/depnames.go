package compiler

// depfileReason returns why the dependency options make the call
// uncacheable, or "": a depfile written to stdout (-MF -), one gcc names
// after -dumpbase or -dumpdir (-MD with neither -o nor -MF: "-dumpbase
// foo" writes foo.d, "-dumpbase foo.c" foo.c.d, "-dumpdir pre/"
// pre/t.d), clang's -MF, -MT or -MQ without -MD or -MMD, which clang
// ignores with a warning that objcache's own -MD would silence, and gcc's
// -MF, -MT, -MQ or -MP without -M, -MM, -MD or -MMD, which gcc rejects
// ("to generate dependencies you must specify either -M or -MM") and
// objcache's own -MD would make valid.
func (p *parser) depfileReason(explicitOutput bool) string {
	switch {
	case p.depPath == "-":
		return "depfile-to-stdout"
	case p.depMode != "" && p.depPath == "" && !explicitOutput && p.auxName:
		return "depfile-name"
	case p.depMode == "" && p.inv.Flavor == FlavorClang && (p.depPath != "" || p.hasTarget):
		return "unused-dependency-option"
	case p.depMode == "" && p.inv.Flavor == FlavorGCC && (p.depPath != "" || p.hasTarget || p.phony):
		return "dependency-option-without-md"
	}
	return ""
}
