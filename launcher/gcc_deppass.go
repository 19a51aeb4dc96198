package launcher

import "os"

// startDependencyPass starts a separate preprocessor pass that writes the
// full include list (-M: system headers, stdc-predef.h, -include and
// -imacros files and what they include) to a file staged in the cache's
// tmp/, which becomes run.ownDep, and returns the function that waits for
// it. The compile of a -MMD call needs it: its depfile leaves system
// headers out, and the manifest must name every file the compile read.
// (gcc's -H listing, the alternative on the same run, misses stdc-predef.h
// and the command-line includes, prints a "Multiple include guards" block
// that would have to be cut from the user's stderr, lands in the DWARF
// producer string under -g, and would swallow a user's own -H.)
//
// The pass only reads, so it runs beside the compile: a miss waits for the
// longer of the two, not for both. A pass that fails leaves no list, and
// the result is then not stored. wait must be called before run's files
// are cleaned up.
func (c *gccCall) startDependencyPass(run *missRun) (wait func() error, err error) {
	dep, err := c.stageTemp()
	if err != nil {
		return nil, err
	}
	run.ownDep = dep
	done := make(chan error, 1)
	go func() {
		pre, err := c.runCaptured(c.p.DependencyArgs(dep))
		if err == nil && pre.status != 0 {
			c.log.printf("dependency pass failed (status %d)", pre.status)
			os.Remove(dep) // no list: the staged file goes now
			run.ownDep = ""
		}
		done <- err
	}()
	return func() error { return <-done }, nil
}
