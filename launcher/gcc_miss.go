package launcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/objcache/objcache/compiler"
)

// missRun is the one compiler run of a miss and where it left its files.
type missRun struct {
	janitor *janitor
	res     *result
	// stage is the directory in the cache's tmp/ that the compiler writes
	// the object and the user's depfile into ("" where it writes the
	// user's own paths); objTmp and depTmp are their names there.
	stage, objTmp, depTmp string
	// low says the cache's file system was nearly full (staging.low).
	low bool
	// Where the compiler wrote the user's own paths (gccCall.ownPaths):
	// what it wrote there, read back under the output guard, or why it
	// cannot be stored.
	obj, dep []byte
	readErr  error
	// ownDep is objcache's own depfile: a full include list, from the
	// compile itself (-MD added when the user asked for no depfile) or
	// from a separate dependency pass; "" when there is none.
	ownDep  string
	colored bool
	// urls says the compile was given urlsFlag (gccCall.wantURLs).
	urls bool
	// userDep is the pass that writes the user's depfile under base dirs
	// (gcc_userdep.go), nil without one.
	userDep *userDepfileRun
}

// miss compiles once, with the user's outputs written atomically and the
// include list captured by the same run (DESIGN.md §2, step 2), then
// replays and stores the result.
func (c *gccCall) miss(ctx context.Context) int {
	if c.Config.ReadOnly {
		c.count(prefixNotStored + reasonReadOnly)
		return c.passThrough(statMiss)
	}
	if c.offline() {
		return c.passThrough(errorLockTimeout)
	}
	run, existed, err := c.compile(ctx)
	c.log.phase("compile")
	if err != nil {
		// passThrough replaces the process: no deferred call runs after
		// it.
		c.log.printf("miss run not done: %v", err)
		run.cleanup()
		if errors.Is(err, errOutputBusy) {
			c.count(prefixNotStored + reasonOutputBusy)
			return c.passThrough(statMiss)
		}
		return c.passThrough(errorCache)
	}
	defer run.cleanup()
	res := run.res
	if res.status != 0 {
		return c.failed(run, existed)
	}
	if c.ownPaths() {
		return c.missRecorded(ctx, run)
	}
	if run.mentions(res.stdout, res.stderr) {
		// The messages name objcache's temporary file: the user must see
		// the compiler's own.
		c.log.printf("the compiler's messages name %s: running it as given", run.stage)
		c.count(prefixNotStored + reasonNamesTemporary)
		run.cleanup()
		return c.passThrough(statMiss)
	}
	obj, dep, err := c.readStaged(run)
	if err != nil {
		c.log.printf("outputs: %v", err)
		c.count(prefixNotStored + reasonNoOutput)
		run.cleanup()
		return c.passThrough(statMiss)
	}
	if run.urls && bytes.Contains(obj, []byte(urlsFlag)) {
		// The object records the flag objcache added (wantURLs): the
		// compiler must write the user's own.
		c.log.printf("the object records %s: running the compiler as given", urlsFlag)
		run.cleanup()
		return c.passThrough(statMiss)
	}
	// What the compile read is hashed before any output is put in place:
	// an output that is one of those files is the compiler's to write.
	includes, reason := c.storable(run, dep)
	if outcome := c.outputIsInput(); outcome != "" {
		run.cleanup()
		return c.passThrough(outcome)
	}
	userDep, depTmp := dep, run.depTmp
	if run.userDep != nil {
		if userDep, err = run.userDep.wait(); err != nil {
			return c.userDepfileFailed(run, err)
		}
		depTmp = ""
	}
	if reason == "" && c.base.MentionsResolved(userDep) {
		// gcc named a header by its real path, under a base dir's real
		// path, which no checkout shares (checkoutNamedAbsolutely).
		c.log.printf("not stored: the depfile names a file under a base dir's real path")
		reason = reasonAbsoluteInclude
	}
	if err := c.placeOutputs(obj, userDep, run.objTmp, depTmp); err != nil {
		// Let the compiler itself write (or fail to write) the output.
		c.log.printf("outputs: %v", err)
		c.count(prefixNotStored + reasonNoOutput)
		run.cleanup()
		return c.passThrough(statMiss)
	}
	c.replayConsole(res.stdout, res.stderr, run.colored)
	c.count(statMiss)
	if reason != "" {
		c.count(prefixNotStored + reason)
	} else {
		c.store(ctx, run, obj, userDep, includes)
	}
	c.writeStats(ctx)
	return 0
}

// userDepfileFailed runs the call as the user wrote it when the pass that
// writes the user's depfile wrote none: the compiler then writes it.
func (c *gccCall) userDepfileFailed(run *missRun, err error) int {
	c.log.printf("%v: running the compiler as given", err)
	c.count(prefixNotStored + reasonUserDepfile)
	run.cleanup()
	return c.passThrough(statMiss)
}

// ownPaths reports whether the compiler writes the user's own output
// paths on a miss: its object records its own name or command line
// (compiler.Invocation.Recording), unless that is gcc's
// -frecord-gcc-switches alone, whose object depends on neither the name
// nor the options a miss adds (compiler.Invocation.RecordsSwitchesOnly),
// with a compiler that is gcc by its name and by the binary it runs (a cc
// that is clang records its whole command line).
func (c *gccCall) ownPaths() bool {
	if !c.p.Recording {
		return false
	}
	if !c.p.RecordsSwitchesOnly() {
		return true
	}
	_, real, ok := compiler.Identify(c.resolvedCompiler(), "")
	return !ok || real != compiler.FlavorGCC
}

// missRecorded stores what a compiler that wrote the user's own paths left
// there, unless another program may have written them meanwhile (see
// outputGuard and readWritten); either way the compile stands.
func (c *gccCall) missRecorded(ctx context.Context, run *missRun) int {
	dep := run.dep
	if run.userDep != nil && run.readErr == nil {
		var err error
		if dep, err = run.userDep.wait(); err != nil {
			return c.userDepfileFailed(run, err)
		}
		if err := c.place(c.depPlan, dep, ""); err != nil {
			c.log.printf("depfile: %v", err)
			return c.userDepfileFailed(run, err)
		}
	}
	c.replayConsole(run.res.stdout, run.res.stderr, run.colored)
	c.count(statMiss)
	switch err := run.readErr; {
	case errors.Is(err, errChangedOutput):
		c.log.printf("not stored: %v", err)
		c.count(prefixNotStored + reasonChangedOutput)
	case err != nil || len(run.obj) == 0:
		c.log.printf("not stored: no output: %v", err)
		c.count(prefixNotStored + reasonNoOutput)
	default:
		if includes, reason := c.storable(run, run.dep); reason != "" {
			c.count(prefixNotStored + reason)
		} else {
			c.store(ctx, run, run.obj, dep, includes)
		}
	}
	c.writeStats(ctx)
	return 0
}

// compile runs the compiler for a miss. existed reports whether the user's
// output or depfile existed before the run as a file the compiler may
// remove when it fails (which decides how a failure is replayed).
func (c *gccCall) compile(ctx context.Context) (run *missRun, existed bool, err error) {
	p := c.p
	run = &missRun{janitor: c.janitor}
	existed = failureTouches(c.absPath(p.Output)) || (p.Depfile != nil && failureTouches(c.absPath(p.Depfile.Path)))
	if c.wantsUserDepfile() {
		run.userDep = c.startUserDepfile()
	}
	c.markCompileStart()
	if c.ownPaths() {
		return run, existed, c.compileRecorded(ctx, run)
	}
	// The compiler writes into a directory of objcache's own in the
	// cache's tmp/: no other program can replace what it wrote before
	// objcache reads it (DESIGN.md §4 rule 6), its names are short whatever
	// the output's name, and a compiler left running by a killed objcache
	// writes nowhere near the user's files (rule 7).
	st, err := c.newStaging()
	if err != nil {
		return run, existed, err
	}
	run.stage, run.low = st.dir, st.low
	run.objTmp = st.stagedPath("object", p.Output, ".o")
	plan := compiler.MissPlan{Output: run.objTmp, Color: c.storesColor() || (c.wantColor() && !c.isAssembler())}
	run.colored = plan.Color
	switch {
	case p.Preprocessed:
		// Nothing to list: the compiler reads no other file.
	case c.namesRealPaths():
		// The list comes from a pass that names the files as found; the
		// user's depfile, if any, is the compile's, as gcc writes it.
		if p.Depfile != nil {
			run.depTmp = st.stagedPath("depfile", ".d", ".d")
			plan.Depfile = run.depTmp
			if !p.Depfile.HasTarget {
				plan.PinTarget = p.Depfile.Target
			}
		}
		var wait func() error
		if wait, err = c.startDependencyPass(run); err != nil {
			return run, existed, err
		}
		defer func() { // err is compile's own result
			if werr := wait(); err == nil {
				err = werr
			}
		}()
	case p.Depfile == nil:
		if run.ownDep, err = c.stageTemp(); err != nil {
			return run, existed, err
		}
		plan.Depfile = run.ownDep
	default:
		run.depTmp = st.stagedPath("depfile", ".d", ".d")
		plan.Depfile = run.depTmp
		if !p.Depfile.HasTarget {
			plan.PinTarget = p.Depfile.Target
		}
		if p.Depfile.Mode == compiler.DepUser {
			// -MMD leaves system headers out of the depfile, and the
			// manifest needs every file the compile reads: a separate
			// preprocessor pass, beside the compile, lists them all.
			var wait func() error
			if wait, err = c.startDependencyPass(run); err != nil {
				return run, existed, err
			}
			defer func() { // err is compile's own result
				if werr := wait(); err == nil {
					err = werr
				}
			}()
		}
	}
	args := p.MissArgs(plan)
	if run.urls = c.wantURLs(); run.urls {
		args = append([]string{urlsFlag}, args...)
	}
	run.res, err = c.runCaptured(args)
	return run, existed, err
}

// compileRecorded runs the user's own command, which writes the user's
// own paths (ownPaths), and reads back what it wrote there, all under an
// output guard. The include list comes from a separate preprocessor pass:
// no flag is added to the compile.
func (c *gccCall) compileRecorded(ctx context.Context, run *missRun) error {
	p := c.p
	var err error
	if run.ownDep, err = c.stageTemp(); err != nil {
		return err
	}
	depArgs := p.DependencyArgs(run.ownDep)
	if c.namesRealPaths() {
		depArgs = p.SpelledDependencyArgs(run.ownDep)
	}
	pre, err := c.runCaptured(depArgs)
	if err != nil {
		return err
	}
	if pre.status != 0 {
		c.log.printf("dependency pass failed (status %d)", pre.status)
		os.Remove(run.ownDep) // no list: the staged file goes now
		run.ownDep = ""
	}
	watched := []string{c.objPlan.dest}
	if p.Depfile != nil {
		watched = append(watched, c.depPlan.dest)
	}
	guard, err := c.guardOutputs(ctx, c.objPlan.dest, watched...)
	if err != nil {
		return err
	}
	defer guard.release()
	started := time.Now()
	if run.res, err = c.runCaptured(p.Args); err != nil {
		return err
	}
	if run.res.status != 0 {
		return nil
	}
	objOut := snapWritten(c.absPath(p.Output))
	var depOut written
	if p.Depfile != nil {
		depOut = snapWritten(c.absPath(p.Depfile.Path))
	}
	run.obj, run.readErr = readWritten(objOut, started)
	if run.readErr == nil && p.Depfile != nil {
		run.dep, run.readErr = readWritten(depOut, started)
	}
	if err := guard.check(); err != nil && run.readErr == nil {
		run.readErr = err
	}
	return nil
}

// failed replays a compile that failed, as the compiler alone would have
// left things. Where that is uncertain (an old output existed, which the
// compiler may have removed, or the messages name a temporary file), the
// compiler runs again exactly as the user wrote it.
func (c *gccCall) failed(run *missRun, existed bool) int {
	res := run.res
	c.log.printf("compiler failed with status %d", res.status)
	c.count(prefixNotStored + reasonFailed)
	if run.userDep != nil {
		// Under base dirs the depfile a failed compile left names the
		// rewritten command's files, and the failure may be the
		// preprocessor's, which leaves none: the compiler runs as given.
		c.count(statFailedRerun)
		run.cleanup()
		return c.passThrough(statMiss)
	}
	if c.ownPaths() {
		// The compiler wrote the user's own paths, as it would alone.
		return c.replayFailure(run)
	}
	// On a nearly full cache disk the failure may be the staging's, and a
	// gcc older than 10 refuses the urlsFlag objcache added: the compiler
	// runs again as given (minStagingRoom, wantURLs).
	rerun := existed || run.low || run.mentions(res.stdout, res.stderr) ||
		(run.urls && bytes.Contains(res.stderr, []byte("-fdiagnostics-urls")))
	if !rerun {
		// Put in place what the compiler left (gcc writes the depfile of
		// a compile that fails), as it would have left it.
		for _, out := range []struct {
			tmp  string
			plan *outputPlan
		}{{run.depTmp, &c.depPlan}, {run.objTmp, &c.objPlan}} { // the compiler's order
			if out.tmp == "" || !exists(out.tmp) {
				continue
			}
			data, err := os.ReadFile(out.tmp)
			if err == nil {
				err = c.place(*out.plan, data, out.tmp)
			}
			if err != nil {
				c.log.printf("failed compile's output: %v", err)
				rerun = true
				break
			}
		}
	}
	if rerun {
		c.count(statFailedRerun)
		run.cleanup()
		return c.passThrough(statMiss)
	}
	return c.replayFailure(run)
}

// replayFailure shows a failed compile's output and returns its status.
func (c *gccCall) replayFailure(run *missRun) int {
	c.replayConsole(run.res.stdout, run.res.stderr, run.colored)
	c.count(statMiss)
	c.writeStats(context.Background())
	return run.res.status
}

// readStaged reads the object and the user's depfile the compiler wrote
// into the staging directory, where nothing else writes (dep is nil when
// the user asked for no depfile).
func (c *gccCall) readStaged(run *missRun) (obj, dep []byte, err error) {
	p := c.p
	obj, err = os.ReadFile(run.objTmp)
	if err != nil || len(obj) == 0 {
		return nil, nil, fmt.Errorf("compiler wrote no output %s: %v", p.Output, err)
	}
	if p.Depfile != nil {
		if dep, err = os.ReadFile(run.depTmp); err != nil {
			return nil, nil, fmt.Errorf("compiler wrote no depfile %s: %w", p.Depfile.Path, err)
		}
	}
	return obj, dep, nil
}

// placeOutputs puts the object and the user's depfile (if any) where the
// compiler would have (place), the depfile first, as both gcc (cc1
// writes it before the assembler runs) and clang (before it renames its
// object into place) do: where the object cannot be written the depfile
// is there, as after the compiler alone. objTmp and depTmp are the staged
// files to rename, "" when there are none (a hit). An error means an
// output could not be put in place.
func (c *gccCall) placeOutputs(obj, dep []byte, objTmp, depTmp string) error {
	if c.p.Depfile != nil {
		if err := c.place(c.depPlan, dep, depTmp); err != nil {
			return err
		}
	}
	return c.place(c.objPlan, obj, objTmp)
}

// mentions reports whether the compiler's messages name the staging
// directory or objcache's own depfile, which the compiler alone would not
// have named.
func (run *missRun) mentions(stdout, stderr []byte) bool {
	for _, p := range []string{run.stage, run.ownDep} {
		if p == "" {
			continue
		}
		if name := []byte(fileName(p)); bytes.Contains(stdout, name) || bytes.Contains(stderr, name) {
			return true
		}
	}
	return false
}

// cleanup removes the temporary files a run left.
func (run *missRun) cleanup() {
	if run.userDep != nil {
		run.userDep.wait() // its compiler must not outlive the files
	}
	for _, p := range []string{run.objTmp, run.depTmp, run.stage} {
		if p != "" {
			run.janitor.remove(p)
		}
	}
	if run.ownDep != "" {
		os.Remove(run.ownDep)
	}
}

func fileName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}
