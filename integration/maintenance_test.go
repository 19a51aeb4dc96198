package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// count returns the number verify printed for a kind of problem, or -1.
func count(verifyOut, kind string) int {
	m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(kind) + `\s+(\d+)`).FindStringSubmatch(verifyOut)
	if m == nil {
		return -1
	}
	var n int
	fmt.Sscan(m[1], &n)
	return n
}

// TestVerifyRepairCleanClear runs the maintenance commands on a real cache:
// verify finds each kind of damage done by hand and exits 1, --repair fixes
// it, clean trims to --max-size and --older-than, clear empties the cache and
// keeps the statistics, and every compile afterwards is still correct.
func TestVerifyRepairCleanClear(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	const n = 6
	for i := range n {
		e.write(fmt.Sprintf("f%d.c", i), fmt.Sprintf("#include <stdio.h>\nint f%d(void) { return puts(\"%d\"); }\n", i, i))
	}
	compileAll := func() {
		t.Helper()
		for i := range n {
			if o := e.objcache("gcc", "-c", fmt.Sprintf("f%d.c", i), "-o", fmt.Sprintf("f%d.o", i)); o.code != 0 {
				t.Fatal(o)
			}
			e.run("gcc", "-c", fmt.Sprintf("f%d.c", i), "-o", "ref.o")
			if e.read(fmt.Sprintf("f%d.o", i)) != e.read("ref.o") {
				t.Fatalf("f%d.o differs from the compiler's own", i)
			}
		}
	}
	compileAll()
	if o := e.objcache("verify"); o.code != 0 || !strings.Contains(o.stdout, "No problems found") {
		t.Fatalf("verify of a sound cache: %v", o)
	}

	objects := e.entryFiles("objects")
	if len(objects) != n {
		t.Fatalf("%d entries, want %d", len(objects), n)
	}
	os.Remove(objects[0]) // a dangling manifest entry
	data, _ := os.ReadFile(objects[1])
	data[len(data)-5] ^= 0x10 // a corrupt entry
	os.WriteFile(objects[1], data, 0o666)
	old := filepath.Join(e.cache, "tmp", "objcache-killed.tmp")
	os.WriteFile(old, []byte("left by a killed process"), 0o666)
	os.Chtimes(old, time.Now().Add(-3*time.Hour), time.Now().Add(-3*time.Hour))

	o := e.objcache("verify")
	if o.code != 1 {
		t.Errorf("verify of a damaged cache exited %d, want 1: %v", o.code, o)
	}
	for kind, want := range map[string]int{"dangling manifest entries": 1, "corrupt entries": 1, "old tmp files": 1, "orphan entries": 0} {
		if got := count(o.stdout, kind); got != want {
			t.Errorf("verify: %s = %d, want %d\n%s", kind, got, want, o.stdout)
		}
	}
	if count(o.stdout, "wrong section counters") < 1 {
		t.Errorf("verify did not notice the counters of the sections changed by hand:\n%s", o.stdout)
	}
	if o := e.objcache("verify", "--repair"); o.code != 0 || !strings.Contains(o.stdout, "repaired") {
		t.Errorf("verify --repair: %v", o)
	}
	if o := e.objcache("verify"); o.code != 0 || !strings.Contains(o.stdout, "No problems found") {
		t.Errorf("verify after --repair: %v", o)
	}
	compileAll() // the two damaged entries are stored again
	e.wantStats(map[string]int64{"hits": n - 2, "misses": n + 2})

	// clean --older-than: nothing is that old; then age every entry.
	if o := e.objcache("clean", "--older-than", "1d"); o.code != 0 || !strings.Contains(o.stdout, "Evicted 0 entries") {
		t.Errorf("clean --older-than 1d of a fresh cache: %v", o)
	}
	for _, f := range e.entryFiles("objects") {
		os.Chtimes(f, time.Now().Add(-50*time.Hour), time.Now().Add(-50*time.Hour))
	}
	if o := e.objcache("clean", "--older-than", "2d"); o.code != 0 || !strings.Contains(o.stdout, fmt.Sprintf("Evicted %d entries", n)) {
		t.Errorf("clean --older-than 2d: %v", o)
	}
	if left := e.entryFiles("manifests"); len(left) != 0 {
		t.Errorf("clean left %d manifests without entries", len(left))
	}
	compileAll()
	if o := e.objcache("clean", "--max-size", "1K"); o.code != 0 || !strings.Contains(o.stdout, fmt.Sprintf("Evicted %d entries", n)) {
		t.Errorf("clean --max-size 1K: %v", o)
	}
	compileAll()
	if o := e.objcache("clear"); o.code != 0 || !strings.Contains(o.stdout, fmt.Sprintf("Removed %d entries and %d manifests", n, n)) {
		t.Errorf("clear: %v", o)
	}
	if left := append(e.entryFiles("objects"), e.entryFiles("manifests")...); len(left) != 0 {
		t.Errorf("clear left %v", left)
	}
	st := e.stats()
	if st["misses"] != 3*n+2 || st["evicted"] != 2*int64(n) || st["files"] != 0 {
		t.Errorf("after clear: misses %d (want %d), evicted %d (want %d), files %d (want 0)", st["misses"], 3*n+2, st["evicted"], 2*n, st["files"])
	}
	if o := e.objcache("verify"); o.code != 0 {
		t.Errorf("verify after clear: %v", o)
	}
}

// TestMaintenanceBadInput: bad flags and a read-only configuration give a
// one-line error and exit 2, and remove nothing.
func TestMaintenanceBadInput(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("hello.c", helloC)
	e.write("hello.h", "#define GREETING \"kept\"\n")
	e.objcache("gcc", "-c", "hello.c", "-o", "hello.o")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"bad size", nil, []string{"clean", "--max-size", "lots"}, `--max-size: "lots" is not a size like 10G or 500M`},
		{"bad age", nil, []string{"clean", "--older-than", "soon"}, `--older-than: "soon" is not a duration like 10s, 1h or 7d`},
		{"read-only clean", map[string]string{"OBJCACHE_READONLY": "1"}, []string{"clean"}, "read_only is set"},
		{"read-only clear", map[string]string{"OBJCACHE_READONLY": "1"}, []string{"clear"}, "read_only is set"},
		{"read-only repair", map[string]string{"OBJCACHE_READONLY": "1"}, []string{"verify", "--repair"}, "read_only is set"},
		{"extra argument", nil, []string{"clear", "now"}, "clear"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				e.setenv(k, v)
			}
			o := e.objcache(tt.args...)
			for k := range tt.env {
				e.setenv(k, "")
			}
			if o.code != 2 || !strings.Contains(o.stderr, tt.want) || strings.Count(strings.TrimSpace(o.stderr), "\n") != 0 {
				t.Errorf("%v: %v; want exit 2 and one line containing %q", tt.args, o, tt.want)
			}
			if len(e.entryFiles("objects")) != 1 {
				t.Errorf("%v removed the entry", tt.args)
			}
		})
	}
}
