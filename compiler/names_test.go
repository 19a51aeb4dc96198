package compiler

import (
	"regexp"
	"testing"
)

// The regular expressions the hand-written matchers replace.
var (
	gccNameRE     = regexp.MustCompile(`^(?:[A-Za-z0-9_.]+-)*?(gcc|g\+\+|cc|c\+\+|clang|clang\+\+)(?:-[0-9][0-9.]*)?(?:-posix|-win32)?$`)
	clangCLNameRE = regexp.MustCompile(`^clang-cl(?:-[0-9][0-9.]*)?$`)
	debugLevelRE  = regexp.MustCompile(`^-g(?:gdb|dwarf|line-tables-only|line-directives-only|full|used|codeview|stabs\+?|xcoff\+?|vms|btf|ctf)?(?:-?[0-9]+)?$`)
)

// words are the pieces names and options are built from in the tests below:
// every sequence of up to three of them, joined by dashes or not, is checked.
var words = []string{"", "gcc", "g++", "cc", "c++", "clang", "clang++", "cl", "x86_64", "w64", "mingw32",
	"linux", "gnu", "12", "14.0.1", "1.", ".5", "posix", "win32", "g", "dwarf", "stabs+", "xcoff",
	"line-tables-only", "gdb", "3", "-", "+", "a b", "ccache"}

func forEachCombination(f func(string)) {
	var rec func(prefix string, depth int)
	rec = func(prefix string, depth int) {
		f(prefix)
		if depth == 3 {
			return
		}
		for _, w := range words {
			rec(prefix+"-"+w, depth+1)
			rec(prefix+w, depth+1)
		}
	}
	for _, w := range words {
		rec(w, 1)
	}
}

func TestNameMatchersAgreeWithRegexps(t *testing.T) {
	n := 0
	forEachCombination(func(s string) {
		n++
		m := gccNameRE.FindStringSubmatch(s)
		driver, ok := gccDriver(s)
		if ok != (m != nil) || ok && driver != m[1] {
			t.Errorf("gccDriver(%q) = %q, %v; regexp says %q", s, driver, ok, m)
		}
		if got, want := isClangCL(s), clangCLNameRE.MatchString(s); got != want {
			t.Errorf("isClangCL(%q) = %v, want %v", s, got, want)
		}
		for _, arg := range []string{s, "-g" + s, "-" + s} {
			if got, want := isDebugLevel(arg), debugLevelRE.MatchString(arg); got != want {
				t.Errorf("isDebugLevel(%q) = %v, want %v", arg, got, want)
			}
		}
	})
	t.Logf("%d strings compared", n)
}
