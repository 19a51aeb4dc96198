package launcher

import (
	"errors"
	"slices"

	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
)

// manifestKey hashes everything known before the compile. A non-empty
// reason is the outcome of a call that cannot be cached.
func (c *gccCall) manifestKey() (digest.Sum, string) {
	p := c.p
	if c.colorFlavor() == compiler.FlavorClang && c.readsClangConfig() {
		return digest.Sum{}, prefixUncacheable + reasonClangConfig
	}
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
		Extra:      c.withBaseDirs(append(slices.Clip(c.colorKey()), c.userSpellings()...)),
	}
	for _, name := range compiler.HashedEnv() {
		if name == sourceDateEpoch && (src.timeMacro|p.TimeMacros)&compiler.DateTime == 0 {
			// Only the time macros read it: a header that uses one keys
			// it in its manifest entry (sourceDateEpochInclude).
			continue
		}
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
	if link := sourceDirLink(c.Dir, p.Source); link != "" {
		in.Extra = append(in.Extra, link)
	}
	in.Extra = append(in.Extra, c.compilerPlace())
	id, err := c.compilerIdentity()
	if refused := (*refusedCompiler)(nil); errors.As(err, &refused) {
		c.log.printf("compiler identity: %v", err)
		return digest.Sum{}, prefixUncacheable + refused.reason
	}
	if err != nil {
		c.log.printf("compiler identity: %v", err)
		return digest.Sum{}, errorCompilerIdent
	}
	in.CompilerID = id
	if p.ObjectWriter() == compiler.WriteUnlinkNonEmpty {
		as, err := c.assemblerIdentity(id)
		if err != nil {
			c.log.printf("assembler identity: %v", err)
			return digest.Sum{}, errorCompilerIdent
		}
		if as != "" {
			in.Extra = append(in.Extra, as)
		}
	}
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
	c.keyIn = &in
	c.log.printf("manifest key %s: args %q env %q source %s (%s) inputs %d extra %q dir %q output %q", key, in.Args, in.Env, in.Source, in.SourceHash, len(in.Inputs), in.Extra, in.Dir, in.Output)
	return key, ""
}
