package launcher

import (
	"context"
	"slices"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
)

// Output kinds stored in entries of the GCC family.
const (
	objectKind  = "object"
	depfileKind = "depfile"
)

// gccCall is one cacheable GCC-family compilation in progress.
type gccCall struct {
	*unit
	p      *compiler.Invocation
	flavor compiler.Flavor
	pch    pchState // the precompiled headers it may load (pch.go)
	// objPlan and depPlan say how the object and the user's depfile (if
	// any) are put in place, on a hit and on a miss alike.
	objPlan, depPlan outputPlan
}

// runGCC caches one GCC-family call in direct mode (DESIGN.md §2).
func (inv *invocation) runGCC(ctx context.Context, flavor compiler.Flavor) int {
	p := compiler.ParseRebased(flavor, inv.args, inv.Dir, inv.useBaseDirs())
	if p.Reason != "" {
		return inv.passThrough(prefixUncacheable + p.Reason)
	}
	if !inv.Config.DirectMode {
		return inv.passThrough(prefixUncacheable + "direct-mode-off")
	}
	for _, name := range compiler.DepfileEnv() {
		if _, ok := lookupEnv(inv.Environ, name); ok {
			inv.log.printf("%s is set: the compiler writes a depfile of its own accord", name)
			return inv.passThrough(prefixUncacheable + "depfile-env")
		}
	}
	if name, ok := inv.passThroughEnv(); ok {
		inv.log.printf("%s is set: the compiler changes its command line or writes more with it", name)
		return inv.passThrough(prefixUncacheable + reasonCompilerEnv)
	}
	c := &gccCall{unit: newUnit(inv, p.Source, p.InputFiles), p: p, flavor: flavor}
	c.dateSet = c.dateSet && inv.honoursSourceDateEpoch(flavor)
	c.assembler = p.Lang == "assembler" || p.Lang == "assembler-with-cpp"
	return c.run(ctx)
}

func (c *gccCall) run(ctx context.Context) int {
	if outcome := c.planOutputs(); outcome != "" {
		return c.passThrough(outcome)
	}
	key, reason := c.manifestKey()
	if reason != "" {
		return c.passThrough(reason)
	}
	c.mkey = key
	c.log.phase("hash")
	if e := c.lookup(ctx); e != nil {
		if status, ok := c.replayHit(e); ok {
			return status
		}
	}
	c.log.phase("lookup")
	return c.miss(ctx)
}

// manifestKey hashes everything known before the compile. A non-empty
// reason is the outcome of a call that cannot be cached.
func (c *gccCall) manifestKey() (digest.Sum, string) {
	p := c.p
	src := c.sourceState(p.Source)
	if src.err != nil {
		c.log.printf("source unreadable: %v", src.err)
		return digest.Sum{}, prefixUncacheable + "unreadable-source"
	}
	if (src.timeMacro | p.TimeMacros).Unstable(c.dateSet) {
		c.log.printf("source or arguments use __DATE__, __TIME__ or __TIMESTAMP__")
		return digest.Sum{}, prefixUncacheable + reasonTimeMacro
	}
	c.keyed[p.Source] = src.hash
	in := manifest.KeyInputs{
		Family:     string(compiler.GCC) + "/" + string(c.flavor),
		Args:       p.HashArgs,
		Source:     p.Source,
		SourceHash: src.hash,
		Extra:      c.withBaseDirs(nil),
	}
	for _, name := range compiler.HashedEnv() {
		if v, ok := lookupEnv(c.Environ, name); ok {
			in.Env = append(in.Env, name+"="+v)
		}
	}
	for _, f := range p.InputFiles {
		st := c.hashes.file(c.absPath(f))
		if st.err != nil {
			c.log.printf("input unreadable: %v", st.err)
			return digest.Sum{}, prefixUncacheable + "unhashable-input"
		}
		in.Inputs = append(in.Inputs, manifest.FileHash{Path: f, Hash: st.hash})
		c.keyed[f] = st.hash
	}
	if !c.hashProfiles(p.ProfileInputs, &in) {
		return digest.Sum{}, prefixUncacheable + "unhashable-input"
	}
	getenv := func(name string) (string, bool) { return lookupEnv(c.Environ, name) }
	if dirs := append(slices.Clip(p.IncludeDirs), compiler.EnvIncludeDirs(getenv)...); len(dirs) > 0 {
		in.Extra = append(in.Extra, "include dirs "+dirStates(c.Dir, dirs))
	}
	id, err := c.compilerIdentity()
	if err != nil {
		c.log.printf("compiler identity: %v", err)
		return digest.Sum{}, errorCompilerIdent
	}
	in.CompilerID = id
	if p.NativeArgs != nil {
		exp, err := c.nativeExpansion(id, p.NativeArgs)
		if err != nil {
			c.log.printf("native options: %v", err)
			return digest.Sum{}, prefixUncacheable + reasonNativeUnknown
		}
		in.Extra = append(in.Extra, "native "+exp)
	}
	in.Dir = p.KeyDir(c.Dir, c.Config.HashDir)
	if p.Recording {
		in.Output = p.Output
	}
	implicit, reason := c.implicitInputs(src, id)
	if reason != "" {
		return digest.Sum{}, reason
	}
	in.Inputs = append(in.Inputs, implicit...)
	key := in.Key()
	c.log.printf("manifest key %s: args %q env %q source %s (%s) inputs %d extra %q dir %q output %q", key, in.Args, in.Env, in.Source, in.SourceHash, len(in.Inputs), in.Extra, in.Dir, in.Output)
	return key, ""
}

// planOutputs plans where the object and the depfile go (planOutput),
// before anything is compiled. A non-empty outcome means they cannot go
// where the compiler would put them: the call passes through, counted so.
func (c *gccCall) planOutputs() string {
	var err error
	if c.objPlan, err = planOutput(c.absPath(c.p.Output), c.p.ObjectWriter(), c.Umask); err != nil {
		c.log.printf("%v", err)
		return unplaceableOutcome(err)
	}
	if c.p.Depfile == nil {
		return ""
	}
	if c.depPlan, err = planOutput(c.absPath(c.p.Depfile.Path), compiler.WriteThrough, c.Umask); err != nil {
		c.log.printf("%v", err)
		return unplaceableOutcome(err)
	}
	if c.objPlan.sameFile(c.depPlan) {
		c.log.printf("the object and the depfile are one file")
		return outcomeSharedOutput
	}
	return ""
}

// replayHit writes the entry's outputs and console output. ok is false when
// the entry lacks an output this call needs (then the call goes on as a
// miss).
func (c *gccCall) replayHit(e *cache.Entry) (status int, ok bool) {
	obj, hasObj := output(e, objectKind)
	dep, hasDep := output(e, depfileKind)
	if !hasObj || (c.p.Depfile != nil && !hasDep) {
		c.log.printf("entry lacks an output this call needs: treated as a miss")
		return 0, false
	}
	if err := c.place(c.objPlan, obj, ""); err != nil {
		c.log.printf("hit not written: %v", err)
		return c.passThrough(errorOutput), true
	}
	if c.p.Depfile != nil {
		if !c.p.Depfile.HasTarget {
			dep = retarget(dep, compiler.QuoteTarget(c.p.Output))
		}
		if err := c.place(c.depPlan, dep, ""); err != nil {
			c.log.printf("hit not written: %v", err)
			return c.passThrough(errorOutput), true
		}
	}
	_, colored := output(e, colorKind)
	c.replayConsole(e.Stdout, e.Stderr, colored)
	c.count(statHit)
	c.log.phase("replay")
	c.writeStats(context.Background())
	return 0, true
}

// replayConsole writes the compiler's console output, removing colour that
// objcache asked for when the user's stderr cannot show it.
func (c *gccCall) replayConsole(stdout, stderr []byte, colored bool) {
	if colored && !c.keepColor() {
		stderr = stripColor(stderr)
	}
	c.Stdout.Write(stdout)
	c.Stderr.Write(stderr)
}

// wantColor reports whether objcache should ask the compiler for colour:
// the user's stderr is a terminal and the user did not choose.
func (c *gccCall) wantColor() bool {
	return c.StderrIsTerminal && (c.p.Color == "" || c.p.Color == "auto") && c.getenv("TERM") != "dumb"
}

// keepColor reports whether coloured diagnostics reach this user as they
// are.
func (c *gccCall) keepColor() bool {
	return c.p.Color == "always" || c.wantColor()
}

// output returns the data of the entry's output of the given kind.
func output(e *cache.Entry, kind string) ([]byte, bool) {
	for _, o := range e.Outputs {
		if o.Kind == kind {
			return o.Data, true
		}
	}
	return nil, false
}

// retarget replaces the first rule's target of a depfile with target.
func retarget(dep []byte, target string) []byte {
	_, n, err := compiler.ParseDepfile(dep)
	if err != nil || n > len(dep) {
		return dep
	}
	out := make([]byte, 0, len(dep)-n+len(target))
	out = append(out, target...)
	return append(out, dep[n:]...)
}
