package launcher

import (
	"context"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/compiler"
)

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
	if c.p.Depfile != nil && !c.p.Depfile.HasTarget {
		dep = retarget(dep, compiler.QuoteTarget(c.p.Depfile.Target))
	}
	if err := c.placeOutputs(obj, dep, "", ""); err != nil {
		c.log.printf("hit not written: %v", err)
		return c.passThrough(errorOutput), true
	}
	_, colored := output(e, colorKind)
	c.replayConsole(e.Stdout, e.Stderr, colored)
	c.count(statHit)
	c.log.phase("replay")
	c.writeStats(context.Background())
	return 0, true
}

// replayConsole writes the compiler's console output, removing colour that
// objcache asked for when the user's stderr cannot show it: the sequences
// the compiler's colouring emits, not the user's own escape bytes that a
// diagnostic quotes (stripCompilerColor).
func (c *gccCall) replayConsole(stdout, stderr []byte, colored bool) {
	if colored && !c.keepColor() {
		stderr = stripCompilerColor(stderr, c.colorFlavor())
	}
	c.Stdout.Write(stdout)
	c.Stderr.Write(stderr)
}

// wantColor reports whether objcache should ask the compiler for colour:
// the user's stderr is a terminal, the user did not choose, and the
// compiler alone would colour there (compilerColors).
func (c *gccCall) wantColor() bool {
	return c.StderrIsTerminal && (c.p.Color == "" || c.p.Color == "auto") &&
		compilerColors(c.colorFlavor(), func(name string) (string, bool) { return lookupEnv(c.Environ, name) })
}

// colorFlavor is the flavor whose colour rules apply: the one the binary
// that runs says, where a gcc-named compiler is clang (cc, a symlink). It
// resolves the compiler's path, and is only asked for at a terminal or
// when colour is to be removed.
func (c *gccCall) colorFlavor() compiler.Flavor {
	if c.p.Flavor != compiler.FlavorGCC {
		return c.p.Flavor
	}
	if _, real, ok := compiler.Identify(resolved(c.compilerPath), ""); ok {
		return real
	}
	return c.p.Flavor
}

// keepColor reports whether coloured diagnostics reach this user as they
// are.
func (c *gccCall) keepColor() bool {
	return c.p.Color == "always" || c.wantColor()
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
