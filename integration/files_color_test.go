//go:build linux

package integration

import (
	"strings"
	"testing"
)

// TestFilesColorTermRules runs a warning compile at a terminal where the
// compiler alone prints no colour, by its own rule: gcc with TERM unset or
// GCC_COLORS empty, clang with TERM unset or naming no terminfo entry.
// objcache must print the same bytes, on a miss and on a hit; it used to
// ask for colour whenever stderr was a terminal and TERM was not "dumb".
func TestFilesColorTermRules(t *testing.T) {
	requireTool(t, "script", "apt-get install -y bsdutils")
	cases := []struct {
		name, cc string
		env      map[string]string // "" value: unset
	}{
		{"gcc, TERM unset", "gcc", map[string]string{"TERM": ""}},
		{"gcc, GCC_COLORS empty", "gcc", map[string]string{"TERM": "xterm", "GCC_COLORS": "="}},
		{"clang, TERM unset", "clang-14", map[string]string{"TERM": ""}},
		{"clang, TERM unknown", "clang-14", map[string]string{"TERM": "foo"}},
		{"clang, TERM xterm", "clang-14", map[string]string{"TERM": "xterm"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, tc.cc, "apt-get install -y gcc clang-14")
			e := newEnv(t)
			for k, v := range tc.env {
				kept := e.vars[:0]
				for _, kv := range e.vars {
					if !strings.HasPrefix(kv, k+"=") {
						kept = append(kept, kv)
					}
				}
				e.vars = kept
				switch v {
				case "":
				case "=":
					e.vars = append(e.vars, k+"=")
				default:
					e.vars = append(e.vars, k+"="+v)
				}
			}
			e.write("warn.c", "int f(void) { int unused; return 0; }\n")
			args := []string{"-Wall", "-c", "warn.c", "-o", "warn.o"}
			onTerminal := func(argv ...string) outcome {
				return e.run("script", "-qec", shellQuote(argv), "/dev/null")
			}
			ref := onTerminal(append([]string{cc}, args...)...)
			if !strings.Contains(ref.stdout, "warning") {
				t.Fatalf("no warning: %q", ref.stdout)
			}
			for _, phase := range []string{"miss", "hit"} {
				if got := onTerminal(append([]string{objcacheBin, cc}, args...)...); got.stdout != ref.stdout {
					t.Errorf("%s on a terminal: %q, want, as the compiler alone: %q", phase, got.stdout, ref.stdout)
				}
			}
			e.wantStats(map[string]int64{"misses": 1, "hits": 1})
		})
	}
}

// TestFilesColorKeepsUsersEscapes stores, from a terminal, a compile whose
// warning quotes escape bytes of the user's own (#warning text), and
// replays it to a pipe: objcache removes the colour it asked for, and must
// leave the user's bytes as the compiler alone prints them. It used to
// remove every escape sequence that looked like colour.
func TestFilesColorKeepsUsersEscapes(t *testing.T) {
	requireTool(t, "script", "apt-get install -y bsdutils")
	for _, cc := range []string{"gcc", "clang-14"} {
		t.Run(cc, func(t *testing.T) {
			cc := requireTool(t, cc, "apt-get install -y gcc clang-14")
			e := newEnv(t)
			e.setenv("TERM", "xterm")
			e.write("u.c", "#warning \"\x1b[1mbold\x1b[K and \x1b[33myellow\x1b[m\"\nint y;\n")
			args := []string{"-c", "u.c", "-o", "u.o"}
			if o := e.run("script", "-qec", shellQuote(append([]string{objcacheBin, cc}, args...)), "/dev/null"); !strings.Contains(o.stdout, "warning") {
				t.Fatalf("on a terminal: %v", o)
			}
			want := e.run(cc, args...)
			got := e.objcache(append([]string{cc}, args...)...)
			if got != want {
				t.Errorf("hit to a pipe:\n%q\nwant, as the compiler alone:\n%q", got.stderr, want.stderr)
			}
			e.wantStats(map[string]int64{"misses": 1, "hits": 1})
		})
	}
}
