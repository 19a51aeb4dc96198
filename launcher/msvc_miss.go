package launcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/objcache/objcache/cache"
)

// uncached compiles the source without the cache, counting outcome: the
// user's own command when it has this one source, else the command that
// compiles this source alone.
func (c *msvcCall) uncached(outcome string) *result {
	c.count(outcome)
	args := c.args
	if len(c.p.Sources) > 1 {
		args = c.p.SourceArgs(c.i, c.src.Output)
	}
	res, err := c.runCaptured(args)
	if err != nil {
		return &result{status: 127, stderr: []byte(fmt.Sprintf("objcache: %v\n", err))}
	}
	return res
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
	if c.p.Recording {
		return c.missRecorded(ctx)
	}
	existed := removable(c.objPlan.path)
	st, err := c.newStaging(c.objPlan)
	if err != nil {
		c.log.printf("miss run not done: %v", err)
		return c.uncached(errorCache)
	}
	tmp := c.stagedPath(st, c.objPlan, "object", c.src.Output, ".obj")
	defer c.janitor.remove(tmp)
	if st.dir != "" {
		defer c.janitor.remove(st.dir)
	}
	var extra []string
	if !c.p.ShowIncludes {
		extra = []string{"/showIncludes"}
	}
	started := time.Now()
	res, err := c.runCaptured(c.p.SourceArgs(c.i, tmp, extra...))
	if err != nil {
		return c.uncached(errorCache)
	}
	includes, rest := splitShowIncludes(res.stdout, c.prefix)
	if !c.p.ShowIncludes {
		res.stdout = rest
	}
	deps := c.snapSourceDeps()
	name := []byte(fileName(tmp))
	if st.dir != "" {
		name = []byte(fileName(st.dir))
	}
	if named := bytes.Contains(res.stdout, name) || bytes.Contains(res.stderr, name); named || (res.status != 0 && existed) {
		// clang-cl removes an old object when a compile fails, and
		// messages may name the temporary file: let the compiler itself
		// show what it does alone.
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
	if err == nil {
		err = c.place(c.objPlan, obj, tmp)
	}
	if err != nil {
		// Let the compiler itself write (or fail to write) the output.
		c.log.printf("outputs: %v", err)
		c.count(prefixNotStored + reasonNoOutput)
		return c.uncached(statMiss)
	}
	c.count(statMiss)
	if len(obj) == 0 {
		c.count(prefixNotStored + reasonNoOutput)
		return res
	}
	c.store(ctx, res, obj, includes, deps, started)
	return res
}

// missRecorded compiles a /Z7 source by the user's own command, which
// writes the user's /Fo itself, and stores what it wrote unless another
// program may have written it since (readWritten).
func (c *msvcCall) missRecorded(ctx context.Context) *result {
	pre, err := c.runCaptured(c.p.SourceArgs(c.i, os.DevNull, "/showIncludes", "/Zs"))
	if err != nil || pre.status != 0 {
		return c.uncached(statMiss)
	}
	includes, _ := splitShowIncludes(pre.stdout, c.prefix)
	started := time.Now()
	res, err := c.runCaptured(c.args)
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
	switch {
	case errors.Is(err, errChangedOutput):
		c.log.printf("not stored: %v", err)
		c.count(prefixNotStored + reasonChangedOutput)
	case err != nil || len(obj) == 0:
		c.log.printf("not stored: no output: %v", err)
		c.count(prefixNotStored + reasonNoOutput)
	default:
		c.store(ctx, res, obj, includes, deps, started)
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

// store adds the compile's result unless a hazard forbids it. deps is the
// /sourceDependencies file's snapshot, taken after the compile that
// started at started.
func (c *msvcCall) store(ctx context.Context, res *result, obj []byte, paths []string, deps written, started time.Time) {
	includes, ok := c.checkedIncludes(paths)
	if !ok {
		return
	}
	e := &cache.Entry{
		ManifestKey: c.mkey,
		Outputs:     []cache.Output{{Kind: objectKind, Data: obj}},
		Stdout:      res.stdout,
		Stderr:      res.stderr,
	}
	// cl writes the /sourceDependencies file itself, at the user's path;
	// clang-cl ignores the option and writes none, and then a hit writes
	// none either. A file older than this compile is a stale one, not its
	// output.
	if c.p.SourceDependencies != "" && deps.writtenSince(started) {
		data, err := readWritten(deps, started)
		if err != nil {
			c.log.printf("not stored: %v", err)
			c.count(prefixNotStored + reasonChangedOutput)
			return
		}
		e.Outputs = append(e.Outputs, cache.Output{Kind: sourceDepsKind, Data: data})
	}
	c.storeEntry(ctx, e, includes)
}
