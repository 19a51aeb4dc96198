package launcher

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/compiler"
)

// missRun is the one compiler run of a miss and where it left its files.
type missRun struct {
	res *result
	// objTmp and depTmp are the temporary names the compiler wrote the
	// object and the user's depfile to ("" where it wrote the user's own
	// paths, or no such file).
	objTmp, depTmp string
	// ownDep is objcache's own depfile: a full include list, from the
	// compile itself (-MD added when the user asked for no depfile) or
	// from a separate dependency pass; "" when there is none.
	ownDep  string
	colored bool
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
	run, existed, err := c.compile()
	c.log.phase("compile")
	if err != nil {
		c.log.printf("miss run not done: %v", err)
		run.cleanup()
		return c.passThrough(errorCache)
	}
	defer run.cleanup()
	res := run.res
	if res.status != 0 {
		return c.failed(run, existed)
	}
	obj, dep, err := c.publishOutputs(run)
	if err != nil {
		// Let the compiler itself write (or fail to write) the output.
		// passThrough replaces the process: no deferred call runs after it.
		c.log.printf("outputs: %v", err)
		c.count(prefixNotStored + reasonNoOutput)
		run.cleanup()
		return c.passThrough(statMiss)
	}
	c.replayConsole(res.stdout, res.stderr, run.colored)
	c.count(statMiss)
	c.store(ctx, run, obj, dep)
	c.writeStats(ctx)
	return 0
}

// compile runs the compiler for a miss. existed reports whether the user's
// output or depfile existed before the run (which decides how a failure is
// replayed).
func (c *gccCall) compile() (run *missRun, existed bool, err error) {
	p := c.p
	run = &missRun{}
	existed = exists(c.absPath(p.Output)) || (p.Depfile != nil && exists(c.absPath(p.Depfile.Path)))
	if p.Recording {
		// The object records its own command line: add no flag to it.
		// The include list comes from a separate preprocessor pass.
		if run.ownDep, err = c.stageTemp(); err != nil {
			return run, existed, err
		}
		pre, err := c.runCaptured(p.DependencyArgs(run.ownDep))
		if err != nil {
			return run, existed, err
		}
		if pre.status != 0 {
			c.log.printf("dependency pass failed (status %d)", pre.status)
			os.Remove(run.ownDep) // no list: the staged file goes now
			run.ownDep = ""
		}
		run.res, err = c.runCaptured(p.Args)
		return run, existed, err
	}
	plan := compiler.MissPlan{Output: tempPath(c.absPath(p.Output)), Color: c.wantColor()}
	run.objTmp, run.colored = plan.Output, plan.Color
	switch {
	case p.Preprocessed:
		// Nothing to list: the compiler reads no other file.
	case p.Depfile == nil:
		if run.ownDep, err = c.stageTemp(); err != nil {
			return run, existed, err
		}
		plan.Depfile = run.ownDep
	default:
		run.depTmp = tempPath(c.absPath(p.Depfile.Path))
		plan.Depfile = run.depTmp
		if !p.Depfile.HasTarget {
			plan.PinTarget = p.Output
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
	run.res, err = c.runCaptured(p.MissArgs(plan))
	return run, existed, err
}

// failed replays a compile that failed, as the compiler alone would have
// left things. Where that is uncertain (an old output existed, which the
// compiler may have removed, or the messages name a temporary file), the
// compiler runs again exactly as the user wrote it.
func (c *gccCall) failed(run *missRun, existed bool) int {
	res := run.res
	c.log.printf("compiler failed with status %d", res.status)
	c.count(prefixNotStored + reasonFailed)
	if c.p.Recording {
		// The compiler wrote the user's own paths, as it would alone.
		return c.replayFailure(run)
	}
	mentions := func(tmp string) bool {
		if tmp == "" {
			return false
		}
		base := []byte(fileName(tmp))
		return bytes.Contains(res.stdout, base) || bytes.Contains(res.stderr, base)
	}
	if existed || mentions(run.objTmp) || mentions(run.depTmp) || mentions(run.ownDep) {
		c.count(statFailedRerun)
		run.cleanup()
		return c.passThrough(statMiss)
	}
	if run.objTmp != "" && exists(run.objTmp) {
		publish(run.objTmp, c.absPath(c.p.Output))
	}
	if run.depTmp != "" && exists(run.depTmp) {
		publish(run.depTmp, c.absPath(c.p.Depfile.Path))
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

// publishOutputs reads the object and the user's depfile the compiler wrote
// under temporary names and renames them over the user's paths. It returns
// their content (dep is nil when the user asked for no depfile). An error
// means the user's outputs could not be put in place.
func (c *gccCall) publishOutputs(run *missRun) (obj, dep []byte, err error) {
	p := c.p
	obj, err = readOutput(run.objTmp, c.absPath(p.Output))
	if err != nil || len(obj) == 0 {
		return nil, nil, fmt.Errorf("compiler wrote no output %s: %v", p.Output, err)
	}
	if p.Depfile != nil {
		if dep, err = readOutput(run.depTmp, c.absPath(p.Depfile.Path)); err != nil {
			return nil, nil, fmt.Errorf("compiler wrote no depfile %s: %w", p.Depfile.Path, err)
		}
	}
	if run.objTmp != "" {
		if err := publish(run.objTmp, c.absPath(p.Output)); err != nil {
			return nil, nil, err
		}
		run.objTmp = ""
	}
	if run.depTmp != "" {
		if err := publish(run.depTmp, c.absPath(p.Depfile.Path)); err != nil {
			return nil, nil, err
		}
		run.depTmp = ""
	}
	return obj, dep, nil
}

// readOutput reads a file the compiler wrote: at tmp if objcache gave it a
// temporary name, else at the user's path.
func readOutput(tmp, user string) ([]byte, error) {
	if tmp != "" {
		return os.ReadFile(tmp)
	}
	return os.ReadFile(user)
}

// store adds the entry and its manifest entry, unless a hazard says the
// result may not match its inputs.
func (c *gccCall) store(ctx context.Context, run *missRun, obj, dep []byte) {
	lists, reason := c.includeList(run, dep)
	if reason != "" {
		c.count(prefixNotStored + reason)
		return
	}
	includes, ok := c.checkedIncludes(lists...)
	if !ok {
		return
	}
	e := &cache.Entry{
		ManifestKey: c.mkey,
		Outputs:     []cache.Output{{Kind: objectKind, Data: obj}},
		Stdout:      run.res.stdout,
		Stderr:      run.res.stderr,
	}
	if dep != nil {
		e.Outputs = append(e.Outputs, cache.Output{Kind: depfileKind, Data: dep})
	}
	if run.colored {
		e.Outputs = append(e.Outputs, cache.Output{Kind: colorKind})
	}
	c.storeEntry(ctx, e, includes)
}

// includeList gathers the include files the compile reported, from
// objcache's own depfile and the user's depfile, and checks what no include
// list shows (the macros of a precompiled header, checkPCHMacros). An entry
// is stored only with a full list: a user's -MMD depfile alone leaves the
// system headers out.
func (c *gccCall) includeList(run *missRun, userDep []byte) ([][]string, string) {
	var lists [][]string
	if run.ownDep != "" {
		data, err := os.ReadFile(run.ownDep)
		if err != nil {
			c.log.printf("not stored: include list: %v", err)
			return nil, reasonBadDepfile
		}
		list, _, err := compiler.ParseDepfile(data)
		if err != nil {
			c.log.printf("not stored: include list: %v", err)
			return nil, reasonBadDepfile
		}
		lists = append(lists, list)
	} else if !c.p.Preprocessed && (userDep == nil || c.p.Depfile.Mode != compiler.DepAll) {
		c.log.printf("not stored: no full include list (the dependency pass failed)")
		return nil, reasonBadDepfile
	}
	if userDep != nil {
		list, _, err := compiler.ParseDepfile(userDep)
		if err != nil {
			c.log.printf("not stored: depfile: %v", err)
			return nil, reasonBadDepfile
		}
		lists = append(lists, list)
	}
	if reason := c.checkPCHMacros(lists); reason != "" {
		return nil, reason
	}
	return lists, ""
}

// cleanup removes the temporary files a run left.
func (run *missRun) cleanup() {
	for _, p := range []string{run.objTmp, run.depTmp, run.ownDep} {
		if p != "" {
			os.Remove(p)
		}
	}
}

func fileName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}
