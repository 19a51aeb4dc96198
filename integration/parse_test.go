package integration

import (
	"testing"
	"time"
)

// The tests of this file close the holes a break-it round found in what
// the key and the command-line parser model (notes/fix-parse.md): each
// spells something the compiler reads or writes in a way objcache did not
// see, and wants the compiler's own result, or a counted pass-through.

// TestTimeMacrosThroughSplices (W3): a time macro cut by a line splice
// (backslash-newline, with blanks before the newline, or the trigraph
// ??/) is the macro to the preprocessor: the call is not stored, and the
// second object is not the first one's.
func TestTimeMacrosThroughSplices(t *testing.T) {
	cases := []struct {
		name    string
		files   map[string]string
		args    []string
		counter string
	}{
		{"source", map[string]string{"t.c": "const char *t = __TI\\\nME__;\n"}, []string{"-c", "t.c", "-o", "t.o"}, "uncacheable.time-macro"},
		{"source, blanks before the newline", map[string]string{"t.c": "const char *t = __TI\\ \nME__;\n"}, []string{"-w", "-c", "t.c", "-o", "t.o"}, "uncacheable.time-macro"},
		{"source, trigraph", map[string]string{"t.c": "const char *t = __TI??/\nME__;\n"}, []string{"-trigraphs", "-c", "t.c", "-o", "t.o"}, "uncacheable.time-macro"},
		{"header", map[string]string{"t.c": "#include \"h.h\"\nconst char *t = STAMP;\n", "h.h": "#define STAMP __TI\\\r\nME__\n"}, []string{"-c", "t.c", "-o", "t.o"}, "not_stored.time-macro"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, "gcc", "apt-get install -y gcc")
			e := newEnv(t)
			for name, content := range tc.files {
				e.write(name, content)
			}
			var objs []string
			for i := 0; i < 2; i++ {
				if i > 0 {
					time.Sleep(1100 * time.Millisecond) // __TIME__ has one-second steps
				}
				if o := e.objcache(append([]string{cc}, tc.args...)...); o.code != 0 {
					t.Fatalf("call %d: %v", i+1, o)
				}
				objs = append(objs, e.snapshot("t.o")["t.o"])
			}
			if objs[0] == objs[1] {
				t.Error("the second object is the first one's: a stale hit")
			}
			e.wantStats(map[string]int64{"hits": 0, tc.counter: 2})
		})
	}
}
