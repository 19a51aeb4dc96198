package integration

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Holes a second break-it round found in the fixes of issue 12: each case
// changes something objcache must see between two calls, and the second
// call must give what the compiler alone gives now.
func TestSecondBreakItRound(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
	tests := []struct {
		name    string
		cc      string
		files   map[string]string
		args    []string
		change  func(e *env)
		outputs []string
		// mayHit: the call is cached (a recording compile keyed by its
		// output path); the others must not hit.
		mayHit bool
		// clock says the outputs hold the time of the compile (__TIME__).
		clock bool
		// check replaces the comparison with the compiler, for output
		// that differs from run to run (timings).
		check func(t *testing.T, e *env)
	}{
		{
			// cc1 options reach clang through -Wp, and -Xpreprocessor as
			// through -Xclang: a file written by cc1 must be written by
			// the second call too.
			name:    "-Wp,-stats-file= (clang)",
			cc:      clang,
			files:   map[string]string{"t.c": "int x;\n"},
			args:    []string{"-Wp,-stats-file=s.txt", "-c", "t.c", "-o", "t.o"},
			change:  func(e *env) { os.Remove(filepath.Join(e.work, "s.txt")) },
			outputs: []string{"t.o", "s.txt"},
		},
		{
			// clang's -frecord-command-line records the whole cc1 command
			// line: it is a recording compile like -grecord-command-line.
			name:    "-frecord-command-line (clang)",
			cc:      clang,
			files:   map[string]string{"t.c": "int x;\n"},
			args:    []string{"-frecord-command-line", "-c", "t.c", "-o", "t.o"},
			outputs: []string{"t.o"},
			mayHit:  true,
		},
		{
			// A UTF-16 source hides __TIME__ from a byte scan.
			name:    "-finput-charset=UTF-16LE with __TIME__",
			cc:      "gcc",
			files:   map[string]string{"t.c": string(utf16le("const char *t = __TIME__;\n"))},
			args:    []string{"-finput-charset=UTF-16LE", "-ffreestanding", "-c", "t.c", "-o", "t.o"},
			change:  func(e *env) { time.Sleep(1100 * time.Millisecond) },
			outputs: []string{"t.o"},
			clock:   true,
		},
		{
			// An .incbin in a macro the command line defines.
			name:    "-D value with .incbin",
			cc:      "gcc",
			files:   map[string]string{"t.c": "asm(INC);\n", "blob.bin": "AAAA"},
			args:    []string{`-DINC=".data\n.incbin \"blob.bin\"\n.text"`, "-c", "t.c", "-o", "t.o"},
			change:  func(e *env) { e.write("blob.bin", "BBBB") },
			outputs: []string{"t.o"},
		},
		{
			// -mllvm -info-output-file= writes the timing report to a file.
			name:   "-mllvm -info-output-file=",
			cc:     clang,
			files:  map[string]string{"t.c": "int x;\n"},
			args:   []string{"-ftime-report", "-mllvm", "-info-output-file=rep.txt", "-c", "t.c", "-o", "t.o"},
			change: func(e *env) { os.Remove(filepath.Join(e.work, "rep.txt")) },
			check: func(t *testing.T, e *env) {
				if o := e.objcache(clang, "-ftime-report", "-mllvm", "-info-output-file=rep.txt", "-c", "t.c", "-o", "t.o"); o.code != 0 {
					t.Fatal(o)
				}
				if _, err := os.Stat(filepath.Join(e.work, "rep.txt")); err != nil {
					t.Errorf("the second call wrote no timing report: %v", err)
				}
			},
		},
		{
			// A "GCC dependency" pragma from a -D value: gcc warns when the
			// file is newer, an error under -Werror.
			name:  "-D value with _Pragma(GCC dependency)",
			cc:    "gcc",
			files: map[string]string{"t.c": "DEP\nint x;\n", "gen.y": "x\n"},
			args:  []string{`-DDEP=_Pragma("GCC dependency \"gen.y\"")`, "-Werror", "-c", "t.c", "-o", "t.o"},
			change: func(e *env) {
				now := time.Now().Add(time.Hour)
				os.Chtimes(filepath.Join(e.work, "gen.y"), now, now)
				os.Remove(filepath.Join(e.work, "t.o")) // the compiler's run starts without one
			},
			outputs: []string{"t.o"},
		},
		{
			// clang 14's cc1 has no -fno-color-diagnostics: the compile fails
			// either way, and its error must be the compiler's own.
			name:    "-Xclang -fno-color-diagnostics",
			cc:      clang,
			files:   map[string]string{"t.c": "int x;\n"},
			args:    []string{"-Xclang", "-fno-color-diagnostics", "-c", "t.c", "-o", "t.o"},
			outputs: []string{"t.o"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			for name, content := range tt.files {
				e.write(name, content)
			}
			e.objcache(append([]string{tt.cc}, tt.args...)...)
			if tt.change != nil {
				tt.change(e)
			}
			switch {
			case tt.check != nil:
				tt.check(t, e)
			case tt.clock:
				// objcache's compile and the compiler's own may fall in
				// two seconds on a loaded machine (CI run 9): a pair that
				// falls in one decides, and a stale hit matches none.
				matched := false
				for i := 0; i < 5 && !matched; i++ {
					matched = e.matchesCompiler("", tt.cc, tt.args, tt.outputs...)
				}
				if !matched {
					e.sameAsCompiler(t, "after the change", "", tt.cc, tt.args, tt.outputs...)
				}
			default:
				e.sameAsCompiler(t, "after the change", "", tt.cc, tt.args, tt.outputs...)
			}
			if s := e.stats(); !tt.mayHit && s["hits"] != 0 {
				t.Errorf("stats %v: a hit where the compiler's result changed or cannot be cached", s)
			}
		})
	}
}

// utf16le encodes ASCII text as UTF-16LE with a byte order mark.
func utf16le(s string) []byte {
	out := []byte{0xff, 0xfe}
	for i := 0; i < len(s); i++ {
		out = append(out, s[i], 0)
	}
	return out
}

// TestForwardedPreprocessorFlagsCached: a preprocessor flag that changes no
// file (-Wp,-P, -Xpreprocessor -C) stays cacheable, as in ccache's suite
// ("-Wp,-P"), now that an option the driver table does not know passes a
// -Wp, call through.
func TestForwardedPreprocessorFlagsCached(t *testing.T) {
	for _, c := range compilers {
		t.Run(c.name, func(t *testing.T) {
			cc := requireTool(t, c.name, c.install)
			e := newEnv(t)
			e.write("t.c", "int x;\n")
			for _, args := range [][]string{
				{"-Wp,-P", "-c", "t.c", "-o", "t.o"},
				{"-Xpreprocessor", "-C", "-c", "t.c", "-o", "t.o"},
			} {
				checkAgainstCompiler(t, e, cc, args, []string{"t.o"}, false)
			}
			e.wantStats(map[string]int64{"misses": 2, "hits": 2})
		})
	}
}
