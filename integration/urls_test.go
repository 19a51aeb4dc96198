//go:build linux

package integration

import (
	"strings"
	"testing"
)

// TestURLsFollowTheTerminal runs a warning compile at a terminal where gcc
// 12 alone wraps the option name ([-Wunused-variable]) in an OSC 8
// hyperlink (-fdiagnostics-urls=auto: TERM not "dumb", and not "xterm" or
// "linux" without COLORTERM; GCC_URLS and TERM_URLS choose the form or
// none), and where it prints none. objcache must print the same bytes on a
// miss and on a hit, write the object gcc writes, and replay the entry to
// a pipe as gcc prints there. objcache used to ask for colour but not for
// hyperlinks, so no link appeared through it.
func TestURLsFollowTheTerminal(t *testing.T) {
	requireTool(t, "script", "apt-get install -y bsdutils")
	cc := requireTool(t, "gcc", "apt-get install -y gcc")
	cases := []struct {
		name  string
		env   map[string]string
		flags []string
		// links says gcc alone prints hyperlinks there.
		links bool
		// sameStderr is false where objcache knowingly prints no links
		// (-g: gcc records the flag it would add in DW_AT_producer): only
		// the object is compared.
		sameStderr bool
	}{
		{"TERM xterm-256color, BEL form", map[string]string{"TERM": "xterm-256color"}, nil, true, true},
		{"TERM_URLS=st, ST form", map[string]string{"TERM": "xterm", "TERM_URLS": "st"}, nil, true, true},
		{"GCC_URLS=bel, COLORTERM set", map[string]string{"TERM": "xterm", "COLORTERM": "truecolor", "GCC_URLS": "bel"}, nil, true, true},
		{"colour off, links on", map[string]string{"TERM": "vt100"}, []string{"-fdiagnostics-color=never"}, true, true},
		{"TERM xterm: none", map[string]string{"TERM": "xterm"}, nil, false, true},
		{"GCC_URLS=no: none", map[string]string{"TERM": "xterm-256color", "GCC_URLS": "no"}, nil, false, true},
		{"gnome-terminal: none", map[string]string{"TERM": "xterm-256color", "COLORTERM": "gnome-terminal"}, nil, false, true},
		{"user's -fdiagnostics-urls=never", map[string]string{"TERM": "xterm-256color"}, []string{"-fdiagnostics-urls=never"}, false, true},
		{"-g keeps the object", map[string]string{"TERM": "xterm-256color"}, []string{"-g"}, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			kept := e.vars[:0]
			for _, kv := range e.vars {
				name, _, _ := strings.Cut(kv, "=")
				switch name {
				case "TERM", "COLORTERM", "GCC_URLS", "TERM_URLS", "GCC_COLORS":
				default:
					kept = append(kept, kv)
				}
			}
			e.vars = kept
			for k, v := range tc.env {
				e.setenv(k, v)
			}
			e.write("warn.c", "int f(void) { int unused; return 0; }\n")
			args := append(append([]string{"-Wall"}, tc.flags...), "-c", "warn.c", "-o", "warn.o")
			onTerminal := func(argv ...string) outcome {
				return e.run("script", "-qec", shellQuote(argv), "/dev/null")
			}
			ref := onTerminal(append([]string{cc}, args...)...)
			if !strings.Contains(ref.stdout, "-Wunused-variable") {
				t.Fatalf("no warning: %q", ref.stdout)
			}
			if got := strings.Contains(ref.stdout, "\x1b]8;;"); got != tc.links {
				t.Fatalf("gcc alone prints links: %v, want %v: %q", got, tc.links, ref.stdout)
			}
			refObj := e.mustRead("warn.o")
			for _, phase := range []string{"miss", "hit"} {
				got := onTerminal(append([]string{objcacheBin, cc}, args...)...)
				if tc.sameStderr && got.stdout != ref.stdout {
					t.Errorf("%s on a terminal: %q, want, as gcc alone: %q", phase, got.stdout, ref.stdout)
				}
				if e.mustRead("warn.o") != refObj {
					t.Errorf("%s on a terminal: the object differs from gcc's own", phase)
				}
			}
			plain := e.run(cc, args...)
			if piped := e.objcache(append([]string{cc}, args...)...); piped != plain {
				t.Errorf("hit to a pipe:\n%q\nwant, as gcc alone:\n%q", piped.stderr, plain.stderr)
			}
			e.wantStats(map[string]int64{"misses": 1, "hits": 2})
		})
	}
}

// TestURLsKeepUsersEscapes stores, from a terminal where gcc links option
// names, a compile whose warning quotes an OSC 8 start of the user's own
// (#warning text) with no end, and replays it to a pipe: objcache removes
// the links it asked for and must leave the user's bytes as gcc prints
// them.
func TestURLsKeepUsersEscapes(t *testing.T) {
	requireTool(t, "script", "apt-get install -y bsdutils")
	cc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.setenv("TERM", "xterm-256color")
	e.write("u.c", "#warning \"\x1b]8;;https://example.org/\a see \x1b]8;;x\x1b\\\"\nint y;\n")
	args := []string{"-c", "u.c", "-o", "u.o"}
	o := e.run("script", "-qec", shellQuote(append([]string{objcacheBin, cc}, args...)), "/dev/null")
	if !strings.Contains(o.stdout, "gcc.gnu.org") {
		t.Fatalf("on a terminal, no link: %q", o.stdout)
	}
	want := e.run(cc, args...)
	if got := e.objcache(append([]string{cc}, args...)...); got != want {
		t.Errorf("hit to a pipe:\n%q\nwant, as gcc alone:\n%q", got.stderr, want.stderr)
	}
	e.wantStats(map[string]int64{"misses": 1, "hits": 1})
}
