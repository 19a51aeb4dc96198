package integration

import (
	"testing"
)

// TestPassThroughReasons runs calls objcache must not cache: each runs the
// compiler with the original arguments (same outputs, console and status as
// the compiler alone) and is counted under its reason.
func TestPassThroughReasons(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		reason  string
		outputs []string
		gccOnly bool
		exist   []string // outputs that differ from run to run: only their presence is compared
	}{
		{"linking", []string{"hello.c", "-o", "hello"}, "linking", []string{"hello"}, false, nil},
		{"preprocess", []string{"-E", "hello.c", "-o", "hello.i"}, "preprocess-only", []string{"hello.i"}, false, nil},
		{"-M without -c", []string{"-M", "hello.c"}, "preprocess-only", nil, false, nil},
		{"-MM without -c", []string{"-MM", "hello.c", "-MF", "x.d"}, "preprocess-only", []string{"x.d"}, false, nil},
		{"several sources", []string{"-c", "hello.c", "two.c"}, "multiple-sources", []string{"hello.o", "two.o"}, false, nil},
		{"stdin", []string{"-c", "-x", "c", "-", "-o", "stdin.o"}, "stdin-source", []string{"stdin.o"}, false, nil},
		{"save-temps", []string{"-c", "-save-temps", "hello.c"}, "save-temps", []string{"hello.o", "hello.i", "hello.s"}, false, nil},
		{"coverage", []string{"-c", "--coverage", "hello.c"}, "coverage", nil, false, []string{"hello.o", "hello.gcno"}},
		{"split dwarf", []string{"-c", "-g", "-gsplit-dwarf", "hello.c"}, "split-dwarf", []string{"hello.o", "hello.dwo"}, false, nil},
		{"syntax only", []string{"-fsyntax-only", "hello.c"}, "syntax-only", nil, false, nil},
		{"output to stdout", []string{"-c", "hello.c", "-o", "-"}, "output-to-stdout", nil, false, nil},
		{"no source", []string{"-c"}, "no-source", nil, false, nil},
		{"stack usage", []string{"-c", "-fstack-usage", "hello.c"}, "extra-output", []string{"hello.o", "hello.su"}, true, nil},
		{"missing -B dir", []string{"-c", "-Bnowhere/", "hello.c"}, "unhashable-input", []string{"hello.o"}, false, nil},
		{"version", []string{"--version"}, "", nil, false, nil},
	}
	for _, c := range compilers {
		cc := requireTool(t, c.name, c.install)
		for _, tc := range cases {
			if tc.gccOnly && c.name != "gcc" {
				continue
			}
			t.Run(c.name+"/"+tc.name, func(t *testing.T) {
				e := newEnv(t)
				e.write("hello.c", helloC)
				e.write("hello.h", "#define GREETING \"hi\"\n")
				e.write("two.c", "int two(void) { return 2; }\n")
				ref := e.run(cc, tc.args...)
				want := e.snapshot(tc.outputs...)
				e.snapshot(tc.exist...)
				got := e.objcache(append([]string{cc}, tc.args...)...)
				if got != ref {
					t.Errorf("console differs:\n%v\nwant:\n%v", got, ref)
				}
				sameFiles(t, "pass-through", e.snapshot(tc.outputs...), want)
				for _, name := range tc.exist {
					if e.read(name) == "" {
						t.Errorf("%s was not written", name)
					}
				}
				s := e.stats()
				if tc.reason != "" && s["uncacheable."+tc.reason] != 1 {
					t.Errorf("uncacheable.%s = %d, want 1 (stats %v)", tc.reason, s["uncacheable."+tc.reason], s)
				}
				if s["hits"]+s["misses"] != 0 {
					t.Errorf("a pass-through counted as a hit or miss: %v", s)
				}
			})
		}
	}
}
