package difftest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Fake objcaches with known defects: the runner must find each (and the
// rendered script too), and a pass-through must show no difference. They
// are sh scripts taking objcache's command line: objcache CC ARGS….
const fakePrelude = `#!/bin/sh
[ "$1" = stats ] && { echo '{}'; exit 0; }
cc=$1; shift
out=
prev=
for a in "$@"; do [ "$prev" = -o ] && out=$a; prev=$a; done
`

var fakes = map[string]string{
	// The compiler itself: no difference.
	"passthrough": fakePrelude + `exec "$cc" "$@"`,
	// A byte too many in every object.
	"corrupt": fakePrelude + `"$cc" "$@" || exit; printf x >>"$out"`,
	// A cache keyed by the command line alone: an edited header gives the
	// old object.
	"stale": fakePrelude + `key=$(echo "$PWD $cc $*" | md5sum | cut -c1-32)
if [ -f "$OBJCACHE_DIR/$key" ]; then cp "$OBJCACHE_DIR/$key" "$out.tmp" && mv "$out.tmp" "$out"; exit; fi
"$cc" "$@" || exit; cp "$out" "$OBJCACHE_DIR/$key"`,
	// A temporary left beside the output.
	"stray": fakePrelude + `"$cc" "$@" || exit; : >"$(dirname "$out")/.objcache-tmp"`,
	// Writes to a temporary and renames it over the output, whatever it is.
	"rename": fakePrelude + `"$cc" "$@" -o "$out.tmp" || exit; mv -f "$out.tmp" "$out"`,
}

// fakeScenario is a hand-written gcc scenario: compile, compile again,
// edit a header, compile, turn the object into a null device, compile.
func fakeScenario() *Scenario {
	hdr := func(v string) Action {
		return Action{Op: OpWrite, Path: "inc/v.h", Data: []byte("#define V " + v + "\n"), Mode: 0o644, Mtime: 2}
	}
	return &Scenario{
		Seed: 1, Index: 0, Family: GCC, Compiler: "gcc", Launch: LaunchPlain,
		Setup: []Action{
			{Op: OpMkdir, Path: "inc"}, hdr("1"),
			{Op: OpWrite, Path: "a.c", Data: []byte("#include <v.h>\nint v = V;\n"), Mode: 0o644, Mtime: 1},
		},
		Env:      []EnvVar{{"LC_ALL", "C"}},
		Commands: []Command{{Groups: []Group{{Args: []string{"-c"}}, {Args: []string{"-Iinc"}}, {Args: []string{"-o", "a.o"}}, {Args: []string{"a.c"}}}}},
		Steps: []Step{
			{Kind: StepCompile, Note: "first compile"},
			{Kind: StepCompile, Note: "again"},
			{Kind: StepTree, Note: "edit the header", Actions: []Action{hdr("2")}},
			{Kind: StepCompile, Note: "after the edit"},
			{Kind: StepTree, Note: "the object becomes a null device", Actions: []Action{{Op: OpRemove, Path: "a.o"}, {Op: OpDevice, Path: "a.o"}}},
			{Kind: StepCompile, Note: "into the device"},
		},
	}
}

func TestRunnerFindsKnownDefects(t *testing.T) {
	if err := Preflight(); err != nil {
		t.Skipf("difftest: %v", err)
	}
	cases := []struct {
		fake     string
		wantKind string // "" for no difference
		wantStep int    // 1-based
	}{
		{"passthrough", "", 0},
		{"corrupt", "content", 1},
		{"stale", "stale-output", 4},
		{"stray", "stray-temporary", 1},
		{"rename", "file-type", 6},
	}
	dir := t.TempDir()
	for _, tc := range cases {
		t.Run(tc.fake, func(t *testing.T) {
			bin := filepath.Join(dir, tc.fake)
			if err := os.WriteFile(bin, []byte(fakes[tc.fake]), 0o755); err != nil {
				t.Fatal(err)
			}
			root := filepath.Join(dir, tc.fake+"-runs")
			os.MkdirAll(root, 0o755)
			r, err := NewRunner(Config{Objcache: bin, Root: root})
			if err != nil {
				t.Fatal(err)
			}
			s := fakeScenario()
			res, err := r.Run(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.wantKind == "" && res.Failure != nil:
				t.Fatalf("a pass-through shows a difference at step %d: %s: %s", res.Failure.Step+1, res.Failure.Kind, res.Failure.Detail)
			case tc.wantKind != "" && res.Failure == nil:
				t.Fatalf("no difference found; want %s at step %d", tc.wantKind, tc.wantStep)
			case tc.wantKind != "" && (res.Failure.Kind != tc.wantKind || res.Failure.Step+1 != tc.wantStep):
				t.Fatalf("found %s at step %d (%s); want %s at step %d", res.Failure.Kind, res.Failure.Step+1, res.Failure.Detail, tc.wantKind, tc.wantStep)
			}

			// The script finds the same, on its own.
			script := filepath.Join(dir, tc.fake+".sh")
			os.WriteFile(script, []byte(Script(s, res.Failure)), 0o755)
			cmd := exec.Command("bash", script)
			cmd.Env = append(os.Environ(), "OBJCACHE="+bin)
			out, err := cmd.CombinedOutput()
			code := 0
			if exit, ok := err.(*exec.ExitError); ok {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if tc.wantKind == "" && code != 0 || tc.wantKind != "" && (code != 1 || !strings.Contains(string(out), "DIFFERENCE at step "+strconv.Itoa(tc.wantStep))) {
				t.Fatalf("script: exit %d, output:\n%s", code, out)
			}
			cleanupScript(out)
		})
	}
}

// cleanupScript removes what a failing script kept ("trees kept in DIR").
func cleanupScript(out []byte) {
	_, rest, ok := strings.Cut(string(out), "trees kept in ")
	if !ok {
		return
	}
	dir, _, _ := strings.Cut(rest, ";")
	if strings.HasPrefix(dir, "/tmp/difftest.") {
		os.RemoveAll(dir)
	}
}

// passThrough is an "objcache" that only runs the compiler: objcache CC
// ARGS, objcache objcache CC ARGS, or a masquerade (named like the
// compiler, first in PATH).
const passThrough = `#!/bin/sh
[ "$1" = stats ] && { echo '{}'; exit 0; }
name=${0##*/}
if [ "$name" = objcache ]; then
	[ "$1" = objcache ] && shift
	cc=$1; shift
else
	cc=$name; PATH=${PATH#*:}
fi
exec "$cc" "$@"
`

// TestNoDifferenceThroughPassThrough runs generated scenarios through an
// objcache that only runs the compiler: any difference is the tester's own
// (a reference that is not the compiler's behaviour, a nondeterministic
// output, a comparison that is wrong), never objcache's.
// OBJCACHE_DIFFTEST_PASSTHROUGH=N runs N scenarios instead of 24.
func TestNoDifferenceThroughPassThrough(t *testing.T) {
	if err := Preflight(); err != nil {
		t.Skipf("difftest: %v", err)
	}
	n := 24
	if testing.Short() {
		n = 6
	}
	if v := os.Getenv("OBJCACHE_DIFFTEST_PASSTHROUGH"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "objcache")
	if err := os.WriteFile(bin, []byte(passThrough), 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := NewRunner(Config{Objcache: bin, Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	indices := make(chan int)
	go func() {
		for i := range n {
			indices <- i
		}
		close(indices)
	}()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range indices {
				s := Generate(passThroughSeed, i, Options{})
				res, err := r.Run(context.Background(), s)
				mu.Lock()
				switch {
				case err != nil:
					t.Errorf("%s: %v", s.ID(), err)
				case res.Failure != nil && res.Failure.Kind != "compiled-twice":
					t.Errorf("%s (%s): step %d: %s: %s\n%s", s.ID(), strings.Join(s.Tags, " "), res.Failure.Step+1, res.Failure.Kind, res.Failure.Detail, Script(s, res.Failure))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// passThroughSeed differs from CI's seed, so that the two tests cover
// different scenarios.
const passThroughSeed = 99
