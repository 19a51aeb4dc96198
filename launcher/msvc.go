package launcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
)

// runMSVC caches a cl.exe or clang-cl call: one cached compile per source,
// up to /MP at a time (one at a time without it, as cl does), their
// console output in the order of the sources, and cl's status.
func (inv *invocation) runMSVC(ctx context.Context, flavor compiler.Flavor) int {
	p := compiler.ParseMSVCRebased(flavor, inv.args, inv.getenv("CL"), inv.getenv("_CL_"), inv.Dir, inv.useBaseDirs())
	switch {
	case p.Reason != "":
		return inv.passThrough(prefixUncacheable + p.Reason)
	case !inv.Config.DirectMode:
		return inv.passThrough(prefixUncacheable + "direct-mode-off")
	case p.Recording && len(p.Sources) > 1:
		// A /Z7 object records the whole command line: each source must
		// be compiled by the very command the user wrote.
		return inv.passThrough(prefixUncacheable + "z7-multiple-sources")
	}
	prefix, err := inv.showIncludesPrefix(p)
	if err != nil {
		inv.log.printf("/showIncludes prefix: %v", err)
		return inv.passThrough(prefixUncacheable + "unknown-show-includes-prefix")
	}
	parallel := 1
	switch {
	case p.Parallel > 0:
		parallel = p.Parallel
	case p.Parallel < 0:
		parallel = runtime.NumCPU()
	}
	results := make([]*result, len(p.Sources))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i := range p.Sources {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			c := &msvcCall{unit: newUnit(inv, p.Sources[i].Path, nil), p: p, i: i, src: p.Sources[i], flavor: flavor, prefix: prefix}
			results[i] = c.run(ctx)
		}(i)
	}
	wg.Wait()
	status := 0
	for _, r := range results {
		inv.Stdout.Write(r.stdout)
		inv.Stderr.Write(r.stderr)
		status = max(status, r.status)
	}
	inv.writeStats(ctx)
	return status
}

// sourceDepsKind is the Output kind of a /sourceDependencies JSON file.
const sourceDepsKind = "sourcedeps"

// msvcCall is the cached compile of one source of a cl.exe call.
type msvcCall struct {
	*unit
	p      *compiler.MSVCInvocation
	i      int
	src    compiler.MSVCSource
	flavor compiler.Flavor
	prefix string
	// objPlan and depsPlan say how the object and the
	// /sourceDependencies file are put in place (planOutput).
	objPlan, depsPlan outputPlan
}

// planOutputs plans where the object and the /sourceDependencies file go,
// before anything is compiled. A non-empty outcome means they cannot go
// where the compiler would put them: the source is compiled uncached,
// counted so.
func (c *msvcCall) planOutputs() string {
	var err error
	if c.objPlan, err = planOutput(c.absPath(c.src.Output), c.p.ObjectWriter(), c.Umask); err != nil {
		c.log.printf("%v", err)
		return unplaceableOutcome(err)
	}
	if c.p.SourceDependencies == "" {
		return ""
	}
	if c.depsPlan, err = planOutput(c.absPath(c.p.SourceDependencies), compiler.WriteThrough, c.Umask); err != nil {
		c.log.printf("%v", err)
		return unplaceableOutcome(err)
	}
	if c.objPlan.sameFile(c.depsPlan) {
		return outcomeSharedOutput
	}
	return ""
}

func (c *msvcCall) run(ctx context.Context) *result {
	// Neither cl nor clang-cl 14 reads SOURCE_DATE_EPOCH: the time macros
	// are never reproducible here.
	c.dateSet = false
	if name, ok := c.passThroughEnv(); ok {
		c.log.printf("%s is set: clang-cl changes its command line or writes more with it", name)
		return c.uncached(prefixUncacheable + reasonCompilerEnv)
	}
	if outcome := c.planOutputs(); outcome != "" {
		return c.uncached(outcome)
	}
	src := c.sourceState(c.src.Path)
	switch {
	case src.err != nil:
		return c.uncached(prefixUncacheable + "unreadable-source")
	case (src.timeMacro | compiler.ArgTimeMacros(c.p.HashArgs)).Unstable(c.dateSet):
		// A macro in /D, CL or _CL_ is expanded as if in the source.
		return c.uncached(prefixUncacheable + reasonTimeMacro)
	case c.asmHazard(src):
		return c.uncached(prefixUncacheable + reasonAsmInclude)
	}
	c.keyed[c.src.Path] = src.hash
	in := manifest.KeyInputs{
		Family:     string(compiler.MSVC) + "/" + string(c.flavor),
		Args:       c.p.HashArgs,
		Source:     c.src.Path,
		SourceHash: src.hash,
		Extra:      c.withBaseDirs([]string{c.src.Lang, c.src.Forced}),
	}
	for _, name := range c.p.HashEnv {
		if v, ok := lookupEnv(c.Environ, name); ok {
			in.Env = append(in.Env, name+"="+v)
		}
	}
	if !c.hashProfiles(c.p.ProfileInputs, &in) {
		return c.uncached(prefixUncacheable + "unhashable-input")
	}
	getenv := func(name string) (string, bool) { return lookupEnv(c.Environ, name) }
	if dirs := append(slices.Clip(c.p.IncludeDirs), compiler.MSVCEnvIncludeDirs(getenv, c.p.IncludeEnv())...); len(dirs) > 0 {
		in.Extra = append(in.Extra, "include dirs "+dirStates(c.Dir, dirs))
	}
	if c.p.Recording {
		in.Dir, in.Output = c.Dir, c.src.Output
	}
	if c.p.SourceDependencies != "" {
		// The JSON file names the source and headers by absolute path.
		in.Dir = c.Dir
	}
	id, err := c.compilerIdentity()
	if err != nil {
		c.log.printf("compiler identity: %v", err)
		return c.uncached(errorCompilerIdent)
	}
	in.CompilerID = id
	c.mkey = in.Key()
	c.log.printf("%s: manifest key %s: args %q env %q extra %q", c.src.Path, c.mkey, in.Args, in.Env, in.Extra)
	if e := c.lookup(ctx); e != nil {
		if obj, ok := output(e, objectKind); ok {
			if err := c.place(c.objPlan, obj, ""); err != nil {
				c.log.printf("hit not written: %v", err)
				return c.uncached(errorOutput)
			}
			if deps, ok := output(e, sourceDepsKind); ok && c.p.SourceDependencies != "" {
				if err := c.place(c.depsPlan, deps, ""); err != nil {
					c.log.printf("hit not written: %v", err)
					return c.uncached(errorOutput)
				}
			}
			c.count(statHit)
			return &result{stdout: e.Stdout, stderr: e.Stderr}
		}
	}
	return c.miss(ctx)
}

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

// splitShowIncludes separates the /showIncludes lines (prefix, then spaces
// for the depth, then the path) from the rest of cl's stdout, which is kept
// byte for byte, CR LF and all.
func splitShowIncludes(stdout []byte, prefix string) (includes []string, rest []byte) {
	rest = make([]byte, 0, len(stdout))
	pre := []byte(prefix)
	for len(stdout) > 0 {
		line := stdout
		if i := bytes.IndexByte(stdout, '\n'); i >= 0 {
			line = stdout[:i+1]
		}
		stdout = stdout[len(line):]
		if bytes.HasPrefix(line, pre) {
			path := strings.TrimLeft(strings.TrimRight(string(line[len(pre):]), "\r\n"), " ")
			if path != "" {
				includes = append(includes, path)
				continue
			}
		}
		rest = append(rest, line...)
	}
	return includes, rest
}

// probeHeader is the header the prefix probe includes.
const probeHeader = "objcache-probe-header.h"

// showIncludesPrefix returns the prefix of /showIncludes lines, which cl
// translates into its UI language ("Remarque : inclusion du fichier :"):
// the configured one, or the one learned by compiling a probe file with
// /showIncludes (as CMake does), remembered with the compiler's identity.
func (inv *invocation) showIncludesPrefix(p *compiler.MSVCInvocation) (string, error) {
	if inv.Config.ShowIncludesPrefix != "" {
		return inv.Config.ShowIncludesPrefix, nil
	}
	id, err := inv.compilerIdentity()
	if err != nil {
		return "", err
	}
	h := digest.New()
	h.String("show includes prefix")
	h.Sum(id)
	h.Strings(languageEnv(inv.Environ))
	record := inv.Config.Dir + string(os.PathSeparator) + "compilers" + string(os.PathSeparator) + h.Result().String() + ".prefix"
	if data, err := os.ReadFile(record); err == nil && len(data) > 0 {
		return strings.TrimSuffix(string(data), "\n"), nil
	}
	dir, err := os.MkdirTemp(inv.Store.Dir()+string(os.PathSeparator)+"tmp", "probe-")
	if err != nil {
		return "", fmt.Errorf("probe directory: %w", err)
	}
	defer os.RemoveAll(dir)
	header := dir + string(os.PathSeparator) + probeHeader
	source := dir + string(os.PathSeparator) + "probe.c"
	if err := os.WriteFile(header, []byte("/* objcache probe */\n"), 0o666); err != nil {
		return "", err
	}
	if err := os.WriteFile(source, []byte("#include \""+probeHeader+"\"\n"), 0o666); err != nil {
		return "", err
	}
	res, err := inv.runCapturedIn(dir, []string{"/nologo", "/c", "/Zs", "/showIncludes", source})
	if err != nil {
		return "", err
	}
	if prefix := probePrefix(res.stdout, probeHeader); prefix != "" {
		writeRecord(inv.Store, record, []byte(prefix+"\n")) // a read-only store writes nothing
		return prefix, nil
	}
	return "", fmt.Errorf("the probe compile printed no /showIncludes line (status %d); set show_includes_prefix", res.status)
}

// probePrefix finds the /showIncludes line naming header in a probe's
// stdout and returns what comes before the path and its depth's spaces:
// "Note: including file:", or "Remarque : inclusion du fichier :" in
// French. It returns "" when there is no such line.
func probePrefix(stdout []byte, header string) string {
	for _, line := range strings.Split(string(stdout), "\n") {
		i := strings.Index(line, header)
		if i < 0 {
			continue
		}
		// The prefix ends at the last colon followed by a space before the
		// path (a path may hold spaces, and a drive letter's colon is
		// followed by a backslash).
		if end := strings.LastIndex(line[:i], ": "); end >= 0 {
			return line[:end+1]
		}
		return ""
	}
	return ""
}

// languageEnv lists the variables that choose cl's UI language.
func languageEnv(env []string) []string {
	var out []string
	for _, name := range []string{"VSLANG", "LANG", "LC_ALL", "LC_MESSAGES"} {
		if v, ok := lookupEnv(env, name); ok {
			out = append(out, name+"="+v)
		}
	}
	return out
}
