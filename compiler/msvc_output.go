package compiler

import (
	"runtime"
	"strings"
)

// isOutputOption reports whether an option (written without its / or -)
// that the table does not list is clang-cl's -o or /o, the output file
// (joined or separate): cl deprecates /o, clang-cl 14 takes it for the
// object's name under /c. objcache does not model it, so the call passes
// through. cl's options that start with "o" (/openmp…, /options:…) are
// not it.
func isOutputOption(name string) bool {
	return strings.HasPrefix(name, "o") && !strings.HasPrefix(name, "openmp") && !strings.HasPrefix(name, "options")
}

// outputNameReason returns why an /Fo that clang-cl reads otherwise than
// cl makes the call uncacheable, or "". cl documents /Fo:name (and
// "/Fo: name") for /Foname; clang-cl 14 takes the colon as the first
// character of the name (":name.obj"). On a host where \ separates no
// directories, clang-cl takes "/Foout\" for the file "out\.obj", not
// out\'s t.obj. Those calls pass through rather than guess.
func (p *msvcParser) outputNameReason(name, value string) string {
	if p.inv.Flavor != FlavorClang {
		return ""
	}
	switch {
	case strings.HasPrefix(name, "Fo:"):
		return "output-name"
	case runtime.GOOS != "windows" && strings.HasSuffix(value, `\`):
		return "output-name"
	}
	return ""
}
