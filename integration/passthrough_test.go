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
		only    string   // the one compiler the case applies to, "" for all
		exist   []string // outputs that differ from run to run: only their presence is compared
	}{
		{"linking", []string{"hello.c", "-o", "hello"}, "linking", []string{"hello"}, "", nil},
		{"preprocess", []string{"-E", "hello.c", "-o", "hello.i"}, "preprocess-only", []string{"hello.i"}, "", nil},
		{"-M without -c", []string{"-M", "hello.c"}, "preprocess-only", nil, "", nil},
		{"-MM without -c", []string{"-MM", "hello.c", "-MF", "x.d"}, "preprocess-only", []string{"x.d"}, "", nil},
		{"several sources", []string{"-c", "hello.c", "two.c"}, "multiple-sources", []string{"hello.o", "two.o"}, "", nil},
		{"stdin", []string{"-c", "-x", "c", "-", "-o", "stdin.o"}, "stdin-source", []string{"stdin.o"}, "", nil},
		{"save-temps", []string{"-c", "-save-temps", "hello.c"}, "save-temps", []string{"hello.o", "hello.i", "hello.s"}, "", nil},
		{"coverage", []string{"-c", "--coverage", "hello.c"}, "coverage", nil, "", []string{"hello.o", "hello.gcno"}},
		{"split dwarf", []string{"-c", "-g", "-gsplit-dwarf", "hello.c"}, "split-dwarf", []string{"hello.o", "hello.dwo"}, "", nil},
		{"syntax only", []string{"-fsyntax-only", "hello.c"}, "syntax-only", nil, "", nil},
		{"output to stdout", []string{"-c", "hello.c", "-o", "-"}, "output-to-stdout", nil, "", nil},
		{"no source", []string{"-c"}, "no-source", nil, "", nil},
		// -S of preprocessed assembly: the preprocessed source, to stdout
		// (clang's went into a stored hello.s, difftest seed 18 index 239).
		{"-S of a .S source", []string{"-S", "-x", "assembler-with-cpp", "hello.c"}, "output-to-stdout", []string{"hello.s"}, "", nil},
		{"stack usage", []string{"-c", "-fstack-usage", "hello.c"}, "extra-output", []string{"hello.o", "hello.su"}, "gcc", nil},
		// A pass filter alone turns clang's optimization record on.
		{"optimization record passes", []string{"-c", "-O2", "-foptimization-record-passes=inline", "hello.c"}, "extra-output", []string{"hello.o", "hello.opt.yaml"}, "clang-14", nil},
		{"missing -B dir", []string{"-c", "-Bnowhere/", "hello.c"}, "unhashable-input", []string{"hello.o"}, "", nil},
		{"version", []string{"--version"}, "", nil, "", nil},
	}
	for _, c := range compilers {
		cc := requireTool(t, c.name, c.install)
		for _, tc := range cases {
			if tc.only != "" && c.name != tc.only {
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
