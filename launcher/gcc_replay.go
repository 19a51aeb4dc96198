package launcher

import (
	"context"
	"strings"

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
	if c.p.Depfile != nil {
		// The entry may have been stored for other targets (-o, -MT and
		// -MQ are not in the key): the rule is laid out again for this
		// call's, as the compiler would write it.
		var laid bool
		if dep, laid = compiler.RetargetDepfile(c.flavor, dep, c.p.Depfile.RuleTargets(c.colorFlavor())); !laid {
			c.log.printf("the stored depfile is not laid out as the compiler lays one out: treated as a miss")
			return 0, false
		}
	}
	if err := c.placeOutputs(obj, dep, "", ""); err != nil {
		c.log.printf("hit not written: %v", err)
		return c.passThrough(errorOutput), true
	}
	_, colored := output(e, colorKind)
	stderr := e.Stderr
	if _, linked := output(e, urlsKind); linked && !c.keepURLs() {
		stderr = stripCompilerURLs(stderr)
	}
	c.replayConsole(e.Stdout, stderr, colored)
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

// storesColor reports whether a miss asks the compiler for colour, so
// that the entry holds coloured diagnostics whoever asks for it later, and
// each hit (and the miss itself) strips them where this call's compiler
// alone would not colour (keepColor); the colour options are then out of
// the key. Not where objcache runs the user's command as given (ownPaths:
// the object may record an added option), nor under
// -fdiagnostics-plain-output or -fdiagnostics-format=, which change more
// than colour: there the options are keyed (colorKey) and the entry holds
// what the compiler printed.
func (c *gccCall) storesColor() bool {
	if c.ownPaths() || c.isAssembler() {
		return false
	}
	for _, a := range c.p.HashArgs {
		if a == "-fdiagnostics-plain-output" || strings.HasPrefix(a, "-fdiagnostics-format") {
			return false
		}
	}
	return true
}

// isAssembler reports whether the source is assembler, where clang warns
// that a colour option goes unused (the assembler prints few diagnostics,
// and colours none of them).
func (c *gccCall) isAssembler() bool {
	return c.p.Lang == "assembler" || c.p.Lang == "assembler-with-cpp"
}

// colorKey is what the key holds of the colour options: nothing where the
// entry is stored coloured (storesColor), the options otherwise.
func (c *gccCall) colorKey() []string {
	if len(c.p.ColorArgs) == 0 || c.storesColor() {
		return nil
	}
	return []string{"color " + strings.Join(c.p.ColorArgs, "\x00")}
}

// wantColor reports whether the compiler alone would colour this call's
// diagnostics without being told to: the user's stderr is a terminal, the
// user did not choose, and the compiler's own rule says yes
// (compilerColors).
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
	if c.realFlavor == "" {
		c.realFlavor = c.p.Flavor
		if _, real, ok := compiler.Identify(c.resolvedCompiler(), ""); ok {
			c.realFlavor = real
		}
	}
	return c.realFlavor
}

// keepColor reports whether coloured diagnostics reach this user as they
// are.
func (c *gccCall) keepColor() bool {
	return c.p.Color == "always" || c.wantColor()
}

// keepURLs reports whether gcc alone, run as this call is, would print
// hyperlinks: its stderr is a terminal, the user chose nothing about them
// (-fdiagnostics-urls=, -fdiagnostics-plain-output) and gcc's own rule for
// -fdiagnostics-urls=auto says yes (gccURLs). Colour is no condition: gcc
// links option names with -fdiagnostics-color=never or GCC_COLORS empty.
func (c *gccCall) keepURLs() bool {
	if !c.StderrIsTerminal || c.colorFlavor() != compiler.FlavorGCC {
		return false
	}
	for _, arg := range c.p.Args {
		if strings.HasPrefix(arg, "-fdiagnostics-urls") || arg == "-fdiagnostics-plain-output" {
			return false
		}
	}
	return gccURLs(func(name string) (string, bool) { return lookupEnv(c.Environ, name) })
}

// wantURLs reports whether a miss adds urlsFlag: gcc alone would print
// hyperlinks here (keepURLs) and the flag cannot reach the object. gcc 12
// records -fdiagnostics-urls= among the options of DW_AT_producer (debug
// information, -grecord-gcc-switches being the default), of
// -frecord-gcc-switches' section and of an LTO object, where
// -fdiagnostics-color is not recorded; so the flag is added only to a
// command line with no -g option, no -frecord-gcc-switches, no -flto and
// no specs file (which could add any of them), and a miss whose object
// still names the flag is run again as given (flagInObject). With those,
// the call is stored without hyperlinks, as before.
func (c *gccCall) wantURLs() bool {
	if !c.keepURLs() {
		return false
	}
	for _, arg := range c.p.Args {
		for _, p := range []string{"-g", "-frecord-gcc-switches", "-flto", "-specs", "--specs"} {
			if strings.HasPrefix(arg, p) {
				return false
			}
		}
	}
	return true
}

// gccURLs reports whether gcc 12, run alone with its stderr a terminal and
// -fdiagnostics-urls=auto (the default), prints hyperlinks
// (diagnostic-color.cc, auto_enable_urls and parse_env_vars_for_urls):
// TERM set and not "dumb" (as for colour); COLORTERM not
// "xfce4-terminal" nor "gnome-terminal"; then GCC_URLS, or if unset
// TERM_URLS, decides when either is set ("" or "no": none); otherwise TERM
// "xterm" or "linux" without COLORTERM prints none.
func gccURLs(getenv func(string) (string, bool)) bool {
	term, ok := getenv("TERM")
	if !ok || term == "dumb" {
		return false
	}
	colorterm, colortermSet := getenv("COLORTERM")
	if colortermSet && (colorterm == "xfce4-terminal" || colorterm == "gnome-terminal") {
		return false
	}
	format, set := getenv("GCC_URLS")
	if !set {
		format, set = getenv("TERM_URLS")
	}
	if set {
		return format != "" && format != "no"
	}
	return colortermSet || (term != "xterm" && term != "linux")
}
