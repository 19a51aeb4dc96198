package launcher

import (
	"bytes"
	"regexp"
)

// clang-cl's driver reports what it makes of the command line once per
// call ("clang: warning: argument unused during compilation: '/MP2'"),
// before its sources' diagnostics; objcache compiles each source by its
// own driver run, so every unit reports those lines. They are kept where
// the first unit printed them and dropped from the units after it, which
// print them the same (same arguments), on a miss and on a hit alike.

// driverLine matches a diagnostic of the driver itself: a program name,
// not a source location ("x.c(2,10): …"), then the severity; colour
// sequences may come first.
var driverLine = regexp.MustCompile(`^(\x1b\[[0-9;]*m)*[A-Za-z0-9_.+-]+: (\x1b\[[0-9;]*m)*(warning|error|note|remark): `)

// dropRepeatedDriverLines removes from the stderr of every result after
// the first the driver lines that the first one printed.
func dropRepeatedDriverLines(results []*result) {
	if len(results) < 2 {
		return
	}
	first := map[string]bool{}
	for _, line := range bytes.SplitAfter(results[0].stderr, []byte("\n")) {
		if driverLine.Match(line) {
			first[string(line)] = true
		}
	}
	if len(first) == 0 {
		return
	}
	for _, r := range results[1:] {
		var kept []byte
		for _, line := range bytes.SplitAfter(r.stderr, []byte("\n")) {
			if !first[string(line)] {
				kept = append(kept, line...)
			}
		}
		r.stderr = kept
	}
}
