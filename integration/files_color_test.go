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
