package launcher

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/objcache/objcache/compiler"
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
	pch    pchState // the precompiled headers it may load (gcc_pch.go)
	// objPlan and depPlan say how the object and the user's depfile (if
	// any) are put in place, on a hit and on a miss alike.
	objPlan, depPlan outputPlan
	// realFlavor memoizes colorFlavor: resolving the compiler's path
	// costs a stat and a readlink per link.
	realFlavor compiler.Flavor
}

// runGCC caches one GCC-family call in direct mode (DESIGN.md §2).
func (inv *invocation) runGCC(ctx context.Context, flavor compiler.Flavor) int {
	p := compiler.ParseRebased(flavor, inv.args, inv.Dir, inv.useBaseDirs())
	if why := baseDirsUnfit(p, inv.Dir); why != "" && inv.base != nil {
		// The compiler gets the user's paths, and the key too.
		inv.log.printf("%s: base dirs are not applied", why)
		inv.base = nil
		p = compiler.Parse(flavor, inv.args, inv.Dir)
	}
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
	if specs, ok := inv.libraryPathSpecs(); ok {
		inv.log.printf("%s: the driver reads this specs file, which no key covers", specs)
		return inv.passThrough(prefixUncacheable + "specs-search")
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
	if outcome := c.outputIsInput(); outcome != "" {
		return c.passThrough(outcome)
	}
	e := c.lookup(ctx)
	if c.explaining() {
		c.explainFound(e != nil, c.outputIsInput)
		return 0
	}
	if e != nil {
		// The lookup hashed the include files of the entry it found.
		if outcome := c.outputIsInput(); outcome != "" {
			return c.passThrough(outcome)
		}
		if status, ok := c.replayHit(e); ok {
			return status
		}
	}
	c.log.phase("lookup")
	return c.miss(ctx)
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

// outputIsInput is unit.outputIsInput for the object and the depfile.
func (c *gccCall) outputIsInput() string {
	if c.p.Depfile == nil {
		return c.unit.outputIsInput(c.objPlan)
	}
	return c.unit.outputIsInput(c.objPlan, c.depPlan)
}

// baseDirsUnfit says why a call in cwd must run as the user wrote it even
// under base dirs, "" when it need not:
//   - a profile knows the source by the name the command gives it (gcc
//     refuses a profile made for another spelling);
//   - the assembler writes its depfile itself (as --MD), which no
//     preprocessor pass can write for the call as written (gcc_userdep.go);
//   - a depfile escapes some characters of file names ("$" as "$$", "#"
//     as "\#", spaces), so in a working directory named with one its
//     names cannot be told apart from the directory's (break-it round 17:
//     a hit's depfile named the other checkout);
//   - gcc names a header of a system include directory by its real path
//     when that is shorter, which depends on how long the checkout's name
//     is: a system directory reached through a symbolic link gives each
//     checkout other names (round 17: a depfile that differed from gcc's).
func baseDirsUnfit(p *compiler.Invocation, cwd string) string {
	switch {
	case p.ProfileNamesSource:
		return "profile feedback matches the source by its name"
	case p.Depfile != nil && p.Lang == "assembler":
		return "an assembler depfile"
	case p.Depfile != nil && depfileEscapes(cwd):
		return "the working directory's name has characters a depfile escapes"
	}
	for _, d := range p.SystemIncludeDirs {
		abs := filepath.Clean(joinDir(cwd, d))
		if real, err := filepath.EvalSymlinks(abs); err == nil && real != abs {
			return "system include directory " + d + " is reached through a symbolic link"
		}
	}
	return ""
}

// libraryPathSpecs returns a file named "specs" in a LIBRARY_PATH
// directory: the driver reads the first it finds in its startfile
// prefixes, which LIBRARY_PATH's directories are among, and it rewrites
// what every compile runs (break-it round 18). One stat per directory,
// only where LIBRARY_PATH is set.
func (inv *invocation) libraryPathSpecs() (string, bool) {
	v, ok := lookupEnv(inv.Environ, "LIBRARY_PATH")
	if !ok {
		return "", false
	}
	for _, dir := range filepath.SplitList(v) {
		if dir == "" {
			continue
		}
		p := filepath.Join(joinDir(inv.Dir, dir), "specs")
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	return "", false
}

// depfileEscapes reports whether the path p has a character that gcc's
// and clang's depfiles escape, or that make treats specially, in a file
// name (on Windows, the separator and the drive's colon are neither).
func depfileEscapes(p string) bool {
	special := " \t#$\\%:*?[]"
	if runtime.GOOS == "windows" {
		special = " \t#$%*?[]"
	}
	return strings.ContainsAny(p, special)
}
