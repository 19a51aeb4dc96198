package integration

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDepfileTargetWithoutOutput (O3): without -o, gcc and clang name the
// object as the depfile's target even under -S ("t.o:", not "t.s:"); a
// miss and a hit write the compiler's depfile.
func TestDepfileTargetWithoutOutput(t *testing.T) {
	for _, cc := range []string{"gcc", "clang-14"} {
		for _, args := range [][]string{
			{"-S", "-MD", "t.c"},
			{"-S", "-MMD", "sub/t.c"},
			{"-c", "-MD", "sub/t.c"},
		} {
			t.Run(cc+" "+args[0]+" "+args[2], func(t *testing.T) {
				path := requireTool(t, cc, "apt-get install -y gcc clang-14")
				e := newEnv(t)
				e.write("t.c", "#include \"t.h\"\nint x = X;\n")
				e.write("sub/t.c", "#include \"t.h\"\nint x = X;\n")
				e.write("t.h", "#define X 1\n")
				e.write("sub/t.h", "#define X 2\n")
				checkAgainstCompiler(t, e, path, args, []string{"t.s", "t.o", "t.d"}, true)
			})
		}
	}
}

// TestDepfileNamesPassThrough (O3): depfiles objcache does not name as
// the compiler does pass the call through: gcc's -MD without -o or -MF
// names the depfile after -dumpbase or -dumpdir, "-MF -" writes it to
// stdout (never to a file named "-"), and clang ignores -MF, -MT and -MQ
// without -MD with a warning that objcache's own -MD silenced.
func TestDepfileNamesPassThrough(t *testing.T) {
	cases := []struct {
		name, cc, reason string
		args             []string
		outputs          []string
	}{
		{"gcc -dumpbase", "gcc", "depfile-name", []string{"-MD", "-dumpbase", "foo", "-c", "t.c"}, []string{"t.o", "foo.d", "t.d"}},
		{"gcc -dumpdir", "gcc", "depfile-name", []string{"-MD", "-dumpdir", "pre/", "-c", "t.c"}, []string{"t.o", "pre/t.d", "t.d"}},
		{"gcc -MF -", "gcc", "depfile-to-stdout", []string{"-MD", "-MF", "-", "-c", "t.c", "-o", "t.o"}, []string{"t.o", "-"}},
		{"clang -MF -", "clang-14", "depfile-to-stdout", []string{"-MD", "-MF", "-", "-c", "t.c", "-o", "t.o"}, []string{"t.o", "-"}},
		{"clang -MF without -MD", "clang-14", "unused-dependency-option", []string{"-MF", "t.d", "-c", "t.c", "-o", "t.o"}, []string{"t.o", "t.d"}},
		{"clang -MT without -MD", "clang-14", "unused-dependency-option", []string{"-MT", "foo", "-c", "t.c", "-o", "t.o"}, []string{"t.o", "t.d"}},
		{"gcc -MF without -MD", "gcc", "dependency-option-without-md", []string{"-MF", "t.d", "-c", "t.c", "-o", "t.o"}, []string{"t.o", "t.d"}},
		{"gcc -MT without -MD", "gcc", "dependency-option-without-md", []string{"-MT", "foo", "-c", "t.c", "-o", "t.o"}, []string{"t.o", "t.d"}},
		{"gcc -MP without -MD", "gcc", "dependency-option-without-md", []string{"-MP", "-c", "t.c", "-o", "t.o"}, []string{"t.o", "t.d"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := requireTool(t, tc.cc, "apt-get install -y gcc clang-14")
			e := newEnv(t)
			e.write("t.c", "int x;\n")
			os.MkdirAll(filepath.Join(e.work, "pre"), 0o777)
			for _, phase := range []string{"first", "second"} {
				for _, f := range tc.outputs {
					os.Remove(filepath.Join(e.work, f))
				}
				sameAsCompiler(t, e, phase, cc, tc.args, tc.outputs...)
			}
			e.wantStats(map[string]int64{"hits": 0, "uncacheable." + tc.reason: 2})
		})
	}
}
