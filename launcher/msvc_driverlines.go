package launcher

import (
	"bytes"
	"regexp"
	"sync"
)

// clang-cl's driver reports what it makes of the command line before any
// source is compiled: some lines once per call ("argument unused during
// compilation: '/MP2'"), some once per source ("ignoring invalid /arch:
// argument", a /std: option the source's language does not use), all of
// them first, also for sources after one that fails (the driver builds
// every job before it runs the first). objcache compiles each source by
// its own driver run, so each unit prints its own lines, which cannot be
// told apart. Where a call of several sources has any, the driver is asked
// for them once more, for the whole call and without compiling (-###), and
// its lines replace the units': on a miss and on a hit alike, at the cost
// of one driver run.

// driverLine matches a diagnostic of the driver itself: a program name,
// not a source location ("x.c(2,10): …"), then the severity; colour
// sequences may come first. It is compiled on first use, so that a call
// that never looks (every gcc call) does not pay for it at start-up.
var driverLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\x1b\[[0-9;]*m)*[A-Za-z0-9_.+-]+: (\x1b\[[0-9;]*m)*(warning|error|note|remark): `)
})

// mergeDriverLines gives a clang-cl call of several sources the driver
// lines the whole call prints, in place of the units' own: first, before
// the first unit's output. ok is false when the driver could not be asked
// (the call must then run as given).
func (inv *invocation) mergeDriverLines(results []*result) (ok bool) {
	some := false
	for _, r := range results {
		some = some || len(driverLines(r.stderr)) > 0
	}
	if !some {
		return true
	}
	res, err := inv.runCaptured(append([]string{"-###"}, inv.args...))
	if err != nil {
		inv.log.printf("driver lines of the whole call: %v", err)
		return false
	}
	whole := driverLines(res.stderr)
	printed := map[string]bool{}
	for _, line := range whole {
		printed[string(line)] = true
	}
	for _, r := range results {
		// Only the lines the driver prints before it compiles go: one
		// it prints after a compile ("unable to remove file", when the
		// compile failed) is the unit's own, and stays where it is.
		var kept []byte
		for _, line := range bytes.SplitAfter(r.stderr, []byte("\n")) {
			if !driverLine().Match(line) || !printed[string(line)] {
				kept = append(kept, line...)
			}
		}
		r.stderr = kept
	}
	results[0].stderr = append(bytes.Join(whole, nil), results[0].stderr...)
	return true
}

// driverLines returns the driver's lines in stderr, each with its newline.
func driverLines(stderr []byte) [][]byte {
	var lines [][]byte
	for _, line := range bytes.SplitAfter(stderr, []byte("\n")) {
		if driverLine().Match(line) {
			lines = append(lines, line)
		}
	}
	return lines
}
