package integration

import (
	"os"

	"testing"
)

// TestHazardsAreNotStored: each hazard of DESIGN.md §2 ends in a result
// that is not stored, with a counted reason, and never in a hit.
func TestHazardsAreNotStored(t *testing.T) {
	cases := []struct {
		name    string
		files   map[string]string
		cc      string // a wrapper script's body, or "" for gcc itself
		args    []string
		counter string
		code    int
	}{
		{
			name:    "__TIME__ in the source",
			files:   map[string]string{"t.c": "const char *t = __TIME__;\n"},
			args:    []string{"-c", "t.c", "-o", "t.o"},
			counter: "uncacheable.time-macro",
		},
		{
			name:    "__DATE__ in a header",
			files:   map[string]string{"t.c": "#include \"d.h\"\n", "d.h": "const char *d = __DATE__;\n"},
			args:    []string{"-c", "t.c", "-o", "t.o"},
			counter: "not_stored.time-macro",
		},
		{
			name:    "__TIMESTAMP__ in a header",
			files:   map[string]string{"t.c": "#include \"d.h\"\n", "d.h": "const char *d = __TIMESTAMP__;\n"},
			args:    []string{"-c", "t.c", "-o", "t.o"},
			counter: "not_stored.time-macro",
		},
		{
			name:    "header edited while compiling",
			files:   map[string]string{"t.c": "#include \"h.h\"\nint x = H;\n", "h.h": "#define H 1\n"},
			cc:      "gcc \"$@\"; st=$?; echo '/* edited */' >> h.h; exit $st",
			args:    []string{"-c", "t.c", "-o", "t.o"},
			counter: "not_stored.input-modified",
		},
		{
			name:    "source edited while compiling",
			files:   map[string]string{"t.c": "int x = 1;\n"},
			cc:      "gcc \"$@\"; st=$?; echo '/* edited */' >> t.c; exit $st",
			args:    []string{"-c", "t.c", "-o", "t.o"},
			counter: "not_stored.input-modified",
		},
		{
			name:    "failing compiler",
			files:   map[string]string{"t.c": "int x = ;\n"},
			args:    []string{"-c", "t.c", "-o", "t.o"},
			counter: "not_stored.compile-failed",
			code:    1,
		},
		{
			name:    "compiler writes no output",
			files:   map[string]string{"t.c": "int x;\n"},
			cc:      "exit 0",
			args:    []string{"-c", "t.c", "-o", "t.o"},
			counter: "not_stored.missing-output",
		},
		{
			name:    "compiler writes an empty output",
			files:   map[string]string{"t.c": "int x;\n"},
			cc:      ": > t.o; exit 0",
			args:    []string{"-c", "t.c", "-o", "t.o"},
			counter: "not_stored.missing-output",
		},
	}
	requireTool(t, "gcc", "apt-get install -y gcc")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			for name, content := range tc.files {
				e.write(name, content)
			}
			cc := "gcc"
			if tc.cc != "" {
				cc = e.write("cc-wrapper", "#!/bin/sh\n"+tc.cc+"\n")
				os.Chmod(cc, 0o755)
				e.setenv("OBJCACHE_COMPILER_TYPE", "gcc")
			}
			for i := 0; i < 2; i++ {
				o := e.objcache(append([]string{cc}, tc.args...)...)
				if o.code != tc.code {
					t.Fatalf("run %d: %v, want exit %d", i, o, tc.code)
				}
			}
			s := e.stats()
			if s[tc.counter] != 2 || s["hits"] != 0 {
				t.Errorf("%s = %d and %d hits, want 2 and 0 (stats %v)", tc.counter, s[tc.counter], s["hits"], s)
			}
			if n := len(e.entryFiles("objects")); n != 0 {
				t.Errorf("%d entries stored", n)
			}
		})
	}
}

// TestSourceDateEpochMakesTimeMacrosCacheable: with SOURCE_DATE_EPOCH set
// (and hashed) the time macros expand the same every time.
func TestSourceDateEpochMakesTimeMacrosCacheable(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("t.c", "const char *t = __DATE__ \" \" __TIME__;\n")
	e.setenv("SOURCE_DATE_EPOCH", "1700000000")
	checkAgainstCompiler(t, e, "gcc", []string{"-c", "t.c", "-o", "t.o"}, []string{"t.o"}, true)
	e.setenv("SOURCE_DATE_EPOCH", "1700000001")
	e.objcache("gcc", "-c", "t.c", "-o", "t.o")
	e.wantStats(map[string]int64{"hits": 1, "misses": 2})

}

// TestSourceDateEpochOnlyWhereUsed (issue 13, O9): SOURCE_DATE_EPOCH is
// keyed only where a time macro may read it. A source that names none
// hits whatever the variable says (reproducible builds set it per
// commit); one whose header names __DATE__ gets the object of the value
// it is compiled under, through its manifest entry.
func TestSourceDateEpochOnlyWhereUsed(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	t.Run("no time macro", func(t *testing.T) {
		e := newEnv(t)
		e.write("t.c", "int t = 1;\n")
		for _, v := range []string{"1700000000", "1700000001", "1800000000"} {
			e.setenv("SOURCE_DATE_EPOCH", v)
			sameAsCompiler(t, e, "SOURCE_DATE_EPOCH="+v, "gcc", []string{"-c", "t.c", "-o", "t.o"}, "t.o")
		}
		e.wantStats(map[string]int64{"hits": 2, "misses": 1})
	})
	t.Run("__DATE__ in a header", func(t *testing.T) {
		e := newEnv(t)
		e.write("d.h", "static const char date[] = __DATE__ \" \" __TIME__;\n")
		e.write("t.c", "#include \"d.h\"\nconst char *get(void) { return date; }\n")
		for _, v := range []string{"1700000000", "1700000000", "1800000000", "1700000000", "1800000000"} {
			e.setenv("SOURCE_DATE_EPOCH", v)
			sameAsCompiler(t, e, "SOURCE_DATE_EPOCH="+v, "gcc", []string{"-c", "t.c", "-o", "t.o"}, "t.o")
		}
		e.wantStats(map[string]int64{"hits": 3, "misses": 2})
	})
	t.Run("__TIME__ in the source", func(t *testing.T) {
		e := newEnv(t)
		e.write("t.c", "const char *t = __TIME__;\n")
		for _, v := range []string{"1700000000", "1800000000", "1700000000"} {
			e.setenv("SOURCE_DATE_EPOCH", v)
			sameAsCompiler(t, e, "SOURCE_DATE_EPOCH="+v, "gcc", []string{"-c", "t.c", "-o", "t.o"}, "t.o")
		}
		e.wantStats(map[string]int64{"hits": 1, "misses": 2})
	})
}
