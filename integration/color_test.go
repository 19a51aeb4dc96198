package integration

import (
	"strings"
	"testing"
)

// TestColorFollowsTheTerminal: on a terminal, diagnostics keep their colour,
// on a miss and on a hit; an entry stored from a terminal replays to a pipe
// without colour, byte-identical to what the compiler prints there.
func TestColorFollowsTheTerminal(t *testing.T) {
	requireTool(t, "script", "apt-get install -y bsdutils")
	for _, c := range compilers {
		cc := requireTool(t, c.name, c.install)
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.setenv("TERM", "xterm")
			e.write("warn.c", "int f(void) { int unused; return 0; }\n")
			args := []string{"-Wall", "-c", "warn.c", "-o", "warn.o"}
			onTerminal := func(argv ...string) outcome { return runOnTerminal(e, argv...) }
			ref := onTerminal(append([]string{cc}, args...)...)
			if !strings.Contains(ref.stdout, "\x1b[") {
				t.Fatalf("the compiler prints no colour on a terminal: %q", ref.stdout)
			}
			miss := onTerminal(append([]string{objcacheBin, cc}, args...)...)
			hit := onTerminal(append([]string{objcacheBin, cc}, args...)...)
			for name, got := range map[string]outcome{"miss": miss, "hit": hit} {
				if got.stdout != ref.stdout {
					t.Errorf("%s on a terminal: %q, want %q", name, got.stdout, ref.stdout)
				}
			}
			plain := e.run(cc, args...)
			piped := e.objcache(append([]string{cc}, args...)...)
			if piped != plain {
				t.Errorf("hit to a pipe: %v, want %v", piped, plain)
			}
			e.wantStats(map[string]int64{"misses": 1, "hits": 2})
		})
	}
}

// runOnTerminal runs argv with a terminal for its stdout and stderr
// (script(1)); what it printed comes back as stdout.
func runOnTerminal(e *env, argv ...string) outcome {
	return e.run("script", "-qec", shellQuote(argv), "/dev/null")
}

// shellQuote joins argv into one sh command line.
func shellQuote(argv []string) string {
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(quoted, " ")
}

// TestColorStoredWhateverTheTerminal (issue 13, O13 and O16): a miss
// stores coloured diagnostics even when its stderr is a pipe, so a later
// hit on a terminal is coloured as the compiler would colour it; the
// colour options are out of the key, each call getting the compiler's own
// bytes for its choice.
func TestColorStoredWhateverTheTerminal(t *testing.T) {
	requireTool(t, "script", "apt-get install -y bsdutils")
	for _, c := range compilers {
		cc := requireTool(t, c.name, c.install)
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.setenv("TERM", "xterm")
			e.write("warn.c", "int f(int x) { int unused; if (x = 1) return 0; }\n")
			args := []string{"-Wall", "-c", "warn.c", "-o", "warn.o"}
			onTerminal := func(argv ...string) outcome { return runOnTerminal(e, argv...) }
			// Stored from a pipe, replayed on a terminal.
			if got, want := e.objcache(append([]string{cc}, args...)...), e.run(cc, args...); got != want {
				t.Errorf("miss to a pipe: %v, want %v", got, want)
			}
			ref := onTerminal(append([]string{cc}, args...)...)
			if got := onTerminal(append([]string{objcacheBin, cc}, args...)...); got.stdout != ref.stdout {
				t.Errorf("hit on a terminal: %q, want %q", got.stdout, ref.stdout)
			}
			always, never := "-fdiagnostics-color=always", "-fno-diagnostics-color"
			if c.name == "clang-14" {
				always, never = "-fcolor-diagnostics", "-fno-color-diagnostics"
			}
			for _, opt := range []string{always, never, "-fdiagnostics-color=auto", always} {
				a := append([]string{opt}, args...)
				if got, want := e.objcache(append([]string{cc}, a...)...), e.run(cc, a...); got != want {
					t.Errorf("%s to a pipe: %v, want %v", opt, got, want)
				}
				if got, want := onTerminal(append([]string{objcacheBin, cc}, a...)...), onTerminal(append([]string{cc}, a...)...); got.stdout != want.stdout {
					t.Errorf("%s on a terminal: %q, want %q", opt, got.stdout, want.stdout)
				}
			}
			e.wantStats(map[string]int64{"misses": 1, "hits": 9})
		})
	}
}
