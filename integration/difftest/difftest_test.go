package difftest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// objcacheBin is the binary under test: built by TestMain, or taken from
// OBJCACHE_TEST_BIN_DIR as the integration tests do.
var objcacheBin string

// binVar names a directory with objcache already built (an older commit's,
// to show that a failure exists before a fix).
const binVar = "OBJCACHE_TEST_BIN_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(binVar); dir != "" {
		objcacheBin = filepath.Join(dir, "objcache")
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "objcache-difftest-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	objcacheBin = filepath.Join(dir, "objcache")
	if runtime.GOOS == "windows" {
		objcacheBin += ".exe"
	}
	build := exec.Command("go", "build", "-o", objcacheBin, "../../cmd/objcache")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building objcache:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// settings are the test's knobs, from the environment (see the package
// documentation).
type settings struct {
	seed      uint64
	scenarios int           // 0: as many as the duration allows
	duration  time.Duration // 0: no limit but scenarios
	only      []int
	skip      map[string]bool
	focus     map[string]bool
	parallel  int
	keep      bool
	shrink    time.Duration // budget per failure class; 0 turns shrinking off
	report    string
}

// defaultSeed is CI's seed: a fixed sequence of scenarios.
const defaultSeed = 20261201

func readSettings(t *testing.T) settings {
	t.Helper()
	s := settings{seed: defaultSeed, parallel: runtime.NumCPU(), shrink: 90 * time.Second}
	get := func(name string) string { return os.Getenv("OBJCACHE_DIFFTEST_" + name) }
	var err error
	if v := get("SEED"); v != "" {
		if s.seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("OBJCACHE_DIFFTEST_SEED: %v", err)
		}
	}
	if v := get("SCENARIOS"); v != "" {
		if s.scenarios, err = strconv.Atoi(v); err != nil {
			t.Fatalf("OBJCACHE_DIFFTEST_SCENARIOS: %v", err)
		}
	}
	if v := get("DURATION"); v != "" {
		if s.duration, err = time.ParseDuration(v); err != nil {
			t.Fatalf("OBJCACHE_DIFFTEST_DURATION: %v", err)
		}
	}
	if s.scenarios == 0 && s.duration == 0 {
		s.duration = 2 * time.Minute
		if testing.Short() {
			s.duration = 15 * time.Second
		}
	}
	if v := get("ONLY"); v != "" {
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				t.Fatalf("OBJCACHE_DIFFTEST_ONLY: %v", err)
			}
			s.only = append(s.only, n)
		}
	}
	skip, set := os.LookupEnv("OBJCACHE_DIFFTEST_SKIP")
	if !set {
		skip = strings.Join(KnownHoles, ",")
	}
	if s.skip, err = parseFeatures(skip); err != nil {
		t.Fatalf("OBJCACHE_DIFFTEST_SKIP: %v", err)
	}
	if s.skip["gcc"] && s.skip["clang"] && s.skip["clang-cl"] {
		t.Fatal("OBJCACHE_DIFFTEST_SKIP leaves out every compiler family")
	}
	if s.focus, err = parseFeatures(get("FOCUS")); err != nil {
		t.Fatalf("OBJCACHE_DIFFTEST_FOCUS: %v", err)
	}
	if v := get("PARALLEL"); v != "" {
		if s.parallel, err = strconv.Atoi(v); err != nil || s.parallel < 1 {
			t.Fatalf("OBJCACHE_DIFFTEST_PARALLEL: %q", v)
		}
	}
	s.keep = get("KEEP") != ""
	if v := get("SHRINK"); v != "" {
		if v == "0" {
			s.shrink = 0
		} else if s.shrink, err = time.ParseDuration(v); err != nil {
			t.Fatalf("OBJCACHE_DIFFTEST_SHRINK: %v", err)
		}
	}
	s.report = get("REPORT")
	return s
}

// class is one kind of failure: its first example, shrunk, and how often
// it came up.
type class struct {
	sig      string
	count    int
	first    *Result
	scenario *Scenario // shrunk
	failure  *Failure  // of the shrunk scenario
	indices  []int
}

// TestDifferential runs generated scenarios through objcache and the
// compiler alone and fails for each class of difference it finds, printing
// a shell script that reproduces the first of each.
func TestDifferential(t *testing.T) {
	if err := Preflight(); err != nil {
		t.Skipf("difftest: %v", err)
	}
	cfg := readSettings(t)
	root := t.TempDir()
	runner, err := NewRunner(Config{Objcache: objcacheBin, Root: root, Keep: cfg.keep})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	deadline := time.Time{}
	if cfg.duration > 0 {
		deadline = start.Add(cfg.duration)
	}
	if d, ok := t.Deadline(); ok {
		// Leave time to shrink and report before go test's timeout.
		if limit := d.Add(-time.Duration(float64(time.Until(d)) * 0.25)); deadline.IsZero() || limit.Before(deadline) {
			deadline = limit
		}
	}
	ctx := context.Background()

	indices := make(chan int)
	go func() {
		defer close(indices)
		if len(cfg.only) > 0 {
			for _, i := range cfg.only {
				indices <- i
			}
			return
		}
		for i := 0; cfg.scenarios == 0 || i < cfg.scenarios; i++ {
			if !deadline.IsZero() && time.Now().After(deadline) {
				return
			}
			indices <- i
		}
	}()

	var (
		mu        sync.Mutex
		classes   = map[string]*class{}
		ran       int
		steps     int
		compiles  int
		uncertain int
		refFailed int
		outcomes  = map[string]int64{}
		errs      []error
		features  = map[string]int{}
	)
	var wg sync.WaitGroup
	for range cfg.parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range indices {
				s := Generate(cfg.seed, i, Options{Skip: cfg.skip, Focus: cfg.focus})
				res, err := runner.Run(ctx, s)
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					continue
				}
				mu.Lock()
				ran++
				steps += res.Steps
				compiles += res.Compiles
				uncertain += res.Inconclusive
				refFailed += res.ReferenceFailed
				for k, v := range res.Stats {
					outcomes[k] += v
				}
				for _, f := range s.Tags {
					features[f]++
				}
				var c *class
				fresh := false
				if res.Failure != nil {
					sig := res.Failure.Signature(s)
					c = classes[sig]
					if c == nil {
						c = &class{sig: sig, first: res}
						classes[sig] = c
						fresh = true
					}
					c.count++
					c.indices = append(c.indices, i)
				}
				mu.Unlock()
				if fresh {
					c.scenario, c.failure = s, res.Failure
					if cfg.shrink > 0 {
						budget := time.Now().Add(cfg.shrink)
						c.scenario, c.failure = Shrink(s, res.Failure, budget, func(cand *Scenario) *Failure {
							r, err := runner.Run(ctx, cand)
							if err != nil {
								return nil
							}
							return r.Failure
						})
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	t.Logf("difftest: seed %d: %d scenarios, %d steps, %d compiles through objcache in %v (%.0f scenarios/minute, %d workers); %d reference compiles failed (as the scenario made them); %d compile steps of time-sensitive scenarios fell in two seconds (objects not compared)",
		cfg.seed, ran, steps, compiles, elapsed.Round(time.Second), float64(ran)/elapsed.Minutes(), cfg.parallel, refFailed, uncertain)
	t.Logf("difftest: objcache's outcomes: %s", formatCounts(outcomes))
	t.Logf("difftest: features used (scenarios): %s", formatCounts(intCounts(features)))
	for _, err := range errs {
		t.Errorf("%v", err)
	}
	// Classes are found by the first failure's signature, then reported by
	// the shrunk scenario's: two first failures that shrink to one class
	// are reported once.
	byShrunk := map[string][]*class{}
	for _, c := range classes {
		sig := c.failure.Signature(c.scenario)
		byShrunk[sig] = append(byShrunk[sig], c)
	}
	var sigs []string
	for sig := range byShrunk {
		sigs = append(sigs, sig)
	}
	sort.Strings(sigs)
	var summary strings.Builder
	for _, sig := range sigs {
		group := byShrunk[sig]
		sort.Slice(group, func(i, j int) bool { return group[i].first.Scenario.Index < group[j].first.Scenario.Index })
		c := group[0]
		count, indices := 0, []int(nil)
		for _, g := range group {
			count += g.count
			indices = append(indices, g.indices...)
		}
		script := Script(c.scenario, c.failure)
		if c.first.Dir != "" {
			t.Logf("difftest: %s: the first failing scenario's trees are kept in %s", sig, c.first.Dir)
		}
		fmt.Fprintf(&summary, "%s: %d scenarios (first: %s, tags %s)\n", sig, count, c.first.Scenario.ID(), strings.Join(c.first.Scenario.Tags, " "))
		t.Errorf("difftest: %s in %d scenarios (indices %s), first %s.\nFirst difference (step %d): %s\nobjcache's log of the step:\n%s\nReproduction (shrunk from %d to %d steps):\n%s",
			sig, count, formatIndices(indices), c.first.Scenario.ID(), c.failure.Step+1, c.failure.Detail, indent(c.failure.Log),
			len(c.first.Scenario.Steps), len(c.scenario.Steps), script)
		if cfg.report != "" {
			name := fmt.Sprintf("%s-%d-%d.sh", slug(sig), c.first.Scenario.Seed, c.first.Scenario.Index)
			if err := os.MkdirAll(cfg.report, 0o777); err == nil {
				os.WriteFile(filepath.Join(cfg.report, name), []byte(script), 0o777)
			}
		}
	}
	if cfg.report != "" {
		os.WriteFile(filepath.Join(cfg.report, "summary.txt"), []byte(summary.String()), 0o666)
	}
}

func intCounts(m map[string]int) map[string]int64 {
	out := map[string]int64{}
	for k, v := range m {
		out[k] = int64(v)
	}
	return out
}

func formatCounts(m map[string]int64) string {
	var keys []string
	for k, v := range m {
		if v != 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func formatIndices(ix []int) string {
	sort.Ints(ix)
	var parts []string
	for i, n := range ix {
		if i == 10 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, strconv.Itoa(n))
	}
	return strings.Join(parts, ",")
}

func indent(s string) string {
	if s == "" {
		return "  (nothing)"
	}
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}

func slug(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-':
			b.WriteRune(c)
		case c == ' ':
			b.WriteByte('_')
		}
	}
	return b.String()
}
