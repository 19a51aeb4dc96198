//go:build unix

package integration

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// tortureScaleEnv scales the torture test: the number of compiles each
// worker runs is 100 times its value (default 1: 1,600 compiles, well under
// a minute on two cores). OBJCACHE_TORTURE_SCALE=10 runs ten times as long.
const tortureScaleEnv = "OBJCACHE_TORTURE_SCALE"

// tortureCompile is one kind of compile the workers draw from: a source, a
// compiler and a flag set. Its reference object is compiled without
// objcache before the workers start.
type tortureCompile struct {
	source string
	msvc   bool
	flags  []string
	ref    []byte
}

// args returns the command line that compiles c into out.
func (c *tortureCompile) args(cc, out string) []string {
	if c.msvc {
		return append(append([]string{cc, "/c", "/nologo", "/Brepro"}, c.flags...), c.source, "/Fo"+out)
	}
	return append(append([]string{cc, "-c"}, c.flags...), c.source, "-o", out)
}

// tortureTally counts what happened, across workers.
type tortureTally struct {
	started, killed, finished atomic.Int64
	cleans, verifies          atomic.Int64
}

// TestTorture is DESIGN.md §7's concurrency torture test: 16 workers run
// objcache on random streams of compiles (about 60 sources with shared
// headers, gcc and clang-cl, some sources to two output paths, some pairs
// of workers writing the same output path at the same moment) into a cache
// so small that eviction never stops, while `objcache clean` and `objcache
// verify` loop beside them and about 5% of all objcache processes are
// killed with SIGKILL at a random moment. Every compile that was not killed
// must exit 0 with an object byte-identical to the compiler's own and
// writable; verify must never see a damaged entry; at the end a clean and a
// verify must find nothing wrong, and the statistics must account for every
// compile that finished.
func TestTorture(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	if testing.Short() {
		t.Skip("the torture test takes a minute or two; run without -short")
	}
	scale := 1
	if s := os.Getenv(tortureScaleEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a whole number ≥ 1", tortureScaleEnv, s)
		}
		scale = n
	}
	e := newEnv(t)
	var cl string
	if _, err := exec.LookPath("clang-cl-14"); err == nil {
		cl = clExe(t, e)
	} else {
		t.Log("clang-cl-14 not found (apt-get install -y clang-tools-14): gcc only")
	}
	compiles := tortureSources(t, e, gcc, cl)
	t.Logf("%d kinds of compile (%d sources)", len(compiles), tortureSourceCount)

	e.setenv("OBJCACHE_MAX_SIZE", tortureMaxSize)
	e.setenv("OBJCACHE_LOCK_TIMEOUT", "20s")
	e.setenv("OBJCACHE_LOGFILE", "")
	if o := e.objcache("stats"); o.code != 0 {
		t.Fatal(o)
	}

	const workers = 16
	perWorker := 100 * scale
	var tally tortureTally
	began := time.Now()
	ctx, stopSide := context.WithCancel(context.Background())
	var side sync.WaitGroup
	side.Add(2)
	go func() { defer side.Done(); tortureLoop(ctx, t, e, &tally, "clean") }()
	go func() { defer side.Done(); tortureLoop(ctx, t, e, &tally, "verify") }()

	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Workers 0-3 and 4-7 are pairs: the same stream of compiles
			// into the same output directory, so that two processes write
			// the same output path at about the same moment. Workers 8-15
			// each have their own stream and directory.
			stream, dir := w, fmt.Sprintf("out/w%d", w)
			if w >= 4 && w < 8 {
				stream, dir = w-4, fmt.Sprintf("out/w%d", w-4)
			}
			r := rand.New(rand.NewPCG(uint64(stream), 42))
			chaos := rand.New(rand.NewPCG(uint64(w), 7))
			for range perWorker {
				k := r.IntN(len(compiles))
				c := compiles[k]
				// Every compile may go to either of two output paths, and
				// a path only ever receives that compile's object: a pair
				// of workers out of step must not make each other's
				// checks fail.
				slot := r.IntN(2)
				ext := ".o"
				cc := gcc
				if c.msvc {
					ext, cc = ".obj", cl
				}
				out := fmt.Sprintf("%s/%s.%d.%d%s", dir, strings.TrimSuffix(filepath.Base(c.source), ".c"), k, slot, ext)
				if !tortureRun(t, e, &tally, chaos, c.args(cc, out)) {
					continue
				}
				got, err := os.ReadFile(filepath.Join(e.work, out))
				if err != nil {
					t.Errorf("worker %d: %s: %v", w, out, err)
					continue
				}
				if !bytes.Equal(got, c.ref) {
					t.Errorf("worker %d: %s (%s) differs from the reference object (%d bytes, want %d)", w, out, c.source, len(got), len(c.ref))
				}
				if fi, err := os.Stat(filepath.Join(e.work, out)); err == nil && fi.Mode().Perm()&0o200 == 0 {
					t.Errorf("worker %d: %s is read-only (%v)", w, out, fi.Mode())
				}
			}
		}()
	}
	wg.Wait()
	stopSide()
	side.Wait()
	took := time.Since(began)

	// At rest: what killed processes left (a trimmer killed between
	// deleting objects and pruning their manifests leaves dangling entries,
	// an adder killed before its manifest update an orphan) is reported,
	// then a clean removes it and verify finds nothing.
	if o := e.objcache("verify"); o.code != 0 && o.code != 1 {
		t.Errorf("verify at rest: %v", o)
	} else {
		checkSideCommand(t, "verify", o.code, o.stdout, o.stderr)
		t.Logf("verify at rest, before the final clean:\n%s", o.stdout)
	}
	if o := e.objcache("clean"); o.code != 0 {
		t.Fatalf("final clean: %v", o)
	} else {
		t.Logf("final clean:\n%s", o.stdout)
	}
	if o := e.objcache("verify"); o.code != 0 || !strings.Contains(o.stdout, "No problems found") {
		t.Errorf("final verify: %v", o)
	}

	st := e.stats()
	outcomes := st["hits"] + st["misses"] + sum(st, "uncacheable") + sum(st, "error")
	notKilled := tally.started.Load() - tally.killed.Load()
	t.Logf("%d compiles started, %d killed, %d finished; hits %d, misses %d, uncacheable %d, errors %d; evicted %d in %d trims; %d cleans, %d verifies beside them; %v",
		tally.started.Load(), tally.killed.Load(), notKilled, st["hits"], st["misses"], sum(st, "uncacheable"), sum(st, "error"),
		st["evicted"], st["trims"], tally.cleans.Load(), tally.verifies.Load(), took.Round(time.Millisecond))
	if outcomes < notKilled || outcomes > tally.started.Load() {
		t.Errorf("outcomes %d not between the compiles that were not killed (%d) and those started (%d)", outcomes, notKilled, tally.started.Load())
	}
	if st["evicted"] == 0 {
		t.Error("nothing was evicted: the cache is not small enough to test eviction")
	}
	if st["hits"] == 0 {
		t.Error("no hits: the cache is too small to test hits")
	}
	// Temporary outputs beside the user's: only killed compiles may leave
	// them.
	leftovers := 0
	filepath.WalkDir(filepath.Join(e.work, "out"), func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".objcache-") {
			leftovers++
		}
		return nil
	})
	t.Logf("%d temporary files left beside outputs by killed compiles", leftovers)
	if int64(leftovers) > 2*tally.killed.Load() {
		t.Errorf("%d temporary files beside outputs, more than the %d killed compiles can explain", leftovers, tally.killed.Load())
	}
}

// sum adds the counters of a group in the JSON statistics ("errors.x").
func sum(st map[string]int64, group string) int64 {
	var n int64
	for k, v := range st {
		if strings.HasPrefix(k, group+".") {
			n += v
		}
	}
	return n
}

// tortureMaxSize is the cache's limit: about one entry and its manifest per
// section pair, so most adds trim.
const tortureMaxSize = "256K"

// tortureSourceCount is the number of sources the workers compile.
const tortureSourceCount = 60

// tortureSources writes the sources and shared headers, compiles every
// kind of compile once without objcache, and returns them.
func tortureSources(t *testing.T, e *env, gcc, cl string) []*tortureCompile {
	headers := []string{"common.h", "util.h", "table.h", "config.h"}
	e.write("src/config.h", "#define SCALE 3\n")
	e.write("src/common.h", "#include \"config.h\"\n#include <stddef.h>\n#define TWICE(x) ((x) * 2 * SCALE)\n")
	e.write("src/util.h", "#include \"common.h\"\nstatic inline int util_add(int a, int b) { return TWICE(a) + b; }\n")
	var table strings.Builder
	table.WriteString("static const int table[] = {\n")
	for i := range 200 {
		fmt.Fprintf(&table, "  %d,\n", i*i%977)
	}
	table.WriteString("};\n")
	e.write("src/table.h", table.String())
	var compiles []*tortureCompile
	for n := range tortureSourceCount {
		var src strings.Builder
		for k := range 1 + n%3 {
			fmt.Fprintf(&src, "#include \"%s\"\n", headers[(n+k)%len(headers)])
		}
		fmt.Fprintf(&src, "static const int data%d[] = {", n)
		for k := range 400 + n*10 {
			fmt.Fprintf(&src, "%d,", (k*k+n)%65521)
		}
		src.WriteString("};\n")
		fmt.Fprintf(&src, "int f%d(int x) {\n  int s = %d;\n", n, n)
		for k := range 20 + n%15 {
			fmt.Fprintf(&src, "  s = s * %d + (x ^ %d);\n  if (s > %d) s -= x;\n", k+3, n*k, 1000+k)
		}
		// Data makes the object a few KiB, so a small cache fills fast.
		fmt.Fprintf(&src, "  return s + data%d[(unsigned)x %% %d];\n}\n", n, 400+n*10)
		name := fmt.Sprintf("src/f%02d.c", n)
		e.write(name, src.String())
		for _, flags := range [][]string{{"-O1"}, {"-O2", "-DVARIANT=2"}, {"-Os"}} {
			compiles = append(compiles, &tortureCompile{source: name, flags: flags})
		}
		if cl != "" && n%2 == 0 {
			compiles = append(compiles, &tortureCompile{source: name, msvc: true, flags: []string{"/O2"}})
		}
	}
	for i, c := range compiles {
		cc, ext := gcc, ".o"
		if c.msvc {
			cc, ext = cl, ".obj"
		}
		ref := fmt.Sprintf("ref/%d%s", i, ext)
		os.MkdirAll(filepath.Join(e.work, "ref"), 0o777)
		args := c.args(cc, ref)
		if o := e.run(args[0], args[1:]...); o.code != 0 {
			t.Fatalf("reference compile %v: %v", args, o)
		}
		c.ref = []byte(e.mustRead(ref))
	}
	for w := range 16 {
		os.MkdirAll(filepath.Join(e.work, "out", fmt.Sprintf("w%d", w)), 0o777)
	}
	return compiles
}

// tortureRun runs objcache with args in the work directory, in a process
// group of its own, and with a 5% chance kills the group with SIGKILL at a
// random moment within the first 150 ms. It returns true when the process
// ran to its end; a compile that was not killed must have exited 0 with
// no console output.
func tortureRun(t *testing.T, e *env, tally *tortureTally, chaos *rand.Rand, args []string) bool {
	cmd := exec.Command(objcacheBin, args...)
	cmd.Dir, cmd.Env = e.work, e.vars
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Errorf("start %v: %v", args, err)
		return false
	}
	compile := args[0] != "clean" && args[0] != "verify"
	if compile {
		tally.started.Add(1)
	}
	var mu sync.Mutex
	done := false
	if chaos.IntN(100) < 5 {
		delay := time.Duration(chaos.IntN(150)) * time.Millisecond
		timer := time.AfterFunc(delay, func() {
			mu.Lock()
			defer mu.Unlock()
			if !done {
				// The process is not reaped yet, so its pid (and group)
				// cannot have been reused.
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			}
		})
		defer timer.Stop()
	}
	err := cmd.Wait()
	mu.Lock()
	done = true
	mu.Unlock()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
		if compile {
			tally.killed.Add(1)
		}
		return false
	}
	if compile {
		tally.finished.Add(1)
		if err != nil || stderr.Len() > 0 || stdout.Len() > 0 {
			t.Errorf("objcache %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, stdout.String(), stderr.String())
		}
		return err == nil
	}
	checkSideCommand(t, args[0], cmd.ProcessState.ExitCode(), stdout.String(), stderr.String())
	return true
}

// damageLine matches verify's count of damaged entries or manifests.
var damageLine = regexp.MustCompile(`(?m)^\s*(corrupt entries|unreadable manifests)\s+(\d+)`)

// checkSideCommand checks one run of clean or verify beside the workers:
// clean must succeed; verify may find a passing problem (an entry between
// its publication and its manifest update is an orphan for a moment) but
// never a damaged entry or manifest, which no interleaving can explain.
func checkSideCommand(t *testing.T, name string, code int, stdout, stderr string) {
	switch {
	case name == "clean" && code != 0:
		t.Errorf("objcache clean exited %d:\n%s%s", code, stdout, stderr)
	case name == "verify" && code != 0 && code != 1:
		t.Errorf("objcache verify exited %d:\n%s%s", code, stdout, stderr)
	case name == "verify":
		for _, m := range damageLine.FindAllStringSubmatch(stdout, -1) {
			if m[2] != "0" {
				t.Errorf("verify beside the workers found %s %s:\n%s", m[2], m[1], stdout)
			}
		}
	}
}

// tortureLoop runs `objcache <name>` again and again until ctx is done,
// each run subject to the same chaos as the compiles.
func tortureLoop(ctx context.Context, t *testing.T, e *env, tally *tortureTally, name string) {
	chaos := rand.New(rand.NewPCG(uint64(len(name)), 99))
	for ctx.Err() == nil {
		if tortureRun(t, e, tally, chaos, []string{name}) {
			if name == "clean" {
				tally.cleans.Add(1)
			} else {
				tally.verifies.Add(1)
			}
		}
	}
}
