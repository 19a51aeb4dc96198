package launcher

import "os"

// dependencyPass runs a separate preprocessor pass that writes the full
// include list (-M: system headers, stdc-predef.h, -include and -imacros
// files and what they include) to a file staged in the cache's tmp/, which
// becomes run.ownDep. The compile of a -MMD call needs it: its depfile
// leaves system headers out, and the manifest must name every file the
// compile read. (gcc's -H listing, the alternative on the same run, misses
// stdc-predef.h and the command-line includes, prints a "Multiple include
// guards" block that would have to be cut from the user's stderr, lands in
// the DWARF producer string under -g, and would swallow a user's own -H.)
// A pass that fails leaves no list, and the result is then not stored.
func (c *gccCall) dependencyPass(run *missRun) error {
	dep, err := c.stageTemp()
	if err != nil {
		return err
	}
	run.ownDep = dep
	pre, err := c.runCaptured(c.p.DependencyArgs(dep))
	if err != nil {
		return err
	}
	if pre.status != 0 {
		c.log.printf("dependency pass failed (status %d)", pre.status)
		os.Remove(dep) // no list: the staged file goes now
		run.ownDep = ""
	}
	return nil
}
