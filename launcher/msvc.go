package launcher

import (
	"context"
	"os"
	"runtime"
	"slices"
	"sync"

	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
)

// runMSVC caches a cl.exe or clang-cl call: one cached compile per source,
// up to /MP at a time (one at a time without it, as cl does), their
// console output in the order of the sources, and cl's status.
func (inv *invocation) runMSVC(ctx context.Context, flavor compiler.Flavor) int {
	if flavor != compiler.FlavorClang && inv.Config.MSVCZi == "z7" {
		inv.compileZiAsZ7()
		defer inv.removeArgsFile()
	}
	rel := inv.useBaseDirs()
	p := compiler.ParseMSVCRebased(flavor, inv.args, inv.getenv("CL"), inv.getenv("_CL_"), inv.Dir, rel)
	// user is the call as written: what a source's own command is made of
	// when the compiler must run it as the user would (msvcCall.command).
	// Parsed again only when one does: most hits never need it.
	user := func() *compiler.MSVCInvocation { return p }
	if rel != nil {
		user = sync.OnceValue(func() *compiler.MSVCInvocation {
			return compiler.ParseMSVC(flavor, inv.args, inv.getenv("CL"), inv.getenv("_CL_"), inv.Dir)
		})
	}
	switch {
	case p.Reason != "":
		return inv.passThrough(prefixUncacheable + p.Reason)
	case !inv.Config.DirectMode:
		return inv.passThrough(prefixUncacheable + "direct-mode-off")
	case flavor == compiler.FlavorClang && inv.readsClangConfig():
		return inv.passThrough(prefixUncacheable + reasonClangConfig)
	case p.Recording && len(p.Sources) > 1 && flavor != compiler.FlavorClang:
		// A /Z7 object of cl records the command line: each source must
		// be compiled by the very command the user wrote. (clang-cl's
		// records its source's own cc1 command, the same whether the call
		// names one source or several.)
		return inv.passThrough(prefixUncacheable + "z7-multiple-sources")
	}
	if name, ok := inv.passThroughEnv(); ok {
		// For the whole call, not per source: clang-cl reports what the
		// variable does once per call (### lines), which per-source runs
		// would repeat.
		inv.log.printf("%s is set: clang-cl changes its command line or writes more with it", name)
		return inv.passThrough(prefixUncacheable + reasonCompilerEnv)
	}
	if len(p.Sources) > 1 {
		// cl reports every missing source and then fails once; compiled
		// one by one, each would fail on its own and the messages would
		// come twice and in another order.
		for _, src := range p.Sources {
			if fi, err := os.Stat(inv.absPath(src.Path)); err != nil || !fi.Mode().IsRegular() {
				inv.log.printf("source %s is not a readable file: passing the whole call through", src.Path)
				return inv.passThrough(prefixUncacheable + "unreadable-source")
			}
		}
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
	compile := func(i int) {
		c := &msvcCall{unit: newUnit(inv, p.Sources[i].Path, nil), p: p, user: user, i: i, src: p.Sources[i], flavor: flavor, prefix: prefix}
		results[i] = c.run(ctx)
	}
	if flavor == compiler.FlavorClang {
		// clang-cl compiles its sources one after another and stops at
		// the first that fails (the cl driver mode bails out; /MP is
		// ignored): the later sources are not compiled and print nothing.
		for i := range p.Sources {
			if compile(i); results[i].status != 0 {
				results = results[:i+1]
				break
			}
		}
	} else {
		sem := make(chan struct{}, parallel)
		var wg sync.WaitGroup
		for i := range p.Sources {
			wg.Add(1)
			sem <- struct{}{}
			go func(i int) {
				defer func() { <-sem; wg.Done() }()
				compile(i)
			}(i)
		}
		wg.Wait()
	}
	if flavor == compiler.FlavorClang && len(p.Sources) > 1 && !inv.mergeDriverLines(results) {
		return inv.passThrough("")
	}
	status := 0
	for _, r := range results {
		inv.Stdout.Write(r.stdout)
		inv.Stderr.Write(r.stderr)
		status = max(status, r.status)
	}
	inv.writeStats(ctx)
	return status
}

// byUserCommand reports whether the source is compiled by the user's own
// command rather than the one base dirs rewrote: a /Z7 object records its
// command. (A /Yc is compiled as other sources are: its PCH, like an
// object, then holds __FILE__ as the rewritten command spells it, the same
// in every checkout; break-it round 10 found a user's absolute __FILE__ in
// a PCH reaching another checkout's /Yu objects.)
func (c *msvcCall) byUserCommand() bool {
	return c.p.Recording
}

// sourceDepsKind is the Output kind of a /sourceDependencies JSON file.
const sourceDepsKind = "sourcedeps"

// msvcCall is the cached compile of one source of a cl.exe call.
type msvcCall struct {
	*unit
	p *compiler.MSVCInvocation
	// user returns the same call parsed without base dirs: its arguments
	// are the user's (p's are rewritten relative).
	user   func() *compiler.MSVCInvocation
	i      int
	src    compiler.MSVCSource
	flavor compiler.Flavor
	prefix string
	// objPlan, depsPlan and pchPlan say how the object, the
	// /sourceDependencies file and a /Yc's PCH are put in place
	// (planOutput).
	objPlan, depsPlan, pchPlan outputPlan
	// pchSemantic is a /Yc's manifest key without the working directory:
	// with its include files, the identity of the PCH it writes.
	pchSemantic digest.Sum
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
	if c.p.PCH == "create" {
		if c.pchPlan, err = planOutput(c.absPath(c.p.PCHFile), compiler.WriteThrough, c.Umask); err != nil {
			c.log.printf("%v", err)
			return unplaceableOutcome(err)
		}
		if c.objPlan.sameFile(c.pchPlan) {
			return outcomeSharedOutput
		}
	}
	if c.p.SourceDependencies == "" {
		return ""
	}
	if c.depsPlan, err = planOutput(c.absPath(c.src.SourceDependencies), compiler.WriteThrough, c.Umask); err != nil {
		c.log.printf("%v", err)
		return unplaceableOutcome(err)
	}
	if c.objPlan.sameFile(c.depsPlan) || c.p.PCH == "create" && c.pchPlan.sameFile(c.depsPlan) {
		return outcomeSharedOutput
	}
	return ""
}

// outputIsInput is unit.outputIsInput for the object and the
// /sourceDependencies file.
func (c *msvcCall) outputIsInput() string {
	plans := []outputPlan{c.objPlan}
	if c.p.SourceDependencies != "" {
		plans = append(plans, c.depsPlan)
	}
	if c.p.PCH == "create" {
		plans = append(plans, c.pchPlan)
	}
	return c.unit.outputIsInput(plans...)
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
	hidden := ""
	if src.err == nil {
		if hidden = c.hiddenReadReason(src); hidden == "" {
			hidden = c.argsHiddenReadReason(c.p.HashArgs)
		}
	}
	switch {
	case src.err != nil:
		return c.uncached(prefixUncacheable + "unreadable-source")
	case (src.timeMacro | compiler.ArgTimeMacros(c.p.HashArgs)).Unstable(c.dateSet):
		// A macro in /D, CL or _CL_ is expanded as if in the source.
		return c.uncached(prefixUncacheable + reasonTimeMacro)
	case hidden != "":
		return c.uncached(prefixUncacheable + hidden)
	}
	c.keyed[c.src.Path] = src.hash
	in := manifest.KeyInputs{
		Family:     string(compiler.MSVC) + "/" + string(c.flavor),
		Args:       c.p.HashArgs,
		Source:     c.src.Path,
		SourceHash: src.hash,
		Extra:      c.withBaseDirs([]string{c.src.Lang, c.src.Forced}),
	}

	if c.p.DropsLangAll(c.i) {
		in.Extra = append(in.Extra, "without /TC /TP")
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
	if link := sourceDirLink(c.Dir, c.src.Path); link != "" {
		in.Extra = append(in.Extra, link)
	}
	in.Extra = append(in.Extra, c.compilerPlace())
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
	if c.p.PCH == "create" {
		// What the PCH stands for, wherever it is made: the rewritten
		// arguments, without the working directory unless the compile
		// records it (/Z7: compiled by the user's command).
		c.pchSemantic = in.Key()
	}
	if c.byUserCommand() {
		// Compiled by the user's command, whose paths the output records
		// as spelled: keyed by it, not by the rewritten one (break-it
		// round 9: /I$PWD/inc hit the object of /Iinc).
		u := c.user()
		in.Args, in.Source = u.HashArgs, u.Sources[c.i].Path
		c.userKeyed = true
	}
	switch c.p.PCH {
	case "create":
		// The PCH records the absolute paths of what it was made from.
		in.Dir = c.Dir
	case "use":
		pch, outcome := c.pchIdentity(ctx)
		if outcome != "" {
			return c.uncached(prefixUncacheable + outcome)
		}
		in.Extra = append(slices.Clip(in.Extra), "pch "+pch.String())
	}
	c.mkey = in.Key()
	c.keyIn = &in
	c.log.printf("%s: manifest key %s: args %q env %q extra %q", c.src.Path, c.mkey, in.Args, in.Env, in.Extra)
	if outcome := c.outputIsInput(); outcome != "" {
		return c.uncached(outcome)
	}
	e := c.lookup(ctx)
	if c.explaining() {
		c.explainFound(e != nil, c.outputIsInput)
		return &result{}
	}
	if e != nil {
		// The lookup hashed the include files of the entry it found.
		if outcome := c.outputIsInput(); outcome != "" {
			return c.uncached(outcome)
		}
		obj, ok := output(e, objectKind)
		var pch []byte
		var rec pchRecord
		if ok && c.p.PCH == "create" {
			pch, rec, ok = c.pchHit(e)
		}
		if ok {
			if pch != nil {
				if err := c.place(c.pchPlan, pch, ""); err != nil {
					c.log.printf("hit not written: %v", err)
					return c.uncached(errorOutput)
				}
				c.publishIdentity(ctx, pch, rec)
			}
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
