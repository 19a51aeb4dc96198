package launcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/manifest"
)

// uncached compiles the source without the cache, counting outcome: the
// user's own command when it has this one source, else the command that
// compiles this source alone.
func (c *msvcCall) uncached(outcome string) *result {
	if c.explaining() {
		c.explainLookup(false, outcome)
		return &result{}
	}
	c.count(outcome)
	res, err := c.runCommand()
	if err != nil {
		return &result{status: 127, stderr: []byte(fmt.Sprintf("objcache: %v\n", err))}
	}
	return res
}

// command returns the command that compiles the source as the call does,
// and whether it is spelt as base dirs rewrote it (run it by runRebased).
// With one source it is the user's call itself. With several, each source
// is compiled alone, spelt as its cached siblings are so that the call's
// messages name every file one way (the differential tester found a call
// whose cached source's warnings named ../src/two.c and whose uncacheable
// one's named /abs/src/main.c): by the rewritten arguments, or, for a /Z7
// object, which records its command, by the user's own (clang-cl's driver
// gives each source its own cc1 command either way, and that is what the
// object records).
func (c *msvcCall) command() (args []string, rebased bool) {
	switch {
	case len(c.p.Sources) == 1:
		return c.args, false
	case c.byUserCommand():
		u := c.user()
		return u.SourceArgs(c.i, u.Sources[c.i].Output), false
	default:
		return c.p.SourceArgs(c.i, c.src.Output), true
	}
}

// runCommand runs the source's command (command).
func (c *msvcCall) runCommand() (*result, error) {
	args, rebased := c.command()
	if rebased {
		return c.runRebased(args)
	}
	return c.runCaptured(args)
}

// runRebased runs args, the call's arguments as base dirs rewrote them,
// with CL and _CL_ rewritten the same way.
func (c *msvcCall) runRebased(args []string) (*result, error) {
	env := c.childEnv()
	if c.p.EnvRebased {
		env = setEnv(setEnv(env, "CL", c.p.CL), "_CL_", c.p.CLTail)
	}
	return c.runCapturedEnv(c.Dir, args, env)
}

// miss compiles the source once, its object into a staging directory in
// the cache's tmp/ (read from there, then put in place), with
// /showIncludes reporting the include files; a /Z7 object, which records
// its command line, is compiled by the user's own command and its include
// list comes from a /Zs pass.
func (c *msvcCall) miss(ctx context.Context) *result {
	if c.Config.ReadOnly {
		c.count(prefixNotStored + reasonReadOnly)
		return c.uncached(statMiss)
	}
	if c.offline() {
		return c.uncached(errorLockTimeout)
	}
	c.markCompileStart()
	if c.byUserCommand() {
		return c.missRecorded(ctx)
	}
	existed := failureTouches(c.objPlan.path)
	st, err := c.newStaging()
	if err != nil {
		c.log.printf("miss run not done: %v", err)
		return c.uncached(errorCache)
	}
	tmp := st.stagedPath("object", c.src.Output, ".obj")
	defer c.janitor.remove(st.dir)
	var extra []string
	if !c.p.ShowIncludes {
		extra = []string{"/showIncludes"}
	}
	started := time.Now()
	res, err := c.runRebased(c.p.SourceArgs(c.i, tmp, extra...))
	if err != nil {
		return c.uncached(errorCache)
	}
	includes, rest := splitShowIncludes(res.stdout, c.prefix)
	if !c.p.ShowIncludes {
		res.stdout = rest
	}
	deps := c.snapSourceDeps()
	name := []byte(fileName(st.dir))
	if named := bytes.Contains(res.stdout, name) || bytes.Contains(res.stderr, name); named || (res.status != 0 && (existed || st.low)) {
		// clang-cl removes an old object when a compile fails, messages
		// may name the temporary file, and on a nearly full cache disk
		// the failure may be the staging's: let the compiler itself show
		// what it does alone.
		if res.status != 0 {
			c.count(prefixNotStored + reasonFailed)
			c.count(statFailedRerun)
		} else {
			c.count(prefixNotStored + reasonNamesTemporary)
		}
		return c.uncached(statMiss)
	}
	if res.status != 0 {
		c.count(statMiss)
		c.count(prefixNotStored + reasonFailed)
		return res
	}
	obj, err := os.ReadFile(tmp)
	if err != nil {
		c.log.printf("outputs: %v", err)
		c.count(prefixNotStored + reasonNoOutput)
		return c.uncached(statMiss)
	}
	// What the compile read is hashed before the object is put in place:
	// an object that is one of those files is the compiler's to write.
	hashed, reason := c.checkedIncludes(includes)
	if outcome := c.outputIsInput(); outcome != "" {
		return c.uncached(outcome)
	}
	if err := c.place(c.objPlan, obj, tmp); err != nil {
		// Let the compiler itself write (or fail to write) the output.
		c.log.printf("outputs: %v", err)
		c.count(prefixNotStored + reasonNoOutput)
		return c.uncached(statMiss)
	}
	c.count(statMiss)
	depsData, err := c.sourceDepsData(deps, started)
	switch {
	case len(obj) == 0:
		c.count(prefixNotStored + reasonNoOutput)
	case reason != "":
		c.count(prefixNotStored + reason)
	case err != nil:
		c.log.printf("not stored: %v", err)
		c.count(prefixNotStored + reasonChangedOutput)
	default:
		c.store(ctx, res, obj, hashed, depsData, started)
	}
	return res
}

// missRecorded compiles a /Z7 or /Yc source by the user's own command,
// which writes the user's /Fo (and /Fp) itself, and stores what it wrote
// unless another program may have written it since (readWritten). The
// include list comes from a /Zs pass first.
func (c *msvcCall) missRecorded(ctx context.Context) *result {
	preArgs := c.p.SourceArgs(c.i, os.DevNull, "/showIncludes", "/Zs")
	if c.p.PCH == "create" {
		preArgs = withoutPCHCreate(preArgs)
	}
	pre, err := c.runRebased(preArgs)
	if err != nil || pre.status != 0 {
		return c.uncached(statMiss)
	}
	includes, _ := splitShowIncludes(pre.stdout, c.prefix)
	watched := []string{c.objPlan.dest}
	if c.p.SourceDependencies != "" {
		watched = append(watched, c.depsPlan.dest)
	}
	if c.p.PCH == "create" {
		watched = append(watched, c.pchPlan.dest)
	}
	guard, err := c.guardOutputs(ctx, c.objPlan.dest, watched...)
	if err != nil {
		c.log.printf("miss run not done: %v", err)
		if errors.Is(err, errOutputBusy) {
			c.count(prefixNotStored + reasonOutputBusy)
			return c.uncached(statMiss)
		}
		return c.uncached(errorCache)
	}
	defer guard.release()
	started := time.Now()
	res, err := c.runCommand()
	if err != nil {
		return c.uncached(errorCache)
	}
	out, deps := snapWritten(c.objPlan.path), c.snapSourceDeps()
	c.count(statMiss)
	if res.status != 0 {
		c.count(prefixNotStored + reasonFailed)
		return res
	}
	obj, err := readWritten(out, started)
	var depsData []byte
	if err == nil {
		depsData, err = c.sourceDepsData(deps, started)
	}
	if werr := guard.check(); werr != nil && err == nil {
		err = werr
	}
	guard.release()
	switch {
	case errors.Is(err, errChangedOutput):
		c.log.printf("not stored: %v", err)
		c.count(prefixNotStored + reasonChangedOutput)
	case err != nil || len(obj) == 0:
		c.log.printf("not stored: no output: %v", err)
		c.count(prefixNotStored + reasonNoOutput)
	default:
		if hashed, reason := c.checkedIncludes(includes); reason != "" {
			c.count(prefixNotStored + reason)
		} else {
			c.store(ctx, res, obj, hashed, depsData, started)
		}
	}
	return res
}

// snapSourceDeps takes the stat data of the /sourceDependencies file right
// after the compile (cl writes it at the user's path itself).
func (c *msvcCall) snapSourceDeps() written {
	if c.p.SourceDependencies == "" {
		return written{}
	}
	return snapWritten(c.depsPlan.path)
}

// sourceDepsData reads the /sourceDependencies file of snapshot deps, nil
// when the call has none or the compiler wrote none. cl writes it itself,
// at the user's path; clang-cl ignores the option and writes none (then a
// hit writes none either). A file older than this compile, which started
// at started, is a stale one, not its output.
func (c *msvcCall) sourceDepsData(deps written, started time.Time) ([]byte, error) {
	if c.p.SourceDependencies == "" || !deps.writtenSince(started) {
		return nil, nil
	}
	return readWritten(deps, started)
}

// store adds the compile's result: obj, and deps, the content of the
// /sourceDependencies file (nil when there is none), and a /Yc's PCH, for a
// compile that started at started and read includes (checkedIncludes).
func (c *msvcCall) store(ctx context.Context, res *result, obj []byte, includes []manifest.Include, deps []byte, started time.Time) {
	e := &cache.Entry{
		ManifestKey: c.mkey,
		Outputs:     []cache.Output{{Kind: objectKind, Data: obj}},
		Stdout:      res.stdout,
		Stderr:      res.stderr,
	}
	if deps != nil {
		e.Outputs = append(e.Outputs, cache.Output{Kind: sourceDepsKind, Data: deps})
	}
	var pch []byte
	var rec pchRecord
	if c.p.PCH == "create" {
		outs, r, data, err := c.pchOutputs(started, includes)
		if err != nil {
			c.log.printf("not stored: the PCH: %v", err)
			c.count(prefixNotStored + reasonChangedOutput)
			return
		}
		e.Outputs = append(e.Outputs, outs...)
		pch, rec = data, r
	}
	c.storeEntry(ctx, e, includes)
	if pch != nil {
		c.publishIdentity(ctx, pch, rec)
	}
}
